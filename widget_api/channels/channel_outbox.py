"""What the SMS, WhatsApp and Messenger outboxes share: replies are marked by their listener,
queued in the channel's outbox table (one row per message, ever), then sent when due by one
thread with doubling back-off (:class:`DueSender`); a reply that fails for good keeps the reason
on its message. Each channel says how a row is queued and sent; its storage module answers
``replies_to_send``, ``due``, ``next_due_at``, ``mark_failed`` and ``mark_retry``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime
from types import ModuleType
from typing import Any

from widget_api.due_sender import DueSender
from widget_api.storage import Database
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class Refused(Exception):
    """The platform refused the message for good (a 4xx with its error): fail the reply."""

    def __init__(self, code: int | None, message: str):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code


class NotSent(Exception):
    """The platform surely sent nothing (no connection, a rate limit): send again later."""


class Unknown(Exception):
    """The platform may have sent it (timeout, lost answer, 5xx): look before resending."""


class ChannelOutbox(DueSender):
    gather_seconds = 0.05
    #: the channel's storage module (``widget_api.storage.sms``, ``.whatsapp``, ``.messenger``)
    storage: ModuleType
    #: its name in logs
    label = "outbox"

    def __init__(
        self, db: Database, *, base_delay: float = 30.0, max_delay: float = 3600.0,
        max_attempts: int = 8, timeout: float = 15.0,
    ):  # fmt: skip
        super().__init__(base_delay=base_delay, max_delay=max_delay, max_attempts=max_attempts)
        self.idle_seconds = 30.0
        self._db = db
        self._timeout = timeout
        self._pending: set[int] = set()
        self._catch_up = True  # the first round scans every reply not queued yet
        self._lock = threading.Lock()

    # -- queueing ---------------------------------------------------------------------------
    def mark(self, message_ids: Iterable[int]) -> None:
        """Listener (its own thread): these replies were written; queue them soon."""
        with self._lock:
            self._pending.update(message_ids)
        self._wake.set()

    def enqueue_replies(self) -> int:
        with self._lock:
            ids, self._pending = sorted(self._pending), set()
            catch_up, self._catch_up = self._catch_up, False
        if not ids and not catch_up:
            return 0
        store = self.storage
        rows = self._db.read(lambda cur: store.replies_to_send(cur, None if catch_up else ids))
        return sum(self._enqueue(row) for row in rows)

    def _enqueue(self, row: dict) -> bool:
        """Queue one reply (a row of ``replies_to_send``); True when a row was made."""
        raise NotImplementedError

    # -- sending ----------------------------------------------------------------------------
    def _config(self) -> Any:
        """The channel's settings, read once per round that has something to send."""
        raise NotImplementedError

    def _send_one(self, item: dict, config: Any) -> None:
        raise NotImplementedError

    def round(self) -> datetime | None:
        self.enqueue_replies()
        store = self.storage
        items = self._db.read(lambda cur: store.due(cur, utcnow()))
        config = self._config() if items else None
        for item in items:
            if self._stop.is_set():
                break
            self._send_one(item, config)
        return self._db.read(store.next_due_at)

    def _fail(self, item: dict, error: str, code: int | None = None, key: str | None = None):
        """``key``: our own reason's text in the catalogues (the platforms' come in English)."""
        store = self.storage
        self._db.write(lambda w: store.mark_failed(w, item["id"], error, code, utcnow(), key))
        log.warning("%s %s failed: %s", self.label, item["id"], error)

    def _later(self, item: dict, status: str, error: str) -> None:
        """Try again after the back-off: ``status`` 'queued' (surely not sent; fails after the
        last attempt) or 'checking' (maybe sent: looked up before any second send)."""
        attempts = item["attempts"] + 1
        if attempts >= self.max_attempts and status == "queued":
            return self._fail(item, error)
        next_at = utcnow() + self.backoff(attempts)
        store = self.storage
        self._db.write(lambda w: store.mark_retry(w, item["id"], status=status, error=error,
                                                  next_at=next_at))  # fmt: skip
        log.info("%s %s: %s; next try at %s", self.label, item["id"], error, next_at)
        return None
