"""The WhatsApp outbox: an agent's reply (or template send) on a WhatsApp ticket waits in
``whatsapp_outbox`` until the Graph API (``POST /{version}/{phone_number_id}/messages``) has
accepted it, exactly once.

The Cloud API takes no idempotency key. A refusal (4xx with Meta's ``error`` object: its
``message`` and ``code``) fails the reply at once, shown on the message; a 429, a 5xx or no
connection is retried with doubling back-off up to ``max_attempts``. Meta documents a 5xx as
"the message was not sent"; a timeout after the request was written is the one case where a
retry could send twice, and it is retried only once the back-off has passed (the trade-off the
SMS outbox makes too, without Twilio's look-up: the Graph API has no list of sent messages).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import httpx

from widget_api.channels import whatsapp_settings
from widget_api.channels.whatsapp_settings import WhatsappConfig
from widget_api.due_sender import DueSender
from widget_api.i18n import t
from widget_api.storage import Database
from widget_api.storage import whatsapp as store
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class Refused(Exception):
    """Meta refused the message for good (4xx with its error object)."""

    def __init__(self, code: int | None, message: str):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code


class Later(Exception):
    """Send again later (no connection, 429, 5xx)."""


@dataclass
class GraphClient:
    config: WhatsappConfig
    timeout: float = 15.0

    @property
    def _url(self) -> str:
        c = self.config
        return f"{c.graph_base_url}/{c.api_version}/{c.phone_number_id}/messages"

    def send(self, to: str, body: str, template: dict | None) -> str:
        """The new message's wamid."""
        payload: dict = {"messaging_product": "whatsapp", "recipient_type": "individual",
                         "to": to.lstrip("+")}  # fmt: skip
        if template:
            payload |= {"type": "template", "template": {
                "name": template["name"], "language": {"code": template["language"]}}}  # fmt: skip
        else:
            payload |= {"type": "text", "text": {"preview_url": False, "body": body}}
        headers = {"Authorization": f"Bearer {self.config.access_token}"}
        try:
            response = httpx.post(self._url, json=payload, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise Later(f"{type(exc).__name__}: no answer from Meta") from exc
        if response.status_code == 200:
            try:
                return str(response.json()["messages"][0]["id"])
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise Later("Meta's answer names no message") from exc
        code, message = _error_of(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise Later(f"{response.status_code} {code}: {message}")
        raise Refused(code, message)


def _error_of(response: httpx.Response) -> tuple[int | None, str]:
    """Meta's ``{"error": {"message", "type", "code", "error_data": {"details"}, …}}``."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return None, f"HTTP {response.status_code}"
    code = error.get("code") if isinstance(error, dict) else None
    message = str((error.get("message") if isinstance(error, dict) else None)
                  or f"HTTP {response.status_code}")  # fmt: skip
    details = (error.get("error_data") or {}).get("details") if isinstance(error, dict) else None
    if details:
        message = f"{message} ({details})"
    return (code if isinstance(code, int) else None), message


class WhatsappOutbox(DueSender):
    thread_name = "comptoir-whatsapp-outbox"
    gather_seconds = 0.05

    def __init__(
        self, db: Database, *, base_delay: float = 30.0, max_delay: float = 3600.0,
        max_attempts: int = 8, timeout: float = 15.0,
    ):  # fmt: skip
        super().__init__(base_delay=base_delay, max_delay=max_delay, max_attempts=max_attempts)
        self.idle_seconds = 30.0
        self._db = db
        self._timeout = timeout
        self._pending: set[int] = set()
        self._catch_up = True
        self._lock = threading.Lock()

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
        rows = self._db.read(lambda cur: store.replies_to_send(cur, None if catch_up else ids))
        queued = 0
        for row in rows:
            to = ((row.get("source") or {}).get("whatsapp") or {}).get("from")
            if not to:
                log.warning("WhatsApp reply %s: the ticket has no number", row["message_id"])
                continue
            template = ((row.get("meta") or {}).get("whatsapp") or {}).get("template")
            made = self._db.write(
                lambda w, r=row, to=to, tpl=template: store.enqueue(
                    w, ticket_id=r["ticket_id"], message_id=r["message_id"], to_number=to,
                    body=r["body_text"], template=tpl, at=utcnow(),
                )
            )  # fmt: skip
            queued += made is not None
        return queued

    def round(self) -> datetime | None:
        self.enqueue_replies()
        items = self._db.read(lambda cur: store.due(cur, utcnow()))
        config = whatsapp_settings.load(self._db) if items else None
        for item in items:
            if self._stop.is_set():
                break
            self._send_one(item, config)
        return self._db.read(store.next_due_at)

    def _fail(self, item: dict, error: str, code: int | None = None, key: str | None = None):
        """``key``: our own reason's text in the catalogues (Meta's come in English)."""
        self._db.write(lambda w: store.mark_failed(w, item["id"], error, code, utcnow(), key))
        log.warning("WhatsApp %s failed: %s", item["id"], error)

    def _send_one(self, item: dict, config: WhatsappConfig | None) -> None:
        if config is None or not config.can_send:
            key = "channels.whatsapp.fail.not_set_up"
            return self._fail(item, t(key, "en"), key=key)
        if item["attempts"] >= self.max_attempts:
            return self._fail(item, item.get("last_error") or "too many attempts")
        self._db.write(lambda w: store.mark_attempt(w, item["id"]))
        try:
            wamid = GraphClient(config, self._timeout).send(
                item["to_number"], item["body"], item.get("template")
            )
        except Refused as exc:
            return self._fail(item, str(exc), exc.code)
        except Later as exc:
            error = str(exc)
            attempts = item["attempts"] + 1
            if attempts >= self.max_attempts:
                return self._fail(item, str(exc))
            next_at = utcnow() + self.backoff(attempts)
            self._db.write(lambda w: store.mark_retry(w, item["id"], error=error,
                                                      next_at=next_at))  # fmt: skip
            log.info("WhatsApp %s: %s; next try at %s", item["id"], exc, next_at)
            return None
        self._db.write(lambda w: store.mark_sent(w, item["id"], wamid, utcnow()))
        return None
