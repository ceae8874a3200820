"""The webhook outbox: deliveries waiting for (or done with) their receiver's 2xx."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, Actor, append
from widget_api.storage.rows import dicts, one

# What the agent API may show: every column but the secret and the body.
_SHOWN = (
    "id, url, event_name, dedupe_key, status, attempts,"
    " CASE WHEN status = 'queued' THEN next_attempt_at END AS next_attempt_at, last_error,"
    " last_status_code, created_at, delivered_at"
)


def insert(
    w: Writer,
    *,
    url: str,
    sealed_secret: str,
    event_name: str,
    body: str,
    dedupe_key: str,
    at: datetime,
) -> int | None:
    """Queue one delivery, due now; None when ``dedupe_key`` was queued before (ever)."""
    seen = w.cur.execute(
        "SELECT count(*) FROM webhook_deliveries WHERE dedupe_key = ?", [dedupe_key]
    ).fetchone()[0]
    if seen:
        return None
    delivery_id = w.next_id("webhook_deliveries")
    w.cur.execute(
        "INSERT INTO webhook_deliveries (id, dedupe_key, url, secret, event_name, body,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [delivery_id, dedupe_key, url, sealed_secret, event_name, body, at, at],
    )
    log(w, ev.WEBHOOK_QUEUED, delivery_id, SYSTEM, at, event_name=event_name, url=url)
    return delivery_id


def due(cur: Cursor, now: datetime, limit: int = 20) -> list[dict]:
    """Queued deliveries whose time has come, oldest first, with what sending needs."""
    cur.execute(
        "SELECT id, url, secret, event_name, body, attempts FROM webhook_deliveries"
        " WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        [now, limit],
    )
    return dicts(cur)


def next_due_at(cur: Cursor) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'queued'"
    ).fetchone()
    return row[0] if row else None


def listing(cur: Cursor, status: str | None = None, limit: int = 200) -> list[dict]:
    """The newest deliveries first, optionally of one status; never a secret."""
    cur.execute(
        f"SELECT {_SHOWN} FROM webhook_deliveries WHERE (? IS NULL OR status = ?)"
        " ORDER BY id DESC LIMIT ?",
        [status, status, limit],
    )
    return dicts(cur)


def shown(cur: Cursor, delivery_id: int) -> dict | None:
    cur.execute(f"SELECT {_SHOWN} FROM webhook_deliveries WHERE id = ?", [delivery_id])
    return one(cur)


def mark_delivered(w: Writer, delivery_id: int, status_code: int, at: datetime) -> bool:
    """Delivered for good: never sent again, and its secret is no longer needed, so dropped."""
    row = _state(w, delivery_id)
    if row is None or row["status"] != "queued":
        return False
    w.cur.execute(
        "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,"
        " delivered_at = ?, last_status_code = ?, last_error = NULL, secret = NULL WHERE id = ?",
        [at, status_code, delivery_id],
    )
    log(w, ev.WEBHOOK_DELIVERED, delivery_id, SYSTEM, at, event_name=row["event_name"],
         url=row["url"], attempts=row["attempts"] + 1, status_code=status_code)  # fmt: skip
    return True


def mark_retry(
    w: Writer, delivery_id: int, error: str, status_code: int | None, next_at: datetime
) -> None:
    w.cur.execute(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?,"
        " last_status_code = ?, next_attempt_at = ? WHERE id = ? AND status = 'queued'",
        [error[:1000], status_code, next_at, delivery_id],
    )


def mark_failed(
    w: Writer, delivery_id: int, error: str, status_code: int | None, at: datetime
) -> None:
    row = _state(w, delivery_id)
    if row is None or row["status"] != "queued":
        return
    w.cur.execute(
        "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1,"
        " last_error = ?, last_status_code = ? WHERE id = ?",
        [error[:1000], status_code, delivery_id],
    )
    log(w, ev.WEBHOOK_FAILED, delivery_id, SYSTEM, at, event_name=row["event_name"],
         url=row["url"], attempts=row["attempts"] + 1, status_code=status_code,
         error=error[:300])  # fmt: skip


def requeue(w: Writer, delivery_id: int, actor: Actor, at: datetime) -> str | None:
    """Queue a failed delivery again, due now, with fresh attempts; returns its status before
    (None: unknown). Only a failed one moves."""
    row = _state(w, delivery_id)
    if row is None:
        return None
    if row["status"] == "failed":
        w.cur.execute(
            "UPDATE webhook_deliveries SET status = 'queued', attempts = 0, next_attempt_at = ?"
            " WHERE id = ?",
            [at, delivery_id],
        )
        log(w, ev.WEBHOOK_REQUEUED, delivery_id, actor, at, event_name=row["event_name"],
             url=row["url"], attempts=row["attempts"])  # fmt: skip
    return row["status"]


def _state(w: Writer, delivery_id: int) -> dict | None:
    w.cur.execute(
        "SELECT status, attempts, event_name, url FROM webhook_deliveries WHERE id = ?",
        [delivery_id],
    )
    return one(w.cur)


def log(w: Writer, name: str, delivery_id: int, actor: Actor, at: datetime, **after) -> None:
    append(w, name=name, actor=actor, entity_type="webhook_delivery", entity_id=delivery_id,
           at=at, after=after)  # fmt: skip


# -- secrets at rest (rotation walks them) ---------------------------------------------------------
def stored_secrets(cur: Cursor) -> list[dict]:
    """(id, secret) of every delivery still holding one."""
    cur.execute("SELECT id, secret FROM webhook_deliveries WHERE secret IS NOT NULL ORDER BY id")
    return dicts(cur)


def replace_secret(w: Writer, delivery_id: int, sealed: str) -> None:
    w.cur.execute("UPDATE webhook_deliveries SET secret = ? WHERE id = ?", [sealed, delivery_id])
