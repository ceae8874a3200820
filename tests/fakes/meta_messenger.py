"""A fake Meta Graph API for Messenger and Instagram on loopback, answering as Meta documents:

- ``POST /{version}/{page-id}/messages`` (the Send API): ``{"recipient_id", "message_id"}``;
  errors as ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``;
- ``GET /{version}/{page-id}/conversations?platform=&user_id=&fields=messages{…}`` (the
  Conversations API): ``{"data": [{"id", "messages": {"data": [{"id", "message",
  "created_time", "from": {"id"}}]}}]}``;
- ``GET /{version}/{page-id}?fields=name`` (the Page) and ``GET /{version}/{psid|igsid}``
  (a person's profile: ``first_name``/``last_name`` or ``name``/``username``);
- ``GET /cdn/{name}``: an attachment's file, as the ``payload.url`` of a webhook points to.

It checks the bearer token, and can fail the next sends with a 500 sending nothing
(:meth:`fail_next`) or after sending (:meth:`lose_next`, an answer lost on the way back)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE_TOKEN = "EAAJ-fake-page-access-token-0123456789"
PAGE_ID = "104523975281134"
PAGE_NAME = "Boutique Nordet"
IG_ACCOUNT_ID = "17841405793187218"
API_VERSION = "v23.0"
UNAVAILABLE = "9000000000000551"  # answered with Meta's (#551) "This person isn't available"
_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}
_TAGS = {"HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"}


@dataclass
class FakeMessenger:
    page_token: str = PAGE_TOKEN
    #: the Graph API's "now" (the test's pinned clock); it runs on from start
    origin: datetime = field(default_factory=lambda: datetime.now(UTC))
    profiles: dict[str, dict] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    sent: list[dict] = field(default_factory=list)
    send_calls: int = 0
    conversation_calls: int = 0
    _fail_next: int = 0
    _lose_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeMessenger:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                fake._post(self)

            def do_GET(self) -> None:
                fake._get(self)

        self._started = time.monotonic()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def now(self) -> datetime:
        return self.origin + timedelta(seconds=time.monotonic() - self._started)

    def fail_next(self, times: int = 1) -> None:
        """The next sends answer 500 and send nothing."""
        with self._lock:
            self._fail_next = times

    def lose_next(self, times: int = 1) -> None:
        """The next sends are sent, but answer 500 (the answer lost)."""
        with self._lock:
            self._lose_next = times

    def sent_to(self, user_id: str) -> list[dict]:
        with self._lock:
            return [m for m in self.sent if m["recipient"]["id"] == user_id]

    def file_url(self, name: str, content_type: str, data: bytes) -> str:
        self.files[name] = (content_type, data)
        return f"{self.url}/cdn/{name}?_nc_cat=1&oh=00_AfC"

    # -- the API ---------------------------------------------------------------------------
    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        if handler.headers.get("Authorization") == f"Bearer {self.page_token}":
            return True
        _answer(handler, 401, _error("Invalid OAuth access token - Cannot parse access token",
                                     "OAuthException", 190))  # fmt: skip
        return False

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if urlsplit(handler.path).path != f"/{API_VERSION}/{PAGE_ID}/messages":
            return _answer(handler, 400, _error("Unsupported post request.",
                                                "GraphMethodException", 100))  # fmt: skip
        if not self._authorised(handler):
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return _answer(handler, 400, _error("Invalid parameter", "OAuthException", 100))
        recipient = (body.get("recipient") or {}).get("id")
        kind, tag = body.get("messaging_type"), body.get("tag")
        if (
            not recipient
            or kind not in _TYPES
            or (kind == "MESSAGE_TAG") != bool(tag)
            or (tag and tag not in _TAGS)
        ):
            return _answer(handler, 400, _error("(#100) Invalid parameter", "OAuthException", 100))
        with self._lock:
            self.send_calls += 1
            if self._fail_next:
                self._fail_next -= 1
                return _answer(handler, 500, _error("An unexpected error has occurred. Please "
                                                    "retry your request later.",
                                                    "OAuthException", 2))  # fmt: skip
        if recipient == UNAVAILABLE:
            error = _error("(#551) This person isn't available right now.", "OAuthException", 551)
            error["error"]["error_subcode"] = 1545041
            return _answer(handler, 400, error)
        mid = "m_" + secrets.token_urlsafe(48)
        with self._lock:
            self.sent.append({"mid": mid, "created_time": self.now(), **body})
            if self._lose_next:
                self._lose_next -= 1
                return _answer(handler, 500, _error("An unknown error has occurred.",
                                                    "OAuthException", 1))  # fmt: skip
        _answer(handler, 200, {"recipient_id": recipient, "message_id": mid})

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path.startswith("/cdn/"):
            found = self.files.get(parts.path.removeprefix("/cdn/"))
            if not found:
                return _answer(handler, 404, {"error": "not found"})
            return _raw(handler, 200, found[0], found[1])
        if not self._authorised(handler):
            return None
        path = parts.path.removeprefix(f"/{API_VERSION}/")
        if path == f"{PAGE_ID}/conversations":
            return self._conversations(handler, query)
        if path == PAGE_ID:
            return _answer(handler, 200, {"name": PAGE_NAME, "id": PAGE_ID})
        if path in self.profiles:
            fields = (query.get("fields") or "").split(",")
            profile = self.profiles[path]
            return _answer(handler, 200, {"id": path, **{k: profile[k] for k in fields
                                                         if k in profile}})  # fmt: skip
        return _answer(handler, 400, _error(
            f"Unsupported get request. Object with ID '{path}' does not exist, cannot be loaded "
            "due to missing permissions, or does not support this operation.",
            "GraphMethodException", 100))  # fmt: skip

    def _conversations(self, handler: BaseHTTPRequestHandler, query: dict) -> None:
        user, platform = query.get("user_id"), query.get("platform")
        if platform not in ("messenger", "instagram") or not user:
            return _answer(handler, 400, _error("(#100) Invalid parameter", "OAuthException", 100))
        ours = IG_ACCOUNT_ID if platform == "instagram" else PAGE_ID
        with self._lock:
            self.conversation_calls += 1
            mine = [m for m in self.sent if m["recipient"]["id"] == user]
        messages = [{"id": m["mid"], "message": m["message"].get("text", ""),
                     "created_time": m["created_time"].strftime("%Y-%m-%dT%H:%M:%S+0000"),
                     "from": {"id": ours}} for m in reversed(mine)]  # fmt: skip
        conversation = {"id": "t_" + user, "messages": {"data": messages[:25]}}
        _answer(handler, 200, {"data": [conversation] if mine else []})


def _error(message: str, kind: str, code: int) -> dict:
    return {"error": {"message": message, "type": kind, "code": code,
                      "fbtrace_id": "A" + secrets.token_hex(10)}}  # fmt: skip


def _answer(handler: BaseHTTPRequestHandler, status: int, data: dict) -> None:
    _raw(handler, status, "application/json", json.dumps(data).encode())


def _raw(handler: BaseHTTPRequestHandler, status: int, content_type: str, raw: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)
