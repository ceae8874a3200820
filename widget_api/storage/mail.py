"""Mailboxes, every mail seen or sent (``mail_messages``), the outbox, and mail settings.

Mailbox passwords live in ``mailboxes`` but only :func:`mailbox` with ``with_secrets=True`` reads
them (for the poller and the sender); events record which fields changed, never their values.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, Actor, append
from widget_api.storage.rows import dicts, one

SECRET_FIELDS = ("imap_password", "smtp_password")
MAILBOX_FIELDS = (
    "name", "address", "inbound", "imap_host", "imap_port", "imap_security", "imap_username",
    "imap_password", "imap_folder", "imap_processed", "imap_move_to", "poll_seconds", "smtp_host",
    "smtp_port", "smtp_security", "smtp_username", "smtp_password", "auto_ack", "active",
)  # fmt: skip
_PUBLIC = [f for f in MAILBOX_FIELDS if f not in SECRET_FIELDS]
_MAILBOX_COLUMNS = ", ".join(
    ["id", *_PUBLIC, "last_polled_at", "last_error", "created_at", "updated_at"]
)
_SECRET_FLAGS = ", ".join(f"({f} IS NOT NULL AND {f} <> '') AS {f}_set" for f in SECRET_FIELDS)


# -- mailboxes ------------------------------------------------------------------------------
def mailboxes(cur: Cursor, *, active_only: bool = False) -> list[dict]:
    where = "WHERE active" if active_only else ""
    cur.execute(f"SELECT {_MAILBOX_COLUMNS}, {_SECRET_FLAGS} FROM mailboxes {where} ORDER BY id")
    return dicts(cur)


def mailbox(cur: Cursor, mailbox_id: int, *, with_secrets: bool = False) -> dict | None:
    secrets = ", " + ", ".join(SECRET_FIELDS) if with_secrets else ""
    cur.execute(
        f"SELECT {_MAILBOX_COLUMNS}, {_SECRET_FLAGS}{secrets} FROM mailboxes WHERE id = ?",
        [mailbox_id],
    )
    return one(cur)


def mailbox_id_for_address(cur: Cursor, addresses: list[str]) -> int | None:
    """The active mailbox one of ``addresses`` belongs to (plus-tags ignored)."""
    for address in addresses:
        local, _, domain = address.lower().rpartition("@")
        base = local.split("+", 1)[0]
        row = cur.execute(
            "SELECT id FROM mailboxes WHERE active AND address = ? ORDER BY id LIMIT 1",
            [f"{base}@{domain}"],
        ).fetchone()
        if row:
            return row[0]
    return None


def mailbox_domains(cur: Cursor) -> list[str]:
    rows = cur.execute(
        "SELECT DISTINCT split_part(address, '@', 2) FROM mailboxes WHERE active"
    ).fetchall()
    return [r[0] for r in rows]


def mailbox_addresses(cur: Cursor) -> list[str]:
    return [r[0] for r in cur.execute("SELECT address FROM mailboxes").fetchall()]


def default_outbound_mailbox(cur: Cursor) -> int | None:
    row = cur.execute(
        "SELECT id FROM mailboxes WHERE active AND smtp_host IS NOT NULL AND smtp_host <> ''"
        " ORDER BY id LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def insert_mailbox(w: Writer, data: dict[str, Any], actor: Actor, at: datetime) -> int:
    mailbox_id = w.next_id("mailboxes")
    names = [f for f in MAILBOX_FIELDS if f in data]
    w.cur.execute(
        f"INSERT INTO mailboxes (id, {', '.join(names)}, created_at, updated_at)"
        f" VALUES (?, {', '.join('?' for _ in names)}, ?, ?)",
        [mailbox_id, *[data[n] for n in names], at, at],
    )
    append(w, name=ev.MAIL_MAILBOX_CREATED, actor=actor, entity_type="mailbox",
           entity_id=mailbox_id, at=at, after=_loggable(data))  # fmt: skip
    return mailbox_id


def update_mailbox(
    w: Writer, mailbox_id: int, changes: dict[str, Any], actor: Actor, at: datetime
) -> bool:
    if (
        w.cur.execute("SELECT count(*) FROM mailboxes WHERE id = ?", [mailbox_id]).fetchone()[0]
        == 0
    ):
        return False
    names = [f for f in MAILBOX_FIELDS if f in changes]
    if names:
        w.cur.execute(
            f"UPDATE mailboxes SET {', '.join(f'{n} = ?' for n in names)}, updated_at = ?,"
            " last_error = NULL WHERE id = ?",
            [*[changes[n] for n in names], at, mailbox_id],
        )
        append(w, name=ev.MAIL_MAILBOX_UPDATED, actor=actor, entity_type="mailbox",
               entity_id=mailbox_id, at=at, after=_loggable(changes))  # fmt: skip
    return True


def delete_mailbox(w: Writer, mailbox_id: int, actor: Actor, at: datetime) -> bool:
    found = w.cur.execute("SELECT count(*) FROM mailboxes WHERE id = ?", [mailbox_id]).fetchone()
    if not found[0]:
        return False
    w.cur.execute("DELETE FROM mailboxes WHERE id = ?", [mailbox_id])
    append(w, name=ev.MAIL_MAILBOX_DELETED, actor=actor, entity_type="mailbox",
           entity_id=mailbox_id, at=at)  # fmt: skip
    return True


def mailbox_secrets(cur: Cursor) -> list[dict]:
    """Every mailbox's id, address and stored (sealed) passwords, to seal or re-seal them."""
    cur.execute(f"SELECT id, address, {', '.join(SECRET_FIELDS)} FROM mailboxes ORDER BY id")
    return dicts(cur)


def replace_mailbox_secrets(w: Writer, mailbox_id: int, values: dict[str, str]) -> None:
    """Store re-encrypted passwords: the same secrets, so no event and no ``updated_at``."""
    names = [f for f in SECRET_FIELDS if f in values]
    w.cur.execute(
        f"UPDATE mailboxes SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
        [*[values[n] for n in names], mailbox_id],
    )


def _loggable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("(changed)" if k in SECRET_FIELDS else v) for k, v in data.items()}


def record_poll(w: Writer, mailbox_id: int, at: datetime, error: str | None) -> None:
    w.cur.execute(
        "UPDATE mailboxes SET last_polled_at = ?, last_error = ? WHERE id = ?",
        [at, error[:500] if error else None, mailbox_id],
    )


# -- settings -------------------------------------------------------------------------------
def get_setting(cur: Cursor, key: str) -> Any:
    row = cur.execute("SELECT value FROM mail_settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else None


def put_setting(w: Writer, key: str, value: Any, actor: Actor, at: datetime) -> None:
    w.cur.execute(
        "INSERT INTO mail_settings (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, json.dumps(value), at],
    )
    append(w, name=ev.MAIL_SETTINGS_CHANGED, actor=actor, entity_type="settings", entity_id=0,
           at=at, after={key: value})  # fmt: skip


# -- mail seen or sent ----------------------------------------------------------------------
def advance_watermark(w: Writer, message_id: int, at: datetime) -> None:
    """Agent replies up to ``message_id`` will never be mailed (no mailbox was set up)."""
    w.cur.execute(
        "UPDATE mail_settings SET value = to_json(greatest(value::BIGINT, ?)), updated_at = ?"
        " WHERE key = 'outbox_watermark'",
        [message_id, at],
    )


def has_mailbox(cur: Cursor) -> bool:
    return cur.execute("SELECT count(*) FROM mailboxes WHERE active").fetchone()[0] > 0


def stored_by_key(cur: Cursor, dedupe_key: str) -> dict | None:
    cur.execute(
        "SELECT id, direction, status, ticket_id, reason FROM mail_messages WHERE dedupe_key = ?",
        [dedupe_key],
    )
    return one(cur)


def known_mail(cur: Cursor, rfc_message_id: str | None, content_hashes: list[str]) -> int | None:
    """The mail already kept that this one is a second delivery of: the same Message-ID and
    the same content (a reused id with other content is another mail), or our own mail with
    that id coming back; without a Message-ID, the same content."""
    marks = ", ".join("?" for _ in content_hashes)
    if rfc_message_id is None:
        row = cur.execute(
            f"SELECT min(id) FROM mail_messages WHERE dedupe_key IN ({marks})",
            [f"sha:{h}" for h in content_hashes],
        ).fetchone()
    else:
        row = cur.execute(
            "SELECT min(id) FROM mail_messages WHERE rfc_message_id = ?"
            f" AND (direction = 'outbound' OR content_hash IN ({marks}))",
            [rfc_message_id, *content_hashes],
        ).fetchone()
    return row[0] if row else None


def store_raw(
    w: Writer,
    *,
    rfc_message_id: str | None,
    content_hashes: list[str],
    source: str,
    mailbox_id: int | None,
    raw: bytes,
    envelope: dict | None,
    at: datetime,
) -> tuple[int, bool]:
    """Keep an incoming mail before anything else; (id, False) when it was already kept.

    ``content_hashes`` is the mail's fingerprint, then the ones older versions stored. The
    dedupe key is ``mid:<id>``, ``mid:<id> sha:<hash>`` when another mail took that id first,
    or ``sha:<hash>`` without a Message-ID."""
    found = known_mail(w.cur, rfc_message_id, content_hashes)
    if found is not None:
        return found, False
    digest = content_hashes[0]
    dedupe_key = f"mid:{rfc_message_id}" if rfc_message_id else f"sha:{digest}"
    if rfc_message_id and stored_by_key(w.cur, dedupe_key) is not None:
        dedupe_key = f"mid:{rfc_message_id} sha:{digest}"
    mail_id = w.next_id("mail_messages")
    w.cur.execute(
        "INSERT INTO mail_messages (id, direction, dedupe_key, rfc_message_id, content_hash,"
        " source, mailbox_id, status, envelope, size, raw, received_at)"
        " VALUES (?, 'inbound', ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?)",
        [mail_id, dedupe_key, rfc_message_id, digest, source, mailbox_id,
         json.dumps(envelope) if envelope else None, len(raw), raw, at],
    )  # fmt: skip
    return mail_id, True


def pending_inbound(cur: Cursor, limit: int = 500) -> list[int]:
    rows = cur.execute(
        "SELECT id FROM mail_messages WHERE direction = 'inbound' AND status = 'received'"
        " ORDER BY id LIMIT ?",
        [limit],
    ).fetchall()
    return [r[0] for r in rows]


def stored(cur: Cursor, mail_id: int) -> dict | None:
    cur.execute(
        "SELECT id, direction, dedupe_key, rfc_message_id, source, mailbox_id, status, reason,"
        " ticket_id, message_id, envelope, raw, received_at, size FROM mail_messages WHERE id = ?",
        [mail_id],
    )
    return one(cur, ("envelope",))


def status_of(cur: Cursor, mail_id: int) -> str | None:
    row = cur.execute("SELECT status FROM mail_messages WHERE id = ?", [mail_id]).fetchone()
    return row[0] if row else None


def mark_processed(
    w: Writer,
    mail_id: int,
    *,
    status: str,
    at: datetime,
    reason: str | None = None,
    ticket_id: int | None = None,
    message_id: int | None = None,
    mailbox_id: int | None = None,
    from_address: str | None = None,
    reply_address: str | None = None,
    recipients: list[str] | None = None,
    subject: str | None = None,
    in_reply_to: str | None = None,
    refs: list[str] | None = None,
    thread_index: str | None = None,
) -> None:
    w.cur.execute(
        "UPDATE mail_messages SET status = ?, reason = ?, ticket_id = ?, message_id = ?,"
        " mailbox_id = coalesce(?, mailbox_id), from_address = ?, reply_address = ?,"
        " recipients = ?, subject = ?, in_reply_to = ?, refs = ?, thread_index = ?,"
        " processed_at = ? WHERE id = ?",
        [status, reason[:1000] if reason else None, ticket_id, message_id, mailbox_id,
         from_address, reply_address, list(recipients or [])[:50], (subject or "")[:500] or None,
         in_reply_to, list(refs or [])[-50:], thread_index, at, mail_id],
    )  # fmt: skip


def ticket_for_message_ids(cur: Cursor, ids: list[str]) -> int | None:
    """The ticket a mail with one of these Message-IDs belongs to (newest wins)."""
    ids = [i for i in ids if i][:100]
    if not ids:
        return None
    row = cur.execute(
        f"SELECT ticket_id FROM mail_messages WHERE rfc_message_id IN"
        f" ({', '.join('?' for _ in ids)}) AND ticket_id IS NOT NULL ORDER BY id DESC LIMIT 1",
        ids,
    ).fetchone()
    return row[0] if row else None


def participants(cur: Cursor, ticket_id: int) -> set[str]:
    """Every address that wrote into the ticket by mail or that our mail for it went to."""
    found: set[str] = set()
    row = cur.execute(
        "SELECT c.email FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
        [ticket_id],
    ).fetchone()
    if row and row[0]:
        found.add(row[0].lower())
    for from_address, reply, recipients, direction in cur.execute(
        "SELECT from_address, reply_address, recipients, direction FROM mail_messages"
        " WHERE ticket_id = ?",
        [ticket_id],
    ).fetchall():
        if direction == "inbound":
            found.update(a.lower() for a in (from_address, reply) if a)
        else:
            found.update(a.lower() for a in recipients or [])
    return found


def open_ticket_for_order(
    cur: Cursor, customer_id: int, order_numbers: list[str], since: datetime
) -> int | None:
    wanted = [n.upper() for n in order_numbers if n][:10]
    if not wanted:
        return None
    row = cur.execute(
        "SELECT id FROM tickets WHERE customer_id = ? AND upper(order_number) IN"
        f" ({', '.join('?' for _ in wanted)}) AND status IN ('new', 'open', 'pending', 'on_hold')"
        " AND merged_into_id IS NULL AND updated_at >= ? ORDER BY updated_at DESC LIMIT 1",
        [customer_id, *wanted, since],
    ).fetchone()
    return row[0] if row else None


def thread(cur: Cursor, ticket_id: int) -> list[dict]:
    """The ticket's mail, oldest first: Message-IDs, reply addresses, mailbox, Thread-Index."""
    cur.execute(
        "SELECT id, direction, rfc_message_id, mailbox_id, from_address, reply_address,"
        " recipients, subject, refs, thread_index, status, received_at FROM mail_messages"
        " WHERE ticket_id = ? AND status IN ('ticket', 'joined', 'outbound') ORDER BY id",
        [ticket_id],
    )
    return dicts(cur)


def quarantined(cur: Cursor, limit: int = 100) -> list[dict]:
    cur.execute(
        "SELECT id, source, mailbox_id, reason, from_address, subject, size, received_at,"
        " processed_at FROM mail_messages WHERE status = 'quarantined'"
        " ORDER BY id DESC LIMIT ?",
        [limit],
    )
    return dicts(cur)


def requeue(w: Writer, mail_id: int) -> bool:
    """Send a quarantined mail through the pipeline again (after a fix)."""
    row = w.cur.execute("SELECT status FROM mail_messages WHERE id = ?", [mail_id]).fetchone()
    if not row or row[0] != "quarantined":
        return False
    w.cur.execute(
        "UPDATE mail_messages SET status = 'received', reason = NULL WHERE id = ?", [mail_id]
    )
    return True


def outcome_counts(cur: Cursor) -> dict[str, int]:
    return dict(
        cur.execute(
            "SELECT status, count(*) FROM mail_messages WHERE direction = 'inbound' GROUP BY 1"
        ).fetchall()
    )


# -- outbox ---------------------------------------------------------------------------------
def enqueue(
    w: Writer,
    *,
    kind: str,
    ticket_id: int,
    message_id: int | None,
    mailbox_id: int | None,
    rfc_message_id: str,
    mail_from: str,
    rcpt_to: list[str],
    raw: bytes,
    recipients: list[str],
    subject: str,
    in_reply_to: str | None,
    refs: list[str],
    thread_index: str | None,
    at: datetime,
) -> int | None:
    """Queue one mail; None when it is already queued (same message or Message-ID). The
    Message-ID is recorded at once, so a reply to it threads even before it has left."""
    exists = w.cur.execute(
        "SELECT count(*) FROM mail_outbox WHERE rfc_message_id = ? OR message_id = ?",
        [rfc_message_id, message_id],
    ).fetchone()[0]
    if exists:
        return None
    outbox_id = w.next_id("mail_outbox")
    w.cur.execute(
        "INSERT INTO mail_outbox (id, kind, ticket_id, message_id, mailbox_id, rfc_message_id,"
        " mail_from, rcpt_to, raw, status, attempts, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
        [outbox_id, kind, ticket_id, message_id, mailbox_id, rfc_message_id, mail_from,
         rcpt_to, raw, at, at],
    )  # fmt: skip
    if stored_by_key(w.cur, f"mid:{rfc_message_id}") is None:
        mail_id = w.next_id("mail_messages")
        w.cur.execute(
            "INSERT INTO mail_messages (id, direction, dedupe_key, rfc_message_id, content_hash,"
            " source, mailbox_id, status, ticket_id, message_id, from_address, recipients,"
            " subject, in_reply_to, refs, thread_index, size, raw, received_at, processed_at)"
            " VALUES (?, 'outbound', ?, ?, '', 'outbox', ?, 'outbound', ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ''::BLOB, ?, ?)",
            [mail_id, f"mid:{rfc_message_id}", rfc_message_id, mailbox_id, ticket_id, message_id,
             mail_from, recipients, subject[:500], in_reply_to, refs[-50:], thread_index,
             len(raw), at, at],
        )  # fmt: skip
    if message_id is not None:
        _set_delivery(w, message_id, ticket_id, "queued", None, at)
    return outbox_id


def enqueue_agent_notice(
    w: Writer, *, ticket_id: int, mailbox_id: int | None, rfc_message_id: str, mail_from: str,
    rcpt_to: list[str], raw: bytes, at: datetime,
) -> int:  # fmt: skip
    """Queue a mail to an agent about a ticket (a rule's "e-mail an agent"). It is kept out of
    ``mail_messages``: it is no part of the customer's thread (never in its References, and a
    reply to it does not join the ticket)."""
    outbox_id = w.next_id("mail_outbox")
    w.cur.execute(
        "INSERT INTO mail_outbox (id, kind, ticket_id, message_id, mailbox_id, rfc_message_id,"
        " mail_from, rcpt_to, raw, status, attempts, next_attempt_at, created_at)"
        " VALUES (?, 'agent_notice', ?, NULL, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
        [outbox_id, ticket_id, mailbox_id, rfc_message_id, mail_from, rcpt_to, raw, at, at],
    )
    return outbox_id


def _set_delivery(
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


def due(cur: Cursor, now: datetime, limit: int = 20) -> list[dict]:
    cur.execute(
        "SELECT id, kind, ticket_id, message_id, mailbox_id, rfc_message_id, mail_from, rcpt_to,"
        " raw, attempts FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, id LIMIT ?",
        [now, limit],
    )
    return dicts(cur)


def next_due_at(cur: Cursor) -> datetime | None:
    row = cur.execute(
        "SELECT min(next_attempt_at) FROM mail_outbox WHERE status = 'queued'"
    ).fetchone()
    return row[0] if row else None


def outbox_status(cur: Cursor, outbox_id: int) -> str | None:
    row = cur.execute("SELECT status FROM mail_outbox WHERE id = ?", [outbox_id]).fetchone()
    return row[0] if row else None


def mark_sent(w: Writer, outbox_id: int, at: datetime) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id, status FROM mail_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row or row[2] == "sent":
        return
    w.cur.execute(
        "UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
        " last_error = NULL WHERE id = ?",
        [at, outbox_id],
    )
    if row[1] is not None:
        _set_delivery(w, row[1], row[0], "sent", None, at)


def mark_retry(w: Writer, outbox_id: int, error: str, next_at: datetime) -> None:
    w.cur.execute(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
        " WHERE id = ? AND status = 'queued'",
        [error[:1000], next_at, outbox_id],
    )


def mark_failed(w: Writer, outbox_id: int, error: str, at: datetime) -> None:
    row = w.cur.execute(
        "SELECT ticket_id, message_id FROM mail_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row:
        return
    w.cur.execute(
        "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?"
        " WHERE id = ?",
        [error[:1000], outbox_id],
    )
    if row[1] is not None:
        _set_delivery(w, row[1], row[0], "failed", error, at)


def fail_by_message_ids(w: Writer, ids: list[str], reason: str, at: datetime) -> list[int]:
    """A bounce came back for one of our mails: mark it failed; return the outbox ids."""
    ids = [i for i in ids if i][:100]
    if not ids:
        return []
    rows = w.cur.execute(
        f"SELECT id FROM mail_outbox WHERE rfc_message_id IN ({', '.join('?' for _ in ids)})",
        ids,
    ).fetchall()
    for (outbox_id,) in rows:
        mark_failed(w, outbox_id, f"bounced: {reason}", at)
    return [r[0] for r in rows]


def retry(w: Writer, outbox_id: int, at: datetime) -> bool:
    row = w.cur.execute(
        "SELECT status, ticket_id, message_id FROM mail_outbox WHERE id = ?", [outbox_id]
    ).fetchone()
    if not row or row[0] != "failed":
        return False
    w.cur.execute(
        "UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = ? WHERE id = ?",
        [at, outbox_id],
    )
    if row[2] is not None:
        _set_delivery(w, row[2], row[1], "queued", None, at)
    return True


def outbox_items(cur: Cursor, status: str | None = None, limit: int = 100) -> list[dict]:
    where = "WHERE o.status = ?" if status else ""
    cur.execute(
        "SELECT o.id, o.kind, t.ref AS ticket_ref, o.message_id, o.rfc_message_id, o.rcpt_to,"
        " o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at"
        f" FROM mail_outbox o JOIN tickets t ON t.id = o.ticket_id {where}"
        " ORDER BY o.id DESC LIMIT ?",
        [status, limit] if status else [limit],
    )
    return dicts(cur)


def recent_auto_ack(cur: Cursor, address: str, since: datetime) -> bool:
    row = cur.execute(
        "SELECT count(*) FROM mail_outbox WHERE kind = 'auto_ack' AND list_contains(rcpt_to, ?)"
        " AND created_at >= ?",
        [address.lower(), since],
    ).fetchone()
    return row[0] > 0


def replies_to_send(
    cur: Cursor, channels: tuple[str, ...], watermark: int, ticket_ids: list[int] | None = None
) -> list[tuple[int, int]]:
    """(ticket id, message id) of agent replies on mail tickets that are not queued yet.

    The unsent agent replies are found first, in the messages alone: most calls (one per
    committed change) find none and stop there, without joining the tickets."""
    params: list[Any] = [watermark]
    extra = ""
    if ticket_ids is not None:
        if not ticket_ids:
            return []
        extra = f" AND ticket_id IN ({', '.join('?' for _ in ticket_ids)})"
        params += ticket_ids
    candidates = cur.execute(
        "SELECT ticket_id, id FROM messages WHERE kind = 'outbound'"
        # An agent's reply, or a rule's (an automatic reply: mailed, yet no agent's reply).
        " AND (author_type = 'agent'"
        "      OR (author_type = 'system' AND meta ->> 'rule_id' IS NOT NULL))"
        f" AND delivery = 'none' AND id > ?{extra}",
        params,
    ).fetchall()
    if not candidates:
        return []
    rows = cur.execute(
        "SELECT m.ticket_id, m.id FROM (SELECT unnest(?::BIGINT[]) AS ticket_id,"
        " unnest(?::BIGINT[]) AS id) m JOIN tickets t ON t.id = m.ticket_id"
        f" WHERE t.channel IN ({', '.join('?' for _ in channels)})"
        " AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.message_id = m.id)"
        " ORDER BY m.id",
        [[c[0] for c in candidates], [c[1] for c in candidates], *channels],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def message(cur: Cursor, message_id: int) -> dict | None:
    cur.execute(
        "SELECT id, ticket_id, kind, author_type, author_id, author_name, channel, body_text,"
        " body_html, meta, delivery, created_at FROM messages WHERE id = ?",
        [message_id],
    )
    return one(cur, ("meta",))


def link_attachment(w: Writer, attachment_id: int, message_id: int) -> None:
    w.cur.execute("UPDATE attachments SET message_id = ? WHERE id = ?", [message_id, attachment_id])
