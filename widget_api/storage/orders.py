"""Orders and their lines, as the store's commerce backend knows them."""

from __future__ import annotations

import re

from widget_api.storage.db import Cursor
from widget_api.storage.rows import dicts, one

_ORDER_COLUMNS = (
    "id, number, customer_id, placed_at, currency, subtotal_cents, shipping_cents,"
    " discount_cents, gst_cents, qst_cents, total_cents, financial_status, fulfillment_status,"
    " warehouse, carrier, tracking_number, tracking_url, shipped_at, delivered_at, ship_name,"
    " ship_address1, ship_address2, ship_city, ship_province, ship_postal_code, ship_country,"
    " ship_phone, source, email, platform_financial_status, platform_fulfillment_status,"
    " payment_method, cancelled_at"
)


def normalise_number(raw: str) -> str:
    """What customers type ("#nd 104233", "ND104233") to the stored form's characters."""
    return re.sub(r"[^0-9A-Z]", "", raw.upper())


def find_by_number(cur: Cursor, raw: str) -> dict | None:
    """The order whose number matches what the customer typed ("#nd 104233", "104233")."""
    wanted = normalise_number(raw)
    if not wanted:
        return None
    match = re.fullmatch(r"([A-Z]*)(\d+)", wanted)
    if match and not match[1]:
        cur.execute(
            "SELECT id, number, customer_id FROM orders"
            " WHERE number = ? OR number LIKE ? ORDER BY id LIMIT 1",
            [wanted, f"%-{wanted}"],
        )
    else:
        # Point look-ups on the unique index, in the stored form first ("ND-104233").
        for candidate in [f"{match[1]}-{match[2]}", wanted] if match else [wanted]:
            cur.execute("SELECT id, number, customer_id FROM orders WHERE number = ?", [candidate])
            found = one(cur)
            if found:
                return found
        return None
    return one(cur)


def with_lines(cur: Cursor, order_id: int) -> dict | None:
    cur.execute(f"SELECT {_ORDER_COLUMNS} FROM orders WHERE id = ?", [order_id])
    order = one(cur)
    if order is None:
        return None
    cur.execute(
        "SELECT sku, title, size, color, quantity, unit_price_cents, variant_title, tax_cents"
        " FROM order_lines"
        " WHERE order_id = ? ORDER BY id",
        [order_id],
    )
    order["lines"] = dicts(cur)
    return order


def insert(w, order: dict, lines: list[dict]) -> int:
    """Store an order and its lines as the commerce backend reports them; return its id."""
    order_id = w.next_id("orders")
    row = {"id": order_id, **order}
    w.cur.execute(
        f"INSERT INTO orders ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )
    for line in lines:
        line_row = {"id": w.next_id("order_lines"), "order_id": order_id, **line}
        w.cur.execute(
            f"INSERT INTO order_lines ({', '.join(line_row)})"
            f" VALUES ({', '.join('?' for _ in line_row)})",
            list(line_row.values()),
        )
    return order_id


def previous_units(cur: Cursor, customer_id: int, address1: str, before_order: int) -> list[str]:
    """Units (address line 2) this customer used before at the same street address."""
    cur.execute(
        "SELECT DISTINCT ship_address2 FROM orders WHERE customer_id = ? AND id <> ?"
        " AND lower(ship_address1) = lower(?) AND coalesce(ship_address2, '') <> ''",
        [customer_id, before_order, address1],
    )
    return [r[0] for r in cur.fetchall()]


def for_customer_lookup(cur: Cursor, raw_number: str, email: str) -> tuple | None:
    """(order, lines, owner's e-mail) for a typed number, or None."""
    found = find_by_number(cur, raw_number)
    if found is None:
        return None
    order = with_lines(cur, found["id"])
    (owner,) = cur.execute(
        "SELECT email FROM customers WHERE id = ?", [order["customer_id"]]
    ).fetchone()
    return order, order["lines"], owner
