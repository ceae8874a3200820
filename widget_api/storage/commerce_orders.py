"""An order as a commerce connector needs it to act at its platform: the platform's ids of the
order and of its lines (the returns desk names orders by Comptoir id and lines by SKU)."""

from __future__ import annotations

from widget_api.storage.db import Cursor
from widget_api.storage.rows import dicts, one


def platform_ref(cur: Cursor, order_id: int) -> dict | None:
    """``{id, number, source, external_id, currency}`` of an order, or None."""
    cur.execute(
        "SELECT id, number, source, external_id, currency FROM orders WHERE id = ?", [order_id]
    )
    return one(cur)


def platform_lines(cur: Cursor, order_id: int) -> list[dict]:
    """The order's lines with the platform's line ids, in order."""
    cur.execute(
        "SELECT id, external_id, sku, title, quantity, unit_price_cents FROM order_lines"
        " WHERE order_id = ? ORDER BY id",
        [order_id],
    )
    return dicts(cur)
