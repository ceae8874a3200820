"""What the SLA worker reads (ticket timelines) and writes (each ticket's live SLA state, and
the spine's SLA events as time passes)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage import sla_outcomes
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, append, changed_without_event


def timelines(cur: Cursor, ticket_ids: list[int]) -> dict[int, dict]:
    """Per ticket: created_at, channel, priority, customer and agent message times, status
    changes (the creation status first) and snoozes (when, until), from the messages and the
    event log."""
    if not ticket_ids:
        return {}
    cur.execute(
        "SELECT id, created_at, channel, priority, status FROM tickets"
        " WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [ticket_ids],
    )
    found = {
        r[0]: {"created_at": r[1], "channel": r[2], "priority": r[3], "inbound": [],
               "replies": [], "statuses": [(r[1], "new")], "snoozes": []}
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
    cur.execute(
        "SELECT ticket_id, occurred_at, TRY_CAST(after ->> 'snoozed_until' AS TIMESTAMP)"
        " FROM events WHERE ticket_id IN (SELECT unnest(?::BIGINT[]))"
        " AND name = 'ticket.snoozed' ORDER BY id",
        [ticket_ids],
    )
    for ticket_id, at, until in cur.fetchall():
        if ticket_id in found:
            found[ticket_id]["snoozes"].append((at, until))
    return found


def all_ids(cur: Cursor) -> list[int]:
    """Every ticket the SLA covers: imported history has no SLA clock."""
    return [
        r[0]
        for r in cur.execute(
            "SELECT id FROM tickets WHERE import_source IS NULL ORDER BY id"
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
    changed_without_event(w, [row[0] for row in changed])  # their sla_state
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
    """Move running targets to at_risk or breached as time passes, and announce each target's
    warning and breach once: ``sla.warning`` when it is at risk, ``sla.breached`` (and the
    older ``ticket.sla_breached``, which the log has always held) when it is breached, whether
    time or a recomputation got it there. Return the tickets just breached as (id, priority,
    policy name)."""
    w.cur.execute(
        "UPDATE tickets SET sla_state = CASE WHEN sla_due_at <= ? THEN 'breached'"
        " WHEN sla_warn_at <= ? THEN 'at_risk' ELSE sla_state END"
        " WHERE sla_state IN ('ok', 'at_risk')",
        [now, now],
    )
    sla_outcomes.breach_overdue(w, now)
    breached, marks = [], []
    for (
        ticket_id,
        priority,
        policy,
        metric,
        due_at,
        state,
        started_at,
        warned,
    ) in sla_outcomes.unannounced(w):
        payload = {"policy": policy, "metric": metric, "due_at": due_at}
        if state == "at_risk":
            append(w, name=ev.SLA_WARNING, actor=SYSTEM, entity_type="ticket",
                   entity_id=ticket_id, ticket_id=ticket_id, at=now, after=payload)  # fmt: skip
            marks.append((ticket_id, metric, started_at, "warning"))
        else:  # breached: a warning skipped over between two ticks is not sent late
            append(w, name=ev.SLA_BREACHED, actor=SYSTEM, entity_type="ticket",
                   entity_id=ticket_id, ticket_id=ticket_id, at=now, after=payload)  # fmt: skip
            append(w, name=ev.TICKET_SLA_BREACHED, actor=SYSTEM, entity_type="ticket",
                   entity_id=ticket_id, ticket_id=ticket_id, at=now, after=payload)  # fmt: skip
            marks += [(ticket_id, metric, started_at, "breach")]
            if warned is None:
                marks.append((ticket_id, metric, started_at, "warning"))
            breached.append((ticket_id, priority, policy))
        w.touched(ticket_id)
    sla_outcomes.mark_sent(w, marks, now)
    return breached
