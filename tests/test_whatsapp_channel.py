"""The WhatsApp channel through Meta's Cloud API, end to end: a real server on loopback with its
clock pinned, a fake Graph API on loopback, and webhooks signed as Meta signs them
(``X-Hub-Signature-256``), shaped as Meta's "messages webhook reference" documents them."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.meta import ACCESS_TOKEN, API_VERSION, INVALID_TO, PHONE_NUMBER_ID, FakeMeta
from tests.waiting import wait_until
from widget_api.channels.meta_signature import signature, valid

APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "comptoir-verify-token"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TEMPLATES = [{"name": "suivi_commande", "language": "fr_CA"},
             {"name": "order_follow_up", "language": "en_US"}]  # fmt: skip
_IDS = itertools.count(1)


@pytest.fixture(scope="module")
def meta() -> Iterator[FakeMeta]:
    fake = FakeMeta().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def wa_server(tmp_path_factory, meta: FakeMeta) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("whatsapp") / "comptoir.duckdb"
    make_database(db_path)
    env = {"COMPTOIR_SMS__BASE_DELAY": "0.2", "COMPTOIR_SMS__MAX_DELAY": "1",
           "COMPTOIR_SMS__TIMEOUT": "2", "COMPTOIR_CLOCK__NOW": NOW.isoformat()}  # fmt: skip
    running = start_server(db_path, env=env)
    with httpx.Client(base_url=running.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        answer = client.put(
            "/api/v1/settings/channels/whatsapp",
            json={"phone_number_id": PHONE_NUMBER_ID, "access_token": ACCESS_TOKEN,
                  "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN,
                  "templates": TEMPLATES, "graph_base_url": meta.url,
                  "api_version": API_VERSION},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
    yield running
    running.stop()


@pytest.fixture
def admin(wa_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=wa_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def _wamid() -> str:
    return f"wamid.HBgLMTUxNDU1NTAxMjMVAgASGBQz{next(_IDS):012d}"


def text_message(wa_id: str, body: str, *, at: datetime = NOW, **extra) -> dict:
    return {"from": wa_id, "id": _wamid(), "timestamp": str(int(at.timestamp())), "type": "text",
            "text": {"body": body}, **extra}  # fmt: skip


def webhook(value: dict) -> dict:
    """Meta's envelope around one ``value`` (field ``messages``)."""
    base = {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": PHONE_NUMBER_ID}}  # fmt: skip
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398",
                       "changes": [{"value": base | value, "field": "messages"}]}]}  # fmt: skip


def messages_webhook(wa_id: str, name: str, *messages: dict) -> dict:
    return webhook({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                    "messages": list(messages)})  # fmt: skip


def post_signed(client: httpx.Client, payload: dict, secret: str = APP_SECRET) -> httpx.Response:
    raw = json.dumps(payload).encode()
    return client.post("/webhooks/meta", content=raw,
                       headers={"Content-Type": "application/json",
                                "X-Hub-Signature-256": signature(secret, raw)})  # fmt: skip


def ticket_for(admin: httpx.Client, phone: str) -> dict:
    """The WhatsApp ticket of the customer with ``phone`` (there must be one only)."""
    found = []
    listed = admin.get("/api/v1/tickets", params={"channel": "whatsapp", "limit": 100}).json()
    for item in listed["items"]:
        detail = admin.get(f"/api/v1/tickets/{item['ref']}").json()
        if any(i["value"] == phone for i in detail["customer_detail"]["identities"]):
            found.append(detail)
    assert len(found) == 1, [r["ref"] for r in found]
    return found[0]


def _message(admin: httpx.Client, ref: str, message_id: int) -> dict:
    return next(m for m in admin.get(f"/api/v1/tickets/{ref}").json()["messages"]
                if m["id"] == message_id)  # fmt: skip


# -- the handshake and the signature ------------------------------------------------------------
def test_the_subscription_handshake_echoes_the_challenge_only_with_our_token(admin):
    ok = admin.get("/webhooks/meta", params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                             "hub.verify_token": VERIFY_TOKEN})  # fmt: skip
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("text/plain")
    assert ok.text == "1158201444"
    wrong = admin.get("/webhooks/meta", params={"hub.mode": "subscribe", "hub.challenge": "1",
                                                "hub.verify_token": "guess"})  # fmt: skip
    assert wrong.status_code == 403
    assert admin.get("/webhooks/meta", params={"hub.challenge": "1"}).status_code == 403


def test_the_signature_matches_a_vector_computed_with_openssl():
    # printf '%s' '{"object":"whatsapp_business_account","entry":[]}' \
    #   | openssl dgst -sha256 -hmac 'meta-app-secret-for-tests'
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    expected = "sha256=54a69490a54636f68bda6d859aea5211297e3f23d98715aa74993cd0ad02eac4"
    assert signature(APP_SECRET, body) == expected
    assert valid(APP_SECRET, body, expected)
    assert not valid(APP_SECRET, body + b" ", expected)
    assert not valid("another-secret", body, expected)
    assert not valid(APP_SECRET, body, None)


def test_a_wrong_or_missing_signature_is_refused(admin):
    payload = messages_webhook("15145550201", "Zoé", text_message("15145550201", "Allô"))
    assert post_signed(admin, payload, secret="not-the-secret").status_code == 401
    bare = admin.post("/webhooks/meta", content=json.dumps(payload),
                      headers={"Content-Type": "application/json"})  # fmt: skip
    assert bare.status_code == 401
    listed = admin.get("/api/v1/tickets", params={"channel": "whatsapp", "q": "Allô"}).json()
    assert listed["items"] == []


# -- inbound --------------------------------------------------------------------------------------
def test_a_text_opens_a_ticket_a_duplicate_is_kept_once_and_the_next_threads(admin):
    wa_id, phone = "15145550202", "+15145550202"
    first = text_message(wa_id, "Bonjour, ma commande ND-200001 n'est pas arrivée.")
    answer = post_signed(admin, messages_webhook(wa_id, "Sheena Nelson", first))
    assert answer.status_code == 200, answer.text
    ticket = ticket_for(admin, phone)
    assert (ticket["channel"], ticket["language"]) == ("whatsapp", "fr")
    identity = ticket["customer_detail"]["identities"][0]
    assert (identity["kind"], identity["value"], identity["verified"]) == ("whatsapp", phone, True)
    assert ticket["customer_detail"]["name"] == "Sheena Nelson"

    second = text_message(wa_id, "Et je voudrais changer l'adresse.",
                          context={"from": "15550783881", "id": first["id"]})  # fmt: skip
    assert post_signed(admin, messages_webhook(wa_id, "Sheena Nelson", second)).status_code == 200
    assert post_signed(admin, messages_webhook(wa_id, "Sheena Nelson", second)).status_code == 200
    ticket = ticket_for(admin, phone)
    bodies = [m["body_text"] for m in ticket["messages"]]
    assert bodies == [first["text"]["body"], second["text"]["body"]]
    meta = ticket["messages"][1]["meta"]["whatsapp"]
    assert meta["wamid"] == second["id"]
    assert meta["context"] == {"wamid": first["id"], "message_id": ticket["messages"][0]["id"]}


def test_a_new_message_after_a_solved_ticket_opens_a_new_one(admin):
    wa_id, phone = "15145550203", "+15145550203"
    post_signed(admin, messages_webhook(wa_id, "Léa", text_message(wa_id, "Premier problème")))
    ticket = ticket_for(admin, phone)
    solved = admin.patch(f"/api/v1/tickets/{ticket['ref']}", json={"status": "solved"})
    assert solved.status_code == 200
    post_signed(admin, messages_webhook(wa_id, "Léa", text_message(wa_id, "Un autre problème")))
    listed = admin.get("/api/v1/tickets", params={"channel": "whatsapp", "limit": 100}).json()
    mine = [t for t in listed["items"] if t["customer"]["id"] == ticket["customer"]["id"]]
    assert sorted(t["subject"] for t in mine) == ["Premier problème", "Un autre problème"]


def test_media_keep_a_note_with_metas_media_id(admin):
    wa_id, phone = "15145550204", "+15145550204"
    image = {"from": wa_id, "id": _wamid(), "timestamp": str(int(NOW.timestamp())),
             "type": "image", "image": {"caption": "Le colis abîmé", "mime_type": "image/jpeg",
                                        "sha256": "abc", "id": "1480195929735551"}}  # fmt: skip
    assert post_signed(admin, messages_webhook(wa_id, "Noé", image)).status_code == 200
    body = ticket_for(admin, phone)["messages"][0]["body_text"]
    assert body.startswith("Le colis abîmé")
    assert "1480195929735551" in body and "image/jpeg" in body


# -- outbound -------------------------------------------------------------------------------------
def _reply(admin: httpx.Client, wa_id: str, body: str) -> tuple[str, int]:
    post_signed(admin, messages_webhook(wa_id, "Client", text_message(wa_id, "Bonjour!")))
    ref = ticket_for(admin, "+" + wa_id)["ref"]
    answer = admin.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "reply", "body": body})
    assert answer.status_code == 201, answer.text
    return ref, answer.json()["id"]


def test_a_reply_is_sent_exactly_once_through_a_500(admin, meta):
    wa_id = "15145550205"
    meta.fail_next(1)  # Meta answers 500 and sends nothing
    ref, message_id = _reply(admin, wa_id, "Votre remboursement est en route.")
    wait_until(lambda: _message(admin, ref, message_id)["delivery"] == "sent", "the reply sent")
    sent = meta.sent_to(wa_id)
    assert len(sent) == 1
    assert (sent[0]["type"], sent[0]["text"]["body"]) == (
        "text", "Votre remboursement est en route.")  # fmt: skip
    assert _message(admin, ref, message_id)["meta"]["whatsapp"]["wamid"] == sent[0]["id"]
    outbox = admin.get("/api/v1/whatsapp/outbox").json()
    item = next(i for i in outbox if i["message_id"] == message_id)
    assert (item["status"], item["attempts"]) == ("sent", 2)


def test_metas_refusal_shows_on_the_message(admin):
    ref, message_id = _reply(admin, INVALID_TO, "Bonjour")
    message = wait_until(
        lambda: (m := _message(admin, ref, message_id))["delivery"] == "failed" and m,
        "the refusal recorded",
    )
    assert message["meta"]["whatsapp"]["error_code"] == 131026
    assert "Message undeliverable" in message["meta"]["whatsapp"]["error"]


def test_statuses_update_the_reply(admin, meta):
    wa_id = "15145550206"
    ref, message_id = _reply(admin, wa_id, "Merci de votre patience.")
    wait_until(lambda: _message(admin, ref, message_id)["delivery"] == "sent", "marked sent")
    wamid = meta.sent_to(wa_id)[0]["id"]

    def status(state: str, **extra) -> dict:
        item = {"id": wamid, "status": state, "timestamp": str(int(NOW.timestamp())),
                "recipient_id": wa_id, **extra}  # fmt: skip
        return webhook({"statuses": [item]})

    assert post_signed(admin, status("delivered")).status_code == 200
    assert _message(admin, ref, message_id)["meta"]["whatsapp"]["status"] == "delivered"
    assert post_signed(admin, status("sent")).status_code == 200  # late: does not go back
    assert _message(admin, ref, message_id)["meta"]["whatsapp"]["status"] == "delivered"
    failed = status("failed", errors=[{"code": 131047, "title": "Re-engagement message",
                                       "message": "Re-engagement message",
                                       "error_data": {"details": "More than 24 hours have "
                                                      "passed since the recipient last "
                                                      "replied."}}])  # fmt: skip
    assert post_signed(admin, failed).status_code == 200
    message = _message(admin, ref, message_id)
    assert message["delivery"] == "failed"
    assert message["meta"]["whatsapp"]["error_code"] == 131047


def test_after_24_hours_a_free_reply_is_refused_and_a_template_goes_out(admin, meta):
    wa_id, phone = "15145550207", "+15145550207"
    old = text_message(wa_id, "Bonjour, où est ma commande?", at=NOW - timedelta(hours=30))
    post_signed(admin, messages_webhook(wa_id, "Camille", old))
    ref = ticket_for(admin, phone)["ref"]
    for lang, words in (("fr", "24 heures"), ("en", "24 hours")):
        refused = admin.post(f"/api/v1/tickets/{ref}/messages",
                             json={"kind": "reply", "body": "Votre colis arrive demain."},
                             headers={"Accept-Language": lang})  # fmt: skip
        assert refused.status_code == 409, refused.text
        assert words in refused.json()["detail"]
    unknown = admin.post(f"/api/v1/tickets/{ref}/whatsapp/template",
                         json={"name": "promo_ete", "language": "fr_CA"})  # fmt: skip
    assert unknown.status_code == 400
    sent = admin.post(f"/api/v1/tickets/{ref}/whatsapp/template",
                      json={"name": "suivi_commande", "language": "fr_CA"})  # fmt: skip
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["id"]
    wait_until(lambda: _message(admin, ref, message_id)["delivery"] == "sent", "template sent")
    (out,) = meta.sent_to(wa_id)
    assert out["type"] == "template"
    assert out["template"] == {"name": "suivi_commande", "language": {"code": "fr_CA"}}
    # The customer answers: the window opens again for free-form replies.
    post_signed(admin, messages_webhook(wa_id, "Camille", text_message(wa_id, "Merci!")))
    again = admin.post(f"/api/v1/tickets/{ref}/messages",
                       json={"kind": "reply", "body": "Avec plaisir."})  # fmt: skip
    assert again.status_code == 201, again.text


# -- settings -------------------------------------------------------------------------------------
def test_settings_never_return_the_secrets(admin):
    shown = admin.get("/api/v1/settings/channels/whatsapp").json()
    assert shown["access_token_set"] and shown["app_secret_set"] and shown["verify_token_set"]
    for secret in (ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN):
        assert secret not in json.dumps(shown)
    assert shown["phone_number_id"] == PHONE_NUMBER_ID
    assert shown["templates"] == TEMPLATES
    assert shown["webhook_url"].endswith("/webhooks/meta")
    bad = admin.put("/api/v1/settings/channels/whatsapp", json={"api_version": "latest"})
    assert bad.status_code == 400
