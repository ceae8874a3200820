"""The Canaux / Channels page driven with AppTest against a real server and fake Twilio and
Graph APIs on loopback: saving credentials masks the secret (and a blank field keeps it), the
Test button shows the platform's answer or its bilingual reason, the webhook URLs and the
offered verify token are the ones the webhooks accept, and a refused send is listed with
Twilio's reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import httpx
import pytest

from dashboard.channel_icons import CHANNEL_ICONS
from dashboard.i18n import tr
from dashboard.safe import md
from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.meta import (
    ACCESS_TOKEN,
    API_VERSION,
    DISPLAY_PHONE_NUMBER,
    PHONE_NUMBER_ID,
    VERIFIED_NAME,
    FakeMeta,
)
from tests.fakes.meta_messenger import IG_ACCOUNT_ID, PAGE_ID, PAGE_NAME, PAGE_TOKEN, FakeMessenger
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FRIENDLY_NAME, INVALID_TO, FakeTwilio
from tests.test_dashboard import signed_in, texts
from tests.test_sms_channel import PUBLIC, post_signed, sms, ticket_for
from tests.waiting import wait_until
from widget_api.contracts.common import Channel
from widget_api.i18n import t

PAGE = "app_pages/channels.py"
SMS = "/api/v1/settings/channels/sms"
WHATSAPP = "/api/v1/settings/channels/whatsapp"


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def meta() -> Iterator[FakeMeta]:
    fake = FakeMeta().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def messenger() -> Iterator[FakeMessenger]:
    fake = FakeMessenger().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("channels-page") / "comptoir.duckdb"
    make_database(db_path)
    env = {"COMPTOIR_SMS__BASE_DELAY": "0.2", "COMPTOIR_SMS__MAX_DELAY": "1",
           "COMPTOIR_SMS__TIMEOUT": "2"}  # fmt: skip
    running = start_server(db_path, env=env, public_base_url=PUBLIC)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def token(server) -> str:
    with httpx.Client(base_url=server.url, timeout=20) as client:
        return login(client)


@pytest.fixture
def admin(server, token) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, timeout=30, headers=headers) as client:
        yield client


def page(server, token, lang: str = "fr"):
    at = signed_in(server.url, token, lang).switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def run(at):
    at = at.run()
    assert not at.exception, at.exception
    return at


def fill(at, channel: str, **values: str):
    for name, value in values.items():
        at.text_input(key=f"canaux_{channel}_{name}_{version(at, channel)}").input(value)
    return at


def version(at, channel: str) -> int:
    return at.session_state[f"canaux_{channel}_version"]


def save(at, channel: str):
    return run(at.button(key=f"canaux_{channel}_save").click())


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def everything_shown(at) -> str:
    """Texts, code blocks and the values typed in fields: where a secret must not be."""
    values = [str(w.value) for w in (*at.text_input, *at.text_area)]
    return "\n".join([texts(at), *[c.value for c in at.code], *values])


def test_saving_sms_credentials_masks_the_token_and_a_blank_field_keeps_it(
    server, token, admin, twilio
):
    at = page(server, token)
    tabs = [tr(f"canaux.tab.{k}", "fr") for k in ("sms", "whatsapp", "messenger")]
    assert [tab.label for tab in at.tabs] == tabs
    at = fill(at, "sms", account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
              from_number="438 555-0100", api_base_url=twilio.url)  # fmt: skip
    at = save(at, "sms")
    assert not errors(at), errors(at)
    view = admin.get(SMS).json()
    assert view["auth_token_set"] and view["from_number"] == "+14385550100"
    field = at.text_input(key=f"canaux_sms_auth_token_{version(at, 'sms')}")
    assert field.value == "" and field.placeholder == tr("canaux.secret_saved", "fr")
    assert AUTH_TOKEN not in everything_shown(at)
    # The two URLs to paste in Twilio, with the proxy's public address.
    codes = [c.value for c in at.code]
    assert f"{PUBLIC}/webhooks/twilio/sms" in codes and f"{PUBLIC}/webhooks/twilio/status" in codes

    # Saved again with the token left blank: the token stays and the test still connects.
    at = save(fill(at, "sms", from_number="+1 438 555 0101"), "sms")
    assert admin.get(SMS).json()["from_number"] == "+14385550101"
    at = run(at.button(key="canaux_sms_test").click())
    assert [s.value for s in at.success] == [tr("canaux.test_ok", "fr", account=md(FRIENDLY_NAME))]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_failing_test_shows_twilios_reason_in_the_admins_language(
    server, token, admin, twilio, lang
):
    saved = admin.put(SMS, json={"account_sid": ACCOUNT_SID, "auth_token": "wrong-token",
                                 "api_base_url": twilio.url})  # fmt: skip
    assert saved.status_code == 200, saved.text
    try:
        at = run(page(server, token, lang).button(key="canaux_sms_test").click())
        expected = t("canaux.test.bad_credentials", lang, platform="Twilio", status=401,
                     detail="Authenticate (20003)")  # fmt: skip
        assert errors(at) == [md(expected)]
        assert not at.success
    finally:
        admin.put(SMS, json={"auth_token": AUTH_TOKEN})


def test_whatsapp_offered_verify_token_is_shown_once_and_passes_metas_handshake(
    server, token, admin, meta
):
    at = page(server, token, "en")
    offered = at.text_input(key="canaux_whatsapp_verify_token_0").value
    assert len(offered) >= 24
    at = fill(at, "whatsapp", phone_number_id=PHONE_NUMBER_ID, access_token=ACCESS_TOKEN,
              app_secret="meta-app-secret", graph_base_url=meta.url,
              api_version=API_VERSION)  # fmt: skip
    at.text_area(key="canaux_whatsapp_templates_0").input("order_follow_up en_US")
    at = save(at, "whatsapp")
    assert not errors(at), errors(at)
    view = admin.get(WHATSAPP).json()
    assert view["access_token_set"] and view["app_secret_set"] and view["verify_token_set"]
    assert view["templates"] == [{"name": "order_follow_up", "language": "en_US"}]
    codes = [c.value for c in at.code]
    assert f"{PUBLIC}/webhooks/meta" in codes
    assert offered in codes  # to paste in the Meta app, this once
    assert ACCESS_TOKEN not in everything_shown(at)
    handshake = admin.get("/webhooks/meta", params={"hub.mode": "subscribe",
                                                    "hub.verify_token": offered,
                                                    "hub.challenge": "8421"})  # fmt: skip
    assert (handshake.status_code, handshake.text) == (200, "8421")

    at = run(at.button(key="canaux_whatsapp_test").click())
    account = f"{VERIFIED_NAME} ({DISPLAY_PHONE_NUMBER})"
    assert [s.value for s in at.success] == [tr("canaux.test_ok", "en", account=md(account))]
    later = page(server, token, "en")  # another visit: the token is not shown again
    assert offered not in everything_shown(later)
    assert tr("canaux.verify_token.saved", "en") in texts(later)


def test_a_bad_template_line_saves_nothing(server, token, admin):
    before = admin.get(WHATSAPP).json()
    at = page(server, token, "fr")
    field = at.text_area(key=f"canaux_whatsapp_templates_{version(at, 'whatsapp')}")
    field.input("suivi_commande fr_CA\nsuivi")
    at = save(at, "whatsapp")
    assert errors(at) == [tr("canaux.f.templates_bad", "fr", line=2)]
    assert admin.get(WHATSAPP).json() == before


def test_a_refused_sms_is_listed_with_twilios_reason(server, token, admin, twilio):
    saved = admin.put(SMS, json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
                                 "from_number": "+14385550100",
                                 "api_base_url": twilio.url})  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert post_signed(admin, "/webhooks/twilio/sms", sms(INVALID_TO, "Allo?")).status_code == 200
    ref = ticket_for(admin, INVALID_TO)["ref"]
    reply = admin.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "reply", "body": "Oui?"})
    assert reply.status_code == 201, reply.text
    wait_until(lambda: any(i["status"] == "failed" for i in admin.get("/api/v1/sms/outbox").json()),
               "the refusal recorded")  # fmt: skip
    at = page(server, token, "en")
    assert tr("canaux.outbox.failed", "en", n=1) in [w.value for w in at.warning]
    (table,) = [d.value for d in at.dataframe]  # the only channel with sends
    row = table.iloc[0]
    assert row[tr("canaux.col.status", "en")] == tr("canaux.status.failed", "en")
    assert "not a valid phone number" in row[tr("canaux.col.last_error", "en")]
    assert row[tr("canaux.col.to", "en")] == INVALID_TO


def test_messenger_credentials_are_masked_and_the_test_names_the_page(
    server, token, admin, messenger
):
    at = page(server, token, "fr")
    at = fill(at, "messenger", page_id=PAGE_ID, page_access_token=PAGE_TOKEN,
              instagram_account_id=IG_ACCOUNT_ID, app_secret="messenger-app-secret",
              graph_base_url=messenger.url)  # fmt: skip
    at = save(at, "messenger")
    saved = admin.get("/api/v1/settings/channels/messenger").json()
    assert saved["page_id"] == PAGE_ID and saved["page_access_token_set"] is True
    assert PAGE_TOKEN not in everything_shown(at) and "messenger-app-secret" not in str(saved)
    assert f"{PUBLIC}/webhooks/meta" in [c.value for c in at.code]
    at = run(at.button(key="canaux_messenger_test").click())
    assert [s.value for s in at.success] == [tr("canaux.test_ok", "fr", account=md(PAGE_NAME))]


def test_agents_do_not_get_the_page(server, admin):
    body = {"email": "canaux.agent@example.com", "name": "Agent", "password": "agent-secret-1"}
    created = admin.post("/api/v1/agents", json=body)
    assert created.status_code == 201, created.text
    with httpx.Client(base_url=server.url, timeout=20) as client:
        agent_token = login(client, "canaux.agent@example.com", "agent-secret-1")
    at = signed_in(server.url, agent_token, "fr")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_the_analytics_channel_filter_offers_every_channel(server, token):
    at = signed_in(server.url, token, "en").switch_page("app_pages/analytics.py").run()
    assert not at.exception, at.exception
    options = at.multiselect(key="analytics_channels").options
    for name in ("sms", "whatsapp", "facebook", "instagram"):
        assert tr(f"channel.{name}", "en") in options


def test_every_channel_has_its_own_icon_and_a_name_in_both_languages():
    assert set(CHANNEL_ICONS) == set(get_args(Channel))
    messaging = [CHANNEL_ICONS[c] for c in ("sms", "whatsapp", "facebook", "instagram", "email")]
    assert len(set(messaging)) == len(messaging)  # told apart at a glance
    for lang in ("fr", "en"):
        for name in get_args(Channel):
            assert tr(f"channel.{name}", lang) != f"channel.{name}"
