"""``ShopifyBackend``: the returns desk's ``CommerceBackend`` on a Shopify store.

- ``refund``: ``refundCreate`` for the returned units (SKUs matched to the order's Shopify
  line items), no restock (the desk restocks what passed inspection itself, through
  ``restock``), the RMA number as the key in the refund's note;
- ``create_exchange_order``: a draft order of the wanted variants at a 100 % discount,
  completed into an order, tagged with the RMA so a retry finds it;
- ``issue_store_credit``: a Shopify gift card (Shopify's own store credit that customers spend
  at checkout) whose code is made from the RMA number with a keyed HMAC: a retry asks for the
  same code, Shopify answers that it is taken, and the first card stands;
- ``restock``: ``inventoryAdjustQuantities`` (reason ``restock``, quantity ``available``) at
  the shop's primary location.
"""

from __future__ import annotations

from collections.abc import Sequence

from widget_api.commerce.base import CommerceOrder, CommerceResult, RefundMethod, ReturnedLine
from widget_api.commerce.platform import PlatformError
from widget_api.commerce.shopify import actions, queries
from widget_api.commerce.shopify.client import ShopifyClient
from widget_api.commerce.shopify.mapping import dollars, gid
from widget_api.storage import Database, commerce_orders


class ShopifyBackend:
    name = "shopify"

    def __init__(self, client: ShopifyClient, db: Database):
        self.client = client
        self.db = db

    def _order_gid(self, order: CommerceOrder) -> str:
        ref = self.db.read(lambda cur: commerce_orders.platform_ref(cur, order.id))
        if not ref or ref["source"] != "shopify" or not ref["external_id"]:
            raise PlatformError("commerce.error.shopify.not_synced", number=order.number)
        return gid("Order", ref["external_id"])

    def _refund_lines(self, order: CommerceOrder, lines: Sequence[ReturnedLine]) -> list[dict]:
        """Returned units by SKU → Shopify line items (a SKU on several lines fills them in
        order)."""
        rows = self.db.read(lambda cur: commerce_orders.platform_lines(cur, order.id))
        room = {r["id"]: int(r["quantity"]) for r in rows}
        out: dict[str, int] = {}
        for line in lines:
            left = line.quantity
            for row in rows:
                if left <= 0:
                    break
                if row["sku"] != line.sku or not row["external_id"] or room[row["id"]] <= 0:
                    continue
                take = min(left, room[row["id"]])
                room[row["id"]] -= take
                left -= take
                line_gid = gid("LineItem", row["external_id"])
                out[line_gid] = out.get(line_gid, 0) + take
            if left > 0:
                raise PlatformError("commerce.error.shopify.unknown_sku", sku=line.sku)
        return [
            {"lineItemId": line_gid, "quantity": qty, "restockType": "NO_RESTOCK"}
            for line_gid, qty in out.items()
        ]

    def refund(
        self,
        order: CommerceOrder,
        lines: Sequence[ReturnedLine],
        amount_cents: int,
        method: RefundMethod,
        *,
        idempotency_key: str,
    ) -> CommerceResult:
        if method == "store_credit":
            return self.issue_store_credit(order, amount_cents, idempotency_key=idempotency_key)
        order_id = self._order_gid(order)
        refund_lines = self._refund_lines(order, lines)
        outcome = actions.keyed(
            self.client,
            lambda: actions.find_refund(self.client, order_id, idempotency_key),
            lambda: actions.create_refund(
                self.client,
                order_id,
                [dict(ln) for ln in refund_lines],
                shipping=False,
                amount_cents=amount_cents,
                reason=f"Return {idempotency_key}",
                key=idempotency_key,
            ),
        )
        return CommerceResult(outcome.reference, outcome.amount_cents)

    def create_exchange_order(
        self, order: CommerceOrder, lines: Sequence[ReturnedLine], *, idempotency_key: str
    ) -> CommerceResult:
        order_id = self._order_gid(order)
        found = actions.find_replacement(self.client, idempotency_key)
        if found:
            return CommerceResult(found.reference, found.amount_cents)
        source = self.client.order_node(order_id) or {}
        items = []
        for line in lines:
            sku = line.exchange_sku or line.sku
            variant = self._variant(sku)
            items.append(
                {"variantId": variant["id"], "quantity": line.quantity,
                 "_value": line.unit_price_cents * line.quantity}
            )  # fmt: skip
        outcome = actions.keyed(
            self.client,
            lambda: actions.find_replacement(self.client, idempotency_key),
            lambda: actions.free_order(
                self.client,
                source,
                [dict(i) for i in items],
                key=idempotency_key,
                note=f"Exchange {idempotency_key} for {order.number}",
            ),
        )
        return CommerceResult(outcome.reference, outcome.amount_cents)

    def issue_store_credit(
        self, order: CommerceOrder, amount_cents: int, *, idempotency_key: str
    ) -> CommerceResult:
        order_id = self._order_gid(order)
        code = actions.gift_card_code_for(self.client.secret, idempotency_key)
        source = self.client.order_node(order_id) or {}
        card_input = {
            "initialValue": dollars(amount_cents),
            "code": code,
            "note": f"Store credit {idempotency_key} for {order.number}",
        }
        customer = (source.get("customer") or {}).get("id")
        if customer:
            card_input["customerId"] = customer
        try:
            self.client.mutate(queries.GIFT_CARD_CREATE, {"input": card_input}, "giftCardCreate")
        except PlatformError as exc:
            # The code is the key's: "taken" means the first try made this very card.
            if "TAKEN" not in str(exc.params.get("codes", "")).split(","):
                raise
        return CommerceResult(code, amount_cents)

    def restock(self, sku: str, qty: int) -> None:
        if qty <= 0:
            return
        variant = self._variant(sku)
        item = (variant.get("inventoryItem") or {}).get("id")
        location = actions.primary_location(self.client)
        if not item or not location:
            raise PlatformError("commerce.error.shopify.unknown_sku", sku=sku)
        change = {"delta": qty, "inventoryItemId": item, "locationId": location}
        document = queries.INVENTORY_ADJUST.replace("{directive}", "")
        self.client.mutate(
            document,
            {"input": {"reason": "restock", "name": "available", "changes": [change]}},
            "inventoryAdjustQuantities",
        )

    def _variant(self, sku: str) -> dict:
        found = self.client.query(queries.VARIANT_BY_SKU, {"query": f"sku:'{sku}'"})
        nodes = (found.get("productVariants") or {}).get("nodes") or []
        match = [n for n in nodes if n.get("sku") == sku]
        if not match:
            raise PlatformError("commerce.error.shopify.unknown_sku", sku=sku)
        return match[0]
