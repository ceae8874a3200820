"""Outgoing webhooks: queue a delivery durably, sign it, list and re-queue deliveries.

``enqueue`` runs inside the caller's write transaction (an automation rule's), so a delivery
exists exactly when the change that caused it committed, once per ``dedupe_key``. The secret is
sealed before it is stored and dropped once the receiver has accepted the delivery. The sender
(``webhook_sender.py``) posts what is due.

Receivers verify ``X-Comptoir-Signature: sha256=<hex>``: the HMAC-SHA256, keyed with the secret,
of ``"<X-Comptoir-Timestamp>.<raw body>"`` (see ``sign``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from widget_api.contracts.auth import Agent
from widget_api.contracts.webhooks import DeliveryStatus, WebhookDelivery
from widget_api.domain import secret_box
from widget_api.domain.errors import Conflict, Invalid, NotFound
from widget_api.storage import Database
from widget_api.storage import webhooks as store
from widget_api.storage.db import Writer
from widget_api.storage.events import Actor
from widget_api.storage.rows import to_db_time, utcnow

SCHEMES = ("http", "https")
SECRET_WHAT = "webhook_secret"  # names the secret in "cannot be decrypted" messages


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host; else ``Invalid`` (a 400). Rules
    may call it when saved, so a bad address is refused before anything is queued."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in SCHEMES and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(ch.isspace() for ch in url):
        raise Invalid("error.webhook_url", url=url[:200])
    return url


def body_of(payload: dict[str, Any]) -> str:
    """The exact JSON sent (compact, UTF-8); values JSON lacks (datetimes) become strings."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Comptoir-Signature`` value of ``body`` sent at ``timestamp`` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def enqueue(
    w: Writer,
    *,
    url: str,
    secret: str,
    event_name: str,
    payload: dict,
    dedupe_key: str,
    at: datetime,
) -> int | None:
    """Queue one delivery in the current transaction; its id, or None when ``dedupe_key`` was
    queued before (a key is delivered at most once, ever). Refuses a non-http(s) URL and an
    empty secret, event name or key (``Invalid``). The sender is woken after commit."""
    check_url(url)
    if not secret:
        raise Invalid("error.webhook_secret_blank")
    # The event name travels in a header: printable ASCII only.
    header_safe = event_name.isascii() and event_name.isprintable()
    if not event_name.strip() or not header_safe or not dedupe_key.strip():
        raise Invalid("error.webhook_incomplete")
    sealed = secret_box.of_writer(w).seal(secret)
    return store.insert(w, url=url, sealed_secret=sealed, event_name=event_name,
                        body=body_of(payload), dedupe_key=dedupe_key,
                        at=to_db_time(at))  # fmt: skip


def open_secret(db: Database, delivery_id: int, sealed: str) -> str:
    return secret_box.open_secret(db, sealed, SECRET_WHAT, id=delivery_id)


# -- the agent API ---------------------------------------------------------------------------------
def list_deliveries(db: Database, status: DeliveryStatus | None = None) -> list[WebhookDelivery]:
    rows = db.read(lambda cur: store.listing(cur, status))
    return [WebhookDelivery.model_validate(row) for row in rows]


def retry(db: Database, by: Agent, delivery_id: int) -> WebhookDelivery:
    """Queue a failed delivery again (fresh attempts, due now); 409 if it is not failed."""
    before = db.write(lambda w: store.requeue(w, delivery_id, Actor("agent", by.id), utcnow()))
    if before is None:
        raise NotFound("error.webhook_not_found")
    if before != "failed":
        raise Conflict("error.webhook_not_failed", status=before)
    return WebhookDelivery.model_validate(db.read(lambda cur: store.shown(cur, delivery_id)))
