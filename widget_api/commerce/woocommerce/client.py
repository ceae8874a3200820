"""``WooClient``: a WooCommerce store through its REST API v3 (``/wp-json/wc/v3/``), as the
``PlatformClient`` every connector offers (sync pages, one order, webhook effects, actions)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from widget_api.commerce.platform import (
    ActionOutcome,
    DeleteOrder,
    Ignore,
    OrderRef,
    OrdersPage,
    PlatformError,
    SyncedOrder,
    UpsertCustomer,
    UpsertOrder,
    WebhookEffect,
)
from widget_api.commerce.woocommerce import actions
from widget_api.commerce.woocommerce.mapping import map_customer, map_order
from widget_api.commerce.woocommerce.transport import WooTransport
from widget_api.contracts.commerce import (
    CancelAction,
    ConnectionResult,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    ShippingAddress,
    WooCommerce,
)
from widget_api.i18n import t

PAGE_SIZE = 100  # WooCommerce's largest per_page
# WooCommerce topics are "<resource>.<event>" (X-WC-Webhook-Resource / -Event). Built from
# their parts: "order.updated" is also the name of one of our own events.
_ORDER_UPSERT = {f"order.{event}" for event in ("created", "updated", "restored")}
_CUSTOMER_UPSERT = {f"customer.{event}" for event in ("created", "updated")}


class WooClient:
    """One WooCommerce store. ``sleep`` is how it waits out rate limits (injected in tests);
    ``lang`` is the language of the notes it leaves on orders for the merchant's staff."""

    platform = "woocommerce"

    def __init__(
        self,
        cfg: WooCommerce,
        *,
        timeout: float = 10.0,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        verify: Any = True,
        lang: str = "fr",
    ):
        self.api = WooTransport(cfg, timeout=timeout, max_wait=max_wait, sleep=sleep, verify=verify)
        self.lang = lang

    def close(self) -> None:
        self.api.close()

    # -- reading ----------------------------------------------------------------------------

    def test_connection(self, lang: str = "fr") -> ConnectionResult:
        """``GET system_status`` with the keys (they work and may manage the store), then the
        site's name from the WordPress index ``/wp-json/`` (public)."""
        try:
            status = self.api.json("GET", "system_status")
        except PlatformError as err:
            return ConnectionResult(ok=False, message=_text(err, lang))
        site = ((status or {}).get("environment") or {}).get("site_url") or self.api.store_url
        name = urlsplit(site).hostname or site
        try:
            index = self.api.json("GET", f"{self.api.store_url}/wp-json/", signed=False)
            name = str((index or {}).get("name") or "").strip() or name
        except PlatformError:
            pass  # the name is a courtesy; the keys work
        return ConnectionResult(
            ok=True, shop_name=name, message=t("commerce.woocommerce.connected", lang, shop=name)
        )

    def orders_page(self, since: datetime, cursor: str | None) -> OrdersPage:
        """Orders modified since ``since`` (naive UTC), oldest change first; the cursor is the
        page number, ``X-WP-TotalPages`` says when to stop."""
        page = int(cursor or 1)
        params = {
            "modified_after": since.replace(microsecond=0).isoformat(),
            "dates_are_gmt": "true",
            "orderby": "modified",
            "order": "asc",
            "per_page": PAGE_SIZE,
            "page": page,
        }
        response = self.api.request("GET", "orders", params=params)
        try:
            found = response.json()
        except ValueError as exc:
            raise PlatformError(
                "commerce.error.unavailable", retryable=True, detail="orders: not JSON"
            ) from exc
        orders = [map_order(o) for o in found or ()]
        total_pages = int(response.headers.get("x-wp-totalpages") or page)
        return OrdersPage(orders, str(page + 1) if page < total_pages else None)

    def order(self, external_id: str) -> SyncedOrder | None:
        if not str(external_id).isdigit():  # not a WooCommerce order id
            return None
        try:
            return map_order(self.api.json("GET", f"orders/{external_id}"))
        except PlatformError as err:
            if err.key == "commerce.error.woocommerce.not_found":
                return None
            raise

    def parse_webhook(self, topic: str, payload: dict) -> Sequence[WebhookEffect]:
        """A webhook body is the resource's REST representation (``order.deleted`` and
        ``customer.deleted`` send only ``{"id": N}``).

        ``customer.deleted`` is ignored: it means the store removed a WordPress account, not
        that the person asked to be erased (WordPress's "Erase personal data" tool sends no
        webhook); the orders stay at the store as guest orders, and the tickets remain the
        merchant's records. An erasure request goes through Comptoir's own redaction."""
        if not isinstance(payload, dict) or "id" not in payload:
            return [Ignore(f"{topic}: no resource id in the body")]
        if topic in _ORDER_UPSERT:
            return [UpsertOrder(map_order(payload))]
        if topic == "order.deleted":
            return [DeleteOrder(str(payload["id"]))]
        if topic in _CUSTOMER_UPSERT:
            return [UpsertCustomer(map_customer(payload))]
        if topic == "customer.deleted":
            return [Ignore("customer.deleted: an account removed at the store, not an erasure")]
        return [Ignore(f"{topic}: not a topic Comptoir follows")]

    # -- actions ----------------------------------------------------------------------------

    def refund(self, order: OrderRef, req: RefundAction, key: str) -> ActionOutcome:
        return actions.refund(self.api, order, req, key)

    def cancel(self, order: OrderRef, req: CancelAction, key: str) -> ActionOutcome:
        return actions.cancel(self.api, order, req, key, self.lang)

    def update_shipping_address(
        self, order: OrderRef, address: ShippingAddress, key: str
    ) -> ActionOutcome:
        return actions.update_shipping_address(self.api, order, address, key, self.lang)

    def create_replacement(
        self, order: OrderRef, req: ReplacementAction, key: str
    ) -> ActionOutcome:
        return actions.create_replacement(self.api, order, req, key, self.lang)

    def create_discount_code(
        self, order: OrderRef, req: DiscountCodeAction, key: str
    ) -> ActionOutcome:
        return actions.create_discount_code(self.api, order, req, key, self.lang)

    def find_action(self, order: OrderRef, action: str, key: str) -> ActionOutcome | None:
        return actions.find_action(self.api, order, action, key)


def _text(err: PlatformError, lang: str) -> str:
    text = t(err.key, lang, **err.params)
    return f"{text} ({err.detail})" if err.detail and err.detail not in text else text
