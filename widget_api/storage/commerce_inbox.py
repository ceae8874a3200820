"""Webhooks received from the commerce platforms, stored before the platform gets its 200 and
processed after by the webhook processor. One row per (platform, delivery id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from widget_api.storage.db import Cursor, Writer
from widget_api.storage.rows import dicts


def receive(
    w: Writer, platform: str, delivery_id: str, topic: str, body: str, at: datetime
) -> bool:
    """Store one delivery; False when this delivery id was already stored (a redelivery)."""
    seen = w.cur.execute(
        "SELECT 1 FROM commerce_webhooks WHERE platform = ? AND delivery_id = ?",
        [platform, delivery_id],
    ).fetchone()
    if seen:
        return False
    w.cur.execute(
        "INSERT INTO commerce_webhooks (id, platform, delivery_id, topic, body, received_at,"
        " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [w.next_id("commerce_webhooks"), platform, delivery_id, topic, body, at, at],
    )
    return True


def due(cur: Cursor, now: datetime, limit: int = 50) -> list[dict]:
    """Deliveries to process, oldest first."""
    cur.execute(
        "SELECT id, platform, delivery_id, topic, body, attempts FROM commerce_webhooks"
        " WHERE status = 'received' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        [now, limit],
    )
    return dicts(cur)


def next_due_at(cur: Cursor) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM commerce_webhooks WHERE status = 'received'"
    ).fetchone()
    return row[0] if row else None


def finish(w: Writer, webhook_id: int, status: str, at: datetime, error: str | None = None) -> None:
    """``processed``, ``ignored`` (nothing to do, with the reason) or ``failed`` for good."""
    w.cur.execute(
        "UPDATE commerce_webhooks SET status = ?, processed_at = ?, error = ?,"
        " attempts = attempts + 1 WHERE id = ?",
        [status, at, error, webhook_id],
    )


def retry_later(w: Writer, webhook_id: int, error: str, at: datetime, delay: timedelta) -> None:
    w.cur.execute(
        "UPDATE commerce_webhooks SET attempts = attempts + 1, error = ?, next_attempt_at = ?"
        " WHERE id = ?",
        [error, at + delay, webhook_id],
    )


def recent(cur: Cursor, platform: str, limit: int = 20) -> list[dict]:
    """The last deliveries, for the settings page (body left out)."""
    cur.execute(
        "SELECT id, delivery_id, topic, received_at, status, attempts, processed_at, error"
        " FROM commerce_webhooks WHERE platform = ? ORDER BY id DESC LIMIT ?",
        [platform, limit],
    )
    return dicts(cur)


def last_received_at(cur: Cursor, platform: str) -> datetime | None:
    """When the platform's last webhook arrived (the settings page's "last webhook")."""
    row = cur.execute(
        "SELECT max(received_at) FROM commerce_webhooks WHERE platform = ?", [platform]
    ).fetchone()
    return row[0] if row else None
