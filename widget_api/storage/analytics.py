"""Analytics in DuckDB: response times (calendar and business hours), SLA compliance, backlog,
quality, CSAT, agents, and the weekly counts behind recurring-incident detection.

Every query takes the same filter (a date range on ticket creation and optional channels) and
returns plain rows, ready for a chart or a CSV. Reply counts, first replies and reopens come
from the per-ticket facts the writer keeps on each ticket row (recounted from the messages and
the event log after merges and bulk loads, see ``tickets.refresh_facts``), so a report reads one
table; per-agent solves still come from the event log.

SLA compliance (met, breached) is never judged here: it aggregates ``sla_outcomes``, which the SLA
worker fills from the one SLA engine (domain/sla/engine.py), pauses, business calendar and next
replies included, so the reports and the live SLA clock cannot disagree. Durations (medians of
first reply and resolution) are still measured here, on the business spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from widget_api.storage.db import Cursor, Writer
from widget_api.storage.rows import dicts

# -- reference tables rebuilt from the SLA settings --------------------------------------------


def replace_business_spans(w: Writer, spans: list[tuple[datetime, datetime]]) -> None:
    w.cur.execute("DELETE FROM business_spans")
    total = 0.0
    rows = []
    for start, end in spans:
        minutes = (end - start).total_seconds() / 60
        rows.append((start, end, minutes, total))
        total += minutes
    if rows:
        w.cur.execute(
            "INSERT INTO business_spans SELECT * FROM (SELECT unnest(?) AS s, unnest(?) AS e,"
            " unnest(?) AS m, unnest(?) AS c)",
            [
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[2] for r in rows],
                [r[3] for r in rows],
            ],
        )


def span_range(cur: Cursor) -> tuple[datetime | None, datetime | None]:
    return cur.execute("SELECT min(start_at), max(end_at) FROM business_spans").fetchone()


def ticket_range(cur: Cursor) -> tuple[datetime | None, datetime | None]:
    return cur.execute("SELECT min(created_at), max(updated_at) FROM tickets").fetchone()


# -- the per-ticket facts every report starts from ---------------------------------------------


@dataclass(frozen=True)
class Scope:
    start: datetime
    end: datetime
    channels: tuple[str, ...] = ()
    tz: str = "America/Toronto"
    #: False leaves out the history imported from another helpdesk.
    imported: bool = True

    def where(self, alias: str = "t") -> tuple[str, list]:
        sql = f"{alias}.created_at >= ? AND {alias}.created_at < ?"
        params: list = [self.start, self.end]
        if not self.imported:
            sql += f" AND {alias}.import_source IS NULL"
        if self.channels:
            sql += f" AND {alias}.channel IN ({', '.join('?' for _ in self.channels)})"
            params += list(self.channels)
        return sql, params


_FACT_COLUMNS = (
    "t.id, t.channel, t.priority, t.status, t.assignee_id, t.created_at, t.solved_at,"
    " t.first_response_at AS first_reply_at, t.agent_replies AS replies, t.first_reply_by,"
    " t.reopens, t.sla_policy AS policy"
)
# What the drill-down shows or filters on besides the facts.
_DRILL_COLUMNS = "t.ref, t.subject, t.problem_type, t.order_id, t.tags"


def _facts(scope: Scope, extra_columns: str = "") -> tuple[str, list]:
    """A CTE named ``facts``: one row per ticket in scope with its times and SLA policy (as
    the SLA worker last judged it). Only the columns reports aggregate are carried
    (``extra_columns`` adds more), so a CTE read twice stays narrow."""
    where, params = _scope_where(scope)
    columns = f"{_FACT_COLUMNS}, {extra_columns}" if extra_columns else _FACT_COLUMNS
    sql = f"""
    scoped AS (SELECT {columns} FROM tickets t WHERE {where}),
    facts AS (
        SELECT t.*,
               (epoch(t.first_reply_at) - epoch(t.created_at)) / 3600 AS frt_cal_h,
               (CASE WHEN t.first_reply_at IS NOT NULL THEN {_at_min("br", "t.first_reply_at")} END
                - {_at_min("bc", "t.created_at")}) / 60 AS frt_biz_h,
               CASE WHEN t.status IN ('solved', 'closed')
                    THEN (epoch(t.solved_at) - epoch(t.created_at)) / 3600 END AS res_cal_h,
               (CASE WHEN t.solved_at IS NOT NULL AND t.status IN ('solved', 'closed')
                     THEN {_at_min("bs", "t.solved_at")} END
                - {_at_min("bc", "t.created_at")}) / 60 AS res_biz_h
        FROM scoped t
        ASOF LEFT JOIN business_spans bc ON t.created_at >= bc.start_at
        ASOF LEFT JOIN business_spans br ON t.first_reply_at >= br.start_at
        ASOF LEFT JOIN business_spans bs ON t.solved_at >= bs.start_at
    )"""
    return sql, params


# Per ticket in scope, its SLA outcomes side by side (a CTE named ``sla``, after ``facts``).
_PER_TICKET_SLA = """, sla AS (
    SELECT o.ticket_id,
           any_value(o.state) FILTER (WHERE o.target = 'first_reply') AS first_reply_sla,
           count(*) FILTER (WHERE o.target = 'next_reply' AND o.state = 'met')
               AS next_replies_met,
           count(*) FILTER (WHERE o.target = 'next_reply' AND o.state = 'breached')
               AS next_replies_breached,
           any_value(o.state) FILTER (WHERE o.target = 'resolution') AS resolution_sla
    FROM sla_outcomes o JOIN scoped s ON s.id = o.ticket_id GROUP BY 1
)"""


def _at_min(alias: str, column: str) -> str:
    """Business minutes from the first span to ``column``, through its ASOF-joined span."""
    return (
        f"coalesce({alias}.cum_before + least(greatest(epoch({column})"
        f" - epoch({alias}.start_at), 0) / 60, {alias}.minutes), 0)"
    )


def _scope_where(scope: Scope) -> tuple[str, list]:
    return scope.where("t")


def _run(
    cur: Cursor, scope: Scope, select: str, extra: list | None = None, columns: str = ""
) -> list[dict]:
    ctes, params = _facts(scope, columns)
    cur.execute(f"WITH {ctes} {select}", [*params, *(extra or [])])
    return dicts(cur)


# -- reports ------------------------------------------------------------------------------------


def volume(cur: Cursor, scope: Scope) -> dict[str, list[dict]]:
    where, params = scope.where()
    cur.execute(
        f"SELECT CAST(timezone(?, t.created_at AT TIME ZONE 'UTC') AS DATE) AS day, t.channel,"
        f" count(*) AS tickets FROM tickets t WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2",
        [scope.tz, *params],
    )
    by_day = dicts(cur)
    cur.execute(
        f"SELECT isodow(timezone(?, t.created_at AT TIME ZONE 'UTC')) AS dow,"
        f" hour(timezone(?, t.created_at AT TIME ZONE 'UTC')) AS hour, count(*) AS tickets"
        f" FROM tickets t WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2",
        [scope.tz, scope.tz, *params],
    )
    return {"by_day": by_day, "heatmap": dicts(cur)}


def response_times(cur: Cursor, scope: Scope) -> list[dict]:
    """Median and 90th percentile of first reply and resolution, calendar and business hours,
    from one pass over the facts."""
    return _run(
        cur,
        scope,
        """, summary AS (
            SELECT count(frt_cal_h) AS f_n, median(frt_cal_h) AS f_cm,
                   quantile_cont(frt_cal_h, 0.9) AS f_c90, median(frt_biz_h) AS f_bm,
                   quantile_cont(frt_biz_h, 0.9) AS f_b90,
                   count(res_cal_h) AS r_n, median(res_cal_h) AS r_cm,
                   quantile_cont(res_cal_h, 0.9) AS r_c90, median(res_biz_h) AS r_bm,
                   quantile_cont(res_biz_h, 0.9) AS r_b90
            FROM facts
        )
        SELECT 'first_reply' AS metric, f_n AS tickets, f_cm AS calendar_median_h,
               f_c90 AS calendar_p90_h, f_bm AS business_median_h, f_b90 AS business_p90_h
        FROM summary
        UNION ALL
        SELECT 'resolution', r_n, r_cm, r_c90, r_bm, r_b90 FROM summary""",
    )


# Aggregates of stored outcomes: decided targets (met or breached) and those still owed.
_COUNTS = """count(*) FILTER (WHERE o.state IN ('met', 'breached')) AS tickets,
       count(*) FILTER (WHERE o.state = 'met') AS met,
       count(*) FILTER (WHERE o.state = 'breached') AS breached,
       count(*) FILTER (WHERE o.state IN ('pending', 'paused')) AS pending,
       round(100.0 * count(*) FILTER (WHERE o.state = 'met')
             / nullif(count(*) FILTER (WHERE o.state IN ('met', 'breached')), 0), 1)
           AS compliance_pct"""


def sla_compliance(cur: Cursor, scope: Scope) -> list[dict]:
    """Per policy and metric: targets met, breached, still owed, and the compliance rate
    (met among met + breached), from the stored outcomes of the tickets in scope. A target
    still owed past its due time is breached. ``tickets`` counts targets: one first reply and
    one resolution per ticket, one next reply per customer message answered or owed."""
    where, params = scope.where()
    cur.execute(
        f"""SELECT o.policy, o.target AS metric, {_COUNTS}
        FROM sla_outcomes o JOIN tickets t ON t.id = o.ticket_id WHERE {where}
        GROUP BY 1, 2 ORDER BY 1, 2""",
        params,
    )
    return dicts(cur)


_BREAKDOWNS = {
    "by_week": "date_trunc('week', t.created_at)",
    "by_priority": "t.priority",
    "by_channel": "t.channel",
    "by_agent": "t.assignee_id",
}


def sla_breakdown(cur: Cursor, scope: Scope) -> dict[str, list[dict]]:
    """The same counts per week of creation, priority, channel and assigned agent (``key``)."""
    where, params = scope.where()
    found = {}
    for name, key in _BREAKDOWNS.items():
        agent = ", a.name AS agent" if name == "by_agent" else ""
        join = " LEFT JOIN agents a ON a.id = t.assignee_id" if name == "by_agent" else ""
        cur.execute(
            f"""SELECT {key} AS key{agent}, o.target AS metric, {_COUNTS}
            FROM sla_outcomes o JOIN tickets t ON t.id = o.ticket_id{join} WHERE {where}
            GROUP BY ALL ORDER BY 1 NULLS LAST, metric""",
            params,
        )
        found[name] = dicts(cur)
    return found


def backlog(cur: Cursor, scope: Scope) -> list[dict]:
    """Unsolved tickets at the end of each day: tickets created minus tickets solved so far."""
    channel_sql = ""
    channel_params: list = []
    if scope.channels:
        channel_sql = f" AND channel IN ({', '.join('?' for _ in scope.channels)})"
        channel_params = list(scope.channels)
    if not scope.imported:
        channel_sql += " AND import_source IS NULL"
    cur.execute(
        f"""WITH days AS (
            SELECT CAST(d AS DATE) AS day FROM range(CAST(? AS DATE), CAST(? AS DATE) + 1,
                   INTERVAL 1 DAY) r(d)
        ),
        created AS (
            SELECT CAST(timezone(?, created_at AT TIME ZONE 'UTC') AS DATE) AS day, count(*) AS n
            FROM tickets WHERE created_at < ? {channel_sql} GROUP BY 1
        ),
        solved AS (
            SELECT CAST(timezone(?, solved_at AT TIME ZONE 'UTC') AS DATE) AS day, count(*) AS n
            FROM tickets WHERE solved_at IS NOT NULL AND status IN ('solved', 'closed')
              AND solved_at < ? {channel_sql} GROUP BY 1
        )
        SELECT d.day,
               (SELECT coalesce(sum(n), 0) FROM created c WHERE c.day <= d.day)
             - (SELECT coalesce(sum(n), 0) FROM solved s WHERE s.day <= d.day) AS open_tickets
        FROM days d ORDER BY 1""",
        [scope.start, scope.end, scope.tz, scope.end, *channel_params, scope.tz, scope.end,
         *channel_params],
    )  # fmt: skip
    return dicts(cur)


def quality(cur: Cursor, scope: Scope) -> list[dict]:
    """One-touch and reopen rates among solved tickets: reads the scoped facts alone (no
    business time or policy needed)."""
    return _run(
        cur,
        scope,
        """, solved AS (
            SELECT status IN ('solved', 'closed') AND solved_at IS NOT NULL AS solved, replies,
                   reopens FROM scoped
        )
        SELECT count(*) FILTER (WHERE solved) AS solved,
               count(*) FILTER (WHERE solved AND replies = 1) AS one_touch,
               count(*) FILTER (WHERE reopens > 0) AS reopened,
               round(100.0 * count(*) FILTER (WHERE solved AND replies = 1)
                     / nullif(count(*) FILTER (WHERE solved), 0), 1) AS one_touch_pct,
               round(100.0 * count(*) FILTER (WHERE reopens > 0)
                     / nullif(count(*) FILTER (WHERE solved), 0), 1) AS reopen_pct
        FROM solved""",
    )


def csat(cur: Cursor, scope: Scope) -> dict[str, list[dict]]:
    where, params = scope.where()
    cur.execute(
        f"SELECT date_trunc('week', r.created_at) AS week, count(*) AS responses,"
        f" round(avg(r.score), 2) AS average,"
        f" round(100.0 * count(*) FILTER (WHERE r.score >= 4) / count(*), 1) AS satisfied_pct"
        f" FROM csat_ratings r JOIN tickets t ON t.id = r.ticket_id WHERE {where}"
        f" GROUP BY 1 ORDER BY 1",
        params,
    )
    trend = dicts(cur)
    cur.execute(
        f"SELECT r.agent_id, a.name AS agent, count(*) AS responses,"
        f" round(avg(r.score), 2) AS average,"
        f" round(100.0 * count(*) FILTER (WHERE r.score >= 4) / count(*), 1) AS satisfied_pct"
        f" FROM csat_ratings r JOIN tickets t ON t.id = r.ticket_id"
        f" LEFT JOIN agents a ON a.id = r.agent_id WHERE {where} GROUP BY 1, 2 ORDER BY 2",
        params,
    )
    return {"trend": trend, "by_agent": dicts(cur)}


def agents(cur: Cursor, scope: Scope) -> list[dict]:
    ctes, params = _facts(scope)
    cur.execute(
        f"""WITH {ctes},
        replies AS (
            SELECT m.author_id AS agent_id, count(*) AS replies FROM messages m
            JOIN scoped s ON s.id = m.ticket_id
            WHERE m.kind = 'outbound' AND m.author_type = 'agent' GROUP BY 1
        ),
        solved AS (
            SELECT e.actor_id AS agent_id, count(DISTINCT e.ticket_id) AS solved FROM events e
            JOIN scoped s ON s.id = e.ticket_id
            WHERE e.name = 'ticket.status_changed' AND e.actor_type = 'agent'
              AND e.after ->> 'status' = 'solved' GROUP BY 1
        ),
        frt AS (
            SELECT first_reply_by AS agent_id, median(frt_biz_h) AS frt_business_median_h,
                   median(frt_cal_h) AS frt_calendar_median_h
            FROM facts WHERE first_reply_by IS NOT NULL GROUP BY 1
        ),
        rated AS (
            SELECT r.agent_id, round(avg(r.score), 2) AS csat_average, count(*) AS csat_responses
            FROM csat_ratings r JOIN scoped s ON s.id = r.ticket_id GROUP BY 1
        ),
        frt_sla AS (
            SELECT s.first_reply_by AS agent_id, count(*) FILTER (WHERE o.state = 'met') AS met,
                   count(*) FILTER (WHERE o.state = 'breached') AS breached
            FROM sla_outcomes o JOIN scoped s ON s.id = o.ticket_id
            WHERE o.target = 'first_reply' AND s.first_reply_by IS NOT NULL GROUP BY 1
        )
        SELECT a.id AS agent_id, a.name AS agent, coalesce(r.replies, 0) AS replies,
               coalesce(s.solved, 0) AS solved, f.frt_business_median_h,
               f.frt_calendar_median_h, c.csat_average, coalesce(c.csat_responses, 0)
                   AS csat_responses,
               coalesce(fs.met, 0) AS first_reply_met,
               coalesce(fs.breached, 0) AS first_reply_breached,
               round(100.0 * fs.met / nullif(fs.met + fs.breached, 0), 1)
                   AS first_reply_compliance_pct
        FROM agents a LEFT JOIN replies r ON r.agent_id = a.id
        LEFT JOIN solved s ON s.agent_id = a.id LEFT JOIN frt f ON f.agent_id = a.id
        LEFT JOIN rated c ON c.agent_id = a.id LEFT JOIN frt_sla fs ON fs.agent_id = a.id
        WHERE coalesce(r.replies, 0) + coalesce(s.solved, 0) > 0 ORDER BY a.name""",
        params,
    )
    return dicts(cur)


# -- drill-down ---------------------------------------------------------------------------------

DRILL_FILTERS = {
    "channel": "channel = ?",
    "problem_type": "problem_type = ?",
    "policy": "policy = ?",
    "agent_id": "(first_reply_by = ? OR assignee_id = ?)",
    "day": "CAST(timezone(?, created_at AT TIME ZONE 'UTC') AS DATE) = CAST(? AS DATE)",
    "dow": "isodow(timezone(?, created_at AT TIME ZONE 'UTC')) = ?",
    "hour": "hour(timezone(?, created_at AT TIME ZONE 'UTC')) = ?",
    "week": "date_trunc('week', created_at) = CAST(? AS TIMESTAMP)",
    "one_touch": "(res_cal_h IS NOT NULL AND replies = 1) = ?",
    "reopened": "(reopens > 0) = ?",
    # Judged by the SLA engine (stored outcomes); a first reply still owed and not yet due is
    # neither.
    "first_reply_breached": (
        "(CASE first_reply_sla WHEN 'breached' THEN TRUE WHEN 'met' THEN FALSE END) = ?"
    ),
    "sku": "order_id IN (SELECT order_id FROM order_lines WHERE sku = ?)",
    "carrier": "order_id IN (SELECT id FROM orders WHERE carrier = ?)",
    "warehouse": "order_id IN (SELECT id FROM orders WHERE warehouse = ?)",
    "tag": "list_contains(tags, ?)",
}
_TZ_FILTERS = ("day", "dow", "hour")


def drill(cur: Cursor, scope: Scope, filters: dict[str, object], limit: int) -> list[dict]:
    """The tickets behind a chart's bar or cell, one row each, for the table and the CSV."""
    clauses, params = [], []
    for name, value in filters.items():
        clauses.append(DRILL_FILTERS[name])
        if name in _TZ_FILTERS:
            params.append(scope.tz)
        params.append(value)
        if name == "agent_id":
            params.append(value)
    where = " AND ".join(clauses) or "TRUE"
    return _run(
        cur,
        scope,
        f"""{_PER_TICKET_SLA}
            SELECT ref, subject, channel, priority, status, problem_type, policy, created_at,
                   first_reply_at, round(frt_cal_h, 2) AS first_reply_calendar_h,
                   round(frt_biz_h, 2) AS first_reply_business_h, solved_at,
                   round(res_cal_h, 2) AS resolution_calendar_h,
                   round(res_biz_h, 2) AS resolution_business_h, replies, reopens,
                   (SELECT score FROM csat_ratings r WHERE r.ticket_id = facts.id) AS csat,
                   first_reply_sla, coalesce(next_replies_met, 0) AS next_replies_met,
                   coalesce(next_replies_breached, 0) AS next_replies_breached, resolution_sla
            FROM facts LEFT JOIN sla ON sla.ticket_id = facts.id
            WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?""",
        [*params, limit],
        columns=_DRILL_COLUMNS,
    )


# -- recurring incidents -------------------------------------------------------------------------


def weekly_types(cur: Cursor, scope: Scope) -> list[dict]:
    where, params = scope.where()
    cur.execute(
        f"SELECT date_trunc('week', t.created_at) AS week, coalesce(t.problem_type, 'untyped')"
        f" AS problem_type, count(*) AS tickets FROM tickets t WHERE {where}"
        f" GROUP BY 1, 2 ORDER BY 1, 2",
        params,
    )
    return dicts(cur)


INCIDENT_TYPES = ("wrong_item", "defective_product", "delivery_problem")


def weekly_by_dimension(cur: Cursor, scope: Scope) -> list[dict]:
    """Weekly ticket counts of the incident types per SKU, carrier and warehouse (through the
    linked order), plus per problem type alone."""
    where, params = scope.where()
    types = ", ".join(f"'{t}'" for t in INCIDENT_TYPES)
    cur.execute(
        f"""WITH typed AS (
            SELECT t.id, t.order_id, t.problem_type, date_trunc('week', t.created_at) AS week
            FROM tickets t WHERE {where} AND t.problem_type IS NOT NULL
        )
        SELECT 'problem_type' AS dimension, problem_type AS key, problem_type, week,
               count(*) AS tickets FROM typed GROUP BY ALL
        UNION ALL
        SELECT 'sku', l.sku, y.problem_type, y.week, count(DISTINCT y.id) FROM typed y
        JOIN order_lines l ON l.order_id = y.order_id
        WHERE y.problem_type IN ({types}) GROUP BY ALL
        UNION ALL
        SELECT 'carrier', o.carrier, y.problem_type, y.week, count(*) FROM typed y
        JOIN orders o ON o.id = y.order_id
        WHERE y.problem_type IN ({types}) AND o.carrier IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT 'warehouse', o.warehouse, y.problem_type, y.week, count(*) FROM typed y
        JOIN orders o ON o.id = y.order_id
        WHERE y.problem_type IN ({types}) AND o.warehouse IS NOT NULL GROUP BY ALL""",
        params,
    )
    return dicts(cur)


def incident_rates(cur: Cursor, scope: Scope) -> list[dict]:
    """Per SKU, carrier and warehouse: incident tickets per 1,000 units sold or orders shipped."""
    where, params = scope.where()
    types = ", ".join(f"'{t}'" for t in INCIDENT_TYPES)
    cur.execute(
        f"""WITH typed AS (
            SELECT t.id, t.order_id, t.problem_type FROM tickets t
            WHERE {where} AND t.problem_type IN ({types})
        ),
        sold AS (
            SELECT l.sku, sum(l.quantity) AS units FROM order_lines l
            JOIN orders o ON o.id = l.order_id WHERE o.placed_at >= ? AND o.placed_at < ?
            GROUP BY 1
        ),
        shipped_by AS (
            SELECT 'carrier' AS dimension, carrier AS key, count(*) AS units FROM orders
            WHERE shipped_at >= ? AND shipped_at < ? AND carrier IS NOT NULL GROUP BY 1, 2
            UNION ALL
            SELECT 'warehouse', warehouse, count(*) FROM orders
            WHERE shipped_at >= ? AND shipped_at < ? AND warehouse IS NOT NULL GROUP BY 1, 2
        ),
        by_sku AS (
            SELECT 'sku' AS dimension, l.sku AS key, y.problem_type, count(DISTINCT y.id) AS n
            FROM typed y JOIN order_lines l ON l.order_id = y.order_id GROUP BY ALL
        ),
        by_order AS (
            SELECT 'carrier' AS dimension, o.carrier AS key, y.problem_type, count(*) AS n
            FROM typed y JOIN orders o ON o.id = y.order_id WHERE o.carrier IS NOT NULL
            GROUP BY ALL
            UNION ALL
            SELECT 'warehouse', o.warehouse, y.problem_type, count(*) FROM typed y
            JOIN orders o ON o.id = y.order_id WHERE o.warehouse IS NOT NULL GROUP BY ALL
        )
        SELECT b.dimension, b.key, b.problem_type, b.n AS tickets, s.units,
               round(1000.0 * b.n / nullif(s.units, 0), 2) AS per_1000
        FROM by_sku b LEFT JOIN sold s ON s.sku = b.key
        UNION ALL
        SELECT b.dimension, b.key, b.problem_type, b.n, s.units,
               round(1000.0 * b.n / nullif(s.units, 0), 2)
        FROM by_order b LEFT JOIN shipped_by s ON s.dimension = b.dimension AND s.key = b.key
        ORDER BY per_1000 DESC NULLS LAST""",
        [*params, scope.start, scope.end, scope.start, scope.end, scope.start, scope.end],
    )
    return dicts(cur)


_DIMENSION_FILTERS = {
    "problem_type": "TRUE",
    "sku": "t.order_id IN (SELECT order_id FROM order_lines WHERE sku = ?)",
    "carrier": "t.order_id IN (SELECT id FROM orders WHERE carrier = ?)",
    "warehouse": "t.order_id IN (SELECT id FROM orders WHERE warehouse = ?)",
}


def weekly_cell_tickets(
    cur: Cursor, scope: Scope, dimension: str, key: str, problem_type: str, week: datetime
) -> list[int]:
    """The ids of the tickets counted in one cell of ``weekly_by_dimension``."""
    where, params = scope.where()
    extra = [] if dimension == "problem_type" else [key]
    cur.execute(
        f"SELECT t.id FROM tickets t WHERE {where} AND t.problem_type = ?"
        f" AND date_trunc('week', t.created_at) = ? AND {_DIMENSION_FILTERS[dimension]}",
        [*params, problem_type, week, *extra],
    )
    return [row[0] for row in cur.fetchall()]
