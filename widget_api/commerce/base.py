"""What every commerce backend offers the returns desk. Implementations must be idempotent on
``idempotency_key`` (the RMA number): a retried call answers the first call's result and never
pays twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from widget_api.domain.errors import ComptoirError

RefundMethod = Literal["original_payment", "store_credit"]


class CommerceError(ComptoirError):
    """The platform refused or failed the operation; the return stays where it was."""

    status_code = 502


@dataclass(frozen=True)
class CommerceOrder:
    """The order a return belongs to, as the backend needs it."""

    id: int
    number: str
    customer_id: int
    currency: str = "CAD"


@dataclass(frozen=True)
class ReturnedLine:
    """Units coming back (and, for an exchange, the variant sent instead)."""

    sku: str
    quantity: int
    unit_price_cents: int
    title: str = ""
    exchange_sku: str | None = None


@dataclass(frozen=True)
class CommerceResult:
    """``reference``: the platform's id of the refund, exchange order number or credit code."""

    reference: str
    amount_cents: int = 0


@runtime_checkable
class CommerceBackend(Protocol):
    """Money and stock at the store's platform."""

    name: str

    def refund(
        self,
        order: CommerceOrder,
        lines: Sequence[ReturnedLine],
        amount_cents: int,
        method: RefundMethod,
        *,
        idempotency_key: str,
    ) -> CommerceResult:
        """Give ``amount_cents`` back for ``lines`` (to the original payment, or as credit)."""
        ...

    def create_exchange_order(
        self, order: CommerceOrder, lines: Sequence[ReturnedLine], *, idempotency_key: str
    ) -> CommerceResult:
        """A free order shipping each line's ``exchange_sku`` instead; answers its number."""
        ...

    def issue_store_credit(
        self, order: CommerceOrder, amount_cents: int, *, idempotency_key: str
    ) -> CommerceResult:
        """Credit the customer (a gift-card-like code) instead of refunding the payment."""
        ...

    def restock(self, sku: str, qty: int) -> None:
        """Put ``qty`` units of ``sku`` back in sellable stock."""
        ...
