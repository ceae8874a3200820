"""``WooBackend``: the returns desk's refunds, exchanges, store credit and restocks at a
WooCommerce store. Each is idempotent on the RMA number the way the order actions are."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal

from widget_api.commerce.base import CommerceOrder, CommerceResult, RefundMethod, ReturnedLine
from widget_api.commerce.platform import OrderRef, PlatformError
from widget_api.commerce.woocommerce import actions
from widget_api.commerce.woocommerce.client import WooClient
from widget_api.contracts.commerce import RefundAction, RefundLine
from widget_api.i18n import t
from widget_api.storage import Database, woo_orders

log = logging.getLogger(__name__)


class WooBackend:
    name = "woocommerce"

    def __init__(self, client: WooClient, db: Database):
        self.client = client
        self.db = db

    def _ref(self, order: CommerceOrder) -> tuple[OrderRef, str | None]:
        row = self.db.read(lambda cur: woo_orders.order_ref(cur, order.id))
        if row is None or not row["external_id"]:
            raise PlatformError("commerce.error.woocommerce.not_synced", number=order.number)
        ref = OrderRef(
            id=row["id"],
            number=row["number"],
            external_id=row["external_id"],
            currency=row["currency"],
            total_cents=row["total_cents"],
            fulfillment_status=row["fulfillment_status"],
            financial_status=row["financial_status"],
            lines=tuple(row["lines"]),
        )
        return ref, row["email"]

    def refund(
        self,
        order: CommerceOrder,
        lines: Sequence[ReturnedLine],
        amount_cents: int,
        method: RefundMethod,
        *,
        idempotency_key: str,
    ) -> CommerceResult:
        """The amount the returns desk computed, booked against the returned lines (found by
        SKU) and paid back through the gateway. Stock is put back by ``restock`` after the
        inspection, so the refund does not restock."""
        if method == "store_credit":
            return self.issue_store_credit(order, amount_cents, idempotency_key=idempotency_key)
        ref, _ = self._ref(order)
        req = RefundAction(
            action="refund",
            amount=Decimal(amount_cents) / 100,
            lines=_lines_by_sku(ref, lines),
            restock=False,
            reason=t(
                "commerce.woocommerce.note.return_refund", self.client.lang, key=idempotency_key
            ),
        )
        outcome = self.client.refund(ref, req, idempotency_key)
        return CommerceResult(f"refund-{outcome.reference}", outcome.amount_cents)

    def create_exchange_order(
        self, order: CommerceOrder, lines: Sequence[ReturnedLine], *, idempotency_key: str
    ) -> CommerceResult:
        """A free order of each line's ``exchange_sku`` (the product or variation found by
        SKU), under the original order."""
        ref, _ = self._ref(order)
        api = self.client.api
        items = [
            _product_item(api, ln.exchange_sku or ln.sku) | {"quantity": ln.quantity}
            for ln in lines
        ]
        wc = actions.order_json(api, ref)
        note = t("commerce.woocommerce.note.exchange", self.client.lang)
        outcome = actions.free_order(api, wc, items, idempotency_key, note)
        value = sum(ln.quantity * ln.unit_price_cents for ln in lines)
        return CommerceResult(outcome.reference, value)

    def issue_store_credit(
        self, order: CommerceOrder, amount_cents: int, *, idempotency_key: str
    ) -> CommerceResult:
        """A single-use fixed-cart coupon for the customer's e-mail (WooCommerce has no gift
        cards of its own); its code is the reference."""
        _, email = self._ref(order)
        outcome = actions.create_coupon(
            self.client.api,
            key=idempotency_key,
            prefix="CREDIT",
            email=email,
            percent=None,
            amount_cents=amount_cents,
            description=t(
                "commerce.woocommerce.note.store_credit", self.client.lang, number=order.number
            ),
        )
        return CommerceResult(outcome.code or outcome.reference, outcome.amount_cents)

    def restock(self, sku: str, qty: int) -> None:
        """``stock_quantity`` + ``qty`` on the product or variation with this SKU (its parent's
        when the variation's stock is managed by the parent); nothing when the store does not
        track that item's stock."""
        api = self.client.api
        product = _by_sku(api, sku)
        if product is None:
            log.warning("restock: no WooCommerce product has SKU %s", sku)
            return
        path = f"products/{product['id']}"
        if product.get("type") == "variation" or product.get("parent_id"):
            path = f"products/{product['parent_id']}/variations/{product['id']}"
            if product.get("manage_stock") == "parent":
                product = api.json("GET", f"products/{product['parent_id']}")
                path = f"products/{product['id']}"
        if product.get("manage_stock") is not True:
            log.info("restock: WooCommerce does not track the stock of %s", sku)
            return
        stock = int(product.get("stock_quantity") or 0) + qty
        api.json("PUT", path, body={"stock_quantity": stock})


def _lines_by_sku(ref: OrderRef, lines: Sequence[ReturnedLine]) -> list[RefundLine] | None:
    """The order's lines for the returned SKUs, quantities spread over lines sharing a SKU."""
    wanted: list[RefundLine] = []
    left = {line["id"]: int(line["quantity"]) for line in ref.lines}
    for returned in lines:
        need = returned.quantity
        for line in ref.lines:
            if need and line["sku"] == returned.sku and left[line["id"]] and line["external_id"]:
                take = min(need, left[line["id"]])
                wanted.append(RefundLine(line_id=line["id"], quantity=take))
                left[line["id"]] -= take
                need -= take
    return wanted or None


def _by_sku(api, sku: str) -> dict | None:
    """``GET products?sku=``: WooCommerce searches variations too for a SKU."""
    for product in api.json("GET", "products", params={"sku": sku}) or ():
        if product.get("sku") == sku:
            return product
    return None


def _product_item(api, sku: str) -> dict:
    product = _by_sku(api, sku)
    if product is None:
        raise PlatformError("commerce.error.woocommerce.unknown_sku", sku=sku)
    if product.get("type") == "variation" or product.get("parent_id"):
        return {"product_id": product["parent_id"], "variation_id": product["id"]}
    return {"product_id": product["id"]}
