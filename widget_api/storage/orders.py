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
    """The order whose number matches what the customer typed: "#1001", "1001", "ND-1001",
    "nd 1001" find a stored "ND-1001", "#1001" (Shopify) or "1001" (WooCommerce)."""
    wanted = normalise_number(raw)
    if not wanted:
        return None
    match = re.fullmatch(r"([A-Z]*)(\d+)", wanted)
    if match and not match[1]:
        candidates = [wanted, f"#{wanted}"]
    elif match:
        candidates = [f"{match[1]}-{match[2]}", wanted, f"#{wanted}", f"#{match[1]}-{match[2]}"]
    else:
        candidates = [wanted]
    # Point look-ups on the unique index, the likeliest stored forms first.
    for candidate in candidates:
        cur.execute("SELECT id, number, customer_id FROM orders WHERE number = ?", [candidate])
        found = one(cur)
        if found:
            return found
    if match and not match[1]:  # digits only: the store's prefix left out ("1001" → "ND-1001")
        cur.execute(
            "SELECT id, number, customer_id FROM orders WHERE number LIKE ? ORDER BY id LIMIT 1",
            [f"%-{wanted}"],
        )
        return one(cur)
    return None


def latest_for_contacts(
    cur: Cursor, contacts: list[tuple[int | None, str | None]]
) -> dict[tuple[int | None, str | None], dict]:
    """For each (customer id, e-mail): the most recent order of that customer or placed with
    that e-mail (guest checkouts keep the e-mail on the order only)."""
    ids = sorted({c for c, _ in contacts if c is not None})
    emails = sorted({e.lower() for _, e in contacts if e})
    if not ids and not emails:
        return {}
    cur.execute(
        "SELECT id, number, customer_id, lower(email) AS email FROM orders"
        " WHERE list_contains(?, customer_id) OR list_contains(?, lower(email))"
        " ORDER BY placed_at DESC, id DESC",
        [ids, emails],
    )
    rows = dicts(cur)
    found = {}
    for customer_id, email in contacts:
        for row in rows:
            if (customer_id is not None and row["customer_id"] == customer_id) or (
                email and row["email"] == email.lower()
            ):
                found[(customer_id, email)] = {k: row[k] for k in ("id", "number", "customer_id")}
                break
    return found


def for_customer(cur: Cursor, customer_id: int, email: str | None, limit: int = 50) -> list[dict]:
    """The customer's orders, newest first (theirs, or placed with their e-mail)."""
    cur.execute(
        "SELECT id, number, placed_at, currency, total_cents, financial_status,"
        " fulfillment_status, source, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)"
        " AS line_count FROM orders o WHERE customer_id = ? OR (? IS NOT NULL AND lower(email) = ?)"
        " ORDER BY placed_at DESC, id DESC LIMIT ?",
        [customer_id, email, (email or "").lower(), limit],
    )
    return dicts(cur)


def with_lines(cur: Cursor, order_id: int) -> dict | None:
    cur.execute(f"SELECT {_ORDER_COLUMNS} FROM orders WHERE id = ?", [order_id])
    order = one(cur)
    if order is None:
        return None
    cur.execute(
        "SELECT id, sku, title, size, color, quantity, unit_price_cents, variant_title,"
        " tax_cents FROM order_lines"
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


# -- the built-in store's order actions ---------------------------------------------------------
def for_action(cur: Cursor, order_id: int) -> dict | None:
    """The order as an action needs it: status, money, address, source and its lines (ids,
    platform ids), plus what was already refunded (by the built-in store)."""
    cur.execute(
        f"SELECT {_ORDER_COLUMNS}, source, external_id, email, cancelled_at,"
        " (SELECT coalesce(sum(amount_cents), 0) FROM refunds r WHERE r.order_id = orders.id)"
        " AS refunded_cents FROM orders WHERE id = ?",
        [order_id],
    )
    order = one(cur)
    if order is None:
        return None
    cur.execute(
        "SELECT id, external_id, sku, title, size, color, variant_title, quantity,"
        " unit_price_cents, tax_cents FROM order_lines WHERE order_id = ? ORDER BY id",
        [order_id],
    )
    order["lines"] = dicts(cur)
    return order


def mark_cancelled(w, order_id: int, at) -> None:
    w.cur.execute(
        "UPDATE orders SET fulfillment_status = 'cancelled', cancelled_at = ? WHERE id = ?",
        [at, order_id],
    )


def set_shipping_address(w, order_id: int, address: dict) -> None:
    """``address`` holds ship_* columns only."""
    columns = [k for k in address if k.startswith("ship_")]
    w.cur.execute(
        f"UPDATE orders SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
        [*(address[k] for k in columns), order_id],
    )


def count_numbered(cur: Cursor, prefix: str) -> int:
    """How many orders are numbered ``prefix…`` (the replacements of an order)."""
    (count,) = cur.execute("SELECT count(*) FROM orders WHERE starts_with(number, ?)",
                           [prefix]).fetchone()  # fmt: skip
    return int(count)


def id_by_number(cur: Cursor, number: str) -> dict | None:
    cur.execute("SELECT id, source, external_id FROM orders WHERE number = ?", [number])
    return one(cur)


def adopt_for_import(w, order_id: int, external_id: str) -> None:
    """A built-in order a file import now updates: keyed by its number from then on."""
    w.cur.execute(
        "UPDATE orders SET source = 'local', external_id = ? WHERE id = ?", [external_id, order_id]
    )
