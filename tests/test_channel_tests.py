"""The Canaux page's connection tests, over real HTTP: ``POST
/api/v1/settings/channels/{sms|whatsapp}/test`` against fake Twilio and Graph APIs on loopback
answering as they document (Twilio's Account resource, the WhatsApp business phone number), with
good, wrong and missing credentials and a platform that does not answer."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, free_port, login, make_database, start_server
from tests.fakes.meta import (
    ACCESS_TOKEN,
    API_VERSION,
    DISPLAY_PHONE_NUMBER,
    PHONE_NUMBER_ID,
    VERIFIED_NAME,
    FakeMeta,
)
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FRIENDLY_NAME, FROM_NUMBER, FakeTwilio
from widget_api.i18n import t

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
def channels_server(tmp_path_factory) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("channel-tests") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture
def admin(channels_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=channels_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def configure_sms(admin: httpx.Client, base_url: str, token: str = AUTH_TOKEN) -> None:
    saved = admin.put(SMS, json={"account_sid": ACCOUNT_SID, "auth_token": token,
                                 "from_number": FROM_NUMBER, "api_base_url": base_url})  # fmt: skip
    assert saved.status_code == 200, saved.text


def configure_whatsapp(admin: httpx.Client, base_url: str, token: str = ACCESS_TOKEN,
                       number_id: str = PHONE_NUMBER_ID) -> None:  # fmt: skip
    saved = admin.put(WHATSAPP, json={"phone_number_id": number_id, "access_token": token,
                                      "graph_base_url": base_url,
                                      "api_version": API_VERSION})  # fmt: skip
    assert saved.status_code == 200, saved.text


def run_test(admin: httpx.Client, path: str, lang: str = "fr") -> dict:
    answer = admin.post(f"{path}/test", headers={"Accept-Language": lang})
    assert answer.status_code == 200, answer.text
    return answer.json()


def closed_url() -> str:
    """A loopback URL nobody listens on."""
    return f"http://127.0.0.1:{free_port()}"


def test_only_administrators_may_run_a_test(channels_server, admin):
    for path in (SMS, WHATSAPP):
        assert httpx.post(f"{channels_server.url}{path}/test", timeout=10).status_code == 401
    created = admin.post("/api/v1/agents", json={"email": "tests.canaux@example.com",
                                                 "name": "Agent Canaux",
                                                 "password": "agent-secret-1"})  # fmt: skip
    assert created.status_code == 201, created.text
    with httpx.Client(base_url=channels_server.url, timeout=30) as agent:
        agent.headers["Authorization"] = (
            f"Bearer {login(agent, 'tests.canaux@example.com', 'agent-secret-1')}"
        )
        for path in (SMS, WHATSAPP):
            assert agent.post(f"{path}/test").status_code == 403


def test_a_channel_not_set_up_says_what_to_enter_in_both_languages(admin):
    for lang in ("fr", "en"):
        sms = run_test(admin, SMS, lang)
        assert sms == {"ok": False, "account": None,
                       "message": t("canaux.test.sms_not_set_up", lang)}  # fmt: skip
        whatsapp = run_test(admin, WHATSAPP, lang)
        assert whatsapp == {"ok": False, "account": None,
                            "message": t("canaux.test.whatsapp_not_set_up", lang)}  # fmt: skip
    assert "Twilio" in run_test(admin, SMS, "en")["message"]
    assert "jeton" in run_test(admin, SMS, "fr")["message"]


def test_sms_test_answers_twilios_account_name_and_never_the_token(admin, twilio):
    configure_sms(admin, twilio.url)
    result = run_test(admin, SMS)
    assert result == {"ok": True, "account": FRIENDLY_NAME, "message": None}
    raw = admin.post(f"{SMS}/test").text
    assert AUTH_TOKEN not in raw  # Twilio's Account resource carries it: never passed on
    assert twilio.create_calls == 0  # a test sends nothing


def test_sms_test_of_a_suspended_account_says_so(admin, twilio):
    configure_sms(admin, twilio.url)
    twilio.account_status = "suspended"
    try:
        for lang in ("fr", "en"):
            result = run_test(admin, SMS, lang)
            assert result == {"ok": False, "account": FRIENDLY_NAME,
                              "message": t("canaux.test.sms_suspended", lang,
                                           name=FRIENDLY_NAME)}  # fmt: skip
    finally:
        twilio.account_status = "active"
    assert run_test(admin, SMS)["ok"] is True


def test_sms_test_with_a_wrong_token_gives_twilios_reason(admin, twilio):
    configure_sms(admin, twilio.url, token="not-the-right-token")
    for lang in ("fr", "en"):
        result = run_test(admin, SMS, lang)
        assert result["ok"] is False and result["account"] is None
        assert result["message"] == t("canaux.test.bad_credentials", lang, platform="Twilio",
                                      status=401, detail="Authenticate (20003)")  # fmt: skip


def test_sms_test_when_twilio_does_not_answer(admin):
    configure_sms(admin, closed_url())
    result = run_test(admin, SMS, "en")
    assert result["ok"] is False
    assert result["message"].startswith("Twilio does not answer: ConnectError")
    assert run_test(admin, SMS, "fr")["message"].startswith("Twilio ne répond pas : ")


def test_whatsapp_test_answers_the_verified_name_and_number(admin, meta):
    configure_whatsapp(admin, meta.url)
    result = run_test(admin, WHATSAPP)
    assert result == {"ok": True, "account": f"{VERIFIED_NAME} ({DISPLAY_PHONE_NUMBER})",
                      "message": None}  # fmt: skip
    assert meta.calls == 0  # nothing was sent


def test_whatsapp_test_with_a_wrong_token_or_number_gives_metas_reason(admin, meta):
    configure_whatsapp(admin, meta.url, token="EAAG-expired")
    for lang in ("fr", "en"):
        result = run_test(admin, WHATSAPP, lang)
        assert result["ok"] is False
        assert result["message"] == t(
            "canaux.test.bad_credentials", lang, platform="Meta", status=401,
            detail="Invalid OAuth access token - Cannot parse access token (190)",
        )  # fmt: skip
    configure_whatsapp(admin, meta.url, number_id="999")
    result = run_test(admin, WHATSAPP, "en")
    assert result["ok"] is False
    assert result["message"].startswith("Meta answered with an error (HTTP 400): Unsupported get")
    assert result["message"].endswith("(100)")


def test_whatsapp_test_when_meta_does_not_answer(admin):
    configure_whatsapp(admin, closed_url())
    assert run_test(admin, WHATSAPP, "en")["message"].startswith("Meta does not answer: ")
