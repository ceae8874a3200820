"""Canned responses."""

from __future__ import annotations

import json
from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one
from widget_api.text import fold

_COLUMNS = "id, name_fr, name_en, body_fr, body_en, actions, active"


def create(w: Writer, fields: dict, actor: Actor, at: datetime) -> int:
    macro_id = w.next_id("macros")
    w.cur.execute(
        "INSERT INTO macros (id, name_fr, name_en, body_fr, body_en, actions, active, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
        [
            macro_id,
            fields["name_fr"],
            fields["name_en"],
            fields["body_fr"],
            fields["body_en"],
            json.dumps(fields.get("actions")) if fields.get("actions") else None,
            at,
            at,
        ],
    )
    append(w, name=ev.MACRO_CREATED, actor=actor, entity_type="macro", entity_id=macro_id, at=at,
           after={"name_fr": fields["name_fr"], "name_en": fields["name_en"]})  # fmt: skip
    return macro_id


def update(w: Writer, macro_id: int, changes: dict, actor: Actor, at: datetime) -> bool:
    before = by_id(w.cur, macro_id)
    if before is None:
        return False
    if "actions" in changes:
        changes["actions"] = json.dumps(changes["actions"]) if changes["actions"] else None
    sets = ", ".join(f"{col} = ?" for col in changes)
    w.cur.execute(
        f"UPDATE macros SET {sets}, updated_at = ? WHERE id = ?",
        [*changes.values(), at, macro_id],
    )
    append(w, name=ev.MACRO_UPDATED, actor=actor, entity_type="macro", entity_id=macro_id, at=at,
           before={k: before[k] for k in changes}, after=changes)  # fmt: skip
    return True


def delete(w: Writer, macro_id: int, actor: Actor, at: datetime) -> bool:
    before = by_id(w.cur, macro_id)
    if before is None:
        return False
    w.cur.execute("DELETE FROM macros WHERE id = ?", [macro_id])
    append(w, name=ev.MACRO_DELETED, actor=actor, entity_type="macro", entity_id=macro_id, at=at,
           before={"name_fr": before["name_fr"], "name_en": before["name_en"]})  # fmt: skip
    return True


def by_id(cur: Cursor, macro_id: int) -> dict | None:
    cur.execute(f"SELECT {_COLUMNS} FROM macros WHERE id = ?", [macro_id])
    return one(cur, ("actions",))


def search(cur: Cursor, query: str | None, include_inactive: bool = False) -> list[dict]:
    cur.execute(
        f"SELECT {_COLUMNS} FROM macros WHERE (active OR ?) ORDER BY name_fr", [include_inactive]
    )
    rows = dicts(cur, ("actions",))
    terms = fold(query or "").split()
    if not terms:
        return rows
    haystacks = [
        fold(" ".join([r["name_fr"], r["name_en"], r["body_fr"], r["body_en"]])) for r in rows
    ]
    return [r for r, h in zip(rows, haystacks, strict=True) if all(t in h for t in terms)]


def count(cur: Cursor) -> int:
    return cur.execute("SELECT count(*) FROM macros").fetchone()[0]
