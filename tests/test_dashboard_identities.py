"""The ticket's customer panel and its identities (issue 16), in Streamlit's AppTest against a
real server: every identity with its channel, phones written for people, an SMS opt-out shown,
another profile found and linked after a confirmation, unlinked after another; and the
identities' words on their own (``dashboard.identity_text``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from dashboard.identity_text import human_phone, summary_of
from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER
from tests.test_dashboard import open_page, signed_in, texts, token_for
from widget_api.channels.twilio_signature import signature

_SIDS = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    """A server of its own with the SMS channel set up (no SMS is sent by these tests)."""
    db_path = tmp_path_factory.mktemp("dash-identities") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    with httpx.Client(base_url=running.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        answer = client.put(
            "/api/v1/settings/channels/sms",
            json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
                  "from_number": FROM_NUMBER, "api_base_url": "http://127.0.0.1:9"},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
    yield running
    running.stop()


@pytest.fixture
def agent(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def text(url: str, phone: str, body: str) -> None:
    params = {"MessageSid": f"SM{next(_SIDS):032x}", "AccountSid": ACCOUNT_SID, "From": phone,
              "To": FROM_NUMBER, "Body": body, "NumMedia": "0"}  # fmt: skip
    path = "/webhooks/twilio/sms"
    headers = {"X-Twilio-Signature": signature(AUTH_TOKEN, url + path, params.items()),
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    answer = httpx.post(url + path, content=urlencode(params), headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text


def ticket_saying(agent: httpx.Client, words: str) -> dict:
    (found,) = agent.get("/api/v1/tickets", params={"q": words}).json()["items"]
    return agent.get(f"/api/v1/tickets/{found['ref']}").json()


def log_text(at) -> str:
    log = next(e for e in at.expander if e.label == "Historique du billet")
    return "\n".join(m.value for m in log.markdown)


def open_ticket(url: str, ref: str, lang: str = "fr"):
    at = signed_in(url, token_for(url), lang)
    at.session_state["ticket_ref"] = ref
    return open_page(at, "ticket")


def test_the_panel_links_the_sms_profile_after_a_confirmation_then_unlinks_it(server, agent):
    phone = "+15145550188"
    text(server.url, phone, "Bonjour, mes mitaines sont trop petites")
    text(server.url, phone, "ARRÊT")
    sms_ticket = ticket_saying(agent, "mitaines")
    posted = httpx.post(f"{server.url}/api/v1/tickets", timeout=10, json={
        "email": "sophie.lavoie@example.ca", "name": "Sophie Lavoie",
        "body": "Je vous ai texté pour mes mitaines, c'est plus simple par courriel."})  # fmt: skip
    ref = posted.json()["ticket_ref"]
    customer = agent.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"]

    at = open_ticket(server.url, ref)
    assert not at.exception
    assert "Identités" in texts(at) and "Aucune autre identité connue." in texts(at)
    assert "Lier un autre profil" in [e.label for e in at.expander]

    at.text_input(key="identity_search").input("514 555-0188").run()
    picker = at.selectbox(key="identity_pick")
    assert picker.value == sms_ticket["customer"]["id"]
    assert "(514) 555-0188" in picker.format_func(picker.value)
    at = at.button(key="identity_link").click().run()  # not confirmed: nothing happens
    assert "Cochez d'abord la confirmation." in [e.value for e in at.error]
    assert agent.get(f"/api/v1/customers/{customer}/identities").json() == []

    at.checkbox(key="identity_confirm").check()
    at = at.button(key="identity_link").click().run()
    assert not at.exception
    assert any("Profil lié à ce client" in t.value for t in at.toast)
    profile = agent.get(f"/api/v1/customers/{customer}").json()
    assert {t["ref"] for t in profile["tickets"]} == {ref, sms_ticket["ref"]}

    shown = texts(at)
    assert "(514) 555-0188" in shown and "liée par un agent" in shown
    assert "Désabonné des SMS depuis le" in shown
    assert "sophie.lavoie@example.ca" in shown
    assert "a lié un autre profil à ce client \\:\u2060 Téléphone (SMS) (514) 555-0188" in log_text(
        at
    )

    phone_id = next(
        i["id"] for i in agent.get(f"/api/v1/customers/{customer}/identities").json()
        if i["kind"] == "phone"
    )  # fmt: skip
    at = at.button(key=f"identity_unlink_{phone_id}").click().run()
    assert any("Détacher (514) 555-0188 de ce client?" in w.value for w in at.warning)
    at = at.button(key="identity_unlink_yes").click().run()
    assert not at.exception
    assert any("Identité détachée" in t.value for t in at.toast)
    profile = agent.get(f"/api/v1/customers/{customer}").json()
    assert [t["ref"] for t in profile["tickets"]] == [ref]
    back = agent.get(f"/api/v1/tickets/{sms_ticket['ref']}").json()["customer"]["id"]
    assert back == sms_ticket["customer"]["id"]
    assert not [m.value for m in at.markdown if m.value.startswith(":material/sms:")]
    assert "a détaché Téléphone (SMS) (514) 555-0188" in log_text(at)


def test_the_panel_speaks_english_and_attaches_an_identity(server, agent):
    ken = {"email": "ken.wong@example.ca", "name": "Ken Wong", "body": "Where is my parka?"}
    posted = httpx.post(f"{server.url}/api/v1/tickets", timeout=10, json=ken)
    ref = posted.json()["ticket_ref"]
    at = open_ticket(server.url, ref, "en")
    assert "Link another profile" in [e.label for e in at.expander]
    at.selectbox(key="identity_attach_kind").select("whatsapp")
    at.text_input(key="identity_attach_value").input("438 555 0111")
    at = at.button(key="identity_attach").click().run()
    assert not at.exception
    assert "WhatsApp `(438) 555-0111` · :material/link: linked by an agent" in texts(at)
    at.text_input(key="identity_attach_value").input("not a number")
    at = at.button(key="identity_attach").click().run()
    assert any("is not a valid phone number" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+15145550177", "(514) 555-0177"), ("+33142685300", "+33 1 42 68 53 00"),
     ("not-a-phone", "not-a-phone")],
)  # fmt: skip
def test_phones_are_written_for_people(value, expected):
    assert human_phone(value) == expected


def test_an_events_identities_in_words():
    pairs = [{"kind": "phone", "value": "+15145550177"}, {"kind": "email", "value": "a@b.ca"}]
    assert summary_of(pairs, "fr") == "Téléphone (SMS) (514) 555-0177, Courriel a@b.ca"
    assert summary_of(pairs, "en") == "Phone (SMS) (514) 555-0177, E-mail a@b.ca"
