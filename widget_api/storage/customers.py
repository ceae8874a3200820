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
    return find_or_create_many(w, [(email, name, language)], at)[0]


def find_or_create_many(
    w: Writer, people: list[tuple[str | None, str | None, str]], at: datetime
) -> list[tuple[int, bool]]:
    """:func:`find_or_create` for several (e-mail, name, language) at once: one look-up and one
    insert for the lot; the same address twice is one customer, made by its first mention."""
    emails = sorted({email.lower() for email, _, _ in people if email})
    known: dict[str, list] = {}
    if emails:
        rows = w.cur.execute(
            "SELECT email, id, name FROM customers WHERE email IN"
            f" ({', '.join('?' for _ in emails)})",
            emails,
        ).fetchall()
        known = {email: [customer_id, name] for email, customer_id, name in rows}
        # An address an agent linked to a customer (an e-mail identity) reaches that customer.
        linked = [e for e in emails if e not in known]
        if linked:
            rows = w.cur.execute(
                "SELECT i.value, c.id, c.name FROM customer_identities i JOIN customers c"
                " ON c.id = i.customer_id WHERE i.kind = 'email' AND i.value IN"
                f" ({', '.join('?' for _ in linked)})",
                linked,
            ).fetchall()
            known |= {email: [customer_id, name] for email, customer_id, name in rows}
    answers, new_rows, named = [], [], []
    for email, name, language in people:
        email = email.lower() if email else None
        found = known.get(email) if email else None
        if found is not None:
            if name and not found[1]:
                found[1] = name
                named.append((name, found[0]))
            answers.append((found[0], False))
            continue
        customer_id = w.next_id("customers")
        new_rows.append([customer_id, email, name, language, at])
        if email:
            known[email] = [customer_id, name]
        answers.append((customer_id, True))
    if new_rows:
        w.cur.execute(
            "INSERT INTO customers (id, email, name, language, created_at) VALUES"
            f" {', '.join(['(?, ?, ?, ?, ?)'] * len(new_rows))}",
            [value for row in new_rows for value in row],
        )
    for name, customer_id in named:
        w.cur.execute("UPDATE customers SET name = ? WHERE id = ?", [name, customer_id])
    return answers


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
