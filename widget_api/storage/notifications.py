"""An agent's in-app notifications beyond the rules' notify action: what caused them (assigned,
a customer's answer, an @mention), the unread count the dashboard polls, marking them read."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts

_COLUMNS = (
    "n.id, n.agent_id, n.ticket_id, t.ref AS ticket_ref, t.subject AS ticket_subject, n.rule_id,"
    " n.body, coalesce(n.kind, 'rule') AS kind, n.params, n.created_at, n.read_at"
)


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


def messages(cur: Cursor, message_ids: list[int]) -> dict[int, dict]:
    """What a new message means for notifications: its ticket, author, mentions and assignee."""
    if not message_ids:
        return {}
    cur.execute(
        "SELECT m.id, m.ticket_id, m.kind, m.author_type, m.author_id,"
        " CASE WHEN m.author_type = 'customer' THEN coalesce(m.author_name, c.name, c.email)"
        " ELSE m.author_name END AS author_name, m.mentions, t.assignee_id"
        " FROM messages m JOIN tickets t ON t.id = m.ticket_id"
        " LEFT JOIN customers c ON c.id = t.customer_id"
        f" WHERE m.id IN ({_marks(message_ids)})",
        message_ids,
    )
    return {row["id"]: row for row in dicts(cur)}


def agent_names(cur: Cursor, agent_ids: list[int]) -> dict[int, str]:
    if not agent_ids:
        return {}
    cur.execute(f"SELECT id, name FROM agents WHERE id IN ({_marks(agent_ids)})", agent_ids)
    return dict(cur.fetchall())


def active_agents(cur: Cursor, agent_ids: list[int]) -> set[int]:
    if not agent_ids:
        return set()
    cur.execute(f"SELECT id FROM agents WHERE active AND id IN ({_marks(agent_ids)})", agent_ids)
    return {row[0] for row in cur.fetchall()}


def add_once(
    w: Writer, *, agent_id: int, ticket_id: int | None, kind: str, event_id: int,
    params: dict[str, Any], actor: Actor, at: datetime,
) -> int | None:  # fmt: skip
    """One notification for (agent, causing event, kind); None when it exists already (the
    listener replays events after a restart)."""
    seen = w.cur.execute(
        "SELECT 1 FROM agent_notifications WHERE agent_id = ? AND event_id = ? AND kind = ?",
        [agent_id, event_id, kind],
    ).fetchone()
    if seen:
        return None
    notification_id = w.next_id("agent_notifications")
    w.cur.execute(
        "INSERT INTO agent_notifications"
        " (id, agent_id, ticket_id, rule_id, body, created_at, kind, event_id, params)"
        " VALUES (?, ?, ?, NULL, '', ?, ?, ?, ?)",
        [notification_id, agent_id, ticket_id, at, kind, event_id, json.dumps(params)],
    )
    append(w, name=ev.NOTIFICATION_CREATED, actor=actor, entity_type="notification",
           entity_id=notification_id, ticket_id=ticket_id, at=at,
           after={"agent_id": agent_id, "rule_id": None, "kind": kind})  # fmt: skip
    return notification_id


def listing(cur: Cursor, agent_id: int, *, unread_only: bool, limit: int) -> list[dict]:
    unread = " AND n.read_at IS NULL" if unread_only else ""
    cur.execute(
        f"SELECT {_COLUMNS} FROM agent_notifications n LEFT JOIN tickets t ON t.id = n.ticket_id"
        f" WHERE n.agent_id = ?{unread} ORDER BY n.id DESC LIMIT ?",
        [agent_id, limit],
    )
    return dicts(cur, ("params",))


def unread_count(cur: Cursor, agent_id: int) -> tuple[int, int | None]:
    """(unread notifications, the newest notification's id) of one agent."""
    cur.execute(
        "SELECT count(*) FILTER (WHERE read_at IS NULL), max(id) FROM agent_notifications"
        " WHERE agent_id = ?",
        [agent_id],
    )
    count, newest = cur.fetchone()
    return int(count), newest


def mark_read(
    w: Writer, agent_id: int, *, ticket_id: int | None, through_id: int | None, actor: Actor,
    at: datetime,
) -> int:  # fmt: skip
    """Mark unread notifications read (one ticket's, or up to ``through_id``, or all)."""
    where = ["agent_id = ?", "read_at IS NULL"]
    params: list[Any] = [agent_id]
    if ticket_id is not None:
        where.append("ticket_id = ?")
        params.append(ticket_id)
    if through_id is not None:
        where.append("id <= ?")
        params.append(through_id)
    clause = " AND ".join(where)
    (count,) = w.cur.execute(
        f"SELECT count(*) FROM agent_notifications WHERE {clause}", params
    ).fetchone()
    if count:
        w.cur.execute(f"UPDATE agent_notifications SET read_at = ? WHERE {clause}", [at, *params])
        append(w, name=ev.NOTIFICATIONS_READ, actor=actor, entity_type="agent",
               entity_id=agent_id, at=at,
               after={"count": int(count), "ticket_id": ticket_id})  # fmt: skip
    return int(count)
