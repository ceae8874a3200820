"""The WhatsApp channel's inbound log and outbox (Meta's Cloud API). Identities, the open-ticket
look-up and a message's delivery state are the SMS module's (one path for every channel)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, append
from widget_api.storage.rows import dicts
from widget_api.storage.sms import set_delivery


# -- inbound --------------------------------------------------------------------------------------
def store_inbound(
    w: Writer, *, wamid: str, from_number: str, phone_number_id: str | None,
    message: dict, sent_at: datetime | None, at: datetime,
) -> bool:  # fmt: skip
    """Keep one message as Meta posted it; False when this wamid is kept already."""
    row = w.cur.execute("SELECT 1 FROM whatsapp_inbound WHERE wamid = ?", [wamid]).fetchone()
    if row:
        return False
    w.cur.execute(
        "INSERT INTO whatsapp_inbound (wamid, from_number, phone_number_id, message, sent_at,"
        " status, received_at) VALUES (?, ?, ?, ?, ?, 'received', ?)",
        [wamid, from_number, phone_number_id, json.dumps(message), sent_at, at],
    )
    return True


def inbound_status(cur: Cursor, wamid: str) -> str | None:
    row = cur.execute("SELECT status FROM whatsapp_inbound WHERE wamid = ?", [wamid]).fetchone()
    return row[0] if row else None


def mark_inbound(w: Writer, wamid: str, *, ticket_id: int, message_id: int, at: datetime) -> None:
    w.cur.execute(
        "UPDATE whatsapp_inbound SET status = 'filed', ticket_id = ?, message_id = ?,"
        " processed_at = ? WHERE wamid = ?",
        [ticket_id, message_id, at, wamid],
    )


def message_by_wamid(cur: Cursor, wamid: str) -> int | None:
    """Our message for a wamid, inbound or outbound (for ``context`` replies-to)."""
    row = cur.execute(
        "SELECT message_id FROM whatsapp_inbound WHERE wamid = ? UNION ALL"
        " SELECT message_id FROM whatsapp_outbox WHERE wamid = ? LIMIT 1",
        [wamid, wamid],
    ).fetchone()
    return row[0] if row else None


def last_customer_message_at(cur: Cursor, ticket_id: int) -> datetime | None:
    """When the customer last wrote on this ticket, by Meta's clock (the 24-hour window)."""
    row = cur.execute(
        "SELECT max(coalesce(sent_at, received_at)) FROM whatsapp_inbound WHERE ticket_id = ?",
        [ticket_id],
    ).fetchone()
    return row[0] if row else None


def ticket_phone(cur: Cursor, ticket_id: int) -> str | None:
    row = cur.execute(
        "SELECT source ->> '$.whatsapp.from' FROM tickets WHERE id = ?", [ticket_id]
    ).fetchone()
    return row[0] if row else None


# -- outbound -------------------------------------------------------------------------------------
def replies_to_send(cur: Cursor, message_ids: list[int] | None) -> list[dict]:
    """Agent (or rule) replies on WhatsApp tickets in no outbox row yet; ``None``: all."""
    extra, params = "", []
    if message_ids is not None:
        if not message_ids:
            return []
        extra = f" AND m.id IN ({', '.join('?' for _ in message_ids)})"
        params = list(message_ids)
    cur.execute(
        "SELECT m.id AS message_id, m.ticket_id, m.body_text, m.meta, t.source"
        " FROM messages m JOIN tickets t ON t.id = m.ticket_id"
        " WHERE m.kind = 'outbound' AND m.delivery = 'none' AND t.channel = 'whatsapp'"
        " AND (m.author_type = 'agent'"
        "      OR (m.author_type = 'system' AND m.meta ->> 'rule_id' IS NOT NULL))"
        f" AND NOT EXISTS (SELECT 1 FROM whatsapp_outbox o WHERE o.message_id = m.id){extra}"
        " ORDER BY m.id",
        params,
    )
    return dicts(cur, ("source", "meta"))


def enqueue(
    w: Writer, *, ticket_id: int, message_id: int, to_number: str, body: str,
    template: dict | None, at: datetime,
) -> int | None:  # fmt: skip
    """Queue one reply; None when it is queued already (one row per message, ever)."""
    row = w.cur.execute(
        "SELECT id FROM whatsapp_outbox WHERE message_id = ?", [message_id]
    ).fetchone()
    if row:
        return None
    outbox_id = w.next_id("whatsapp_outbox")
    w.cur.execute(
        "INSERT INTO whatsapp_outbox (id, ticket_id, message_id, to_number, body, template,"
        " status, attempts, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
        [outbox_id, ticket_id, message_id, to_number, body,
         json.dumps(template) if template else None, at, at],
    )  # fmt: skip
    set_delivery(w, message_id, ticket_id, "queued", None, at)
    return outbox_id


_OUTBOX = (
    "id, ticket_id, message_id, to_number, body, template, status, attempts, next_attempt_at,"
    " last_error, error_code, wamid, wa_status, created_at, sent_at"
)


def due(cur: Cursor, now: datetime, limit: int = 20) -> list[dict]:
    cur.execute(
        f"SELECT {_OUTBOX} FROM whatsapp_outbox WHERE status = 'queued'"
        " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        [now, limit],
    )
    return dicts(cur, ("template",))


def next_due_at(cur: Cursor) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM whatsapp_outbox WHERE status = 'queued'"
    ).fetchone()
    return row[0] if row else None


def outbox_items(cur: Cursor, limit: int = 50) -> list[dict]:
    cur.execute(f"SELECT {_OUTBOX} FROM whatsapp_outbox ORDER BY id DESC LIMIT ?", [limit])
    return dicts(cur, ("template",))


def mark_attempt(w: Writer, outbox_id: int) -> None:
    w.cur.execute(
        "UPDATE whatsapp_outbox SET attempts = attempts + 1 WHERE id = ? AND status = 'queued'",
        [outbox_id],
    )


def mark_retry(w: Writer, outbox_id: int, *, error: str, next_at: datetime) -> None:
    w.cur.execute(
        "UPDATE whatsapp_outbox SET last_error = ?, next_attempt_at = ?"
        " WHERE id = ? AND status = 'queued'",
        [error[:1000], next_at, outbox_id],
    )


def mark_sent(w: Writer, outbox_id: int, wamid: str, at: datetime) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id, status FROM whatsapp_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row or row[2] != "queued":
        return
    w.cur.execute(
        "UPDATE whatsapp_outbox SET status = 'sent', sent_at = ?, wamid = ?,"
        " wa_status = 'accepted', last_error = NULL WHERE id = ?",
        [at, wamid, outbox_id],
    )
    set_delivery(w, row[1], row[0], "sent", None, at)
    _meta(w, row[1], {"wamid": wamid, "status": "accepted"})


def mark_failed(
    w: Writer, outbox_id: int, error: str, code: int | None, at: datetime, key: str | None = None
) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id FROM whatsapp_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row:
        return
    w.cur.execute(
        "UPDATE whatsapp_outbox SET status = 'failed', last_error = ?, error_code = ? WHERE id = ?",
        [error[:1000], code, outbox_id],
    )
    set_delivery(w, row[1], row[0], "failed", error, at)
    _meta(w, row[1], {"status": "failed", "error_code": code, "error": error[:300],
                      "error_key": key})  # fmt: skip


_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


def report_status(
    w: Writer, wamid: str, status: str, error_code: int | None, error: str | None, at: datetime
) -> bool:
    """Meta's ``statuses[]`` item for one of our messages; False when the wamid is not ours.
    Statuses may arrive out of order: a later state is never overwritten by an earlier one."""
    row = w.cur.execute(
        "SELECT id, ticket_id, message_id, wa_status FROM whatsapp_outbox WHERE wamid = ?",
        [wamid],
    ).fetchone()
    if not row:
        return False
    outbox_id, ticket_id, message_id, before = row
    if before == status or _RANK.get(status, 0) < _RANK.get(before or "", 0):
        return True
    w.cur.execute(
        "UPDATE whatsapp_outbox SET wa_status = ?, error_code = coalesce(?, error_code),"
        " last_error = coalesce(?, last_error) WHERE id = ?",
        [status, error_code, error, outbox_id],
    )
    if status == "failed":
        w.cur.execute("UPDATE whatsapp_outbox SET status = 'failed' WHERE id = ?", [outbox_id])
        set_delivery(w, message_id, ticket_id, "failed", error or status, at)
    values: dict[str, Any] = {"wamid": wamid, "status": status}
    if error_code is not None or error:
        values |= {"error_code": error_code, "error": error}
    _meta(w, message_id, values)
    append(w, name=ev.WHATSAPP_STATUS_CHANGED, actor=SYSTEM, entity_type="message",
           entity_id=message_id, ticket_id=ticket_id, at=at, before={"status": before},
           after={"status": status, "wamid": wamid, "error_code": error_code})  # fmt: skip
    return True


def _meta(w: Writer, message_id: int, values: dict[str, Any]) -> None:
    """Meta's word on the message, shown with it (``meta.whatsapp``)."""
    row = w.cur.execute(
        "SELECT meta, ticket_id FROM messages WHERE id = ?", [message_id]
    ).fetchone()
    if not row:
        return
    meta = json.loads(row[0]) if row[0] else {}
    meta["whatsapp"] = {**(meta.get("whatsapp") or {}), **values}
    w.cur.execute("UPDATE messages SET meta = ? WHERE id = ?", [json.dumps(meta), message_id])
    w.touched(row[1])


def name_customer(w: Writer, customer_id: int, name: str | None) -> None:
    """A new customer takes the WhatsApp profile name (``contacts[].profile.name``)."""
    if name:
        w.cur.execute(
            "UPDATE customers SET name = ? WHERE id = ? AND name IS NULL", [name[:200], customer_id]
        )
