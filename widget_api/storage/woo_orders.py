"""Orders mirrored from WooCommerce as the WooCommerce backend needs them for the returns desk:
the store's order id and each line's id (refunds and replacements name lines by it)."""

from __future__ import annotations

from widget_api.storage.db import Cursor
from widget_api.storage.rows import dicts, one

SOURCE = "woocommerce"


def order_ref(cur: Cursor, order_id: int) -> dict | None:
    """The order (with its WooCommerce ``external_id``, e-mail and lines), or None when it is
    not a WooCommerce order."""
    cur.execute(
        "SELECT o.id, o.number, o.external_id, o.currency, o.total_cents,"
        " o.fulfillment_status, o.financial_status, coalesce(o.email, c.email) AS email"
        " FROM orders o LEFT JOIN customers c ON c.id = o.customer_id"
        " WHERE o.id = ? AND o.source = ?",
        [order_id, SOURCE],
    )
    order = one(cur)
    if order is None:
        return None
    cur.execute(
        "SELECT id, external_id, sku, title, quantity, unit_price_cents, tax_cents"
        " FROM order_lines WHERE order_id = ? ORDER BY id",
        [order_id],
    )
    order["lines"] = dicts(cur)
    return order
