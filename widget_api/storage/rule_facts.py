"""What rules match on, for many tickets in one query: the ticket, its customer's lifetime
value and order count, its order's value and fulfilment, its latest customer message; and the
schedule pass's candidates (tickets in a status since before a time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from widget_api.storage.db import Cursor

_MARKETPLACES = "('amazon', 'ebay', 'etsy', 'walmart')"


def facts(cur: Cursor, ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Ticket id → its facts (the vocabulary's fields, but ``business_hours``, plus ``ref``,
    ``customer_id`` and ``status_since``). One query for any number of tickets: pass every
    candidate at once. Each part is restricted to these tickets (and their customers'
    orders), so a handful of tickets costs milliseconds in a store of any size."""
    if not ticket_ids:
        return {}
    cur.execute(
        "WITH ids AS (SELECT DISTINCT unnest(?::BIGINT[]) AS id),"
        " picked AS (SELECT t.* FROM tickets t JOIN ids ON ids.id = t.id),"
        " stats AS (SELECT o.customer_id, count(*) AS orders,"
        "   coalesce(sum(o.total_cents) FILTER (WHERE o.financial_status NOT IN"
        "   ('refunded', 'voided') AND o.fulfillment_status <> 'cancelled'), 0) AS value"
        "   FROM orders o WHERE o.customer_id IN (SELECT customer_id FROM picked) GROUP BY 1),"
        # The newest customer message on narrow columns first, then its body by id (a body
        # is NOT NULL): reading body_text of every message of the range would cost far more.
        " newest AS (SELECT max(id) AS id FROM messages WHERE kind = 'inbound'"
        "   AND ticket_id IN (SELECT id FROM ids) GROUP BY ticket_id),"
        " latest AS (SELECT m.ticket_id, m.body_text AS body FROM messages m"
        "   JOIN newest n ON n.id = m.id)"
        " SELECT t.id, t.ref, t.channel, t.language, t.problem_type, t.problem_confidence,"
        " t.subject, l.body, c.email, s.value, coalesce(s.orders, 0), o.total_cents,"
        " o.fulfillment_status, t.tags, t.priority, t.status, t.assignee_id, t.sla_state,"
        " t.customer_id, coalesce(t.status_changed_at, t.created_at),"
        f" CASE WHEN t.channel IN {_MARKETPLACES} THEN t.channel"
        f"      WHEN o.channel IN {_MARKETPLACES} THEN o.channel END"
        " FROM picked t JOIN customers c ON c.id = t.customer_id"
        " LEFT JOIN orders o ON o.id = t.order_id"
        " LEFT JOIN stats s ON s.customer_id = t.customer_id"
        " LEFT JOIN latest l ON l.ticket_id = t.id",
        [ticket_ids],
    )
    out: dict[int, dict[str, Any]] = {}
    for row in cur.fetchall():
        (ticket_id, ref, channel, language, ptype, confidence, subject, body, email, value,
         orders, order_value, fulfilment, tags, priority, status, assignee, sla, customer_id,
         since, marketplace) = row  # fmt: skip
        email = (email or "").lower() or None
        out[ticket_id] = {
            "ticket_id": ticket_id, "ref": ref, "channel": channel, "marketplace": marketplace,
            "language": language, "problem_type": ptype, "problem_confidence": confidence,
            "subject": subject, "body": body, "customer_email": email,
            "customer_email_domain": email.rpartition("@")[2] if email else None,
            "customer_lifetime_value_cents": int(value or 0), "customer_order_count": orders,
            "order_value_cents": order_value, "fulfillment_status": fulfilment,
            "tags": list(tags or []), "priority": priority, "status": status,
            "assignee_id": assignee, "sla_state": sla, "customer_id": customer_id,
            "status_since": since,
        }  # fmt: skip
    return out


def newest_ids(cur: Cursor, limit: int) -> list[int]:
    rows = cur.execute("SELECT id FROM tickets ORDER BY created_at DESC, id DESC LIMIT ?", [limit])
    return [r[0] for r in rows.fetchall()]


def due_episodes(
    cur: Cursor,
    rule_id: int,
    status: str,
    before: datetime,
    *,
    after_id: int = 0,
    limit: int = 5000,
) -> list[tuple[int, datetime, str]]:
    """(id, status since, run key) of tickets in ``status`` since at or before ``before`` whose
    episode (this stay in the status) the rule has not run for yet, by id, one page at a time
    (pass the last id as ``after_id``). Merged tickets and imported history are left out. The
    run key is the one of ``domain/rules/schedule.py::episode_key``."""
    return cur.execute(
        "WITH due AS (SELECT id, coalesce(status_changed_at, created_at) AS since FROM tickets"
        "   WHERE status = ? AND coalesce(status_changed_at, created_at) <= ? AND id > ?"
        "   AND merged_into_id IS NULL AND import_source IS NULL),"
        " keyed AS (SELECT id, since, 'rule:' || ? || ':ticket:' || id || ':episode:'"
        "   || strftime(since, '%Y%m%dT%H%M%S%f') AS run_key FROM due)"
        " SELECT k.id, k.since, k.run_key FROM keyed k"
        " ANTI JOIN (SELECT run_key FROM rule_runs WHERE rule_id = ?) r ON r.run_key = k.run_key"
        " ORDER BY k.id LIMIT ?",
        [status, before, after_id, rule_id, rule_id, limit],
    ).fetchall()
