"""A fake Zendesk Support account on loopback, answering the endpoints an import reads with the
shapes developer.zendesk.com documents:

- ``GET /api/v2/incremental/tickets/cursor.json?start_time=…`` then ``?cursor=…``: ``tickets``,
  ``after_cursor``, ``after_url``, ``before_cursor``, ``before_url``, ``end_of_stream``, and the
  ``users`` sideload with ``include=users`` (requesters and assignees of the page);
- ``GET /api/v2/incremental/ticket_events.json?start_time=…&include=comment_events`` (time-based:
  ``ticket_events``, ``next_page``, ``count``, ``end_time``, ``end_of_stream``; the last event of
  a page comes again at the top of the next, as Zendesk's time-based exports do): each audit with
  its ``child_events``, a ``Comment`` among them (``public: false`` is an internal note);
- ``GET /api/v2/users/show_many.json?ids=…``: ``users``;
- ``GET /api/v2/tickets/count.json``: ``count`` (``value``, ``refreshed_at``).

Authentication is HTTP Basic ``{email}/token:{api_token}`` (401 otherwise). Tickets are made
on request from their number (``ticket(n)``), so 50,000 of them cost no memory up front. It
answers ``429`` with ``Retry-After`` on request (``rate_limit_at``: those request numbers).
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import free_port

AGENTS = 5
CUSTOMERS = 7_000
_EPOCH = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
_PRIORITIES = ("low", "normal", "high", "urgent", None)
_CHANNELS = ("email", "web", "chat", "api")


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_of(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


_EPOCH_S = int(_EPOCH.timestamp())


def agent(n: int) -> dict[str, Any]:
    """Agent ``n`` (1..AGENTS): user id ``n``."""
    return {"id": n, "name": f"Agent {n}", "email": f"agent{n}@boutique.example",
            "role": "admin" if n == 1 else "agent", "locale": "fr-CA", "active": True}  # fmt: skip


def customer(user_id: int) -> dict[str, Any]:
    k = user_id - 1000
    return {"id": user_id, "name": f"Client {k}", "email": f"client{k}@example.ca",
            "role": "end-user", "locale": "en-CA" if k % 3 == 0 else "fr-CA",
            "active": True}  # fmt: skip


def user(user_id: int) -> dict[str, Any] | None:
    if 1 <= user_id <= AGENTS:
        return agent(user_id)
    if 1000 < user_id <= 1000 + CUSTOMERS:
        return customer(user_id)
    return None


def ticket(n: int) -> dict[str, Any]:
    """Ticket ``n`` (1-based), as the incremental export gives it."""
    created = _EPOCH + timedelta(minutes=7 * n)
    requester = 1001 + n % CUSTOMERS
    return {
        "id": n,
        "url": f"https://fake.zendesk.com/api/v2/tickets/{n}.json",
        "subject": f"Commande {n} : question",
        "description": f"Bonjour, ma commande BO-{100000 + n} n'est pas arrivée.",
        "status": _STATUSES[n % len(_STATUSES)],
        "priority": _PRIORITIES[n % len(_PRIORITIES)],
        "type": "question",
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": 1 + n % AGENTS if n % 4 else None,
        "tags": ["import", f"lot{n % 3}"],
        "via": {"channel": _CHANNELS[n % len(_CHANNELS)]},
        "created_at": _iso(created),
        "updated_at": _iso(created + timedelta(hours=2)),
        "generated_timestamp": int((created + timedelta(hours=2)).timestamp()),
    }


def comments(n: int) -> list[dict[str, Any]]:
    """Ticket ``n``'s comments: the customer's question; an agent's reply on even tickets; an
    internal note on every fifth. Their times grow with ``n`` (a ticket every 7 minutes, its
    comments within 5), so the event stream is ordered by ticket."""
    t = ticket(n)
    created = _EPOCH_S + 420 * n
    agent_id = t["assignee_id"] or 1
    out = [_comment(10 * n + 1, t["requester_id"], t["description"], True, created)]
    if n % 5 == 0:
        out.append(_comment(10 * n + 2, agent_id, f"Note interne {n}", False, created + 150))
    if n % 2 == 0:
        out.append(_comment(10 * n + 3, agent_id, f"Réponse {n} : elle est en route.", True,
                            created + 300))  # fmt: skip
    return out


def _comment(cid: int, author: int, body: str, public: bool, at: int) -> dict[str, Any]:
    return {"id": cid, "type": "Comment", "author_id": author, "body": body,
            "html_body": f"<div class=\"zd-comment\"><p>{body}</p></div>", "plain_body": body,
            "public": public, "attachments": [], "audit_id": cid + 5, "via": {"channel": "web"},
            "created_at": _iso_of(at), "metadata": {"system": {}}}  # fmt: skip


class FakeZendesk:
    """The fake account: ``tickets`` tickets, answered page by page (``per_page``)."""

    def __init__(self, tickets: int, *, email: str = "admin@boutique.example",
                 token: str = "zd-token", per_page: int = 1000) -> None:  # fmt: skip
        self.count = tickets
        self.per_page = per_page
        self.auth = "Basic " + base64.b64encode(f"{email}/token:{token}".encode()).decode()
        self.rate_limit_at: set[int] = set()
        self.retry_after = "1"
        self.requests = 0
        self.limited = 0
        self._lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = _Server(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeZendesk:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the endpoints ----------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path == "/api/v2/incremental/tickets/cursor.json":
            return self._export(query)
        if path == "/api/v2/incremental/ticket_events.json":
            return self._events(query)
        if path == "/api/v2/tickets/count.json":
            return 200, {"count": {"value": self.count, "refreshed_at": _iso_of(_EPOCH_S)}}
        if path == "/api/v2/users/show_many.json":
            ids = [int(i) for i in query.get("ids", "").split(",") if i.isdigit()][:100]
            return 200, {"users": [u for u in map(user, ids) if u is not None]}
        return 404, {"error": "InvalidEndpoint", "description": "Not found"}

    def _export(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if "cursor" in query:
            try:
                start = int(base64.urlsafe_b64decode(query["cursor"].encode()).decode())
            except ValueError:
                return 400, {"error": "InvalidPaginationParameter",
                             "description": "cursor is invalid"}  # fmt: skip
        elif "start_time" in query:
            start = 1
        else:
            return 400, {"error": "InvalidPaginationParameter",
                         "description": "start_time or cursor is required"}  # fmt: skip
        size = min(int(query.get("per_page", self.per_page)), 1000)
        last = min(start + size - 1, self.count)
        page = [ticket(n) for n in range(start, last + 1)]
        after = base64.urlsafe_b64encode(str(last + 1).encode()).decode()
        before = base64.urlsafe_b64encode(str(start).encode()).decode()
        body: dict[str, Any] = {
            "tickets": page,
            "after_cursor": after,
            "after_url": f"{self.url}/api/v2/incremental/tickets/cursor.json?cursor={after}",
            "before_cursor": before,
            "before_url": f"{self.url}/api/v2/incremental/tickets/cursor.json?cursor={before}",
            "end_of_stream": last >= self.count,
        }
        if "users" in query.get("include", "").split(","):
            ids = sorted({t["requester_id"] for t in page} | {t["assignee_id"] for t in page
                          if t["assignee_id"]})  # fmt: skip
            body["users"] = [u for u in map(user, ids) if u is not None]
        return 200, body

    def _events(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not query.get("start_time", "").isdigit():
            return 400, {"error": "InvalidPaginationParameter",
                         "description": "start_time is required"}  # fmt: skip
        start = int(query["start_time"])
        with_comments = "comment_events" in query.get("include", "").split(",")
        # The first ticket whose comments can be at or after start_time.
        n = max(1, (start - _EPOCH_S) // 420 - 1)
        page: list[dict[str, Any]] = []
        while n <= self.count and len(page) < 1000:
            for c in comments(n):
                at = _EPOCH_S + 420 * n + (c["id"] % 10 - 1) * 150  # as comments() set it
                if at >= start and len(page) < 1000:
                    page.append(_audit(n, c, at, with_comments))
            n += 1
        end_time = page[-1]["timestamp"] if page else start
        body = {
            "ticket_events": page,
            "next_page": f"{self.url}/api/v2/incremental/ticket_events.json?start_time={end_time}",
            "count": len(page),
            "end_time": end_time,
            "end_of_stream": len(page) < 1000,
        }
        return 200, body


def _audit(n: int, comment: dict[str, Any], at: int, with_comments: bool) -> dict[str, Any]:
    """The audit that added ``comment`` to ticket ``n``: its comment (with ``comment_events``)
    beside the field changes an audit also holds."""
    children: list[dict[str, Any]] = [
        {"id": comment["id"] + 7, "via": "Web form", "via_reference_id": None, "type": "Change",
         "field_name": "status", "value": "open", "previous_value": "new",
         "event_type": "Change"},
    ]  # fmt: skip
    if with_comments:
        children.insert(0, {**comment, "via": "Web form", "via_reference_id": None,
                            "event_type": "Comment"})  # fmt: skip
    return {"id": comment["audit_id"], "ticket_id": n, "timestamp": at,
            "created_at": comment["created_at"], "updater_id": comment["author_id"],
            "via": "Web form", "system": {}, "event_type": "Audit", "merged_ticket_ids": [],
            "child_events": children}  # fmt: skip


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (the resume test) is no error of the fake."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(fake: FakeZendesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: an import makes thousands of requests
        disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms ACK wait)

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            with fake._lock:
                fake.requests += 1
                number = fake.requests
            if self.headers.get("Authorization") != fake.auth:
                self._send(401, {"error": "Couldn't authenticate you"}, {})
                return
            if number in fake.rate_limit_at:
                fake.limited += 1
                self._send(429, {"error": "APIRateLimitExceeded"},
                           {"Retry-After": fake.retry_after})  # fmt: skip
                return
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            status, body = fake.answer(split.path, query)
            self._send(status, body, {})

    return Handler
