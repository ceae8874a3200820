"""The SMS channel through Twilio, end to end: a real server on loopback behind a "proxy" (its
public URL differs from the one it listens on), a fake Twilio REST API on loopback, and requests
signed as Twilio signs them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, INVALID_TO, FakeTwilio
from tests.waiting import wait_until
from widget_api.channels.twilio_signature import public_url, signature, valid
from widget_api.contracts.channels import sms_segments

# The server is reached at http://127.0.0.1:<port>, but Twilio calls (and signs) the public URL
# the proxy serves it at.
PUBLIC = "https://support.boutique.test/comptoir"
_SIDS = itertools.count(1)


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def sms_server(tmp_path_factory, twilio: FakeTwilio) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("sms") / "comptoir.duckdb"
    make_database(db_path)
    env = {"COMPTOIR_SMS__BASE_DELAY": "0.2", "COMPTOIR_SMS__MAX_DELAY": "1",
           "COMPTOIR_SMS__TIMEOUT": "2"}  # fmt: skip
    running = start_server(db_path, env=env, public_base_url=PUBLIC)
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


@pytest.fixture
def admin(sms_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sms_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def _sid() -> str:
    return f"SM{next(_SIDS):032x}"


def post_signed(
    client: httpx.Client, path: str, params: dict[str, str], *, query: str = "",
    token: str = AUTH_TOKEN, url: str | None = None,
) -> httpx.Response:  # fmt: skip
    """POST a form as Twilio does, signed for the public URL (or ``url``)."""
    signed_url = url or public_url(PUBLIC, path, query)
    headers = {"X-Twilio-Signature": signature(token, signed_url, params.items()),
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    return client.post(f"{path}?{query}" if query else path, content=urlencode(params),
                       headers=headers)  # fmt: skip


def sms(frm: str, body: str, **extra: str) -> dict[str, str]:
    return {"MessageSid": _sid(), "AccountSid": ACCOUNT_SID, "From": frm, "To": FROM_NUMBER,
            "Body": body, "NumMedia": "0", "FromCountry": "CA", **extra}  # fmt: skip


def tickets_of(admin: httpx.Client, phone: str) -> list[dict]:
    found = admin.get("/api/v1/tickets", params={"channel": "sms", "q": phone}).json()
    return [t for t in found["items"]]


def ticket_for(admin: httpx.Client, phone: str) -> dict:
    """The SMS ticket of the customer with ``phone`` (there must be one only)."""
    refs = []
    for item in admin.get("/api/v1/tickets", params={"channel": "sms", "limit": 100}).json()[
        "items"
    ]:
        detail = admin.get(f"/api/v1/tickets/{item['ref']}").json()
        if any(i["value"] == phone for i in detail["customer_detail"]["identities"]):
            refs.append(detail)
    assert len(refs) == 1, [r["ref"] for r in refs]
    return refs[0]


# -- the signature -------------------------------------------------------------------------------
def test_signature_matches_twilios_documented_example():
    # twilio-php's docs/usage/validation.rst ("Validate Incoming Requests"): auth token 12345.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
              "From": "+14158675309", "To": "+18005551212"}  # fmt: skip
    assert signature("12345", url, params.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert valid("12345", url, params.items(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert not valid("12345", url.replace("https", "http"), params.items(),
                     "RSOYDt4T1cUTdK1PDd93/VVr8B8=")  # fmt: skip
    assert not valid("12346", url, params.items(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")


def test_the_public_url_behind_a_proxy_is_the_one_checked(admin):
    assert public_url(PUBLIC, "/webhooks/twilio/sms") == f"{PUBLIC}/webhooks/twilio/sms"
    params = sms("+15145550101", "Bonjour")
    local = f"{admin.base_url}/webhooks/twilio/sms"  # what the server itself sees
    assert post_signed(admin, "/webhooks/twilio/sms", params, url=local).status_code == 403
    answer = post_signed(admin, "/webhooks/twilio/sms", params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    assert "<Response/>" in answer.text


def test_a_wrong_or_missing_signature_is_refused(admin):
    params = sms("+15145550102", "Allô")
    assert (
        post_signed(admin, "/webhooks/twilio/sms", params, token="not-the-token").status_code == 403
    )
    bare = admin.post("/webhooks/twilio/sms", content=urlencode(params),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert bare.status_code == 403
    tampered = dict(params, Body="Changé")
    signed = signature(AUTH_TOKEN, public_url(PUBLIC, "/webhooks/twilio/sms"), params.items())
    headers = {"X-Twilio-Signature": signed, "Content-Type": "application/x-www-form-urlencoded"}
    assert admin.post("/webhooks/twilio/sms", content=urlencode(tampered),
                      headers=headers).status_code == 403  # fmt: skip
    status = {"MessageSid": "SMx", "MessageStatus": "delivered"}
    assert post_signed(admin, "/webhooks/twilio/status", status, token="nope").status_code == 403


# -- inbound --------------------------------------------------------------------------------------
def test_inbound_sms_opens_a_ticket_threads_the_next_and_keeps_a_duplicate_once(admin):
    phone = "+15145550123"
    first = sms(phone, "Bonjour, ma commande ND-200001 n'est pas arrivée.")
    assert post_signed(admin, "/webhooks/twilio/sms", first).status_code == 200
    ticket = ticket_for(admin, phone)
    assert ticket["channel"] == "sms"
    assert ticket["language"] == "fr"
    identity = ticket["customer_detail"]["identities"][0]
    assert (identity["kind"], identity["value"], identity["verified"]) == ("phone", phone, True)
    assert ticket["customer_detail"]["phone"] == phone

    second = sms(phone, "Et aussi, je veux changer l'adresse.")
    assert post_signed(admin, "/webhooks/twilio/sms", second).status_code == 200
    assert post_signed(admin, "/webhooks/twilio/sms", second).status_code == 200  # redelivery
    ticket = ticket_for(admin, phone)
    bodies = [m["body_text"] for m in ticket["messages"]]
    assert bodies == [first["Body"], second["Body"]]
    assert ticket["messages"][1]["meta"]["sms"]["sid"] == second["MessageSid"]


def test_a_new_sms_after_a_solved_ticket_opens_a_new_one(admin):
    phone = "+15145550124"
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "Premier problème"))
    ticket = ticket_for(admin, phone)
    assert (
        admin.patch(f"/api/v1/tickets/{ticket['ref']}", json={"status": "solved"}).status_code
        == 200
    )
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "Un autre problème"))
    found = admin.get("/api/v1/tickets", params={"channel": "sms", "limit": 100}).json()["items"]
    mine = [t for t in found if t["customer"]["id"] == ticket["customer"]["id"]]
    assert sorted(t["subject"] for t in mine) == ["Premier problème", "Un autre problème"]


def test_mms_media_are_fetched_with_the_account_and_kept_as_attachments(admin, twilio):
    phone = "+15145550125"
    picture = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100
    url = twilio.add_media("ME0001", "image/png", picture)
    missing = url.replace("ME0001", "ME-gone")
    params = sms(phone, "Voici la photo du colis abîmé", NumMedia="2", MediaUrl0=url,
                 MediaContentType0="image/png", MediaUrl1=missing,
                 MediaContentType1="image/jpeg")  # fmt: skip
    assert post_signed(admin, "/webhooks/twilio/sms", params).status_code == 200
    ticket = ticket_for(admin, phone)
    files = admin.get(f"/api/v1/tickets/{ticket['ref']}/attachments").json()
    assert [f["filename"] for f in files] == [f"{params['MessageSid']}-0.png"]
    kept = admin.get(f"/api/v1/attachments/{files[0]['id']}")
    assert kept.content == picture
    first, note = ticket["messages"][0], ticket["messages"][-1]
    assert first["body_text"] == params["Body"]
    assert first["meta"]["sms"]["num_media"] == 1
    assert note["kind"] == "note" and "1:" in note["body_text"]  # the lost media is named


def test_stop_refuses_replies_until_start(admin, twilio):
    phone = "+15145550126"
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "Où est mon colis?"))
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "ARRÊT"))
    ticket = ticket_for(admin, phone)
    assert ticket["customer_detail"]["identities"][0]["opted_out_at"] is not None
    refused = admin.post(f"/api/v1/tickets/{ticket['ref']}/messages",
                         json={"kind": "reply", "body": "Votre colis arrive demain."},
                         headers={"Accept-Language": "fr"})  # fmt: skip
    assert refused.status_code == 409
    assert "STOP" in refused.json()["detail"] and "START" in refused.json()["detail"]
    assert twilio.sent_to(phone) == []
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "start"))
    assert ticket_for(admin, phone)["customer_detail"]["identities"][0]["opted_out_at"] is None
    again = admin.post(f"/api/v1/tickets/{ticket['ref']}/messages",
                       json={"kind": "reply", "body": "Votre colis arrive demain."})  # fmt: skip
    assert again.status_code == 201, again.text
    wait_until(lambda: twilio.sent_to(phone), "the reply sent after START")


# -- outbound -------------------------------------------------------------------------------------
def _reply(admin: httpx.Client, phone: str, body: str) -> tuple[str, int]:
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "Bonjour!"))
    ref = ticket_for(admin, phone)["ref"]
    answer = admin.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "reply", "body": body})
    assert answer.status_code == 201, answer.text
    return ref, answer.json()["id"]


def _message(admin: httpx.Client, ref: str, message_id: int) -> dict:
    return next(m for m in admin.get(f"/api/v1/tickets/{ref}").json()["messages"]
                if m["id"] == message_id)  # fmt: skip


def test_a_reply_is_sent_exactly_once_through_an_outage(admin, twilio):
    phone = "+15145550127"
    twilio.fail_next(1)  # Twilio answers 500 and makes nothing
    ref, message_id = _reply(admin, phone, "Votre remboursement est en route.")
    wait_until(lambda: _message(admin, ref, message_id)["delivery"] == "sent", "the SMS sent")
    sent = twilio.sent_to(phone)
    assert [m["body"] for m in sent] == ["Votre remboursement est en route."]
    assert sent[0]["from"] == FROM_NUMBER
    assert sent[0]["status_callback"].startswith(f"{PUBLIC}/webhooks/twilio/status?outbox=")
    assert _message(admin, ref, message_id)["meta"]["sms"]["sid"] == sent[0]["sid"]


def test_a_send_whose_answer_is_lost_is_looked_up_not_sent_twice(admin, twilio):
    phone = "+15145550128"
    lists_before = twilio.list_calls
    twilio.hang_next(1)  # Twilio makes the message but the answer never comes
    ref, message_id = _reply(admin, phone, "Nous avons trouvé votre colis.")
    wait_until(lambda: _message(admin, ref, message_id)["delivery"] == "sent", "the SMS settled")
    assert len(twilio.sent_to(phone)) == 1
    assert twilio.list_calls > lists_before  # it asked Twilio before anything else
    assert _message(admin, ref, message_id)["meta"]["sms"]["sid"] == twilio.sent_to(phone)[0]["sid"]


def test_twilios_refusal_shows_on_the_message(admin, twilio):
    ref, message_id = _reply(admin, INVALID_TO, "Bonjour")
    message = wait_until(
        lambda: (m := _message(admin, ref, message_id))["delivery"] == "failed" and m,
        "the refusal recorded",
    )
    assert message["meta"]["sms"]["error_code"] == 21211
    assert "not a valid phone number" in message["meta"]["sms"]["error"]
    outbox = admin.get("/api/v1/sms/outbox").json()
    item = next(i for i in outbox if i["message_id"] == message_id)
    assert (item["status"], item["error_code"], item["attempts"]) == ("failed", 21211, 1)


def test_status_callbacks_update_the_message(admin, twilio):
    phone = "+15145550129"
    ref, message_id = _reply(admin, phone, "Merci de votre patience.")
    wait_until(lambda: twilio.sent_to(phone), "the SMS sent")
    sid = twilio.sent_to(phone)[0]["sid"]
    wait_until(lambda: _message(admin, ref, message_id)["delivery"] == "sent", "marked sent")
    callback = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID,
                "To": phone, "From": FROM_NUMBER, "ApiVersion": "2010-04-01"}  # fmt: skip
    query = "outbox=1"
    assert post_signed(admin, "/webhooks/twilio/status", callback, query=query).status_code == 200
    assert _message(admin, ref, message_id)["meta"]["sms"]["status"] == "delivered"
    undelivered = dict(callback, MessageStatus="undelivered", ErrorCode="30003")
    assert post_signed(admin, "/webhooks/twilio/status", undelivered).status_code == 200
    message = _message(admin, ref, message_id)
    assert message["delivery"] == "failed"
    assert (message["meta"]["sms"]["status"], message["meta"]["sms"]["error_code"]) == (
        "undelivered", 30003)  # fmt: skip


# -- settings and segments -----------------------------------------------------------------------
def test_settings_never_return_the_token(admin):
    shown = admin.get("/api/v1/settings/channels/sms").json()
    assert shown["auth_token_set"] is True
    assert AUTH_TOKEN not in str(shown)
    assert shown["inbound_webhook_url"] == f"{PUBLIC}/webhooks/twilio/sms"
    bad = admin.put("/api/v1/settings/channels/sms", json={"from_number": "pas un numéro"})
    assert bad.status_code == 400
    events = admin.get("/api/v1/settings/channels/sms").json()
    assert events["from_number"] == FROM_NUMBER


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("Merci, à bientôt! " * 9, "UCS-2", 3),  # ô is not GSM-7: 162 UCS-2 units
        ("Café prêt à 10 h", "UCS-2", 1),
        ("é" * 160, "GSM-7", 1),  # é is in the GSM alphabet
        ("{}" * 40, "GSM-7", 1),  # extension characters count two: 160
        ("{}" * 41, "GSM-7", 2),
        ("Merci 🙂" * 10, "UCS-2", 2),  # an emoji is two UTF-16 units: 80
    ],
)
def test_segments(text, encoding, segments):
    counted = sms_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


def test_segments_endpoint(admin):
    answer = admin.post("/api/v1/sms/segments", json={"text": "ê" * 71})
    assert answer.status_code == 200
    assert answer.json() == {"encoding": "UCS-2", "units": 71, "segments": 2, "per_segment": 67}


# -- the dashboard ------------------------------------------------------------------------------
def test_the_reply_box_of_an_sms_ticket_shows_segments_and_the_opt_out(admin, sms_server):
    from tests.test_dashboard import open_page, signed_in, texts

    phone = "+15145550130"
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "Bonjour, une question"))
    ref = ticket_for(admin, phone)["ref"]
    token = admin.headers["Authorization"].removeprefix("Bearer ")
    at = signed_in(sms_server.url, token)
    at.session_state["ticket_ref"] = ref
    at.session_state[f"ticket_draft_{ref}"] = "Merci, à bientôt! " * 9
    at = open_page(at, "ticket")
    assert "3 segment(s) SMS · UCS-2" in texts(at)
    assert "Désabonné des SMS" not in texts(at)
    post_signed(admin, "/webhooks/twilio/sms", sms(phone, "STOP"))
    at.run()
    assert "Désabonné des SMS depuis le" in texts(at)


def test_a_known_customers_phone_is_found_however_it_was_typed(tmp_path):
    from datetime import datetime

    from widget_api.channels.phones import national_digits, to_e164
    from widget_api.storage import Database
    from widget_api.storage import sms as sms_store

    at = datetime(2026, 11, 2, 15)
    with Database(tmp_path / "c.duckdb") as db:
        marie = db.write(lambda w: sms_store.create_phone_customer(w, "514 555-0142", "fr", at))
        other = db.write(
            lambda w: sms_store.create_phone_customer(w, "+33 1 23 45 67 89", "fr", at)
        )
        phone = to_e164("(514) 555-0142")
        assert phone == "+15145550142"
        found = db.read(lambda cur: sms_store.customer_by_phone(cur, phone, national_digits(phone)))
        assert found == marie
        assert (
            db.read(lambda cur: sms_store.customer_by_phone(cur, "+15145550143", "5145550143"))
            is None
        )
        paris = to_e164("+33 1 23 45 67 89")
        assert (
            db.read(lambda cur: sms_store.customer_by_phone(cur, paris, national_digits(paris)))
            == other
        )
