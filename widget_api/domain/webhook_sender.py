"""The webhook sender: posts queued deliveries, marks them delivered only after a 2xx.

A ``DueSender`` (``widget_api/due_sender.py``) like the mail outbox: a thread that sends what is
due, sleeps until the next due time, and is woken after commit when a delivery is queued (the
webhooks listener wakes it on ``webhook.queued``/``webhook.requeued``). Anything but a 2xx, or
no answer, is retried with exponential back-off up to ``max_delay``; after ``max_attempts`` the
delivery is failed for good (an administrator may re-queue it). A delivered one is never sent
again, restarts included: its state is in the database before the next round reads it.

A receiver that got a delivery but whose 2xx was lost gets it again: ``X-Comptoir-Delivery``
stays the same across attempts so it can tell.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

import httpx

from widget_api.domain import webhooks
from widget_api.domain.errors import ComptoirError
from widget_api.due_sender import DueSender
from widget_api.i18n import t
from widget_api.settings import WebhookSettings
from widget_api.storage import Database
from widget_api.storage import webhooks as store
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class _Refused(Exception):
    """Sending cannot work, whatever the retries (a URL that is not http(s), a lost key)."""


class WebhookSender(DueSender):
    """Sends due webhook deliveries on its own thread."""

    thread_name = "comptoir-webhooks"

    def __init__(self, db: Database, options: WebhookSettings | None = None):
        options = options or WebhookSettings()
        super().__init__(base_delay=options.base_delay, max_delay=options.max_delay,
                         max_attempts=options.max_attempts)  # fmt: skip
        self._db = db
        self._client = httpx.Client(timeout=options.timeout, follow_redirects=False)

    # -- sending ----------------------------------------------------------------------------

    def send_due(self, now: datetime | None = None) -> int:
        """Send what is due; return how many were delivered."""
        delivered = 0
        for item in self._db.read(lambda cur: store.due(cur, now or utcnow())):
            if self._stop.is_set():
                break
            delivered += self._send_one(item)
        return delivered

    def _send_one(self, item: dict) -> int:
        delivery_id, attempts = item["id"], item["attempts"] + 1
        status_code: int | None = None
        try:
            status_code = self._post(item)
        except _Refused as exc:
            error = str(exc)
            self._db.write(lambda w: store.mark_failed(w, delivery_id, error, None, utcnow()))
            log.warning("webhook %s refused for good: %s", delivery_id, error)
            return 0
        except Exception as exc:  # no answer (or one httpx could not read): try again later
            error = f"{type(exc).__name__}: {str(exc)[:200] or 'no answer'}"
        else:
            if 200 <= status_code < 300:
                self._db.write(lambda w: store.mark_delivered(w, delivery_id, status_code,
                                                              utcnow()))  # fmt: skip
                return 1
            error = f"HTTP {status_code}"
        if attempts >= self.max_attempts:
            self._db.write(lambda w: store.mark_failed(w, delivery_id, error, status_code,
                                                       utcnow()))  # fmt: skip
            log.warning("webhook %s failed after %s attempts: %s", delivery_id, attempts, error)
        else:
            next_at = utcnow() + self.backoff(attempts)
            self._db.write(lambda w: store.mark_retry(w, delivery_id, error, status_code, next_at))
            log.info("webhook %s will be retried at %s: %s", delivery_id, next_at, error)
        return 0

    def _post(self, item: dict) -> int:
        """POST one delivery, signed now; the receiver's status code."""
        try:
            url = webhooks.check_url(item["url"])  # checked again: the row may predate a rule
            secret = webhooks.open_secret(self._db, item["id"], item["secret"] or "")
        except ComptoirError as exc:  # stored for administrators, in English like the logs
            raise _Refused(t(exc.key, "en", **exc.params)) from None
        if not secret:
            raise _Refused("no secret stored")
        body = item["body"].encode()
        timestamp = int(time.time())  # the receiver's clock judges freshness: the real time
        headers = {
            "Content-Type": "application/json",
            "X-Comptoir-Event": item["event_name"],
            "X-Comptoir-Delivery": str(item["id"]),
            "X-Comptoir-Timestamp": str(timestamp),
            "X-Comptoir-Signature": webhooks.sign(secret, timestamp, body),
        }
        return self._client.post(url, content=body, headers=headers).status_code

    def round(self) -> datetime | None:
        self.send_due()
        return self._db.read(store.next_due_at)

    def stop(self) -> None:
        super().stop()
        self._client.close()
