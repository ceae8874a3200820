"""A customer's own data (access requests, Law 25 / GDPR): finding them by e-mail, phone or
order number, and every row that is theirs, for the per-customer archive."""

from __future__ import annotations

from typing import Any

from widget_api.storage.db import Cursor
from widget_api.storage.export import DROPPED_COLUMNS
from widget_api.storage.rows import dicts


def lookup(cur: Cursor, q: str) -> list[dict]:
    """Customers whose e-mail or phone is ``q`` (case-insensitive), or who placed order ``q``
    (written as the customer would: ``#1001``, ``ND-1001``)."""
    q = q.strip()
    digits = "".join(ch for ch in q if ch.isdigit())
    number = q.lstrip("#").upper()
    cur.execute(
        "SELECT id, email, name, phone, language, created_at FROM customers WHERE id IN ("
        " SELECT id FROM customers WHERE lower(email) = lower(?)"
        " OR (length(?) >= 7 AND regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')"
        "     LIKE '%' || ?)"
        " UNION SELECT customer_id FROM orders WHERE upper(number) = ? OR upper(number) = ?"
        " OR (? <> '' AND regexp_replace(number, '[^0-9]', '', 'g') = ?)"
        ") ORDER BY id LIMIT 20",
        [q, digits, digits, number, f"#{number}", digits if q.lstrip("#").isdigit() else "",
         digits],
    )  # fmt: skip
    return dicts(cur)


def _rows(cur: Cursor, table: str, where: str, params: list[Any]) -> list[dict]:
    cur.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY id', params)
    rows = dicts(cur)
    dropped = DROPPED_COLUMNS.get(table, frozenset())
    return [{k: v for k, v in r.items() if k not in dropped} for r in rows]


def collect(cur: Cursor, customer_id: int) -> dict[str, Any] | None:
    """Everything held on one customer; attachments with their bytes (key ``data``)."""
    found = _rows(cur, "customers", "id = ?", [customer_id])
    if not found:
        return None
    tickets = _rows(cur, "tickets", "customer_id = ?", [customer_id])
    ids = [t["id"] for t in tickets]
    messages = _rows(cur, "messages", "list_contains(?::BIGINT[], ticket_id)", [ids])
    for ticket in tickets:
        ticket.pop("search_text", None)
        ticket["messages"] = [m for m in messages if m["ticket_id"] == ticket["id"]]
    orders = _rows(cur, "orders", "customer_id = ?", [customer_id])
    order_ids = [o["id"] for o in orders]
    lines = _rows(cur, "order_lines", "list_contains(?::BIGINT[], order_id)", [order_ids])
    for order in orders:
        order["lines"] = [ln for ln in lines if ln["order_id"] == order["id"]]
    return {
        "customer": found[0],
        "tickets": tickets,
        "orders": orders,
        "returns": _rows(cur, "returns", "customer_id = ?", [customer_id]),
        "csat": _rows(cur, "csat_ratings", "list_contains(?::BIGINT[], ticket_id)", [ids]),
        "attachments": _rows(cur, "attachments", "list_contains(?::BIGINT[], ticket_id)", [ids]),
    }
