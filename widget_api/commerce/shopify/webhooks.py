"""What a Shopify webhook means for Comptoir (``ShopifyClient.parse_webhook``).

Webhooks carry REST-shaped JSON. Order topics carry the whole order; ``refunds/create`` and
the fulfillment topics only name it, so the order is read again through the API (the fresh order
has the new financial status and tracking). The privacy topics (``customers/data_request``,
``customers/redact``, ``shop/redact``) are mandatory for every Shopify app; their bodies are
``{shop_id, shop_domain, customer: {id, email, phone}, orders_to_redact | orders_requested,
data_request: {id}}``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from widget_api.commerce.platform import (
    DataRequest,
    DeleteOrder,
    Ignore,
    RedactCustomer,
    RedactShop,
    SyncedOrder,
    UpsertCustomer,
    UpsertOrder,
    WebhookEffect,
)
from widget_api.commerce.shopify.mapping import customer_from_rest, gid, order_from_rest

ORDER_TOPICS = frozenset(
    {"orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled", "orders/paid",
     "orders/partially_fulfilled"}
)  # fmt: skip
# Topics whose body names an order without being one: read the order again.
REFETCH_TOPICS = frozenset({"refunds/create", "fulfillments/create", "fulfillments/update"})


def parse(
    topic: str, payload: dict, fetch_order: Callable[[str], SyncedOrder | None]
) -> Sequence[WebhookEffect]:
    topic = (topic or "").strip().lower()
    if not isinstance(payload, dict):
        return [Ignore(f"{topic}: the body is not a JSON object")]
    if topic in ORDER_TOPICS:
        if not payload.get("id") or not payload.get("created_at"):
            return [Ignore(f"{topic}: no order in the body")]
        return [UpsertOrder(order_from_rest(payload))]
    if topic == "orders/delete":
        if not payload.get("id"):
            return [Ignore("orders/delete: no order id")]
        return [DeleteOrder(gid("Order", payload["id"]))]
    if topic in REFETCH_TOPICS:
        order_id = payload.get("order_id")
        if not order_id:
            return [Ignore(f"{topic}: no order_id")]
        order = fetch_order(gid("Order", order_id))
        if order is None:
            return [Ignore(f"{topic}: order {order_id} no longer exists")]
        return [UpsertOrder(order)]
    if topic in ("customers/create", "customers/update"):
        customer = customer_from_rest(payload)
        return [UpsertCustomer(customer)] if customer else [Ignore(f"{topic}: no customer id")]
    if topic == "customers/data_request":
        customer = payload.get("customer") or {}
        return [
            DataRequest(
                email=(customer.get("email") or "").lower() or None,
                external_id=gid("Customer", customer["id"]) if customer.get("id") else None,
            )
        ]
    if topic == "customers/redact":
        customer = payload.get("customer") or {}
        return [
            RedactCustomer(
                email=(customer.get("email") or "").lower() or None,
                external_id=gid("Customer", customer["id"]) if customer.get("id") else None,
                order_external_ids=tuple(
                    gid("Order", o) for o in payload.get("orders_to_redact") or ()
                ),
            )
        ]
    if topic == "shop/redact":
        return [RedactShop()]
    return [Ignore(f"topic {topic or '(none)'} is not used by Comptoir")]
