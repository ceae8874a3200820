"""Bulk rows for the rules benchmark (``comptoir rules-bench``): many tickets, a share of them
in one status for a spread of durations, and the schedule runs already fired for most."""

from __future__ import annotations

from datetime import datetime

from widget_api.storage.db import Cursor


def fill(cur: Cursor, *, tickets: int, now: datetime, pending_share: float) -> None:
    """``tickets`` tickets of one customer; ``pending_share`` of them pending since 0 to 60 days
    (whole seconds), the others solved."""
    cur.execute("SET enable_progress_bar = false")  # a benchmark's output is its figures
    cur.execute(
        "INSERT INTO customers (id, email, name, language, created_at)"
        " VALUES (1, 'bench@example.com', 'Bench', 'fr', ?)",
        [now],
    )
    cur.execute(
        "INSERT INTO tickets (id, ref, subject, status, priority, channel, language, customer_id,"
        " created_at, updated_at, status_changed_at)"
        " SELECT i, 'C' || (100000 + i), 'Bench', CASE WHEN hash(i) % 1000 < ? THEN 'pending'"
        " ELSE 'solved' END, 'normal', 'email', 'fr', 1, ?::TIMESTAMP - INTERVAL 61 DAY,"
        " ?::TIMESTAMP, ?::TIMESTAMP - to_seconds((hash(i * 7) % 5184000)::BIGINT)"
        " FROM range(1, ? + 1) t(i)",
        [int(pending_share * 1000), now, now, now, tickets],
    )


def mark_fired(cur: Cursor, rule_id: int, before: datetime, keep: int) -> int:
    """Record the schedule runs of ``rule_id`` as done for every pending ticket in the status
    since ``before`` or earlier, but the ``keep`` most recent ones; return how many."""
    cur.execute(
        "INSERT INTO rule_runs (id, rule_id, ticket_id, event_id, run_key, ran_at, outcome,"
        " matched) SELECT row_number() OVER () + (SELECT coalesce(max(id), 0) FROM rule_runs),"
        " ?, id, NULL, 'rule:' || ? || ':ticket:' || id || ':episode:'"
        " || strftime(status_changed_at, '%Y%m%dT%H%M%S%f'), status_changed_at, 'matched', TRUE"
        " FROM (SELECT id, status_changed_at FROM tickets WHERE status = 'pending'"
        "   AND status_changed_at <= ? ORDER BY status_changed_at DESC OFFSET ?)",
        [rule_id, rule_id, before, keep],
    )
    return cur.execute("SELECT count(*) FROM rule_runs WHERE rule_id = ?", [rule_id]).fetchone()[0]
