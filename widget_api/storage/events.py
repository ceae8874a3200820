"""The append-only event log. Every change to a ticket writes one row here, in the same
transaction as the change, so SLA and analytics can be recomputed from history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from widget_api.contracts.events import NAMES
from widget_api.storage.db import Writer
from widget_api.storage.rows import dicts


@dataclass(frozen=True)
class Actor:
    type: str  # customer | agent | system | rule (id: the rule's id)
    id: int | None = None


SYSTEM = Actor("system")


@dataclass(frozen=True)
class Event:
    """An event as listeners receive it, once its transaction has committed."""

    id: int
    at: datetime
    name: str
    actor: Actor
    entity_type: str
    entity_id: int
    ticket_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: The ticket's matchable attributes once the transaction committed (None: not a ticket's).
    snapshot: dict[str, Any] | None = None


def append(
    w: Writer,
    *,
    name: str,
    actor: Actor,
    entity_type: str,
    entity_id: int,
    at: datetime,
    ticket_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    if name not in NAMES:
        raise ValueError(f"not an event of widget_api.contracts.events: {name!r}")
    event_id = w.next_id("events")
    w.cur.execute(
        "INSERT INTO events (id, occurred_at, name, actor_type, actor_id, entity_type, entity_id,"
        " ticket_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            event_id,
            at,
            name,
            actor.type,
            actor.id,
            entity_type,
            entity_id,
            ticket_id,
            json.dumps(before, default=str) if before is not None else None,
            json.dumps(after, default=str) if after is not None else None,
        ],
    )
    if w.feed.has_listeners:
        committed = Event(event_id, at, name, actor, entity_type, entity_id, ticket_id, before,
                          after)  # fmt: skip
        w.after_commit(lambda: w.feed.dispatch(committed))
    return event_id


def for_ticket(cur, ticket_id: int) -> list[dict]:
    cur.execute(
        "SELECT id, occurred_at, name, actor_type, actor_id, entity_type, entity_id, before, after"
        " FROM events WHERE ticket_id = ? ORDER BY id",
        [ticket_id],
    )
    return dicts(cur, ("before", "after"))
