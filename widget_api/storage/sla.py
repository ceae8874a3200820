"""What the SLA worker reads (ticket timelines) and writes (each ticket's live SLA state)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, append


def timelines(cur: Cursor, ticket_ids: list[int]) -> dict[int, dict]:
    """Per ticket: created_at, channel, priority, customer and agent message times, and status
    changes (the creation status first), from the messages and the event log."""
    if not ticket_ids:
        return {}
    cur.execute(
        "SELECT id, created_at, channel, priority, status FROM tickets"
        " WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [ticket_ids],
    )
    found = {
        r[0]: {"created_at": r[1], "channel": r[2], "priority": r[3], "inbound": [],
               "replies": [], "statuses": [(r[1], "new")]}
        for r in cur.fetchall()
    }  # fmt: skip
    cur.execute(
        "SELECT ticket_id, kind, author_type, created_at FROM messages"
        " WHERE ticket_id IN (SELECT unnest(?::BIGINT[])) AND kind <> 'note'",
        [ticket_ids],
    )
    for ticket_id, kind, author_type, at in cur.fetchall():
        if kind == "inbound":
            found[ticket_id]["inbound"].append(at)
        elif author_type == "agent":  # automatic (system) replies do not count as replies
            found[ticket_id]["replies"].append(at)
    cur.execute(
        "SELECT ticket_id, occurred_at, after ->> 'status' FROM events"
        " WHERE ticket_id IN (SELECT unnest(?::BIGINT[])) AND name = 'ticket.status_changed'"
        " ORDER BY id",
        [ticket_ids],
    )
    for ticket_id, at, status in cur.fetchall():
        if ticket_id in found:
            found[ticket_id]["statuses"].append((at, status))
    return found


def unresolved_ids(cur: Cursor) -> list[int]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT id FROM tickets WHERE status NOT IN ('solved', 'closed') ORDER BY id"
        ).fetchall()
    ]


def resolved_with_state(cur: Cursor) -> list[int]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT id FROM tickets WHERE status IN ('solved', 'closed') AND sla_state IS NOT NULL"
        ).fetchall()
    ]


def write_states(w: Writer, states: dict[int, tuple]) -> None:
    """(policy, metric, due_at, warn_at, state) per ticket; only rows that change are written."""
    if not states:
        return
    ids = list(states)
    current = defaultdict(tuple)
    for row in w.cur.execute(
        "SELECT id, sla_policy, sla_metric, sla_due_at, sla_warn_at, sla_state FROM tickets"
        " WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [ids],
    ).fetchall():
        current[row[0]] = tuple(row[1:])
    changed = [(i, *v) for i, v in states.items() if current[i] != tuple(v)]
    if not changed:
        return
    columns = list(zip(*changed, strict=True))
    w.cur.execute(
        "UPDATE tickets SET sla_policy = d.policy, sla_metric = d.metric, sla_due_at = d.due_at,"
        " sla_warn_at = d.warn_at, sla_state = d.state FROM (SELECT unnest(?::BIGINT[]) AS id,"
        " unnest(?::VARCHAR[]) AS policy, unnest(?::VARCHAR[]) AS metric,"
        " unnest(?::TIMESTAMP[]) AS due_at, unnest(?::TIMESTAMP[]) AS warn_at,"
        " unnest(?::VARCHAR[]) AS state) d WHERE tickets.id = d.id",
        [list(c) for c in columns],
    )


def tick(w: Writer, now: datetime) -> list[tuple[int, str, str]]:
    """Move running targets to at_risk or breached as time passes; return the tickets that
    just breached as (id, priority, policy name), with a ``ticket.sla_breached`` event each."""
    newly = w.cur.execute(
        "SELECT id, priority, sla_policy, sla_metric, sla_due_at FROM tickets"
        " WHERE sla_state IN ('ok', 'at_risk') AND sla_due_at <= ?",
        [now],
    ).fetchall()
    w.cur.execute(
        "UPDATE tickets SET sla_state = CASE WHEN sla_due_at <= ? THEN 'breached'"
        " WHEN sla_warn_at <= ? THEN 'at_risk' ELSE sla_state END"
        " WHERE sla_state IN ('ok', 'at_risk')",
        [now, now],
    )
    for ticket_id, _, policy, metric, due_at in newly:
        append(w, name=ev.TICKET_SLA_BREACHED, actor=SYSTEM, entity_type="ticket",
               entity_id=ticket_id, ticket_id=ticket_id, at=now,
               after={"policy": policy, "metric": metric, "due_at": due_at})  # fmt: skip
        w.touched(ticket_id)
    return [(r[0], r[1], r[2]) for r in newly]
