"""Signed webhook delivery through the durable outbox (widget_api/domain/webhooks.py and
webhook_sender.py): the Comptoir app runs with uvicorn in a thread (fast retries), deliveries are
queued in write transactions as automation rules queue them, and a real HTTP receiver on loopback
checks every signature and counts what it gets."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, free_port, login, make_database
from tests.waiting import wait_until
from widget_api.app import create_app
from widget_api.domain import secret_box, webhooks
from widget_api.domain.errors import Invalid
from widget_api.domain.webhook_sender import WebhookSender
from widget_api.settings import Settings
from widget_api.storage import Database
from widget_api.storage import webhooks as webhook_store

SECRET = "whsec-Tq93!pLx"
AT = datetime(2026, 11, 2, 15, 0)


# -- the receiver: a real HTTP server on loopback ---------------------------------------------
@dataclass
class Receipt:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int


@dataclass
class Receiver:
    """Checks each delivery's signature like a merchant's endpoint would, answers the statuses
    in ``failures`` first (one per request), then 200; keeps every receipt."""

    port: int = 0
    failures: list[int] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    status = receiver.failures.pop(0) if receiver.failures else 200
                    receiver.receipts.append(
                        Receipt(dict(self.headers), body, _signature_ok(self.headers, body), status)
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/comptoir"

    def accepted(self) -> list[Receipt]:
        with self._lock:
            return [r for r in self.receipts if 200 <= r.answered < 300]


def _signature_ok(headers, body: bytes) -> bool:
    """The receiver's check, written from the README, not from Comptoir's code."""
    signed = headers["X-Comptoir-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Comptoir-Signature", ""))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.stop()


# -- the app ---------------------------------------------------------------------------------------
@dataclass
class App:
    url: str
    db: Database
    sender: WebhookSender
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)

    def enqueue(self, url: str, key: str, payload: dict | None = None) -> int | None:
        return self.db.write(
            lambda w: webhooks.enqueue(
                w, url=url, secret=SECRET, event_name="ticket.created",
                payload=payload or {"ticket": "C100042", "note": "Retour reçu"},
                dedupe_key=key, at=AT,
            )
        )  # fmt: skip

    def delivery(self, delivery_id: int) -> dict:
        return self.db.read(lambda cur: webhook_store.shown(cur, delivery_id))

    @contextmanager
    def api(self) -> Iterator[httpx.Client]:
        with httpx.Client(base_url=self.url, timeout=20) as client:
            token = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
            client.headers["Authorization"] = f"Bearer {token}"
            yield client


def start_app(db_path: Path, max_attempts: int = 8) -> App:
    port = free_port()
    settings = Settings(
        db={"path": db_path},
        api={"port": port, "public_base_url": f"http://127.0.0.1:{port}", "public_rate_limit": 0},
        security={"secret_key": "test-secret"},
        webhooks={"base_delay": 0.1, "max_delay": 0.4, "max_attempts": max_attempts},
    )
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "uvicorn")
    return App(f"http://127.0.0.1:{port}", app.state.db, app.state.webhooks, server, thread)


def _new_database(folder: Path) -> Path:
    path = folder / "comptoir.duckdb"
    make_database(path)
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One app for the module (starting one takes seconds): each test has its own receiver
    and its own dedupe keys, so they do not see each other's deliveries."""
    running = start_app(_new_database(tmp_path_factory.mktemp("webhooks")), max_attempts=4)
    yield running
    running.stop()


def _status_is(app: App, delivery_id: int, status: str) -> Callable[[], bool]:
    return lambda: app.delivery(delivery_id)["status"] == status


# -- tests -----------------------------------------------------------------------------------------
def test_a_delivery_arrives_once_signed_with_its_headers(app: App, receiver: Receiver):
    delivery_id = app.enqueue(receiver.url, "ticket.created:42")
    wait_until(_status_is(app, delivery_id, "delivered"), "the delivery")
    assert app.delivery(delivery_id)["attempts"] == 1
    [receipt] = receiver.receipts
    assert receipt.signature_ok
    assert receipt.headers["Content-Type"] == "application/json"
    assert receipt.headers["X-Comptoir-Event"] == "ticket.created"
    assert receipt.headers["X-Comptoir-Delivery"] == str(delivery_id)
    assert receipt.headers["X-Comptoir-Timestamp"].isdigit()
    assert json.loads(receipt.body) == {"ticket": "C100042", "note": "Retour reçu"}


def test_an_outage_delays_the_delivery_and_delivers_it_exactly_once(app: App, receiver: Receiver):
    receiver.failures = [503, 503, 500]
    delivery_id = app.enqueue(receiver.url, "ticket.created:43")
    wait_until(_status_is(app, delivery_id, "delivered"), "the delivery after the outage")
    assert [r.answered for r in receiver.receipts] == [503, 503, 500, 200]
    assert all(r.signature_ok for r in receiver.receipts)
    assert {r.headers["X-Comptoir-Delivery"] for r in receiver.receipts} == {str(delivery_id)}
    assert {r.body for r in receiver.receipts} == {receiver.receipts[0].body}  # same bytes
    assert len(receiver.accepted()) == 1
    assert app.delivery(delivery_id)["attempts"] == 4


def test_a_delivered_webhook_is_never_sent_again(app: App, receiver: Receiver):
    delivery_id = app.enqueue(receiver.url, "ticket.created:44")
    wait_until(_status_is(app, delivery_id, "delivered"), "the delivery")
    assert app.sender.wait_rounds(2)
    assert len(receiver.receipts) == 1


def test_the_same_dedupe_key_is_queued_and_delivered_once(app: App, receiver: Receiver):
    first = app.enqueue(receiver.url, "rule:7:ticket:C100045")
    again = app.enqueue(receiver.url, "rule:7:ticket:C100045", {"other": "payload"})
    assert isinstance(first, int) and again is None
    wait_until(_status_is(app, first, "delivered"), "the delivery")
    assert app.sender.wait_rounds(2)
    assert len(receiver.receipts) == 1
    assert app.enqueue(receiver.url, "rule:7:ticket:C100045") is None  # after delivery too


def test_a_restart_between_failure_and_success_still_delivers_once(tmp_path: Path):
    db_path = _new_database(tmp_path)
    port = free_port()  # nothing listens there yet: connection refused
    first = start_app(db_path)
    try:
        delivery_id = first.enqueue(f"http://127.0.0.1:{port}/hooks/comptoir", "ticket:46")
        wait_until(lambda: first.delivery(delivery_id)["attempts"] >= 2, "failed attempts")
        before = first.delivery(delivery_id)
    finally:
        first.stop()
    assert before["status"] == "queued" and "Connect" in before["last_error"]
    receiver = Receiver(port=port).start()
    second = start_app(db_path)
    try:
        wait_until(_status_is(second, delivery_id, "delivered"), "the delivery after restart")
        assert second.sender.wait_rounds(2)
    finally:
        second.stop()
        receiver.stop()
    assert len(receiver.receipts) == 1 and receiver.receipts[0].signature_ok


def test_a_delivery_fails_for_good_after_its_attempts_and_an_admin_can_requeue_it(
    app: App, receiver: Receiver
):
    receiver.failures = [503] * 4
    delivery_id = app.enqueue(receiver.url, "ticket.created:47")
    wait_until(_status_is(app, delivery_id, "failed"), "the delivery to fail")
    with app.api() as api:
        failed = api.get("/api/v1/webhooks/deliveries", params={"status": "failed"})
        retried = api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/retry")
        wait_until(_status_is(app, delivery_id, "delivered"), "the requeued delivery")
        again = api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/retry")
        unknown = api.post("/api/v1/webhooks/deliveries/999999/retry")
        delivered = api.get("/api/v1/webhooks/deliveries", params={"status": "delivered"})
        bad_status = api.get("/api/v1/webhooks/deliveries", params={"status": "lost"})
    assert failed.status_code == 200
    [row] = [d for d in failed.json() if d["id"] == delivery_id]
    assert row["status"] == "failed" and row["attempts"] == 4 and row["last_status_code"] == 503
    assert row["last_error"] == "HTTP 503" and "secret" not in row
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    assert again.status_code == 409 and unknown.status_code == 404
    assert delivery_id in [d["id"] for d in delivered.json()]
    assert {d["status"] for d in delivered.json()} == {"delivered"}
    assert bad_status.status_code == 400
    assert len(receiver.receipts) == 5 and len(receiver.accepted()) == 1
    for answer in (failed, delivered, retried):
        assert SECRET not in answer.text


def test_the_secret_is_stored_sealed_and_dropped_once_delivered(app: App, receiver: Receiver):
    receiver.failures = [503] * 50
    waiting = app.enqueue(receiver.url, "ticket:48")
    stored = {row["id"]: row["secret"] for row in app.db.read(webhook_store.stored_secrets)}
    assert stored[waiting].startswith("fernet:") and SECRET not in stored[waiting]
    receiver.failures.clear()
    wait_until(_status_is(app, waiting, "delivered"), "the delivery")
    assert waiting not in {row["id"] for row in app.db.read(webhook_store.stored_secrets)}


def test_only_administrators_see_deliveries(app: App):
    with app.api() as api:
        made = api.post("/api/v1/agents", json={"email": "agent@shop.test", "name": "Agent",
                                                "password": "agent-password"})  # fmt: skip
        assert made.status_code == 201, made.text
    with httpx.Client(base_url=app.url, timeout=20) as client:
        anonymous = client.get("/api/v1/webhooks/deliveries")
        token = login(client, "agent@shop.test", "agent-password")
        client.headers["Authorization"] = f"Bearer {token}"
        listed = client.get("/api/v1/webhooks/deliveries")
        retried = client.post("/api/v1/webhooks/deliveries/1/retry")
    assert anonymous.status_code == 401
    assert listed.status_code == 403 and retried.status_code == 403


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.com/x", "file:///etc/passwd", "javascript:alert(1)", "http://",
     "hooks.example.com/path", "https://exa mple.com/"],
)  # fmt: skip
def test_a_non_http_url_is_refused_when_queued(app: App, url: str):
    with pytest.raises(Invalid) as refused:
        app.enqueue(url, f"refused:{url}")
    assert refused.value.key == "error.webhook_url"
    keys = {row["dedupe_key"] for row in app.db.read(webhook_store.listing)}
    assert f"refused:{url}" not in keys


def test_a_stored_non_http_url_is_refused_when_sent(app: App):
    """A row that got in without the check (an older version, a manual edit) is never sent."""
    sealed = app.db.write(lambda w: secret_box.of_writer(w).seal(SECRET))
    delivery_id = app.db.write(
        lambda w: webhook_store.insert(
            w, url="file:///etc/passwd", sealed_secret=sealed, event_name="ticket.created",
            body="{}", dedupe_key="smuggled", at=AT,
        )
    )  # fmt: skip
    wait_until(_status_is(app, delivery_id, "failed"), "the refusal")
    row = app.delivery(delivery_id)
    assert row["attempts"] == 1 and "URL" in row["last_error"]


def test_a_key_rotation_reseals_a_waiting_secret_which_still_signs(app: App, receiver: Receiver):
    receiver.failures = [503] * 50
    waiting = app.enqueue(receiver.url, "ticket:49")
    before = {row["id"]: row["secret"] for row in app.db.read(webhook_store.stored_secrets)}
    old = secret_box.of(app.db)
    rotated = secret_box.reseal_all(app.db, secret_box.SecretBox([secret_box.new_key(), *old.keys],
                                                                 "a rotation"))  # fmt: skip
    after = {row["id"]: row["secret"] for row in app.db.read(webhook_store.stored_secrets)}
    assert rotated.unreadable == [] and after[waiting] != before[waiting]
    receiver.failures.clear()
    wait_until(_status_is(app, waiting, "delivered"), "the delivery after the rotation")
    assert receiver.accepted()[0].signature_ok


@pytest.mark.parametrize(
    ("fields", "key"),
    [({"secret": ""}, "error.webhook_secret_blank"),
     ({"event_name": " "}, "error.webhook_incomplete"),
     ({"event_name": "ticket.créé"}, "error.webhook_incomplete"),
     ({"dedupe_key": ""}, "error.webhook_incomplete")],
)  # fmt: skip
def test_an_incomplete_delivery_is_refused_when_queued(app: App, fields: dict, key: str):
    given = {"url": "https://hooks.example.com/x", "secret": SECRET, "event_name": "ticket.created",
             "payload": {}, "dedupe_key": f"incomplete:{fields}", "at": AT, **fields}  # fmt: skip
    with pytest.raises(Invalid) as refused:
        app.db.write(lambda w: webhooks.enqueue(w, **given))
    assert refused.value.key == key
