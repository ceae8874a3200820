"""Identities linked by agents (issue 16), end to end on a real server: a customer texts through
the real, signed Twilio webhook, then writes through the public contact form; an agent finds
the second profile and links it, and can unlink it again."""

from __future__ import annotations

import itertools
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import RunningServer, free_port, login, make_database, start_server
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio
from tests.waiting import wait_until
from widget_api.channels.twilio_signature import public_url, signature

PUBLIC = "https://support.boutique.test"
MAILBOX = "support@nordet.example"
_SIDS = itertools.count(1)


@pytest.fixture(scope="module")
def ident_server(tmp_path_factory) -> Iterator[RunningServer]:
    twilio = FakeTwilio().start()
    db_path = tmp_path_factory.mktemp("identities") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path, public_base_url=PUBLIC)
    with httpx.Client(base_url=running.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        answer = client.put(
            "/api/v1/settings/channels/sms",
            json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
                  "from_number": FROM_NUMBER, "api_base_url": twilio.url},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
    yield running
    running.stop()
    twilio.stop()


@pytest.fixture
def agent(ident_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ident_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


@pytest.fixture
def anonymous(ident_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ident_server.url, timeout=30) as client:
        yield client


def text(client: httpx.Client, phone: str, body: str) -> None:
    """An SMS as Twilio posts it, signed for the public URL."""
    params = {"MessageSid": f"SM{next(_SIDS):032x}", "AccountSid": ACCOUNT_SID, "From": phone,
              "To": FROM_NUMBER, "Body": body, "NumMedia": "0", "FromCountry": "CA"}  # fmt: skip
    path = "/webhooks/twilio/sms"
    headers = {"X-Twilio-Signature": signature(AUTH_TOKEN, public_url(PUBLIC, path),
                                               params.items()),
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    answer = client.post(path, content=urlencode(params), headers=headers)
    assert answer.status_code == 200, answer.text


def write_form(client: httpx.Client, email: str, name: str, body: str) -> str:
    answer = client.post("/api/v1/tickets", json={"email": email, "name": name, "body": body})
    assert answer.status_code == 201, answer.text
    return answer.json()["ticket_ref"]


def ticket_saying(agent: httpx.Client, words: str) -> dict:
    found = agent.get("/api/v1/tickets", params={"q": words}).json()["items"]
    assert len(found) == 1, found
    return agent.get(f"/api/v1/tickets/{found[0]['ref']}").json()


def history(agent: httpx.Client, ref: str, name: str) -> list[dict]:
    return [e for e in agent.get(f"/api/v1/tickets/{ref}/events").json() if e["name"] == name]


def test_sms_then_mail_linked_by_an_agent_is_one_customer_and_unlinking_undoes_it(agent, anonymous):
    phone = "+15145550177"
    text(anonymous, phone, "Bonjour, ma tuque violette est arrivée déchirée")
    sms_ticket = ticket_saying(agent, "tuque violette")
    by_phone = sms_ticket["customer"]["id"]
    mail_ref = write_form(anonymous, "julie.gagnon@example.ca", "Julie Gagnon",
                          "Je vous ai écrit par texto au sujet de ma tuque mauve.")  # fmt: skip
    by_mail = agent.get(f"/api/v1/tickets/{mail_ref}").json()["customer"]["id"]
    assert by_phone != by_mail

    # The agent finds the SMS profile by its number written any way, and the other by name.
    found = agent.get("/api/v1/customers/search", params={"q": "514-555-0177"}).json()
    assert [c["id"] for c in found] == [by_phone]
    assert found[0]["identities"][0]["value"] == phone
    found = agent.get("/api/v1/customers/search", params={"q": "gagnon"}).json()
    assert by_mail in [c["id"] for c in found]

    linked = agent.post(f"/api/v1/customers/{by_mail}/link", json={"customer_id": by_phone})
    assert linked.status_code == 200, linked.text
    result = linked.json()
    assert (result["customer_id"], result["other_customer_id"]) == (by_mail, by_phone)
    assert (result["tickets_moved"], result["orders_moved"]) == (1, 0)
    kinds = {(i["kind"], i["value"], i["linked"]) for i in result["identities"]}
    assert kinds == {("phone", phone, True), ("email", "julie.gagnon@example.ca", False)}

    # One customer: both tickets in their history, both identities shown, the other gone.
    profile = agent.get(f"/api/v1/customers/{by_mail}").json()
    assert {t["ref"] for t in profile["tickets"]} == {sms_ticket["ref"], mail_ref}
    assert profile["phone"] == phone  # the empty field filled from the linked profile
    assert agent.get(f"/api/v1/customers/{by_phone}").status_code == 404
    listed = agent.get(f"/api/v1/customers/{by_mail}/identities").json()
    assert {i["kind"] for i in listed} == {"phone", "email"}
    detail = agent.get(f"/api/v1/tickets/{sms_ticket['ref']}").json()
    assert detail["customer"]["id"] == by_mail
    assert {i["value"] for i in detail["customer_detail"]["identities"]} == {
        phone, "julie.gagnon@example.ca"}  # fmt: skip
    me = agent.get("/api/v1/me").json()["id"]
    for ref in (sms_ticket["ref"], mail_ref):
        (event,) = history(agent, ref, "customer.linked")
        assert (event["actor_type"], event["actor_id"]) == ("agent", me)
        assert event["after"]["identities"] == [{"kind": "phone", "value": phone}]

    # The next SMS continues the open SMS ticket, now the linked customer's.
    text(anonymous, phone, "Et la taille était la mauvaise aussi")
    detail = agent.get(f"/api/v1/tickets/{sms_ticket['ref']}").json()
    assert detail["messages"][-1]["body_text"] == "Et la taille était la mauvaise aussi"
    assert detail["customer"]["id"] == by_mail

    # The customer's own e-mail is not theirs to unlink; the linked phone is.
    own_email = next(i["id"] for i in listed if i["kind"] == "email")
    assert agent.delete(f"/api/v1/customers/{by_mail}/identities/{own_email}").status_code == 409

    # Unlinking the phone undoes the link: the SMS profile is back, with its ticket.
    phone_id = next(i["id"] for i in listed if i["kind"] == "phone")
    undone = agent.delete(f"/api/v1/customers/{by_mail}/identities/{phone_id}")
    assert undone.status_code == 200, undone.text
    assert undone.json()["other_customer_id"] == by_phone
    assert [i["kind"] for i in undone.json()["identities"]] == []
    back = agent.get(f"/api/v1/customers/{by_phone}").json()
    assert [t["ref"] for t in back["tickets"]] == [sms_ticket["ref"]]
    assert back["phone"] == phone and back["email"] is None
    profile = agent.get(f"/api/v1/customers/{by_mail}").json()
    assert [t["ref"] for t in profile["tickets"]] == [mail_ref]
    assert profile["phone"] is None and profile["email"] == "julie.gagnon@example.ca"
    assert [i["value"] for i in agent.get(f"/api/v1/customers/{by_phone}/identities").json()] == [
        phone
    ]
    (event,) = history(agent, sms_ticket["ref"], "customer.unlinked")
    assert event["after"]["customer_id"] == by_phone
    assert len(history(agent, mail_ref, "customer.unlinked")) == 1

    # And the phone reaches its own customer again.
    text(anonymous, phone, "Allô? Toujours la tuque")
    assert agent.get(f"/api/v1/tickets/{sms_ticket['ref']}").json()["customer"]["id"] == by_phone


def test_an_attached_identity_routes_the_channel_to_the_customer_and_unlinks_alone(
    agent, anonymous
):
    ref = write_form(anonymous, "paul.roy@example.ca", "Paul Roy", "Où est mon manteau?")
    customer = agent.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"]
    attached = agent.post(f"/api/v1/customers/{customer}/link",
                          json={"kind": "phone", "value": "(514) 555-0199"})  # fmt: skip
    assert attached.status_code == 200, attached.text
    (phone,) = [i for i in attached.json()["identities"] if i["kind"] == "phone"]
    assert (phone["value"], phone["linked"], phone["verified"]) == ("+15145550199", True, False)
    assert len(history(agent, ref, "customer.linked")) == 1

    text(anonymous, "+15145550199", "C'est Paul, par texto cette fois: manteau bleu")
    sms_ticket = ticket_saying(agent, "manteau bleu")
    assert sms_ticket["customer"]["id"] == customer

    again = agent.post(f"/api/v1/customers/{customer}/link",
                       json={"kind": "phone", "value": "+1 514 555 0199"})  # fmt: skip
    assert again.status_code == 409

    undone = agent.delete(f"/api/v1/customers/{customer}/identities/{phone['id']}")
    assert undone.status_code == 200, undone.text
    alone = undone.json()["other_customer_id"]
    assert alone not in (None, customer)
    assert [i["value"] for i in agent.get(f"/api/v1/customers/{alone}/identities").json()] == [
        "+15145550199"
    ]
    assert agent.get(f"/api/v1/customers/{alone}").json()["phone"] == "+15145550199"
    # The SMS ticket that came through the phone leaves with it; the form ticket stays.
    assert agent.get(f"/api/v1/tickets/{sms_ticket['ref']}").json()["customer"]["id"] == alone
    assert agent.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"] == customer


def test_mail_from_a_linked_address_reaches_the_customer(agent, anonymous):
    ref = write_form(anonymous, "lea.cote@example.ca", "Léa Côté", "Bonjour, un échange svp")
    customer = agent.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"]
    answer = agent.post(f"/api/v1/customers/{customer}/link",
                        json={"kind": "email", "value": "Lea.Cote@Travail.example"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    other = write_form(anonymous, "lea.cote@travail.example", "Léa", "Depuis le bureau")
    assert agent.get(f"/api/v1/tickets/{other}").json()["customer"]["id"] == customer
    found = agent.get("/api/v1/customers/search", params={"q": "travail.example"}).json()
    assert [c["id"] for c in found] == [customer]


def test_refusals_are_clear_and_bilingual(agent, anonymous):
    ref = write_form(anonymous, "marc.lee@example.ca", "Marc Lee", "Question de taille")
    customer = agent.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"]
    taken = write_form(anonymous, "autre@example.ca", "Autre", "Une autre personne")
    other = agent.get(f"/api/v1/tickets/{taken}").json()["customer"]["id"]
    url = f"/api/v1/customers/{customer}/link"

    def refused(body: dict, status: int) -> dict[str, str]:
        texts = {}
        for lang in ("fr", "en"):
            answer = agent.post(url, json=body, headers={"Accept-Language": lang})
            assert answer.status_code == status, answer.text
            texts[lang] = answer.json()["detail"]
        return texts

    bad = refused({"kind": "phone", "value": "pas un numéro"}, 400)
    assert "pas un numéro" in bad["fr"] and "valid phone" in bad["en"]
    mine = refused({"kind": "email", "value": "autre@example.ca"}, 409)
    assert f"n° {other}" in mine["fr"] and f"#{other}" in mine["en"]
    refused({"kind": "instagram", "value": "abc"}, 400)
    refused({"customer_id": customer}, 400)
    refused({"customer_id": 999_999}, 404)
    refused({"customer_id": other, "kind": "phone", "value": "5145550100"}, 400)
    refused({}, 400)
    assert agent.get("/api/v1/customers/search", params={"q": "a"}).status_code == 400
    # The customer's own identity (not linked by an agent) is not unlinked.
    text(anonymous, "+15145550155", "Bonjour, ici Marc par texto: taille 12")
    own = ticket_saying(agent, "taille 12")["customer_detail"]
    refusal = agent.delete(f"/api/v1/customers/{own['id']}/identities/"
                           f"{own['identities'][0]['id']}")  # fmt: skip
    assert refusal.status_code == 409
    assert agent.delete(f"/api/v1/customers/{customer}/identities/"
                        f"{own['identities'][0]['id']}").status_code == 404  # fmt: skip


def test_an_agent_must_be_signed_in(anonymous):
    calls = [
        ("GET", "/api/v1/customers/search?q=julie", None),
        ("GET", "/api/v1/customers/1/identities", None),
        ("POST", "/api/v1/customers/1/link", {"customer_id": 2}),
        ("DELETE", "/api/v1/customers/1/identities/1", None),
    ]
    for method, path, body in calls:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            answer = anonymous.request(method, path, json=body, headers=headers)
            assert answer.status_code == 401, (method, path, answer.text)


def test_erasing_a_linked_customer_forgets_every_identity_and_the_linked_profile(agent, anonymous):
    text(anonymous, "+15145550166", "Bonjour, c'est Nadia: mes bottes d'hiver prennent l'eau")
    by_phone = ticket_saying(agent, "bottes d'hiver")["customer"]["id"]
    ref = write_form(anonymous, "nadia.b@example.ca", "Nadia B", "Mes bottes, suite")
    customer = agent.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"]
    linked = agent.post(f"/api/v1/customers/{customer}/link", json={"customer_id": by_phone})
    assert linked.status_code == 200, linked.text
    phone_id = next(i["id"] for i in linked.json()["identities"] if i["kind"] == "phone")

    assert agent.post(f"/api/v1/customers/{customer}/erase").status_code == 200
    assert agent.get(f"/api/v1/customers/{customer}/identities").json() == []
    found = agent.get("/api/v1/customers/search", params={"q": "514 555-0166"}).json()
    assert found == []
    # The linked profile kept to undo the link is gone too: nothing left to bring back.
    undo = agent.delete(f"/api/v1/customers/{customer}/identities/{phone_id}")
    assert undo.status_code == 404


def _smtp(port: int, sender: str, subject: str, body: str) -> bool:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, MAILBOX, subject
    msg["Message-ID"] = make_msgid(domain="videotron.ca")
    msg.set_content(body)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.sendmail(sender, [MAILBOX], msg.as_bytes())
        return True
    except OSError:  # the listener is still starting
        return False


def test_sms_then_real_smtp_mail_linked_the_other_way_round(agent, anonymous, tmp_path):
    """The SMS profile keeps the link this time: it takes the mail customer's address, and mail
    sent to our SMTP listener from that address afterwards reaches it."""
    port = free_port()
    assert agent.post("/api/v1/mail/mailboxes", json={
        "name": "Support", "address": MAILBOX, "inbound": "smtp"}).status_code == 201  # fmt: skip
    assert agent.put("/api/v1/mail/settings", json={
        "listener_enabled": True, "listener_host": "127.0.0.1", "listener_port": port,
    }).status_code == 200  # fmt: skip
    text(anonymous, "+15145550144", "Allô, c'est Éric, mon foulard n'est jamais arrivé")
    sms_ticket = ticket_saying(agent, "foulard")
    by_phone = sms_ticket["customer"]["id"]
    wait_until(lambda: _smtp(port, "Éric Roy <eric.roy@videotron.ca>", "Foulard",
                             "Je vous écris aussi par courriel pour le foulard rouge."),
               "the SMTP listener")  # fmt: skip
    mail_ticket = wait_until(
        lambda: next(
            iter(agent.get("/api/v1/tickets", params={"q": "foulard rouge"}).json()["items"]), None
        ),
        "the mail",
    )
    by_mail = mail_ticket["customer"]["id"]
    assert by_mail != by_phone

    linked = agent.post(f"/api/v1/customers/{by_phone}/link", json={"customer_id": by_mail})
    assert linked.status_code == 200, linked.text
    profile = agent.get(f"/api/v1/customers/{by_phone}").json()
    assert profile["email"] == "eric.roy@videotron.ca"
    assert {t["ref"] for t in profile["tickets"]} == {sms_ticket["ref"], mail_ticket["ref"]}

    wait_until(lambda: _smtp(port, "eric.roy@videotron.ca", "Encore", "Et le foulard bleu?"),
               "the SMTP listener")  # fmt: skip
    later = wait_until(
        lambda: next(
            iter(agent.get("/api/v1/tickets", params={"q": "foulard bleu"}).json()["items"]), None
        ),
        "the mail",
    )
    assert later["customer"]["id"] == by_phone

    email_id = next(i["id"] for i in linked.json()["identities"] if i["kind"] == "email")
    undone = agent.delete(f"/api/v1/customers/{by_phone}/identities/{email_id}")
    assert undone.status_code == 200, undone.text
    back = agent.get(f"/api/v1/customers/{by_mail}").json()
    assert back["email"] == "eric.roy@videotron.ca"
    # With the address go its mail ticket and the one opened from it since the link.
    assert {t["ref"] for t in back["tickets"]} == {mail_ticket["ref"], later["ref"]}
    assert later["ref"] != mail_ticket["ref"]
    assert agent.get(f"/api/v1/customers/{by_phone}").json()["email"] is None
