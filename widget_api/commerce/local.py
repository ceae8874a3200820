"""``LocalStore``: the commerce backend of a store whose orders and products live in Comptoir's
own tables. Each operation is one write; the ``record_*`` functions run the same steps inside a
write the caller already holds (the demo seeder batches many returns in one transaction)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from widget_api.commerce.base import CommerceOrder, CommerceResult, RefundMethod, ReturnedLine
from widget_api.storage import Database, orders
from widget_api.storage import returns as store
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

_CREDIT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _lines_json(lines: Sequence[ReturnedLine]) -> list[dict]:
    return [
        {"sku": ln.sku, "quantity": ln.quantity, "unit_price_cents": ln.unit_price_cents}
        for ln in lines
    ]


def record_refund(
    w: Writer, order: CommerceOrder, lines: Sequence[ReturnedLine], amount_cents: int,
    method: RefundMethod, key: str, at: datetime, return_id: int | None = None,
) -> CommerceResult:  # fmt: skip
    """A refunds row (capped at what is left to refund) and the order's financial status."""
    done = store.refund_by_reference(w.cur, key)
    if done:
        return CommerceResult(f"refund-{done['id']}", done["amount_cents"])
    left = _left_to_refund(w, order)
    amount = max(0, min(amount_cents, left))
    refund_id = store.add_refund(
        w, order_id=order.id, return_id=return_id, method=method, amount_cents=amount,
        lines=_lines_json(lines), reference=key, actor=SYSTEM, at=at,
    )  # fmt: skip
    return CommerceResult(f"refund-{refund_id}", amount)


def _left_to_refund(w: Writer, order: CommerceOrder) -> int:
    found = store.order_for_return(w.cur, order.id)
    return max(0, found["total_cents"] - store.refunded_total(w.cur, order.id))


def record_store_credit(
    w: Writer, order: CommerceOrder, amount_cents: int, key: str, at: datetime,
    return_id: int | None = None, code: str | None = None,
) -> CommerceResult:  # fmt: skip
    """A store-credit code for the customer, booked as a refund to store credit."""
    done = store.credit_by_reference(w.cur, key)
    if done:
        return CommerceResult(done["code"], done["amount_cents"])
    amount = max(0, min(amount_cents, _left_to_refund(w, order)))
    code = code or "CR-" + "".join(secrets.choice(_CREDIT_ALPHABET) for _ in range(10))
    store.add_store_credit(
        w, customer_id=order.customer_id, code=code, amount_cents=amount, reference=key, at=at
    )
    store.add_refund(
        w, order_id=order.id, return_id=return_id, method="store_credit", amount_cents=amount,
        lines=[], reference=f"{key}/credit", actor=SYSTEM, at=at,
    )  # fmt: skip
    return CommerceResult(code, amount)


def exchange_number(order_number: str, key: str) -> str:
    """``ND-200001`` exchanged under ``RMA-100042`` → ``ND-200001-X100042``."""
    return f"{order_number}-X{key.rsplit('-', 1)[-1]}"


def record_exchange_order(
    w: Writer, order: CommerceOrder, lines: Sequence[ReturnedLine], key: str, at: datetime
) -> CommerceResult:
    """A zero-total order (same address) for the wanted variants, their stock reserved."""
    number = exchange_number(order.number, key)
    value = sum(ln.quantity * ln.unit_price_cents for ln in lines)
    if store.order_id_by_number(w.cur, number) is not None:
        return CommerceResult(number, value)
    source = store.order_for_return(w.cur, order.id)
    new_lines = []
    for ln in lines:
        product = store.product_by_sku(w.cur, ln.exchange_sku or ln.sku) or {}
        new_lines.append(
            {
                "product_id": product.get("id"),
                "sku": ln.exchange_sku or ln.sku,
                "title": ln.title or product.get("name_fr") or ln.sku,
                "size": product.get("size"),
                "color": product.get("color_fr"),
                "quantity": ln.quantity,
                "unit_price_cents": ln.unit_price_cents,
            }
        )
    address = {k: source[k] for k in source if k.startswith("ship_")}
    orders.insert(
        w,
        {
            "number": number, "customer_id": order.customer_id, "placed_at": at,
            "currency": order.currency, "subtotal_cents": value, "shipping_cents": 0,
            "discount_cents": value, "gst_cents": 0, "qst_cents": 0, "total_cents": 0,
            "financial_status": "paid", "fulfillment_status": "unfulfilled",
            "channel": "exchange", **address,
        },
        new_lines,
    )  # fmt: skip
    for ln in new_lines:
        store.change_stock(w, ln["sku"], -ln["quantity"], SYSTEM, at, f"exchange {number}")
    return CommerceResult(number, value)


def record_restock(w: Writer, sku: str, qty: int, at: datetime) -> bool:
    return store.change_stock(w, sku, qty, SYSTEM, at, "return restocked")


class LocalStore:
    """The built-in store: orders, products and stock in the Comptoir database."""

    name = "local"

    def __init__(self, db: Database):
        self.db = db

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
        return self.db.write(
            lambda w: record_refund(
                w, order, lines, amount_cents, method, idempotency_key, utcnow()
            )
        )

    def create_exchange_order(
        self, order: CommerceOrder, lines: Sequence[ReturnedLine], *, idempotency_key: str
    ) -> CommerceResult:
        return self.db.write(
            lambda w: record_exchange_order(w, order, lines, idempotency_key, utcnow())
        )

    def issue_store_credit(
        self, order: CommerceOrder, amount_cents: int, *, idempotency_key: str
    ) -> CommerceResult:
        return self.db.write(
            lambda w: record_store_credit(w, order, amount_cents, idempotency_key, utcnow())
        )

    def restock(self, sku: str, qty: int) -> None:
        self.db.write(lambda w: record_restock(w, sku, qty, utcnow()))
