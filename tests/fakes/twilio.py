"""A fake Twilio REST API on loopback: the Messages API (create and list) and media files,
answering with the JSON Twilio documents (Message resource; error JSON ``{"code", "message",
"more_info", "status"}``). It checks HTTP Basic auth (AccountSid:AuthToken) like Twilio, and can
fail the next create with a 500 (making nothing) or hang on it after making the message (the
answer is lost), to test exactly-once sending through an outage.

Simplification: a created message is dated sent at once (``date_sent``), so the list's
``DateSent>`` filter finds it; real Twilio dates it when the carrier takes it."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-0123456789"
FROM_NUMBER = "+14385550100"
FRIENDLY_NAME = "Nordet — service à la clientèle"
INVALID_TO = "+15005550001"  # Twilio's magic "invalid number" (error 21211)


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    friendly_name: str = FRIENDLY_NAME
    account_status: str = "active"  # active | suspended | closed
    messages: list[dict] = field(default_factory=list)
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name → (type, bytes)
    create_calls: int = 0
    list_calls: int = 0
    _fail_next: int = 0
    _hang_next: int = 0
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                fake._get(self)

            def do_POST(self) -> None:
                fake._post(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    # -- test controls -------------------------------------------------------------------------
    def fail_next(self, times: int = 1) -> None:
        with self._lock:
            self._fail_next = times

    def hang_next(self, times: int = 1) -> None:
        with self._lock:
            self._hang_next = times

    def add_media(self, name: str, content_type: str, data: bytes) -> str:
        self.media[name] = (content_type, data)
        return f"{self.url}/2010-04-01/Accounts/{self.account_sid}/Messages/MM1/Media/{name}"

    def sent_to(self, number: str) -> list[dict]:
        with self._lock:
            return [m for m in self.messages if m["to"] == number]

    # -- HTTP ------------------------------------------------------------------------------------
    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if handler.headers.get("Authorization") == f"Basic {expected}":
            return True
        self._json(handler, 401, _error(20003, "Authenticate", 401))
        return False

    def _json(self, handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _messages_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        if not self._authorised(handler):
            return
        parts = urlsplit(handler.path)
        if parts.path == f"/2010-04-01/Accounts/{self.account_sid}.json":
            self._json(handler, 200, self._account())
            return
        if parts.path == self._messages_path():
            query = dict(parse_qsl(parts.query))
            with self._lock:
                self.list_calls += 1
                found = [m for m in self.messages if _matches(m, query)]
            self._json(
                handler,
                200,
                {
                    "messages": list(reversed(found)),
                    "page": 0,
                    "page_size": int(query.get("PageSize", 50)),
                    "next_page_uri": None,
                    "previous_page_uri": None,
                    "uri": handler.path,
                    "first_page_uri": handler.path,
                },
            )
            return
        name = parts.path.rsplit("/", 1)[-1]
        if "/Media/" in parts.path and name in self.media:
            kind, data = self.media[name]
            handler.send_response(200)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
            return
        self._json(handler, 404, _error(20404, "The requested resource was not found", 404))

    def _account(self) -> dict:
        """The Account resource (``GET /2010-04-01/Accounts/{Sid}.json``) as Twilio documents
        it; real Twilio includes the auth token too, which Comptoir must never pass on."""
        uri = f"/2010-04-01/Accounts/{self.account_sid}"
        return {
            "auth_token": self.auth_token, "date_created": "Thu, 30 Jul 2015 20:00:00 +0000",
            "date_updated": "Thu, 30 Jul 2015 20:00:00 +0000",
            "friendly_name": self.friendly_name, "owner_account_sid": self.account_sid,
            "sid": self.account_sid, "status": self.account_status, "type": "Full",
            "uri": uri + ".json",
            "subresource_uris": {"messages": uri + "/Messages.json"},
        }  # fmt: skip

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(handler.rfile.read(length).decode(), keep_blank_values=True))
        if not self._authorised(handler):
            return
        if urlsplit(handler.path).path != self._messages_path():
            self._json(handler, 404, _error(20404, "The requested resource was not found", 404))
            return
        with self._lock:
            self.create_calls += 1
            fail, self._fail_next = self._fail_next > 0, max(0, self._fail_next - 1)
            hang = not fail and self._hang_next > 0
            self._hang_next = max(0, self._hang_next - (1 if hang else 0))
        if fail:
            self._json(handler, 500, _error(20500, "Internal Server Error", 500))
            return
        if not form.get("To") or not form.get("Body"):
            self._json(handler, 400, _error(21604, "A 'To' phone number is required.", 400))
            return
        if form["To"] == INVALID_TO:
            self._json(
                handler,
                400,
                _error(21211, f"The 'To' number {form['To']} is not a valid phone number.", 400),
            )
            return
        message = self._create(form)
        if hang:  # made, but the caller never hears of it
            self._release.wait(60)
            return
        self._json(handler, 201, message)

    def _create(self, form: dict) -> dict:
        now = format_datetime(datetime.now(UTC), usegmt=True).replace("GMT", "+0000")
        sid = "SM" + secrets.token_hex(16)
        message = {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": form["Body"],
            "date_created": now, "date_sent": now, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0", "num_segments": "1", "price": None, "price_unit": "USD",
            "sid": sid, "status": "queued", "to": form["To"],
            "status_callback": form.get("StatusCallback"),
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/"
                                          f"{sid}/Media.json"},
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }  # fmt: skip
        with self._lock:
            self.messages.append(message)
        return message


def _error(code: int, message: str, status: int) -> dict:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    return {"code": code, "message": message, "more_info": more_info, "status": status}


def _matches(message: dict, query: dict) -> bool:
    if "To" in query and message["to"] != query["To"]:
        return False
    # DateSent>: every message here is from today
    return not ("From" in query and message["from"] != query["From"])
