"""What a return gives back: unit price × quantity, less the order discount's share, plus the
same share of the order's GST and QST, less the return shipping when the customer pays it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RefundBreakdown:
    merchandise_cents: int
    discount_cents: int
    gst_cents: int
    qst_cents: int
    shipping_fee_cents: int
    total_cents: int


def share(amount: int, part: int, whole: int) -> int:
    """``amount × part / whole`` rounded half up, in whole cents (0 when ``whole`` is 0)."""
    if whole <= 0 or amount == 0:
        return 0
    return (2 * amount * part + whole) // (2 * whole)


def refund_breakdown(
    order: Mapping, lines: Iterable[tuple[int, int]], shipping_fee_cents: int = 0
) -> RefundBreakdown:
    """``lines`` are (quantity, unit price in cents). Taxes are the returned lines' share of the
    order's taxes: the order taxed subtotal − discount + shipping, so the share is exact."""
    merchandise = sum(qty * unit for qty, unit in lines)
    discount = share(order["discount_cents"], merchandise, order["subtotal_cents"])
    net = merchandise - discount
    base = order["subtotal_cents"] - order["discount_cents"] + order["shipping_cents"]
    gst = share(order["gst_cents"], net, base)
    qst = share(order["qst_cents"], net, base)
    fee = min(shipping_fee_cents, net + gst + qst)
    return RefundBreakdown(merchandise, discount, gst, qst, fee, net + gst + qst - fee)
