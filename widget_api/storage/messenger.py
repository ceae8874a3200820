"""The Messenger and Instagram channel's inbound log and outbox (Meta's Messenger Platform).
Identities, the open-ticket look-up and a message's delivery state are the SMS module's (one
path for every channel)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, append
from widget_api.storage.rows import dicts, one
from widget_api.storage.sms import set_delivery

CHANNELS = {"facebook": "messenger", "instagram": "instagram"}  # ticket channel → platform


# -- inbound --------------------------------------------------------------------------------------
def store_inbound(
    w: Writer, *, mid: str, platform: str, sender_id: str, recipient_id: str | None,
    event: dict, sent_at: datetime | None, at: datetime,
) -> bool:  # fmt: skip
    """Keep one ``messaging[]`` item as Meta posted it; False when this mid is kept already."""
    if w.cur.execute("SELECT 1 FROM messenger_inbound WHERE mid = ?", [mid]).fetchone():
        return False
    w.cur.execute(
        "INSERT INTO messenger_inbound (mid, platform, sender_id, recipient_id, event, sent_at,"
        " status, received_at) VALUES (?, ?, ?, ?, ?, ?, 'received', ?)",
        [mid, platform, sender_id, recipient_id, json.dumps(event), sent_at, at],
    )
    return True


def inbound_status(cur: Cursor, mid: str) -> str | None:
    row = cur.execute("SELECT status FROM messenger_inbound WHERE mid = ?", [mid]).fetchone()
    return row[0] if row else None


def mark_inbound(w: Writer, mid: str, *, ticket_id: int, message_id: int, at: datetime) -> None:
    w.cur.execute(
        "UPDATE messenger_inbound SET status = 'filed', ticket_id = ?, message_id = ?,"
        " processed_at = ? WHERE mid = ?",
        [ticket_id, message_id, at, mid],
    )


def message_by_mid(cur: Cursor, mid: str) -> int | None:
    """Our message for a mid, inbound or outbound (replies-to and reactions)."""
    row = cur.execute(
        "SELECT message_id FROM messenger_inbound WHERE mid = ? AND message_id IS NOT NULL"
        " UNION ALL SELECT message_id FROM messenger_outbox WHERE mid = ? LIMIT 1",
        [mid, mid],
    ).fetchone()
    return row[0] if row else None


def last_customer_message_at(cur: Cursor, ticket_id: int) -> datetime | None:
    """When the customer last wrote on this ticket (the 24 h / 7 day rule): by Meta's clock for
    what came through the webhook (reactions count: Meta opens the window on any message event
    from the person), by our own for inbound messages that did not (a demo's, an import's)."""
    row = cur.execute(
        "SELECT max(wrote_at) FROM ("
        " SELECT coalesce(sent_at, received_at) AS wrote_at FROM messenger_inbound"
        "  WHERE ticket_id = ? AND status = 'filed'"
        " UNION ALL SELECT m.created_at FROM messages m WHERE m.ticket_id = ?"
        "  AND m.kind = 'inbound' AND NOT EXISTS (SELECT 1 FROM messenger_inbound i"
        "  WHERE i.message_id = m.id))",
        [ticket_id, ticket_id],
    ).fetchone()
    return row[0] if row else None


def create_customer(w: Writer, name: str | None, language: str, at: datetime) -> int:
    """A customer known only by a page- or Instagram-scoped id (no e-mail, no phone yet)."""
    customer_id = w.next_id("customers")
    w.cur.execute(
        "INSERT INTO customers (id, email, name, phone, language, created_at)"
        " VALUES (?, NULL, ?, NULL, ?, ?)",
        [customer_id, (name or None) and name[:200], language, at],
    )
    return customer_id


# -- outbound -------------------------------------------------------------------------------------
def replies_to_send(cur: Cursor, message_ids: list[int] | None) -> list[dict]:
    """Agent (or rule) replies on Messenger/Instagram tickets in no outbox row yet; ``None``:
    all."""
    extra, params = "", []
    if message_ids is not None:
        if not message_ids:
            return []
        extra = f" AND m.id IN ({', '.join('?' for _ in message_ids)})"
        params = list(message_ids)
    cur.execute(
        "SELECT m.id AS message_id, m.ticket_id, m.body_text, m.created_at, t.source, t.channel"
        " FROM messages m JOIN tickets t ON t.id = m.ticket_id"
        " WHERE m.kind = 'outbound' AND m.delivery = 'none'"
        " AND t.channel IN ('facebook', 'instagram')"
        " AND (m.author_type = 'agent'"
        "      OR (m.author_type = 'system' AND m.meta ->> 'rule_id' IS NOT NULL))"
        f" AND NOT EXISTS (SELECT 1 FROM messenger_outbox o WHERE o.message_id = m.id){extra}"
        " ORDER BY m.id",
        params,
    )
    return dicts(cur, ("source",))


def enqueue(
    w: Writer, *, ticket_id: int, message_id: int, platform: str, recipient_id: str, body: str,
    messaging_type: str, tag: str | None, at: datetime,
) -> int | None:  # fmt: skip
    """Queue one reply; None when it is queued already (one row per message, ever)."""
    row = w.cur.execute(
        "SELECT id FROM messenger_outbox WHERE message_id = ?", [message_id]
    ).fetchone()
    if row:
        return None
    outbox_id = w.next_id("messenger_outbox")
    w.cur.execute(
        "INSERT INTO messenger_outbox (id, ticket_id, message_id, platform, recipient_id, body,"
        " messaging_type, tag, status, attempts, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
        [outbox_id, ticket_id, message_id, platform, recipient_id, body, messaging_type, tag,
         at, at],
    )  # fmt: skip
    set_delivery(w, message_id, ticket_id, "queued", None, at)
    return outbox_id


_OUTBOX = (
    "id, ticket_id, message_id, platform, recipient_id, body, messaging_type, tag, status,"
    " attempts, next_attempt_at, attempted_at, last_error, error_code, mid, meta_status,"
    " created_at, sent_at"
)


def due(cur: Cursor, now: datetime, limit: int = 20) -> list[dict]:
    cur.execute(
        f"SELECT {_OUTBOX} FROM messenger_outbox WHERE status IN ('queued', 'checking')"
        " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        [now, limit],
    )
    return dicts(cur)


def next_due_at(cur: Cursor) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM messenger_outbox WHERE status IN ('queued', 'checking')"
    ).fetchone()
    return row[0] if row else None


def outbox_item(cur: Cursor, outbox_id: int) -> dict | None:
    cur.execute(f"SELECT {_OUTBOX} FROM messenger_outbox WHERE id = ?", [outbox_id])
    return one(cur)


def outbox_items(cur: Cursor, limit: int = 50) -> list[dict]:
    cur.execute(f"SELECT {_OUTBOX} FROM messenger_outbox ORDER BY id DESC LIMIT ?", [limit])
    return dicts(cur)


def known_mids(cur: Cursor, recipient_id: str) -> set[str]:
    """The mids our outbox already holds for a person (a look-up must not claim them twice)."""
    cur.execute(
        "SELECT mid FROM messenger_outbox WHERE recipient_id = ? AND mid IS NOT NULL",
        [recipient_id],
    )
    return {row[0] for row in cur.fetchall()}


def mark_attempt(
    w: Writer, outbox_id: int, at: datetime, messaging_type: str, tag: str | None
) -> None:
    """Committed before Meta is called, with the kind of send it is: a crash or a lost answer
    leaves it 'checking', so the conversation is looked at before any second send."""
    w.cur.execute(
        "UPDATE messenger_outbox SET status = 'checking', attempts = attempts + 1,"
        " attempted_at = ?, messaging_type = ?, tag = ?"
        " WHERE id = ? AND status IN ('queued', 'checking')",
        [at, messaging_type, tag, outbox_id],
    )


def mark_retry(w: Writer, outbox_id: int, *, status: str, error: str, next_at: datetime) -> None:
    """``status`` 'queued' (Meta surely made nothing) or 'checking' (it may have)."""
    w.cur.execute(
        "UPDATE messenger_outbox SET status = ?, last_error = ?, next_attempt_at = ?"
        " WHERE id = ? AND status IN ('queued', 'checking')",
        [status, error[:1000], next_at, outbox_id],
    )


def mark_sent(w: Writer, outbox_id: int, mid: str, at: datetime) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id, status FROM messenger_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row or row[2] not in ("queued", "checking"):
        return
    w.cur.execute(
        "UPDATE messenger_outbox SET status = 'sent', sent_at = ?, mid = ?,"
        " meta_status = 'accepted', last_error = NULL WHERE id = ?",
        [at, mid, outbox_id],
    )
    set_delivery(w, row[1], row[0], "sent", None, at)
    _meta(w, row[1], {"mid": mid, "status": "accepted"})


def mark_failed(
    w: Writer, outbox_id: int, error: str, code: int | None, at: datetime, key: str | None = None
) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id FROM messenger_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row:
        return
    w.cur.execute(
        "UPDATE messenger_outbox SET status = 'failed', last_error = ?, error_code = ?"
        " WHERE id = ?",
        [error[:1000], code, outbox_id],
    )
    set_delivery(w, row[1], row[0], "failed", error, at)
    _meta(w, row[1], {"status": "failed", "error_code": code, "error": error[:300],
                      "error_key": key})  # fmt: skip


_RANK = {"accepted": 0, "delivered": 1, "read": 2}


def report_status(
    w: Writer, *, platform: str, recipient_id: str, status: str, mids: list[str],
    watermark: datetime | None, at: datetime,
) -> int:  # fmt: skip
    """Meta's ``delivery`` (mids, watermark) or ``read`` (Messenger: a watermark; Instagram: a
    mid) for our messages to ``recipient_id``: every one named, or sent up to the watermark,
    moves forward (never back: events may arrive out of order). How many changed."""
    clauses, params = [], [platform, recipient_id]
    if mids:
        clauses.append(f"mid IN ({', '.join('?' for _ in mids)})")
        params += mids
    if watermark is not None:
        clauses.append("sent_at <= ?")
        params.append(watermark)
    if not clauses:
        return 0
    rows = w.cur.execute(
        "SELECT id, ticket_id, message_id, meta_status, mid FROM messenger_outbox"
        " WHERE platform = ? AND recipient_id = ? AND status = 'sent'"
        f" AND ({' OR '.join(clauses)})",
        params,
    ).fetchall()
    changed = 0
    for outbox_id, ticket_id, message_id, before, mid in rows:
        if _RANK.get(status, 0) <= _RANK.get(before or "", 0):
            continue
        w.cur.execute(
            "UPDATE messenger_outbox SET meta_status = ? WHERE id = ?", [status, outbox_id]
        )
        _meta(w, message_id, {"mid": mid, "status": status})
        append(w, name=ev.MESSENGER_STATUS_CHANGED, actor=SYSTEM, entity_type="message",
               entity_id=message_id, ticket_id=ticket_id, at=at, before={"status": before},
               after={"status": status, "mid": mid, "platform": platform})  # fmt: skip
        changed += 1
    return changed


def _meta(w: Writer, message_id: int, values: dict[str, Any]) -> None:
    """Meta's word on the message, shown with it (``meta.messenger``)."""
    row = w.cur.execute(
        "SELECT meta, ticket_id FROM messages WHERE id = ?", [message_id]
    ).fetchone()
    if not row:
        return
    meta = json.loads(row[0]) if row[0] else {}
    meta["messenger"] = {**(meta.get("messenger") or {}), **values}
    w.cur.execute("UPDATE messages SET meta = ? WHERE id = ?", [json.dumps(meta), message_id])
    w.touched(row[1])


def mark_ignored(w: Writer, mid: str, at: datetime) -> None:
    """Kept but filed nowhere (a reaction with no open conversation to go on)."""
    w.cur.execute(
        "UPDATE messenger_inbound SET status = 'ignored', processed_at = ? WHERE mid = ?",
        [at, mid],
    )
