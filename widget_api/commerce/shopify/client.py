"""``ShopifyClient``: Comptoir's ``PlatformClient`` for a Shopify store, over the Admin GraphQL
API at ``{api_base_url or https://shop_domain}/admin/api/{api_version}/graphql.json``.

Reads (connection test, order pages for the sync, one order) and webhook parsing live here; the
order actions are in ``actions.py``. Every action is keyed: it first asks Shopify whether the
key already left its mark (a refund's note, a draft order's tag, a discount code made from the
key), so a retry after a timeout never acts twice."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx

from widget_api.commerce.platform import (
    ActionOutcome,
    OrderRef,
    OrdersPage,
    SyncedOrder,
    WebhookEffect,
)
from widget_api.commerce.shopify import actions, queries, webhooks
from widget_api.commerce.shopify.mapping import gid, order_from_graphql
from widget_api.commerce.shopify.transport import Transport
from widget_api.contracts.commerce import (
    CancelAction,
    ConnectionResult,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    ShippingAddress,
    ShopifyCommerce,
)

PAGE_SIZE = 50


def graphql_url(cfg: ShopifyCommerce) -> str:
    base = cfg.api_base_url or f"https://{cfg.shop_domain}"
    return f"{base}/admin/api/{cfg.api_version}/graphql.json"


def supports_idempotent(api_version: str) -> bool:
    """``@idempotent(key:)`` exists on refundCreate and inventoryAdjustQuantities from 2026-01
    (mandatory from 2026-04); older versions reject an unknown directive."""
    return api_version == "unstable" or api_version >= "2026-01"


class ShopifyClient:
    platform = "shopify"

    def __init__(
        self,
        cfg: ShopifyCommerce,
        *,
        timeout: float = 10.0,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        http: httpx.Client | None = None,
    ):
        self.cfg = cfg
        self.sleep = sleep
        # No token yet: Shopify answers 401, which the agent reads as commerce.error.auth.
        self.secret = cfg.access_token.get_secret_value() if cfg.access_token else ""
        self.transport = Transport(
            graphql_url(cfg), self.secret, timeout=timeout, max_wait=max_wait, sleep=sleep,
            http=http,
        )  # fmt: skip
        self.idempotent = supports_idempotent(cfg.api_version)

    # -- plumbing used by actions.py ------------------------------------------------------------

    def query(self, document: str, variables: dict | None = None) -> dict:
        return self.transport.run(document, variables, read=True)

    def mutate(
        self, document: str, variables: dict, root: str, errors_field: str = "userErrors"
    ) -> dict:
        return self.transport.mutate(document, variables, root, errors_field)

    def close(self) -> None:
        self.transport.close()

    # -- reads ----------------------------------------------------------------------------------

    def test_connection(self) -> ConnectionResult:
        """``shop { name }`` with the token; raises ``PlatformError`` (bad token, unknown
        shop…) when it fails."""
        shop = self.query(queries.SHOP).get("shop") or {}
        return ConnectionResult(
            ok=True, shop_name=shop.get("name"), message="commerce.connection.ok"
        )

    def orders_page(self, since: datetime, cursor: str | None) -> OrdersPage:
        """Orders updated since ``since``, oldest update first (``sortKey: UPDATED_AT``)."""
        when = since if since.tzinfo else since.replace(tzinfo=UTC)
        stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        data = self.query(
            queries.ORDERS,
            {"first": PAGE_SIZE, "after": cursor, "query": f"updated_at:>='{stamp}'"},
        )
        connection = data.get("orders") or {}
        info = connection.get("pageInfo") or {}
        orders = [order_from_graphql(node) for node in connection.get("nodes") or ()]
        return OrdersPage(
            orders=tuple(orders),
            next_cursor=info.get("endCursor") if info.get("hasNextPage") else None,
        )

    def order(self, external_id: str) -> SyncedOrder | None:
        node = self.order_node(external_id)
        return order_from_graphql(node) if node else None

    def order_node(self, external_id: str) -> dict | None:
        """The raw GraphQL order (actions need its variants and address)."""
        return self.query(queries.ORDER, {"id": gid("Order", external_id)}).get("order")

    def parse_webhook(self, topic: str, payload: dict) -> Sequence[WebhookEffect]:
        return webhooks.parse(topic, payload, self.order)

    # -- actions --------------------------------------------------------------------------------

    def refund(self, order: OrderRef, req: RefundAction, key: str) -> ActionOutcome:
        return actions.refund(self, order, req, key)

    def cancel(self, order: OrderRef, req: CancelAction, key: str) -> ActionOutcome:
        return actions.cancel(self, order, req, key)

    def update_shipping_address(
        self, order: OrderRef, address: ShippingAddress, key: str
    ) -> ActionOutcome:
        return actions.update_shipping_address(self, order, address, key)

    def create_replacement(
        self, order: OrderRef, req: ReplacementAction, key: str
    ) -> ActionOutcome:
        return actions.create_replacement(self, order, req, key)

    def create_discount_code(
        self, order: OrderRef, req: DiscountCodeAction, key: str
    ) -> ActionOutcome:
        return actions.create_discount_code(self, order, req, key)

    def find_action(self, order: OrderRef, action: str, key: str) -> ActionOutcome | None:
        return actions.find_action(self, order, action, key)
