"""CSAT ratings."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import one


def rate(
    w: Writer, ticket_id: int, score: int, comment: str | None, actor: Actor, at: datetime
) -> None:
    """Record (or change) the ticket's rating; the agent is the assignee, else the last replier."""
    agent = w.cur.execute(
        "SELECT coalesce(t.assignee_id, (SELECT author_id FROM messages m WHERE m.ticket_id = t.id"
        " AND m.kind = 'outbound' AND m.author_type = 'agent' ORDER BY m.id DESC LIMIT 1))"
        " FROM tickets t WHERE t.id = ?",
        [ticket_id],
    ).fetchone()[0]
    existing = w.cur.execute(
        "SELECT id, score FROM csat_ratings WHERE ticket_id = ?", [ticket_id]
    ).fetchone()
    if existing:
        w.cur.execute(
            "UPDATE csat_ratings SET score = ?, comment = coalesce(?, comment), agent_id = ?,"
            " updated_at = ? WHERE id = ?",
            [score, comment, agent, at, existing[0]],
        )
        rating_id, before = existing[0], {"score": existing[1]}
    else:
        rating_id, before = w.next_id("csat_ratings"), None
        w.cur.execute(
            "INSERT INTO csat_ratings (id, ticket_id, agent_id, score, comment, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [rating_id, ticket_id, agent, score, comment, at, at],
        )
    w.touched(ticket_id)
    append(w, name=ev.CSAT_RATED, actor=actor, entity_type="csat", entity_id=rating_id,
           ticket_id=ticket_id, at=at, before=before,
           after={"score": score, "agent_id": agent, "comment": comment})  # fmt: skip


def for_ticket(cur: Cursor, ticket_id: int) -> dict | None:
    cur.execute(
        "SELECT score, comment, agent_id, updated_at FROM csat_ratings WHERE ticket_id = ?",
        [ticket_id],
    )
    return one(cur)


def was_offered(cur: Cursor, ticket_id: int) -> bool:
    return (
        cur.execute(
            "SELECT count(*) FROM events WHERE ticket_id = ? AND name = 'csat.offered'",
            [ticket_id],
        ).fetchone()[0]
        > 0
    )


def mark_offered(w: Writer, ticket_id: int, at: datetime, actor: Actor) -> None:
    append(w, name=ev.CSAT_OFFERED, actor=actor, entity_type="ticket", entity_id=ticket_id,
           ticket_id=ticket_id, at=at)  # fmt: skip
