"""Customers, found or created by e-mail address."""

from __future__ import annotations

from datetime import datetime

from widget_api.storage.db import Cursor, Writer
from widget_api.storage.rows import one


def find_or_create(
    w: Writer, *, email: str | None, name: str | None, language: str, at: datetime
) -> tuple[int, bool]:
    """The customer id for ``email`` and whether it was created now. A known customer's missing
    name is filled in; an existing one is never overwritten by what a form says. Without an
    e-mail (an anonymous chat visitor) a new customer is made each time."""
    email = email.lower() if email else None
    row = (
        w.cur.execute("SELECT id, name FROM customers WHERE email = ?", [email]).fetchone()
        if email
        else None
    )
    if row:
        if name and not row[1]:
            w.cur.execute("UPDATE customers SET name = ? WHERE id = ?", [name, row[0]])
        return row[0], False
    customer_id = w.next_id("customers")
    w.cur.execute(
        "INSERT INTO customers (id, email, name, language, created_at) VALUES (?, ?, ?, ?, ?)",
        [customer_id, email, name, language, at],
    )
    return customer_id, True


def by_id(cur: Cursor, customer_id: int) -> dict | None:
    cur.execute(
        "SELECT id, email, name, phone, language, created_at FROM customers WHERE id = ?",
        [customer_id],
    )
    return one(cur)


def order_stats(cur: Cursor, customer_id: int) -> tuple[int, int]:
    """(number of orders, lifetime value in cents, refunds and cancellations excluded)."""
    row = cur.execute(
        "SELECT count(*), coalesce(sum(total_cents) FILTER (WHERE financial_status NOT IN"
        " ('refunded', 'voided') AND fulfillment_status <> 'cancelled'), 0)"
        " FROM orders WHERE customer_id = ?",
        [customer_id],
    ).fetchone()
    return int(row[0]), int(row[1])
