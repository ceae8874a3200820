"""A fake Meta Graph API on loopback: ``POST /{version}/{phone_number_id}/messages`` (the
WhatsApp Cloud API send), answering as Meta documents it — ``{"messaging_product": "whatsapp",
"contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid…"}]}`` — and errors as Meta's
``{"error": {"message", "type", "code", "error_data": {"details"}, "fbtrace_id"}}``. It checks the
bearer token, and can fail the next sends with a 500 (sending nothing)."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ACCESS_TOKEN = "EAAG-fake-meta-access-token-0123456789"
PHONE_NUMBER_ID = "106540352242922"
API_VERSION = "v23.0"
INVALID_TO = "15005550001"
VERIFIED_NAME = "Nordet"
DISPLAY_PHONE_NUMBER = "+1 438-555-0199"  # answered with Meta's 131026 "Message undeliverable"


@dataclass
class FakeMeta:
    access_token: str = ACCESS_TOKEN
    phone_number_id: str = PHONE_NUMBER_ID
    sent: list[dict] = field(default_factory=list)
    calls: int = 0
    _fail_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeMeta:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                fake._post(self)

            def do_GET(self) -> None:
                fake._get(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, times: int = 1) -> None:
        with self._lock:
            self._fail_next = times

    def sent_to(self, wa_id: str) -> list[dict]:
        with self._lock:
            return [m for m in self.sent if m["to"] == wa_id.lstrip("+")]

    # -- the API ---------------------------------------------------------------------------
    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        """``GET /{version}/{phone-number-id}?fields=…``: the WhatsApp business phone number
        (``verified_name``, ``display_phone_number``, ``id``; only the fields asked for)."""
        parts = urlsplit(handler.path)
        if parts.path != f"/{API_VERSION}/{self.phone_number_id}":
            return _answer(handler, 400, _error(
                f"Unsupported get request. Object with ID '{parts.path.rsplit('/', 1)[-1]}' does "
                "not exist, cannot be loaded due to missing permissions, or does not support this "
                "operation.", "GraphMethodException", 100))  # fmt: skip
        if handler.headers.get("Authorization") != f"Bearer {self.access_token}":
            return _answer(handler, 401, _error("Invalid OAuth access token - Cannot parse "
                                                "access token", "OAuthException", 190))  # fmt: skip
        number = {"verified_name": VERIFIED_NAME, "display_phone_number": DISPLAY_PHONE_NUMBER,
                  "quality_rating": "GREEN", "code_verification_status": "VERIFIED"}  # fmt: skip
        asked = dict(parse_qsl(parts.query)).get("fields", "")
        fields = [f for f in asked.split(",") if f in number]
        _answer(handler, 200, {**{f: number[f] for f in fields}, "id": self.phone_number_id})

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        if handler.path != f"/{API_VERSION}/{self.phone_number_id}/messages":
            return _answer(handler, 400, _error("Unsupported post request.", "GraphMethodException",
                                                100))  # fmt: skip
        if handler.headers.get("Authorization") != f"Bearer {self.access_token}":
            return _answer(handler, 401, _error("Invalid OAuth access token - Cannot parse "
                                                "access token", "OAuthException", 190))  # fmt: skip
        with self._lock:
            self.calls += 1
            if self._fail_next:
                self._fail_next -= 1
                return _answer(handler, 500, _error("An unknown error has occurred.",
                                                    "OAuthException", 1))  # fmt: skip
        try:
            body = json.loads(raw)
        except ValueError:
            return _answer(handler, 400, _error("Invalid parameter", "OAuthException", 100))
        if body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return _answer(handler, 400, _error("(#100) Invalid parameter", "OAuthException", 100))
        if body["to"] == INVALID_TO:
            error = _error("(#131026) Message undeliverable", "OAuthException", 131026)
            error["error"]["error_data"] = {"messaging_product": "whatsapp",
                                            "details": "Unable to deliver message."}  # fmt: skip
            return _answer(handler, 400, error)
        wamid = "wamid." + base64.b64encode(secrets.token_bytes(24)).decode()
        with self._lock:
            self.sent.append({"id": wamid, **body})
        _answer(handler, 200, {"messaging_product": "whatsapp",
                               "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                               "messages": [{"id": wamid}]})  # fmt: skip


def _error(message: str, kind: str, code: int) -> dict:
    return {"error": {"message": message, "type": kind, "code": code,
                      "fbtrace_id": "A" + secrets.token_hex(10)}}  # fmt: skip


def _answer(handler: BaseHTTPRequestHandler, status: int, data: dict) -> None:
    raw = json.dumps(data).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)
