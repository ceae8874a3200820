"""What an order action will do, decided from the stored order before anything is sent: the
amount (a refund of lines is their price less their share of the discount plus their share of
the taxes, as a return's refund is), the lines, whether stock comes back. Refusals about the
request are 400s, refusals about the order's state 409s; the same plan is what the dashboard's
confirmation shows and what the internal note records."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from widget_api.contracts.commerce import (
    CancelAction,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    UpdateAddressAction,
)
from widget_api.domain.errors import Conflict, Invalid
from widget_api.domain.returns.money import refund_breakdown, share
from widget_api.i18n import money

#: Fulfilment states in which an order can still be cancelled or re-addressed.
CHANGEABLE = frozenset({"unfulfilled", "processing"})
_NOTHING_LEFT = frozenset({"refunded", "voided"})


def cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(amount_cents: int) -> Decimal:
    return (Decimal(amount_cents) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class PlannedLine:
    line_id: int
    sku: str
    title: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class Plan:
    action: str
    request: object  # the request as sent to the platform (a refund's amount filled in)
    amount_cents: int = 0  # money given back (refund, cancel) or a discount code's value
    lines: list[PlannedLine] = field(default_factory=list)
    shipping: bool = False
    restock: bool = False
    percent: Decimal | None = None
    address: dict | None = None


def left_to_refund(order: dict) -> int:
    return max(0, order["total_cents"] - order.get("refunded_cents", 0))


def plan(order: dict, req, *, check: bool = True, lang: str = "fr") -> Plan:
    """The plan for ``req`` on ``order`` (``storage.orders.for_action``). ``check=False`` (a
    retry of a stored request) skips the refusals: the first call passed them. ``lang``: the
    language amounts in refusals are written for."""
    if isinstance(req, RefundAction):
        return _refund(order, req, check, lang)
    if isinstance(req, CancelAction):
        if check:
            _changeable(order, "order_action.refused.already_shipped")
        amount = left_to_refund(order) if req.refund else 0
        return Plan("cancel", req, amount, _all_lines(order), restock=req.restock)
    if isinstance(req, UpdateAddressAction):
        if check:
            _changeable(order, "order_action.refused.address_after_shipping")
        return Plan("update_shipping_address", req, address=req.address.model_dump())
    if isinstance(req, ReplacementAction):
        if check and order["fulfillment_status"] == "cancelled":
            raise Conflict("order_action.refused.already_cancelled")
        lines = _lines(order, req.lines) if req.lines else _all_lines(order)
        return Plan("replacement", req, 0, lines)
    if isinstance(req, DiscountCodeAction):
        if (req.percent is None) == (req.amount is None):
            raise Invalid("order_action.error.discount_one")
        amount = cents(req.amount) if req.amount is not None else 0
        return Plan("discount_code", req, amount, percent=req.percent)
    raise Invalid("order_action.error.unknown_action")


def _changeable(order: dict, shipped_key: str) -> None:
    if order["fulfillment_status"] == "cancelled":
        raise Conflict("order_action.refused.already_cancelled")
    if order["fulfillment_status"] not in CHANGEABLE:
        raise Conflict(shipped_key)


def _all_lines(order: dict) -> list[PlannedLine]:
    return [
        PlannedLine(ln["id"], ln["sku"], ln["title"], ln["quantity"], ln["unit_price_cents"])
        for ln in order["lines"]
    ]


def _lines(order: dict, wanted) -> list[PlannedLine]:
    by_id = {ln["id"]: ln for ln in order["lines"]}
    found: list[PlannedLine] = []
    for item in wanted:
        line = by_id.get(item.line_id)
        if line is None:
            raise Invalid("order_action.error.unknown_line", line_id=item.line_id)
        if any(p.line_id == item.line_id for p in found):
            raise Invalid("order_action.error.duplicate_line", line_id=item.line_id)
        if item.quantity > line["quantity"]:
            raise Invalid("order_action.error.too_many_units", line_id=item.line_id,
                          title=line["title"], quantity=line["quantity"])  # fmt: skip
        found.append(PlannedLine(line["id"], line["sku"], line["title"], item.quantity,
                                 line["unit_price_cents"]))  # fmt: skip
    return found


def shipping_refund(order: dict) -> int:
    """The shipping paid and its share of the taxes."""
    shipping = order["shipping_cents"]
    base = order["subtotal_cents"] - order["discount_cents"] + shipping
    return (
        shipping
        + share(order["gst_cents"], shipping, base)
        + share(order["qst_cents"], shipping, base)
    )


def _refund(order: dict, req: RefundAction, check: bool, lang: str) -> Plan:
    lines = _lines(order, req.lines or [])
    if req.amount is not None:
        amount = cents(req.amount)
    else:
        amount = refund_breakdown(
            order, [(ln.quantity, ln.unit_price_cents) for ln in lines]
        ).total_cents
        amount += shipping_refund(order) if req.shipping else 0
    if check:
        left = left_to_refund(order)
        if order["financial_status"] in _NOTHING_LEFT or left <= 0:
            raise Conflict("order_action.refused.nothing_left")
        if amount <= 0:
            raise Invalid("order_action.error.refund_empty")
        if req.restock and not lines:
            raise Invalid("order_action.error.restock_without_lines")
        if amount > left:
            currency = order["currency"]
            raise Invalid("order_action.error.above_left", amount=money(amount, lang, currency),
                          left=money(left, lang, currency))  # fmt: skip
    request = req.model_copy(update={"amount": dollars(amount)})
    return Plan("refund", request, amount, lines, shipping=req.shipping, restock=req.restock)
