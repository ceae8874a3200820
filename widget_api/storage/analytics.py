"""Analytics in DuckDB: response times (calendar and business hours), SLA compliance, backlog,
quality, CSAT, agents, and the weekly counts behind recurring-incident detection.

Every query takes the same filter (a date range on ticket creation and optional channels) and
returns plain rows, ready for a chart or a CSV. Reply counts, first replies and reopens come
from the per-ticket facts the writer keeps on each ticket row (recounted from the messages and
the event log after merges and bulk loads, see ``tickets.refresh_facts``), so a report reads one
table; per-agent solves still come from the event log.
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


def replace_policies(w: Writer, policies: list[dict]) -> None:
    w.cur.execute("DELETE FROM sla_policies")
    for rank, p in enumerate(policies):
        w.cur.execute(
            "INSERT INTO sla_policies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [rank, p["name"], p["channels"], p["priorities"], p["hours"],
             p["targets"]["first_reply_minutes"], p["targets"]["next_reply_minutes"],
             p["targets"]["resolution_minutes"]],
        )  # fmt: skip


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

    def where(self, alias: str = "t") -> tuple[str, list]:
        sql = f"{alias}.created_at >= ? AND {alias}.created_at < ?"
        params: list = [self.start, self.end]
        if self.channels:
            sql += f" AND {alias}.channel IN ({', '.join('?' for _ in self.channels)})"
            params += list(self.channels)
        return sql, params


_FACT_COLUMNS = (
    "t.id, t.channel, t.priority, t.status, t.assignee_id, t.created_at, t.solved_at,"
    " t.first_response_at AS first_reply_at, t.agent_replies AS replies, t.first_reply_by,"
    " t.reopens"
)
# What the drill-down shows or filters on besides the facts.
_DRILL_COLUMNS = "t.ref, t.subject, t.problem_type, t.order_id, t.tags"


def _facts(scope: Scope, extra_columns: str = "") -> tuple[str, list]:
    """A CTE named ``facts``: one row per ticket in scope with its times, policy and outcomes.
    Only the columns reports aggregate are carried (``extra_columns`` adds more), so a CTE
    read twice stays narrow."""
    where, params = _scope_where(scope)
    columns = f"{_FACT_COLUMNS}, {extra_columns}" if extra_columns else _FACT_COLUMNS
    sql = f"""
    scoped AS (SELECT {columns} FROM tickets t WHERE {where}),
    matched AS (
        SELECT k.channel, k.priority, arg_min(p.name, p.rank) AS policy,
               arg_min(p.hours, p.rank) AS hours,
               arg_min(p.first_reply_minutes, p.rank) AS first_target,
               arg_min(p.resolution_minutes, p.rank) AS resolution_target
        FROM (SELECT DISTINCT channel, priority FROM scoped) k JOIN sla_policies p
          ON (len(p.channels) = 0 OR list_contains(p.channels, k.channel))
         AND (len(p.priorities) = 0 OR list_contains(p.priorities, k.priority))
        GROUP BY 1, 2
    ),
    timed AS (
        SELECT s.*, m.policy, m.hours, m.first_target, m.resolution_target
        FROM scoped s LEFT JOIN matched m ON m.channel = s.channel AND m.priority = s.priority
    ),
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
        FROM timed t
        ASOF LEFT JOIN business_spans bc ON t.created_at >= bc.start_at
        ASOF LEFT JOIN business_spans br ON t.first_reply_at >= br.start_at
        ASOF LEFT JOIN business_spans bs ON t.solved_at >= bs.start_at
    )"""
    return sql, params


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


def sla_compliance(cur: Cursor, scope: Scope, now: datetime) -> list[dict]:
    """Per policy and metric: targets met, breached, and the compliance rate. Unanswered
    tickets already past their first-reply target count as breached. One pass over the facts;
    a policy/metric appears when some ticket has that target (and, for resolution, is solved)."""
    ctes, params = _facts(scope)
    cur.execute(
        f"""WITH {ctes},
        outcomes AS (
            SELECT policy,
                   first_target IS NOT NULL AS has_first,
                   CASE WHEN first_target IS NULL THEN NULL
                        WHEN first_reply_at IS NOT NULL
                        THEN (CASE WHEN hours = 'business' THEN frt_biz_h ELSE frt_cal_h END)
                             * 60 <= first_target
                        WHEN (epoch(?::TIMESTAMP) - epoch(created_at)) / 60 > first_target
                        THEN FALSE
                   END AS first_met,
                   resolution_target IS NOT NULL AND res_cal_h IS NOT NULL AS has_resolution,
                   CASE WHEN resolution_target IS NOT NULL AND res_cal_h IS NOT NULL
                        THEN (CASE WHEN hours = 'business' THEN res_biz_h ELSE res_cal_h END)
                             * 60 <= resolution_target
                   END AS resolution_met
            FROM facts
        ),
        per_policy AS (
            SELECT policy,
                   count(*) FILTER (WHERE has_first) AS f_rows, count(first_met) AS f_n,
                   count(*) FILTER (WHERE first_met) AS f_met,
                   count(*) FILTER (WHERE NOT first_met) AS f_breached,
                   count(*) FILTER (WHERE has_resolution) AS r_rows,
                   count(resolution_met) AS r_n,
                   count(*) FILTER (WHERE resolution_met) AS r_met,
                   count(*) FILTER (WHERE NOT resolution_met) AS r_breached
            FROM outcomes GROUP BY 1
        ),
        rows AS (
            SELECT policy, 'first_reply' AS metric, f_n AS tickets, f_met AS met,
                   f_breached AS breached FROM per_policy WHERE f_rows > 0
            UNION ALL
            SELECT policy, 'resolution', r_n, r_met, r_breached FROM per_policy WHERE r_rows > 0
        )
        SELECT policy, metric, tickets, met, breached,
               round(100.0 * met / nullif(tickets, 0), 1) AS compliance_pct
        FROM rows ORDER BY 1, 2""",
        [*params, now],
    )
    return dicts(cur)


def backlog(cur: Cursor, scope: Scope) -> list[dict]:
    """Unsolved tickets at the end of each day: tickets created minus tickets solved so far."""
    channel_sql = ""
    channel_params: list = []
    if scope.channels:
        channel_sql = f" AND channel IN ({', '.join('?' for _ in scope.channels)})"
        channel_params = list(scope.channels)
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
        )
        SELECT a.id AS agent_id, a.name AS agent, coalesce(r.replies, 0) AS replies,
               coalesce(s.solved, 0) AS solved, f.frt_business_median_h,
               f.frt_calendar_median_h, c.csat_average, coalesce(c.csat_responses, 0)
                   AS csat_responses
        FROM agents a LEFT JOIN replies r ON r.agent_id = a.id
        LEFT JOIN solved s ON s.agent_id = a.id LEFT JOIN frt f ON f.agent_id = a.id
        LEFT JOIN rated c ON c.agent_id = a.id
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
    "first_reply_breached": (
        "((CASE WHEN hours = 'business' THEN frt_biz_h ELSE frt_cal_h END) * 60 > first_target) = ?"
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
        f"""SELECT ref, subject, channel, priority, status, problem_type, policy, created_at,
                   first_reply_at, round(frt_cal_h, 2) AS first_reply_calendar_h,
                   round(frt_biz_h, 2) AS first_reply_business_h, solved_at,
                   round(res_cal_h, 2) AS resolution_calendar_h,
                   round(res_biz_h, 2) AS resolution_business_h, replies, reopens,
                   (SELECT score FROM csat_ratings r WHERE r.ticket_id = facts.id) AS csat
            FROM facts WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?""",
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
