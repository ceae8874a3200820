"""Blocked e-mail addresses, client addresses and conversations (spam)."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts


def add(w: Writer, kind: str, value: str, reason: str | None, actor: Actor, at: datetime) -> int:
    existing = w.cur.execute(
        "SELECT id FROM blocks WHERE kind = ? AND value = ?", [kind, value]
    ).fetchone()
    if existing:
        return existing[0]
    block_id = w.next_id("blocks")
    w.cur.execute(
        "INSERT INTO blocks (id, kind, value, reason, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [block_id, kind, value, reason, actor.id, at],
    )
    append(w, name=ev.BLOCK_ADDED, actor=actor, entity_type="block", entity_id=block_id, at=at,
           after={"kind": kind, "value": value, "reason": reason})  # fmt: skip
    return block_id


def remove(w: Writer, block_id: int, actor: Actor, at: datetime) -> bool:
    row = w.cur.execute("SELECT kind, value FROM blocks WHERE id = ?", [block_id]).fetchone()
    if row is None:
        return False
    w.cur.execute("DELETE FROM blocks WHERE id = ?", [block_id])
    append(w, name=ev.BLOCK_REMOVED, actor=actor, entity_type="block", entity_id=block_id, at=at,
           before={"kind": row[0], "value": row[1]})  # fmt: skip
    return True


def all_blocks(cur: Cursor) -> list[dict]:
    cur.execute("SELECT id, kind, value, reason, created_at FROM blocks ORDER BY id DESC")
    return dicts(cur)


def is_blocked(cur: Cursor, pairs: list[tuple[str, str]]) -> bool:
    wanted = [(k, v) for k, v in pairs if v]
    if not wanted:
        return False
    where = " OR ".join("(kind = ? AND value = ?)" for _ in wanted)
    params = [x for pair in wanted for x in pair]
    return cur.execute(f"SELECT count(*) FROM blocks WHERE {where}", params).fetchone()[0] > 0
