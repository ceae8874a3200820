"""Channel identities of customers, and the SMS channel's inbound log and outbox (Twilio)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, Actor, append
from widget_api.storage.rows import dicts, one

_OPEN_STATUSES = ("new", "open", "pending", "on_hold")


# -- identities -----------------------------------------------------------------------------------
def identity(cur: Cursor, kind: str, value: str) -> dict | None:
    cur.execute(
        "SELECT id, customer_id, kind, value, verified, linked, opted_out_at, created_at"
        " FROM customer_identities WHERE kind = ? AND value = ?",
        [kind, value],
    )
    return one(cur)


def identities_of(cur: Cursor, customer_id: int) -> list[dict]:
    cur.execute(
        "SELECT id, kind, value, verified, linked, opted_out_at, created_at"
        " FROM customer_identities WHERE customer_id = ? ORDER BY kind, id",
        [customer_id],
    )
    return dicts(cur)


def customer_by_phone(cur: Cursor, e164: str, national: str | None = None) -> int | None:
    """A customer known by this phone: an identity first, else the customer's own phone field,
    however it was typed (``514 555-0123``, ``+1 (514) 555-0123``: the same digits)."""
    found = identity(cur, "phone", e164)
    if found:
        return found["customer_id"]
    digits = [e164.lstrip("+"), *([national] if national else [])]
    row = cur.execute(
        "SELECT id FROM customers WHERE phone IS NOT NULL AND (phone = ? OR"
        " regexp_replace(phone, '[^0-9]', '', 'g') IN (?, ?)) ORDER BY id LIMIT 1",
        [e164, digits[0], digits[-1]],
    ).fetchone()
    return row[0] if row else None


def create_phone_customer(w: Writer, phone: str, language: str, at: datetime) -> int:
    customer_id = w.next_id("customers")
    w.cur.execute(
        "INSERT INTO customers (id, email, name, phone, language, created_at)"
        " VALUES (?, NULL, NULL, ?, ?, ?)",
        [customer_id, phone, language, at],
    )
    return customer_id


def add_identity(
    w: Writer, customer_id: int, kind: str, value: str, *, verified: bool, linked: bool,
    actor: Actor, at: datetime,
) -> int:  # fmt: skip
    """The identity's id; made (with its event) when the value is new for its kind."""
    found = identity(w.cur, kind, value)
    if found:
        return found["id"]
    identity_id = w.next_id("customer_identities")
    w.cur.execute(
        "INSERT INTO customer_identities (id, customer_id, kind, value, verified, linked,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [identity_id, customer_id, kind, value, verified, linked, at],
    )
    append(w, name=ev.CUSTOMER_IDENTITY_ADDED, actor=actor, entity_type="customer",
           entity_id=customer_id, at=at,
           after={"customer_id": customer_id, "kind": kind, "value": value})  # fmt: skip
    return identity_id


def set_opted_out(
    w: Writer, kind: str, value: str, opted_out: bool, keyword: str, actor: Actor, at: datetime
) -> bool:
    """Record STOP (or START) for an identity; True when it changed."""
    found = identity(w.cur, kind, value)
    if found is None or (found["opted_out_at"] is not None) == opted_out:
        return False
    w.cur.execute(
        "UPDATE customer_identities SET opted_out_at = ? WHERE id = ?",
        [at if opted_out else None, found["id"]],
    )
    append(w, name=ev.SMS_OPT_CHANGED, actor=actor, entity_type="customer",
           entity_id=found["customer_id"], at=at,
           after={"value": value, "opted_out": opted_out, "keyword": keyword})  # fmt: skip
    return True


def opted_out(cur: Cursor, kind: str, value: str) -> bool:
    found = identity(cur, kind, value)
    return bool(found and found["opted_out_at"] is not None)


# -- inbound --------------------------------------------------------------------------------------
def store_inbound(
    w: Writer, *, sid: str, account_sid: str | None, from_number: str, to_number: str | None,
    params: dict[str, str], at: datetime,
) -> tuple[str, bool]:  # fmt: skip
    """Keep one SMS as Twilio posted it; (its status, whether it is new)."""
    row = w.cur.execute("SELECT status FROM sms_inbound WHERE message_sid = ?", [sid]).fetchone()
    if row:
        return row[0], False
    w.cur.execute(
        "INSERT INTO sms_inbound (message_sid, account_sid, from_number, to_number, params,"
        " status, received_at) VALUES (?, ?, ?, ?, ?, 'received', ?)",
        [sid, account_sid, from_number, to_number, json.dumps(params), at],
    )
    return "received", True


def inbound(cur: Cursor, sid: str) -> dict | None:
    cur.execute(
        "SELECT message_sid, from_number, to_number, params, status, reason, ticket_id,"
        " message_id FROM sms_inbound WHERE message_sid = ?",
        [sid],
    )
    return one(cur, ("params",))


def mark_inbound(
    w: Writer, sid: str, *, status: str, at: datetime, reason: str | None = None,
    ticket_id: int | None = None, message_id: int | None = None,
) -> None:  # fmt: skip
    w.cur.execute(
        "UPDATE sms_inbound SET status = ?, reason = ?, ticket_id = ?, message_id = ?,"
        " processed_at = ? WHERE message_sid = ?",
        [status, reason, ticket_id, message_id, at, sid],
    )


def open_ticket_of(cur: Cursor, customer_id: int, channel: str) -> int | None:
    """The customer's newest unresolved ticket on ``channel`` (solved or closed ones are not
    continued: a new message after them opens a new ticket)."""
    row = cur.execute(
        "SELECT id FROM tickets WHERE customer_id = ? AND channel = ? AND merged_into_id IS NULL"
        f" AND status IN ({', '.join('?' for _ in _OPEN_STATUSES)})"
        " ORDER BY updated_at DESC, id DESC LIMIT 1",
        [customer_id, channel, *_OPEN_STATUSES],
    ).fetchone()
    return row[0] if row else None


def link_attachment(w: Writer, attachment_id: int, message_id: int) -> None:
    w.cur.execute("UPDATE attachments SET message_id = ? WHERE id = ?", [message_id, attachment_id])


# -- outbound -------------------------------------------------------------------------------------
def replies_to_send(cur: Cursor, message_ids: list[int] | None) -> list[dict]:
    """Agent (or rule) replies on SMS tickets that are in no outbox row yet; ``None``: all."""
    extra, params = "", []
    if message_ids is not None:
        if not message_ids:
            return []
        extra = f" AND m.id IN ({', '.join('?' for _ in message_ids)})"
        params = list(message_ids)
    cur.execute(
        "SELECT m.id AS message_id, m.ticket_id, m.body_text, t.source, t.customer_id"
        " FROM messages m JOIN tickets t ON t.id = m.ticket_id"
        " WHERE m.kind = 'outbound' AND m.delivery = 'none' AND t.channel = 'sms'"
        " AND (m.author_type = 'agent'"
        "      OR (m.author_type = 'system' AND m.meta ->> 'rule_id' IS NOT NULL))"
        f" AND NOT EXISTS (SELECT 1 FROM sms_outbox o WHERE o.message_id = m.id){extra}"
        " ORDER BY m.id",
        params,
    )
    return dicts(cur, ("source",))


def enqueue(
    w: Writer, *, ticket_id: int, message_id: int, to_number: str, body: str, at: datetime
) -> int | None:
    """Queue one reply; None when it is queued already (one row per message, ever)."""
    row = w.cur.execute("SELECT id FROM sms_outbox WHERE message_id = ?", [message_id]).fetchone()
    if row:
        return None
    outbox_id = w.next_id("sms_outbox")
    w.cur.execute(
        "INSERT INTO sms_outbox (id, ticket_id, message_id, to_number, body, status, attempts,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
        [outbox_id, ticket_id, message_id, to_number, body, at, at],
    )
    set_delivery(w, message_id, ticket_id, "queued", None, at)
    return outbox_id


_OUTBOX = (
    "id, ticket_id, message_id, to_number, body, status, attempts, next_attempt_at, attempted_at,"
    " last_error, error_code, twilio_sid, twilio_status, created_at, sent_at"
)


def due(cur: Cursor, now: datetime, limit: int = 20) -> list[dict]:
    cur.execute(
        f"SELECT {_OUTBOX} FROM sms_outbox WHERE status IN ('queued', 'checking')"
        " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        [now, limit],
    )
    return dicts(cur)


def next_due_at(cur: Cursor) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM sms_outbox WHERE status IN ('queued', 'checking')"
    ).fetchone()
    return row[0] if row else None


def outbox_item(cur: Cursor, outbox_id: int) -> dict | None:
    cur.execute(f"SELECT {_OUTBOX} FROM sms_outbox WHERE id = ?", [outbox_id])
    return one(cur)


def outbox_for_message(cur: Cursor, message_id: int) -> dict | None:
    cur.execute(f"SELECT {_OUTBOX} FROM sms_outbox WHERE message_id = ?", [message_id])
    return one(cur)


def outbox_by_sid(cur: Cursor, sid: str) -> dict | None:
    cur.execute(f"SELECT {_OUTBOX} FROM sms_outbox WHERE twilio_sid = ?", [sid])
    return one(cur)


def outbox_items(cur: Cursor, limit: int = 50) -> list[dict]:
    cur.execute(f"SELECT {_OUTBOX} FROM sms_outbox ORDER BY id DESC LIMIT ?", [limit])
    return dicts(cur)


def mark_attempt(w: Writer, outbox_id: int, at: datetime) -> None:
    """Committed before Twilio is called: a crash or a lost answer leaves it 'checking', so it
    is looked up on Twilio before any second send."""
    w.cur.execute(
        "UPDATE sms_outbox SET status = 'checking', attempts = attempts + 1, attempted_at = ?"
        " WHERE id = ? AND status IN ('queued', 'checking')",
        [at, outbox_id],
    )


def mark_retry(w: Writer, outbox_id: int, *, status: str, error: str, next_at: datetime) -> None:
    """``status`` 'queued' (Twilio surely made nothing) or 'checking' (it may have)."""
    w.cur.execute(
        "UPDATE sms_outbox SET status = ?, last_error = ?, next_attempt_at = ?"
        " WHERE id = ? AND status IN ('queued', 'checking')",
        [status, error[:1000], next_at, outbox_id],
    )


def mark_sent(w: Writer, outbox_id: int, sid: str, twilio_status: str, at: datetime) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id, status FROM sms_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row or row[2] in ("sent", "failed"):
        return
    w.cur.execute(
        "UPDATE sms_outbox SET status = 'sent', sent_at = ?, twilio_sid = ?, twilio_status = ?,"
        " last_error = NULL WHERE id = ?",
        [at, sid, twilio_status, outbox_id],
    )
    set_delivery(w, row[1], row[0], "sent", None, at)
    _sms_meta(w, row[1], {"sid": sid, "status": twilio_status})
    append(w, name=ev.SMS_STATUS_CHANGED, actor=SYSTEM, entity_type="message", entity_id=row[1],
           ticket_id=row[0], at=at, after={"status": twilio_status, "sid": sid})  # fmt: skip


def mark_failed(
    w: Writer, outbox_id: int, error: str, code: int | None, at: datetime, key: str | None = None
) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id, twilio_sid FROM sms_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row:
        return
    w.cur.execute(
        "UPDATE sms_outbox SET status = 'failed', last_error = ?, error_code = ? WHERE id = ?",
        [error[:1000], code, outbox_id],
    )
    set_delivery(w, row[1], row[0], "failed", error, at)
    _sms_meta(w, row[1], {"status": "failed", "error_code": code, "error": error[:300],
                          "error_key": key})  # fmt: skip


def report_status(
    w: Writer, sid: str, status: str, error_code: int | None, error: str | None, at: datetime
) -> bool:
    """A status callback for one of our messages; False when the sid is not ours."""
    row = w.cur.execute(
        "SELECT id, ticket_id, message_id, twilio_status FROM sms_outbox WHERE twilio_sid = ?",
        [sid],
    ).fetchone()
    if not row:
        return False
    outbox_id, ticket_id, message_id, before = row
    if before == status:
        return True
    w.cur.execute(
        "UPDATE sms_outbox SET twilio_status = ?, error_code = coalesce(?, error_code),"
        " last_error = coalesce(?, last_error) WHERE id = ?",
        [status, error_code, error, outbox_id],
    )
    if status in ("failed", "undelivered"):
        w.cur.execute("UPDATE sms_outbox SET status = 'failed' WHERE id = ?", [outbox_id])
        set_delivery(w, message_id, ticket_id, "failed", error or status, at)
    meta: dict[str, Any] = {"sid": sid, "status": status}
    if error_code is not None:
        meta |= {"error_code": error_code, "error": error}
    _sms_meta(w, message_id, meta)
    append(w, name=ev.SMS_STATUS_CHANGED, actor=SYSTEM, entity_type="message",
           entity_id=message_id, ticket_id=ticket_id, at=at, before={"status": before},
           after={"status": status, "sid": sid, "error_code": error_code})  # fmt: skip
    return True


def set_delivery(
    w: Writer, message_id: int, ticket_id: int, delivery: str, error: str | None, at: datetime
) -> None:
    row = w.cur.execute("SELECT delivery FROM messages WHERE id = ?", [message_id]).fetchone()
    if not row or row[0] == delivery:
        return
    w.cur.execute("UPDATE messages SET delivery = ? WHERE id = ?", [delivery, message_id])
    after: dict[str, Any] = {"delivery": delivery}
    if error:
        after["error"] = error[:300]
    append(w, name=ev.MESSAGE_DELIVERY_CHANGED, actor=SYSTEM, entity_type="message",
           entity_id=message_id, ticket_id=ticket_id, at=at, before={"delivery": row[0]},
           after=after)  # fmt: skip
    w.touched(ticket_id)


def _sms_meta(w: Writer, message_id: int, values: dict[str, Any]) -> None:
    """Twilio's word on the message, shown with it (``meta.sms``)."""
    row = w.cur.execute(
        "SELECT meta, ticket_id FROM messages WHERE id = ?", [message_id]
    ).fetchone()
    if not row:
        return
    meta = json.loads(row[0]) if row[0] else {}
    meta["sms"] = {**(meta.get("sms") or {}), **values}
    w.cur.execute("UPDATE messages SET meta = ? WHERE id = ?", [json.dumps(meta), message_id])
    w.touched(row[1])


def ticket_phone(cur: Cursor, ticket_id: int) -> str | None:
    """The number an SMS ticket's replies go to (where its first SMS came from)."""
    row = cur.execute(
        "SELECT source ->> '$.sms.from' FROM tickets WHERE id = ?", [ticket_id]
    ).fetchone()
    return row[0] if row else None


def settle_checking(w: Writer, outbox_id: int, sid: str, status: str, at: datetime) -> bool:
    """A status callback names a row whose send had no answer: it was sent, with ``sid``."""
    row = w.cur.execute(
        "SELECT status FROM sms_outbox WHERE id = ? AND twilio_sid IS NULL", [outbox_id]
    ).fetchone()
    if not row or row[0] != "checking":
        return False
    mark_sent(w, outbox_id, sid, status, at)
    return True
