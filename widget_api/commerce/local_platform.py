"""``LocalPlatform``: the order actions of the built-in store, whose orders live in Comptoir's own
tables (the demo, or orders loaded with ``comptoir orders import``).

Each action is one write that also keeps its outcome on the action's ``order_actions`` row, so
``find_action`` can tell a retry that the action already happened. It refuses, with the reason
as an i18n key, what the order's state no longer allows (the service checked first; this is
the check that holds when two agents act at once).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from widget_api.commerce.base import CommerceOrder, ReturnedLine
from widget_api.commerce.local import record_refund, record_restock
from widget_api.commerce.platform import (
    ActionOutcome,
    Ignore,
    OrderRef,
    OrdersPage,
    PlatformError,
    SyncedOrder,
    WebhookEffect,
)
from widget_api.contracts.commerce import (
    CancelAction,
    ConnectionResult,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    ShippingAddress,
)
from widget_api.domain.order_action_plan import CHANGEABLE, cents
from widget_api.i18n import t
from widget_api.storage import Database, order_actions, orders
from widget_api.storage import returns as store
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class LocalPlatform:
    """The built-in store as a ``PlatformClient``: no remote side, no sync, no webhooks."""

    platform = "local"

    def __init__(self, db: Database):
        self.db = db

    # -- connection, sync, webhooks: nothing to reach ------------------------------------------
    def test_connection(self) -> ConnectionResult:
        return ConnectionResult(ok=True, message=t("order_action.local.connected", "en"))

    def orders_page(self, since: datetime, cursor: str | None) -> OrdersPage:
        return OrdersPage(orders=(), next_cursor=None)

    def order(self, external_id: str) -> SyncedOrder | None:
        return None

    def parse_webhook(self, topic: str, payload: dict) -> Sequence[WebhookEffect]:
        return [Ignore("the built-in store receives no webhooks")]

    def close(self) -> None:
        pass

    # -- actions ----------------------------------------------------------------------------------
    def refund(self, order: OrderRef, req: RefundAction, key: str) -> ActionOutcome:
        def write(w: Writer) -> ActionOutcome:
            done = store.refund_by_reference(w.cur, key)
            if done:  # already refunded under this key: the same outcome, no second restock
                return ActionOutcome(f"refund-{done['id']}", done["amount_cents"])
            current = _current(w, order.id)
            left = current["total_cents"] - current["refunded_cents"]
            amount = cents(req.amount) if req.amount is not None else 0
            if left <= 0:
                raise PlatformError("order_action.refused.nothing_left")
            if amount > left:
                raise PlatformError("order_action.refused.above_left")
            lines = _returned(current, req.lines or [])
            result = record_refund(
                w, _commerce_order(current), lines, amount, "original_payment", key, utcnow()
            )
            restocked = _restock(w, lines, utcnow()) if req.restock else []
            outcome = ActionOutcome(result.reference, result.amount_cents,
                                    details={"restocked": restocked})  # fmt: skip
            _keep(w, key, outcome)
            return outcome

        return self.db.write(write)

    def cancel(self, order: OrderRef, req: CancelAction, key: str) -> ActionOutcome:
        def write(w: Writer) -> ActionOutcome:
            current = _current(w, order.id)
            if current["fulfillment_status"] == "cancelled":
                raise PlatformError("order_action.refused.already_cancelled")
            if current["fulfillment_status"] not in CHANGEABLE:
                raise PlatformError("order_action.refused.already_shipped")
            at = utcnow()
            orders.mark_cancelled(w, order.id, at)
            amount, reference = 0, f"cancel-{current['number']}"
            left = current["total_cents"] - current["refunded_cents"]
            if req.refund and left > 0:
                refunded = record_refund(w, _commerce_order(current), [], left,
                                         "original_payment", f"{key}/refund", at)  # fmt: skip
                amount = refunded.amount_cents
            lines = [_as_returned(line, line["quantity"]) for line in current["lines"]]
            restocked = _restock(w, lines, at) if req.restock else []
            outcome = ActionOutcome(reference, amount, details={"restocked": restocked})
            _keep(w, key, outcome)
            return outcome

        return self.db.write(write)

    def update_shipping_address(
        self, order: OrderRef, address: ShippingAddress, key: str
    ) -> ActionOutcome:
        def write(w: Writer) -> ActionOutcome:
            current = _current(w, order.id)
            if current["fulfillment_status"] not in CHANGEABLE:
                raise PlatformError("order_action.refused.address_after_shipping")
            before = {k: current[k] for k in current if k.startswith("ship_")}
            after = {
                "ship_name": address.name, "ship_address1": address.address1,
                "ship_address2": address.address2, "ship_city": address.city,
                "ship_province": address.province_code.upper(),
                "ship_postal_code": address.zip.upper(),
                "ship_country": address.country_code.upper(), "ship_phone": address.phone,
            }  # fmt: skip
            orders.set_shipping_address(w, order.id, after)
            outcome = ActionOutcome(f"address-{current['number']}",
                                    details={"before": before, "after": after})  # fmt: skip
            _keep(w, key, outcome)
            return outcome

        return self.db.write(write)

    def create_replacement(
        self, order: OrderRef, req: ReplacementAction, key: str
    ) -> ActionOutcome:
        def write(w: Writer) -> ActionOutcome:
            current = _current(w, order.id)
            if current["fulfillment_status"] == "cancelled":
                raise PlatformError("order_action.refused.already_cancelled")
            chosen = (
                [_as_returned(line, line["quantity"]) for line in current["lines"]]
                if not req.lines
                else _returned(current, req.lines)
            )
            prefix = f"{current['number']}-R"
            number = f"{prefix}{orders.count_numbered(w.cur, prefix) + 1}"
            value = sum(ln.quantity * ln.unit_price_cents for ln in chosen)
            address = {k: current[k] for k in current if k.startswith("ship_")}
            at = utcnow()
            new_id = orders.insert(
                w,
                {
                    "number": number, "customer_id": current["customer_id"], "placed_at": at,
                    "currency": current["currency"], "subtotal_cents": value,
                    "shipping_cents": 0, "discount_cents": value, "gst_cents": 0,
                    "qst_cents": 0, "total_cents": 0, "financial_status": "paid",
                    "fulfillment_status": "unfulfilled", "channel": "replacement",
                    "email": current["email"], **address,
                },
                [{"sku": ln.sku, "title": ln.title, "quantity": ln.quantity,
                  "unit_price_cents": ln.unit_price_cents} for ln in chosen],
            )  # fmt: skip
            for ln in chosen:
                store.change_stock(w, ln.sku, -ln.quantity, SYSTEM, at, f"replacement {number}")
            outcome = ActionOutcome(number, 0, details={"order_id": new_id, "value_cents": value})
            _keep(w, key, outcome)
            return outcome

        return self.db.write(write)

    def create_discount_code(
        self, order: OrderRef, req: DiscountCodeAction, key: str
    ) -> ActionOutcome:
        # The built-in store has no checkout: the code is recorded for the agent to honour.
        code = "MERCI-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        amount = cents(req.amount) if req.amount is not None else 0
        percent = str(req.percent) if req.percent else None
        outcome = ActionOutcome(code, amount, code=code, details={"percent": percent})
        self.db.write(lambda w: _keep(w, key, outcome))
        return outcome

    def find_action(self, order: OrderRef, action: str, key: str) -> ActionOutcome | None:
        def read(cur) -> ActionOutcome | None:
            row = order_actions.by_key(cur, key)
            kept = (row or {}).get("outcome")
            if kept:
                return ActionOutcome(kept["reference"], kept.get("amount_cents", 0),
                                     kept.get("code"), kept.get("details") or {})  # fmt: skip
            refunded = store.refund_by_reference(cur, key) if action == "refund" else None
            if refunded:
                return ActionOutcome(f"refund-{refunded['id']}", refunded["amount_cents"])
            return None

        return self.db.read(read)


def _current(w: Writer, order_id: int) -> dict:
    found = orders.for_action(w.cur, order_id)
    if found is None:
        raise PlatformError("order_action.error.order_gone")
    return found


def _commerce_order(order: dict) -> CommerceOrder:
    return CommerceOrder(order["id"], order["number"], order["customer_id"], order["currency"])


def _as_returned(line: dict, quantity: int) -> ReturnedLine:
    return ReturnedLine(line["sku"], quantity, line["unit_price_cents"], line["title"])


def _returned(order: dict, wanted) -> list[ReturnedLine]:
    by_id = {line["id"]: line for line in order["lines"]}
    found = []
    for item in wanted:
        line = by_id.get(item.line_id)
        if line is None:
            raise PlatformError("order_action.error.unknown_line", line_id=item.line_id)
        found.append(_as_returned(line, item.quantity))
    return found


def _restock(w: Writer, lines: list[ReturnedLine], at: datetime) -> list[dict]:
    """Back in stock; a SKU not in the catalogue is skipped (and said so in the outcome)."""
    return [
        {"sku": ln.sku, "quantity": ln.quantity, "restocked": record_restock(w, ln.sku,
                                                                             ln.quantity, at)}
        for ln in lines
    ]  # fmt: skip


def _keep(w: Writer, key: str, outcome: ActionOutcome) -> None:
    kept = {"reference": outcome.reference, "amount_cents": outcome.amount_cents,
            "code": outcome.code, "details": outcome.details}  # fmt: skip
    order_actions.set_outcome(w, key, kept)
