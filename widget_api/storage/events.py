"""The append-only event log. Every change to a ticket writes one row here, in the same
transaction as the change, so SLA and analytics can be recomputed from history."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from widget_api.contracts.events import MESSAGE_CREATED, NAMES, TICKET_CREATED
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
    """Log one event. The rows of a job are written together when the job ends, each ticket
    event with the ticket's snapshot as the job left it, and reach listeners after commit."""
    if name not in NAMES:
        raise ValueError(f"not an event of widget_api.contracts.events: {name!r}")
    event_id = w.next_id("events")
    _staging(w).events.append(
        Event(event_id, at, name, actor, entity_type, entity_id, ticket_id, before, after)
    )
    return event_id


@dataclass
class _Staging:
    """A job's events, written when it ends."""

    events: list[Event] = field(default_factory=list)
    #: Snapshots of the tickets the job inserted, built from the inserted values.
    inserted: dict[int, dict[str, Any]] = field(default_factory=dict)


def _staging(w: Writer) -> _Staging:
    staging: _Staging | None = w.staged.get("events")
    if staging is None:
        staging = w.staged["events"] = _Staging()
        w.at_job_end(lambda: _write_staged(w, staging))
    return staging


def inserted(w: Writer, ticket_id: int, snapshot: dict[str, Any]) -> None:
    """The snapshot of a ticket this job has just inserted (its row's values): its events need
    no read of the row, unless the job changes the ticket afterwards (an event other than
    ``ticket.created``/``message.created``, or :func:`changed_without_event`)."""
    _staging(w).inserted[ticket_id] = snapshot


def changed_without_event(w: Writer, ticket_ids: list[int]) -> None:
    """These tickets' matchable attributes changed without an event: read their snapshots."""
    staging = w.staged.get("events")
    if staging is not None:
        for ticket_id in ticket_ids:
            staging.inserted.pop(ticket_id, None)


def snapshot_of_new(row: dict[str, Any], source: dict[str, Any] | None) -> dict[str, Any] | None:
    """The snapshot a ticket inserted with ``row`` (the columns it sets; the others are empty)
    and ``source`` has, as :func:`snapshots` would read it; None when that cannot be told."""
    if source is not None and not isinstance(source, dict):
        return None
    marketplace = (source or {}).get("marketplace")
    if marketplace is not None and not isinstance(marketplace, str):
        return None  # ->> gives a JSON text DuckDB formats: let it read
    return {**{col: row.get(col) for col in SNAPSHOT_COLUMNS}, "marketplace": marketplace}


#: The attributes a rule can match on that the ticket row itself holds.
SNAPSHOT_COLUMNS = (
    "status", "priority", "channel", "language", "problem_type", "problem_confidence",
    "assignee_id", "tags", "sla_state", "customer_id", "order_id",
)  # fmt: skip
_SNAPSHOT_SQL = (
    f"SELECT id, {', '.join(SNAPSHOT_COLUMNS)}, source ->> 'marketplace' AS marketplace"
    " FROM tickets WHERE id IN "
)


def snapshots(cur, ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The matchable attributes of these tickets now."""
    if not ticket_ids:
        return {}
    rows = cur.execute(
        _SNAPSHOT_SQL + f"({', '.join('?' for _ in ticket_ids)})", ticket_ids
    ).fetchall()
    keys = (*SNAPSHOT_COLUMNS, "marketplace")
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


def _dump(value: dict[str, Any] | None) -> str | None:
    return json.dumps(value, default=str) if value is not None else None


def _write_staged(w: Writer, staging: _Staging) -> None:
    """One INSERT for the job's events, with the snapshots read in one query (none when the
    job only created its tickets: their snapshots are the inserted values)."""
    staged, built = staging.events, staging.inserted
    if not staged:
        return
    for e in staged:
        if e.name not in (TICKET_CREATED, MESSAGE_CREATED):
            built.pop(e.ticket_id, None)
    ids = {e.ticket_id for e in staged if e.ticket_id is not None} - built.keys()
    taken = {**snapshots(w.cur, sorted(ids)), **built}
    events = [replace(e, snapshot=taken.get(e.ticket_id)) if e.ticket_id else e for e in staged]
    values: list[Any] = []
    for e in events:
        values += [e.id, e.at, e.name, e.actor.type, e.actor.id, e.entity_type, e.entity_id,
                   e.ticket_id, _dump(e.before), _dump(e.after), _dump(e.snapshot)]  # fmt: skip
    w.cur.execute(
        "INSERT INTO events (id, occurred_at, name, actor_type, actor_id, entity_type, entity_id,"
        " ticket_id, before, after, snapshot) VALUES "
        + ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in events),
        values,
    )
    if w.feed.has_listeners:
        w.after_commit(lambda: w.feed.dispatch_all(events))


_LOG_COLUMNS = (
    "id, occurred_at, name, actor_type, actor_id, entity_type, entity_id, ticket_id, before,"
    " after, snapshot"
)


def _event_of(row: tuple) -> Event:
    load = lambda text: json.loads(text) if text is not None else None  # noqa: E731
    return Event(row[0], row[1], row[2], Actor(row[3], row[4]), row[5], row[6], row[7],
                 load(row[8]), load(row[9]), load(row[10]))  # fmt: skip


def after_id(cur, last: int, upto: int, limit: int = 1000) -> list[Event]:
    """Logged events with ``last < id <= upto``, oldest first (a listener's replay)."""
    rows = cur.execute(
        f"SELECT {_LOG_COLUMNS} FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
        [last, upto, limit],
    ).fetchall()
    return [_event_of(row) for row in rows]


def last_id(cur) -> int:
    (top,) = cur.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
    return int(top)


def for_ticket(cur, ticket_id: int) -> list[dict]:
    cur.execute(
        "SELECT id, occurred_at, name, actor_type, actor_id, entity_type, entity_id, before, after"
        " FROM events WHERE ticket_id = ? ORDER BY id",
        [ticket_id],
    )
    return dicts(cur, ("before", "after"))
