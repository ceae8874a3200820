"""The stored SLA outcomes (table ``sla_outcomes``): every target of every ticket as the SLA
engine judged it. The SLA worker replaces a ticket's rows when it recomputes the ticket and
marks warnings and breaches once announced; the reports aggregate the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from widget_api.storage.db import Cursor, Writer


@dataclass(frozen=True)
class OutcomeRow:
    ticket_id: int
    target: str
    started_at: datetime
    policy: str
    hours: str
    target_minutes: int
    due_at: datetime | None
    met_at: datetime | None
    state: str
    elapsed_seconds: float
    computed_at: datetime
    warning_sent_at: datetime | None = None
    breach_sent_at: datetime | None = None


_COLUMNS = (
    "ticket_id", "target", "started_at", "policy", "hours", "target_minutes", "due_at", "met_at",
    "state", "elapsed_seconds", "computed_at", "warning_sent_at", "breach_sent_at",
)  # fmt: skip
_TYPES = (
    "BIGINT", "VARCHAR", "TIMESTAMP", "VARCHAR", "VARCHAR", "INTEGER", "TIMESTAMP", "TIMESTAMP",
    "VARCHAR", "DOUBLE", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP",
)  # fmt: skip


def replace(w: Writer, ticket_ids: list[int], rows: list[OutcomeRow]) -> None:
    """Make ``rows`` the outcomes of ``ticket_ids``. A row keeps the announcement marks of the
    stored row of the same ticket, target and start, unless it brings its own."""
    if not ticket_ids:
        return
    # One statement deletes the old rows and answers their marks.
    sent = {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in w.cur.execute(
            "DELETE FROM sla_outcomes WHERE ticket_id IN (SELECT unnest(?::BIGINT[]))"
            " RETURNING ticket_id, target, started_at, warning_sent_at, breach_sent_at",
            [ticket_ids],
        ).fetchall()
        if r[3] is not None or r[4] is not None
    }
    if not rows:
        return
    values = []
    for row in rows:
        warned, breached = sent.get((row.ticket_id, row.target, row.started_at), (None, None))
        values.append((*(getattr(row, c) for c in _COLUMNS[:-2]),
                       row.warning_sent_at or warned, row.breach_sent_at or breached))  # fmt: skip
    selects = ", ".join(f"unnest(?::{t}[]) AS {c}" for c, t in zip(_COLUMNS, _TYPES, strict=True))
    w.cur.execute(
        f"INSERT INTO sla_outcomes ({', '.join(_COLUMNS)}) SELECT * FROM (SELECT {selects})",
        [list(column) for column in zip(*values, strict=True)],
    )


def count(cur: Cursor) -> int:
    return cur.execute("SELECT count(*) FROM sla_outcomes").fetchone()[0]


def of_ticket(cur: Cursor, ticket_id: int) -> list[OutcomeRow]:
    cur.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM sla_outcomes WHERE ticket_id = ?"
        " ORDER BY started_at, target",
        [ticket_id],
    )
    return [OutcomeRow(*r) for r in cur.fetchall()]


def breach_overdue(w: Writer, now: datetime) -> None:
    """Time passing: targets still owed whose due time is behind ``now`` are breached."""
    w.cur.execute(
        "UPDATE sla_outcomes SET state = 'breached' WHERE state = 'pending' AND due_at <= ?",
        [now],
    )


def unannounced(w: Writer) -> list[tuple]:
    """Tickets whose live state is at risk or breached and whose running target has not said
    so yet: (ticket id, priority, policy, metric, due_at, live state, started_at,
    warning_sent_at)."""
    return w.cur.execute(
        "SELECT t.id, t.priority, t.sla_policy, t.sla_metric, t.sla_due_at, t.sla_state,"
        " o.started_at, o.warning_sent_at FROM tickets t JOIN sla_outcomes o"
        " ON o.ticket_id = t.id AND o.target = t.sla_metric AND o.met_at IS NULL"
        " AND o.state IN ('pending', 'breached')"
        " WHERE (t.sla_state = 'at_risk' AND o.warning_sent_at IS NULL)"
        " OR (t.sla_state = 'breached' AND o.breach_sent_at IS NULL) ORDER BY t.id"
    ).fetchall()


def mark_sent(w: Writer, marks: list[tuple[int, str, datetime, str]], at: datetime) -> None:
    """Record announcements: (ticket id, target, started_at, 'warning' | 'breach')."""
    for ticket_id, target, started_at, kind in marks:
        column = "warning_sent_at" if kind == "warning" else "breach_sent_at"
        w.cur.execute(
            f"UPDATE sla_outcomes SET {column} = coalesce({column}, ?) WHERE ticket_id = ?"
            " AND target = ? AND started_at = ?",
            [at, ticket_id, target, started_at],
        )
