"""Tickets still waiting for their order: the customer wrote before the order reached Comptoir
(a webhook late or lost, the first sync still running). When the order arrives they are linked:
those that name its number, and those of its customer written since it was placed that name
no order at all."""

from __future__ import annotations

from datetime import datetime, timedelta

from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor
from widget_api.storage.tickets import RESOLVED_STATUSES, update

#: A ticket naming no order is about this one only if written after it was placed (less this
#: much for clocks that disagree), and no longer than this after.
_CLOCK_SLACK = timedelta(hours=1)
_BY_EMAIL_WINDOW = timedelta(days=30)
#: Only tickets this recent are looked at (an old ticket's order is settled by an agent).
_OPEN_WINDOW = timedelta(days=90)


def tickets_awaiting(cur: Cursor, order_id: int, now: datetime) -> list[int]:
    """Open tickets with no order that are about ``order_id``: by the number they give (written
    the way customers write it: "#1001", "1001", "nd 1001"), when the writer is the order's
    customer or unknown (an anonymous chat); else by customer, naming no number."""
    cur.execute(
        f"""
        WITH o AS (
            SELECT id, customer_id, placed_at,
                   regexp_replace(upper(number), '[^0-9A-Z]', '', 'g') AS norm,
                   regexp_replace(number, '[^0-9]', '', 'g') AS digits
            FROM orders WHERE id = ?
        )
        SELECT t.id FROM tickets t, o
        LEFT JOIN customers c ON c.id = t.customer_id
        WHERE t.order_id IS NULL
          AND t.status NOT IN ({", ".join("?" for _ in RESOLVED_STATUSES)})
          AND t.created_at >= ?
          AND (
            (t.order_number IS NOT NULL
             AND (t.customer_id = o.customer_id OR c.email IS NULL)
             AND (regexp_replace(upper(t.order_number), '[^0-9A-Z]', '', 'g') = o.norm
                  OR (regexp_full_match(t.order_number, '[#\\s]*[0-9]+\\s*')
                      AND regexp_replace(t.order_number, '[^0-9]', '', 'g') = o.digits)))
            OR (t.order_number IS NULL AND t.customer_id = o.customer_id
                AND t.created_at >= o.placed_at - ?
                AND t.created_at <= o.placed_at + ?)
          )
        ORDER BY t.id
        """,
        [order_id, *RESOLVED_STATUSES, now - _OPEN_WINDOW, _CLOCK_SLACK, _BY_EMAIL_WINDOW],
    )
    return [int(row[0]) for row in cur.fetchall()]


def link_waiting_tickets(w: Writer, order_id: int, actor: Actor, now: datetime) -> list[int]:
    """Link the tickets waiting for ``order_id`` to it (each logs ``ticket.order_linked``)."""
    waiting = tickets_awaiting(w.cur, order_id, now)
    for ticket_id in waiting:
        update(w, ticket_id, {"order_id": order_id}, actor, now)
    return waiting
