"""Attached files, stored as BLOBs beside their ticket."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one

_COLUMNS = "id, filename, content_type, size, created_at"


def add(
    w: Writer, *, ticket_id: int, filename: str, content_type: str, data: bytes, sha256: str,
    uploaded_by: str, actor: Actor, at: datetime,
) -> int:  # fmt: skip
    attachment_id = w.next_id("attachments")
    w.cur.execute(
        "INSERT INTO attachments (id, ticket_id, filename, content_type, size, sha256, data,"
        " uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [attachment_id, ticket_id, filename, content_type, len(data), sha256, data, uploaded_by,
         at],
    )  # fmt: skip
    w.touched(ticket_id)
    after = {"filename": filename, "content_type": content_type, "size": len(data)}
    append(w, name=ev.ATTACHMENT_ADDED, actor=actor, entity_type="attachment",
           entity_id=attachment_id, ticket_id=ticket_id, at=at, after=after)  # fmt: skip
    return attachment_id


def for_ticket(cur: Cursor, ticket_id: int) -> list[dict]:
    cur.execute(f"SELECT {_COLUMNS} FROM attachments WHERE ticket_id = ? ORDER BY id", [ticket_id])
    return dicts(cur)


def content(cur: Cursor, attachment_id: int) -> dict | None:
    cur.execute(
        "SELECT id, ticket_id, filename, content_type, data FROM attachments WHERE id = ?",
        [attachment_id],
    )
    return one(cur)
