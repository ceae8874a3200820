"""Facebook Messenger and Instagram through Meta's Messenger Platform, end to end: a real server
on loopback with its clock pinned, a fake Graph API on loopback (Send API, Conversations API,
profiles, attachment files), and webhooks signed as Meta signs them (``X-Hub-Signature-256``),
shaped as Meta's Messenger Platform webhook reference documents them (``entry[].messaging[]``).
WhatsApp is set up too, with its own app secret and verify token, since ``/webhooks/meta``
serves both."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.meta_messenger import (
    API_VERSION,
    IG_ACCOUNT_ID,
    PAGE_ID,
    PAGE_NAME,
    PAGE_TOKEN,
    UNAVAILABLE,
    FakeMessenger,
)
from tests.waiting import wait_until
from widget_api.channels.meta_signature import signature

APP_SECRET = "messenger-app-secret-for-tests"
VERIFY_TOKEN = "comptoir-messenger-verify"
WA_SECRET = "whatsapp-app-secret-for-tests"
WA_VERIFY = "comptoir-whatsapp-verify"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_IDS = itertools.count(1)


@pytest.fixture(scope="module")
def graph() -> Iterator[FakeMessenger]:
    fake = FakeMessenger(origin=NOW).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def fb_server(tmp_path_factory, graph: FakeMessenger) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("messenger") / "comptoir.duckdb"
    make_database(db_path)
    env = {"COMPTOIR_SMS__BASE_DELAY": "0.2", "COMPTOIR_SMS__MAX_DELAY": "1",
           "COMPTOIR_SMS__TIMEOUT": "2", "COMPTOIR_CLOCK__NOW": NOW.isoformat()}  # fmt: skip
    running = start_server(db_path, env=env)
    with httpx.Client(base_url=running.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        answer = client.put(
            "/api/v1/settings/channels/messenger",
            json={"page_id": PAGE_ID, "page_access_token": PAGE_TOKEN,
                  "instagram_account_id": IG_ACCOUNT_ID, "app_secret": APP_SECRET,
                  "verify_token": VERIFY_TOKEN, "graph_base_url": graph.url,
                  "api_version": API_VERSION},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        answer = client.put("/api/v1/settings/channels/whatsapp",
                            json={"app_secret": WA_SECRET, "verify_token": WA_VERIFY})  # fmt: skip
        assert answer.status_code == 200, answer.text
    yield running
    running.stop()


@pytest.fixture
def admin(fb_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fb_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


# -- Meta's payloads ------------------------------------------------------------------------------
def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _mid() -> str:
    return f"m_1457764197618:41d102a3e1ae206a38_{next(_IDS):06d}"


def text_event(user: str, text: str, *, at: datetime = NOW, ours: str = PAGE_ID,
               **message) -> dict:  # fmt: skip
    return {"sender": {"id": user}, "recipient": {"id": ours}, "timestamp": _ms(at),
            "message": {"mid": _mid(), "text": text, **message}}  # fmt: skip


def page_webhook(*events: dict) -> dict:
    """Meta's Messenger envelope (``"object": "page"``)."""
    return {"object": "page",
            "entry": [{"id": PAGE_ID, "time": _ms(NOW), "messaging": list(events)}]}  # fmt: skip


def instagram_webhook(*events: dict) -> dict:
    return {"object": "instagram",
            "entry": [{"id": IG_ACCOUNT_ID, "time": _ms(NOW),
                       "messaging": list(events)}]}  # fmt: skip


def post_signed(client: httpx.Client, payload: dict, secret: str = APP_SECRET) -> httpx.Response:
    raw = json.dumps(payload).encode()
    return client.post("/webhooks/meta", content=raw,
                       headers={"Content-Type": "application/json",
                                "X-Hub-Signature-256": signature(secret, raw)})  # fmt: skip


def ticket_for(admin: httpx.Client, channel: str, user: str) -> dict:
    """The ``channel`` ticket of the customer with identity ``user`` (there must be one only)."""
    found = []
    listed = admin.get("/api/v1/tickets", params={"channel": channel, "limit": 100}).json()
    for item in listed["items"]:
        detail = admin.get(f"/api/v1/tickets/{item['ref']}").json()
        if any(i["value"] == user for i in detail["customer_detail"]["identities"]):
            found.append(detail)
    assert len(found) == 1, [r["ref"] for r in found]
    return found[0]


def _message(admin: httpx.Client, ref: str, message_id: int) -> dict:
    return next(m for m in admin.get(f"/api/v1/tickets/{ref}").json()["messages"]
                if m["id"] == message_id)  # fmt: skip


def _outbox(admin: httpx.Client, message_id: int) -> dict:
    return next(i for i in admin.get("/api/v1/messenger/outbox").json()
                if i["message_id"] == message_id)  # fmt: skip


# -- the handshake and the signature ------------------------------------------------------------
@pytest.mark.parametrize("token", [VERIFY_TOKEN, WA_VERIFY])
def test_the_handshake_accepts_the_messenger_or_the_whatsapp_token(admin, token):
    ok = admin.get("/webhooks/meta", params={"hub.mode": "subscribe", "hub.challenge": "8146",
                                             "hub.verify_token": token})  # fmt: skip
    assert (ok.status_code, ok.text) == (200, "8146")


def test_the_handshake_refuses_another_token(admin):
    wrong = admin.get("/webhooks/meta", params={"hub.mode": "subscribe", "hub.challenge": "1",
                                                "hub.verify_token": "guess"})  # fmt: skip
    assert wrong.status_code == 403
    bad_mode = admin.get("/webhooks/meta", params={"hub.mode": "unsubscribe",
                                                   "hub.challenge": "1",
                                                   "hub.verify_token": VERIFY_TOKEN})  # fmt: skip
    assert bad_mode.status_code == 403


@pytest.mark.parametrize("envelope", [page_webhook, instagram_webhook])
def test_a_wrong_or_missing_signature_is_refused(admin, envelope):
    user = "6100000000000101"
    payload = envelope(text_event(user, "Signature piégée"))
    assert post_signed(admin, payload, secret="not-the-secret").status_code == 401
    bare = admin.post("/webhooks/meta", content=json.dumps(payload),
                      headers={"Content-Type": "application/json"})  # fmt: skip
    assert bare.status_code == 401
    # WhatsApp's secret signs WhatsApp deliveries only.
    assert post_signed(admin, payload, secret=WA_SECRET).status_code == 401
    for channel in ("facebook", "instagram"):
        listed = admin.get("/api/v1/tickets", params={"channel": channel, "q": "piégée"}).json()
        assert listed["items"] == []


# -- inbound --------------------------------------------------------------------------------------
def test_a_messenger_text_opens_a_ticket_a_duplicate_is_kept_once_and_a_reply_to_threads(
    admin, graph
):
    psid = "6100000000000102"
    graph.profiles[psid] = {"first_name": "Sheena", "last_name": "Nelson"}
    first = text_event(psid, "Bonjour, ma commande ND-200001 n'est pas arrivée.")
    assert post_signed(admin, page_webhook(first)).status_code == 200
    ticket = ticket_for(admin, "facebook", psid)
    assert (ticket["channel"], ticket["language"]) == ("facebook", "fr")
    (identity,) = ticket["customer_detail"]["identities"]
    assert (identity["kind"], identity["value"], identity["verified"]) == ("messenger", psid, True)
    assert ticket["customer_detail"]["name"] == "Sheena Nelson"

    second = text_event(psid, "Et je voudrais changer l'adresse.",
                        reply_to={"mid": first["message"]["mid"]})  # fmt: skip
    assert post_signed(admin, page_webhook(second)).status_code == 200
    assert post_signed(admin, page_webhook(second)).status_code == 200  # Meta redelivers
    ticket = ticket_for(admin, "facebook", psid)
    assert [m["body_text"] for m in ticket["messages"]] == [
        first["message"]["text"], second["message"]["text"]]  # fmt: skip
    meta = ticket["messages"][1]["meta"]["messenger"]
    assert meta["mid"] == second["message"]["mid"]
    assert meta["reply_to"] == {"mid": first["message"]["mid"],
                                "message_id": ticket["messages"][0]["id"]}  # fmt: skip


def test_an_instagram_text_opens_an_instagram_ticket_once(admin, graph):
    igsid = "17841400000000103"
    graph.profiles[igsid] = {"name": "Camille Roy", "username": "camille.roy"}
    event = text_event(igsid, "Hi! Do you ship the wool socks to Vancouver?", ours=IG_ACCOUNT_ID)
    assert post_signed(admin, instagram_webhook(event)).status_code == 200
    assert post_signed(admin, instagram_webhook(event)).status_code == 200
    ticket = ticket_for(admin, "instagram", igsid)
    assert (ticket["channel"], ticket["language"]) == ("instagram", "en")
    assert [m["body_text"] for m in ticket["messages"]] == [event["message"]["text"]]
    (identity,) = ticket["customer_detail"]["identities"]
    assert (identity["kind"], identity["value"]) == ("instagram", igsid)
    assert ticket["customer_detail"]["name"] == "Camille Roy"


def test_an_image_is_fetched_and_kept_and_a_reaction_and_an_echo_are_handled(admin, graph):
    psid = "6100000000000104"
    picture = b"\xff\xd8\xff\xe0" + b"jpeg-pixels" * 100
    url = graph.file_url("colis.jpg", "image/jpeg", picture)
    gone = url.replace("colis.jpg", "gone.jpg")
    image = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _ms(NOW),
             "message": {"mid": _mid(), "attachments": [
                 {"type": "image", "payload": {"url": url}},
                 {"type": "image", "payload": {"url": gone}}]}}  # fmt: skip
    assert post_signed(admin, page_webhook(image)).status_code == 200
    ticket = ticket_for(admin, "facebook", psid)
    files = admin.get(f"/api/v1/tickets/{ticket['ref']}/attachments").json()
    assert len(files) == 1 and files[0]["content_type"] == "image/jpeg"
    assert admin.get(f"/api/v1/attachments/{files[0]['id']}").content == picture
    first, note = ticket["messages"][0], ticket["messages"][-1]
    assert "Messenger" in first["body_text"]  # a file only: said so in words
    assert note["kind"] == "note" and "1:" in note["body_text"]  # the lost file is named

    reaction = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _ms(NOW) + 1,
                "reaction": {"mid": image["message"]["mid"], "action": "react",
                             "reaction": "love", "emoji": "\u2764\ufe0f"}}  # fmt: skip
    echo = text_event(PAGE_ID, "Merci, nous regardons.", ours=psid, is_echo=True,
                      app_id=1517776481860111)  # fmt: skip
    assert post_signed(admin, page_webhook(reaction, echo)).status_code == 200
    assert post_signed(admin, page_webhook(reaction)).status_code == 200  # kept once
    messages = ticket_for(admin, "facebook", psid)["messages"]
    reactions = [m for m in messages if "\u2764" in m["body_text"]]
    assert len(reactions) == 1
    assert reactions[0]["meta"]["messenger"]["reaction"]["message_id"] == first["id"]
    assert not any("nous regardons" in m["body_text"] for m in messages)


def test_a_location_is_described(admin):
    psid = "6100000000000105"
    place = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _ms(NOW),
             "message": {"mid": _mid(), "attachments": [
                 {"type": "location", "title": "Boutique",
                  "payload": {"coordinates": {"lat": 45.5017, "long": -73.5673}}}]}}  # fmt: skip
    assert post_signed(admin, page_webhook(place)).status_code == 200
    body = ticket_for(admin, "facebook", psid)["messages"][0]["body_text"]
    assert "45.5017" in body and "-73.5673" in body


# -- outbound -------------------------------------------------------------------------------------
def _reply(admin: httpx.Client, psid: str, body: str, *, at: datetime = NOW,
           channel: str = "facebook") -> tuple[str, int]:  # fmt: skip
    if channel == "instagram":
        post_signed(admin, instagram_webhook(text_event(psid, "Bonjour!", at=at,
                                                        ours=IG_ACCOUNT_ID)))  # fmt: skip
    else:
        post_signed(admin, page_webhook(text_event(psid, "Bonjour!", at=at)))
    ref = ticket_for(admin, channel, psid)["ref"]
    answer = admin.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "reply", "body": body})
    assert answer.status_code == 201, answer.text
    return ref, answer.json()["id"]


def _sent(admin: httpx.Client, ref: str, message_id: int) -> dict:
    return wait_until(
        lambda: (m := _message(admin, ref, message_id))["delivery"] == "sent" and m, "reply sent"
    )


def test_a_reply_goes_out_exactly_once_through_an_outage_of_the_send_api(admin, graph):
    psid = "6100000000000201"
    graph.fail_next(2)  # Meta answers 500 twice and sends nothing
    ref, message_id = _reply(admin, psid, "Votre remboursement est en route.")
    message = _sent(admin, ref, message_id)
    (sent,) = graph.sent_to(psid)
    assert sent["message"] == {"text": "Votre remboursement est en route."}
    assert (sent["messaging_type"], sent.get("tag")) == ("RESPONSE", None)
    assert message["meta"]["messenger"]["mid"] == sent["mid"]
    item = _outbox(admin, message_id)
    assert (item["status"], item["attempts"], item["platform"]) == ("sent", 3, "messenger")


def test_a_lost_answer_is_looked_up_and_never_sent_twice(admin, graph):
    psid = "6100000000000202"
    graph.lose_next(1)  # sent, but the 200 never comes back
    ref, message_id = _reply(admin, psid, "Le colis part demain matin.")
    message = _sent(admin, ref, message_id)
    (sent,) = graph.sent_to(psid)
    assert message["meta"]["messenger"]["mid"] == sent["mid"]
    assert graph.conversation_calls >= 1
    item = _outbox(admin, message_id)
    assert (item["status"], item["mid"], item["attempts"]) == ("sent", sent["mid"], 1)


def test_an_instagram_reply_leaves_through_the_page(admin, graph):
    igsid = "17841400000000203"
    ref, message_id = _reply(admin, igsid, "Yes, we ship across Canada!", channel="instagram")
    _sent(admin, ref, message_id)
    (sent,) = graph.sent_to(igsid)
    assert sent["recipient"] == {"id": igsid}
    assert _outbox(admin, message_id)["platform"] == "instagram"


def test_metas_refusal_shows_on_the_message(admin):
    ref, message_id = _reply(admin, UNAVAILABLE, "Bonjour")
    message = wait_until(
        lambda: (m := _message(admin, ref, message_id))["delivery"] == "failed" and m,
        "the refusal recorded",
    )
    assert message["meta"]["messenger"]["error_code"] == 551
    assert "isn't available" in message["meta"]["messenger"]["error"]


def test_between_24_hours_and_7_days_a_reply_is_tagged_human_agent(admin, graph):
    psid = "6100000000000204"
    ref, message_id = _reply(admin, psid, "Désolée du délai!", at=NOW - timedelta(hours=30))
    _sent(admin, ref, message_id)
    (sent,) = graph.sent_to(psid)
    assert (sent["messaging_type"], sent["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    item = _outbox(admin, message_id)
    assert (item["messaging_type"], item["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_after_7_days_a_reply_is_refused_until_the_customer_writes(admin, graph):
    psid = "6100000000000205"
    post_signed(admin, page_webhook(text_event(psid, "Allô?", at=NOW - timedelta(days=8))))
    ref = ticket_for(admin, "facebook", psid)["ref"]
    for lang, words in (("fr", "7 jours"), ("en", "7 days")):
        refused = admin.post(f"/api/v1/tickets/{ref}/messages",
                             json={"kind": "reply", "body": "Votre colis arrive demain."},
                             headers={"Accept-Language": lang})  # fmt: skip
        assert refused.status_code == 409, refused.text
        assert words in refused.json()["detail"] and "Messenger" in refused.json()["detail"]
    note = admin.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "note", "body": "À suivre"})
    assert note.status_code == 201  # notes stay allowed
    post_signed(admin, page_webhook(text_event(psid, "Toujours là?")))
    body = {"kind": "reply", "body": "Oui! Votre colis arrive demain."}
    again = admin.post(f"/api/v1/tickets/{ref}/messages", json=body)
    assert again.status_code == 201, again.text
    _sent(admin, ref, again.json()["id"])
    assert [m["messaging_type"] for m in graph.sent_to(psid)] == ["RESPONSE"]


def test_delivery_and_read_events_move_the_reply_forward(admin, graph):
    psid = "6100000000000206"
    ref, message_id = _reply(admin, psid, "Merci de votre patience.")
    _sent(admin, ref, message_id)
    mid = graph.sent_to(psid)[0]["mid"]
    later = _ms(NOW + timedelta(hours=2))

    def event(**what) -> dict:
        return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": later, **what}

    delivered = event(delivery={"mids": [mid], "watermark": later})
    assert post_signed(admin, page_webhook(delivered)).status_code == 200
    assert _message(admin, ref, message_id)["meta"]["messenger"]["status"] == "delivered"
    assert post_signed(admin, page_webhook(event(read={"watermark": later}))).status_code == 200
    assert _message(admin, ref, message_id)["meta"]["messenger"]["status"] == "read"
    # A late delivery does not take it back.
    post_signed(admin, page_webhook(delivered))
    assert _outbox(admin, message_id)["meta_status"] == "read"


def test_instagram_read_names_the_message(admin, graph):
    igsid = "17841400000000207"
    ref, message_id = _reply(admin, igsid, "Your order shipped.", channel="instagram")
    _sent(admin, ref, message_id)
    mid = graph.sent_to(igsid)[0]["mid"]
    read = {"sender": {"id": igsid}, "recipient": {"id": IG_ACCOUNT_ID},
            "timestamp": _ms(NOW + timedelta(hours=1)), "read": {"mid": mid}}  # fmt: skip
    assert post_signed(admin, instagram_webhook(read)).status_code == 200
    assert _message(admin, ref, message_id)["meta"]["messenger"]["status"] == "read"


# -- settings -------------------------------------------------------------------------------------
def test_settings_never_return_the_secrets(admin):
    shown = admin.get("/api/v1/settings/channels/messenger").json()
    assert shown["configured"] and shown["page_access_token_set"]
    assert shown["app_secret_set"] and shown["verify_token_set"]
    for secret in (PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN):
        assert secret not in json.dumps(shown)
    assert (shown["page_id"], shown["instagram_account_id"]) == (PAGE_ID, IG_ACCOUNT_ID)
    assert shown["webhook_url"].endswith("/webhooks/meta")
    bad = admin.put("/api/v1/settings/channels/messenger", json={"page_id": "not a number"})
    assert bad.status_code == 400


def test_the_test_button_answers_the_page_name_or_metas_reason(admin):
    ok = admin.post("/api/v1/settings/channels/messenger/test")
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"ok": True, "account": PAGE_NAME, "message": None}
    admin.put("/api/v1/settings/channels/messenger", json={"page_access_token": "expired"})
    try:
        for lang, words in (("fr", "Meta a refusé"), ("en", "Meta refused")):
            failed = admin.post("/api/v1/settings/channels/messenger/test",
                                headers={"Accept-Language": lang}).json()  # fmt: skip
            assert failed["ok"] is False and words in failed["message"]
            assert "Invalid OAuth access token" in failed["message"]
    finally:
        admin.put("/api/v1/settings/channels/messenger", json={"page_access_token": PAGE_TOKEN})


def test_the_outbox_and_settings_are_for_administrators_only(fb_server):
    with httpx.Client(base_url=fb_server.url, timeout=10) as anonymous:
        assert anonymous.get("/api/v1/messenger/outbox").status_code == 401
        assert anonymous.get("/api/v1/settings/channels/messenger").status_code == 401


def test_a_malformed_delivery_is_answered_without_a_server_error(admin):
    psid = "6100000000000106"
    items = [
        {"sender": "x"},
        {"sender": {"id": psid}, "message": {"mid": ["m_odd"], "text": 5, "reply_to": "x",
                                             "attachments": {"type": "image"}}},
        {"sender": {"id": psid}, "reaction": {"mid": {"x": 1}}},
        {"sender": {"id": psid}, "delivery": {"mids": "m_x", "watermark": "soon"}},
    ]  # fmt: skip
    odd = {"object": "page",
           "entry": ["not an entry", {"messaging": "nope"}, {"messaging": items}]}  # fmt: skip
    for payload in (odd, {"object": "instagram", "entry": "x"}, {"object": "page"}):
        answer = post_signed(admin, payload)
        assert answer.status_code == 200, answer.text
    assert ticket_for(admin, "facebook", psid)["messages"][0]["body_text"] == "5"


def test_the_same_words_sent_twice_are_not_taken_for_a_lost_send(admin, graph):
    """A second "Merci!" whose send failed is sent again, not matched to the first one."""
    psid = "6100000000000208"
    ref, first = _reply(admin, psid, "Merci!")
    _sent(admin, ref, first)
    graph.fail_next(1)  # 500, nothing sent: the row is checked before it is sent again
    again = admin.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "reply", "body": "Merci!"})
    assert again.status_code == 201, again.text
    second = _sent(admin, ref, again.json()["id"])
    sent = graph.sent_to(psid)
    assert [m["message"]["text"] for m in sent] == ["Merci!", "Merci!"]
    assert second["meta"]["messenger"]["mid"] == sent[1]["mid"]


def test_a_reply_too_long_for_the_platform_is_refused_before_it_is_queued(admin, graph):
    igsid = "17841400000000209"
    post_signed(admin, instagram_webhook(text_event(igsid, "Allô!", ours=IG_ACCOUNT_ID)))
    ref = ticket_for(admin, "instagram", igsid)["ref"]
    body = "é" * 600  # 600 characters, 1,200 bytes: over Instagram's 1,000 bytes
    for lang, words in (("fr", "1000 octets"), ("en", "1000 bytes")):
        refused = admin.post(f"/api/v1/tickets/{ref}/messages",
                             json={"kind": "reply", "body": body},
                             headers={"Accept-Language": lang})  # fmt: skip
        assert refused.status_code == 400, refused.text
        assert words in refused.json()["detail"]
    assert admin.get(f"/api/v1/tickets/{ref}").json()["messages"][-1]["body_text"] == "Allô!"
    assert graph.sent_to(igsid) == []


def test_a_tapped_button_is_filed_as_its_words(admin):
    psid = "6100000000000107"
    tap = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": _ms(NOW),
           "postback": {"mid": _mid(), "title": "Commencer", "payload": "GET_STARTED"}}  # fmt: skip
    assert post_signed(admin, page_webhook(tap)).status_code == 200
    assert post_signed(admin, page_webhook(tap)).status_code == 200
    messages = ticket_for(admin, "facebook", psid)["messages"]
    assert [m["body_text"] for m in messages] == ["Commencer"]
