"""Agents and their bearer tokens."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one

_AGENT_COLUMNS = "id, email, name, role, language, active, availability"


def create(
    w: Writer,
    *,
    email: str,
    name: str,
    role: str,
    password_hash: str,
    language: str,
    at: datetime,
    actor: Actor,
) -> int:
    agent_id = w.next_id("agents")
    w.cur.execute(
        "INSERT INTO agents (id, email, name, role, password_hash, language, active, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
        [agent_id, email.lower(), name, role, password_hash, language, at, at],
    )
    append(
        w,
        name=ev.AGENT_CREATED,
        actor=actor,
        entity_type="agent",
        entity_id=agent_id,
        at=at,
        after={"email": email.lower(), "name": name, "role": role},
    )
    return agent_id


def by_email_with_hash(cur: Cursor, email: str) -> dict | None:
    cur.execute(
        f"SELECT {_AGENT_COLUMNS}, password_hash FROM agents WHERE email = ?", [email.lower()]
    )
    return one(cur)


def by_id(cur: Cursor, agent_id: int) -> dict | None:
    cur.execute(f"SELECT {_AGENT_COLUMNS} FROM agents WHERE id = ?", [agent_id])
    return one(cur)


def all_agents(cur: Cursor) -> list[dict]:
    cur.execute(f"SELECT {_AGENT_COLUMNS} FROM agents ORDER BY name")
    return dicts(cur)


def count(cur: Cursor) -> int:
    return cur.execute("SELECT count(*) FROM agents").fetchone()[0]


def create_token(
    w: Writer, *, agent_id: int, kind: str, token_hash: str, at: datetime, expires_at: datetime
) -> int:
    token_id = w.next_id("api_tokens")
    w.cur.execute(
        "INSERT INTO api_tokens (id, agent_id, kind, token_hash, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [token_id, agent_id, kind, token_hash, at, expires_at],
    )
    return token_id


def agent_for_token(cur: Cursor, token_hash: str, now: datetime) -> dict | None:
    """The active agent a live, unrevoked token belongs to."""
    cur.execute(
        f"SELECT {', '.join('a.' + c.strip() for c in _AGENT_COLUMNS.split(','))}"
        " FROM api_tokens t JOIN agents a ON a.id = t.agent_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL"
        " AND (t.expires_at IS NULL OR t.expires_at > ?) AND a.active",
        [token_hash, now],
    )
    return one(cur)


def revoke_token(w: Writer, token_hash: str, at: datetime) -> None:
    w.cur.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        [at, token_hash],
    )


def update(w: Writer, agent_id: int, changes: dict, actor: Actor, at: datetime) -> dict:
    """Apply changes (``password_hash`` included); return the before/after of what changed."""
    before = by_id(w.cur, agent_id)
    if before is None:
        raise LookupError(agent_id)
    sets = ", ".join(f"{col} = ?" for col in changes)
    w.cur.execute(
        f"UPDATE agents SET {sets}, updated_at = ? WHERE id = ?", [*changes.values(), at, agent_id]
    )
    shown = {k: v for k, v in changes.items() if k != "password_hash"}
    if "password_hash" in changes:
        shown["password"] = "reset"
        w.cur.execute(  # a reset password signs the agent out everywhere
            "UPDATE api_tokens SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL",
            [at, agent_id],
        )
    if changes.get("active") is False:
        w.cur.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL",
            [at, agent_id],
        )
    append(w, name=ev.AGENT_UPDATED, actor=actor, entity_type="agent", entity_id=agent_id, at=at,
           before={k: before.get(k) for k in shown if k in before}, after=shown)  # fmt: skip
    return shown


def by_names(cur: Cursor) -> list[tuple[int, str, str]]:
    """(id, name, e-mail) of active agents, for @mention lookups."""
    return cur.execute("SELECT id, name, email FROM agents WHERE active ORDER BY id").fetchall()
