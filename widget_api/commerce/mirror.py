"""From a connector's mapped orders and customers to the mirror tables, inside one write job:
what the sync runner does with each page and the webhook processor with each delivery."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from widget_api.commerce.platform import SyncedCustomer, SyncedOrder
from widget_api.storage import commerce_mirror, customers
from widget_api.storage.db import Writer


def store_customer(w: Writer, platform: str, customer: SyncedCustomer, at: datetime) -> int:
    return commerce_mirror.upsert_customer(w, platform, asdict(customer), at)


def store_order(w: Writer, platform: str, order: SyncedOrder, at: datetime) -> tuple[int, int]:
    """Upsert one order (its customer first); returns (order id, customer id)."""
    if order.customer is not None:
        customer_id = store_customer(w, platform, order.customer, at)
    else:  # a guest checkout: the customer is the order's e-mail (or a new anonymous one)
        customer_id, _ = customers.find_or_create(
            w, email=order.email, name=order.ship_name, language="fr", at=at
        )
    row = asdict(order)
    lines = list(row.pop("lines"))
    row.pop("customer")
    row["platform_updated_at"] = row.pop("updated_at")
    order_id, _ = commerce_mirror.upsert_order(w, platform, row, lines, customer_id, at)
    return order_id, customer_id


def store_orders(
    w: Writer, platform: str, orders: list[SyncedOrder], at: datetime
) -> tuple[int, set[int]]:
    """A page of orders: (how many, the customers they belong to)."""
    seen: set[int] = set()
    for order in orders:
        seen.add(store_order(w, platform, order, at)[1])
    return len(orders), seen
