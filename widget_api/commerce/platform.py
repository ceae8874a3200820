"""What a commerce platform connector (Shopify, WooCommerce, the built-in store) gives the rest
of Comptoir: orders and customers mapped to one shape, webhook payloads turned into effects, and
the order actions an agent takes from a ticket.

Connectors only talk to their platform and map; they never write the database. The sync runner
and the webhook processor store what they return (``storage/commerce_mirror.py``), and the order
action service records each action's outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from widget_api.contracts.commerce import (
    CancelAction,
    ConnectionResult,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    ShippingAddress,
)
from widget_api.domain.errors import ComptoirError

FinancialStatus = Literal["pending", "paid", "partially_refunded", "refunded", "voided"]
FulfillmentStatus = Literal[
    "unfulfilled", "processing", "shipped", "in_transit", "out_for_delivery", "delivered",
    "exception", "returned_to_sender", "cancelled",
]  # fmt: skip


class PlatformError(ComptoirError):
    """The platform refused or failed a call. ``key`` is an i18n key (``commerce.error.*``) the
    agent reads in their language; ``retryable`` says whether trying later may work (429, 5xx,
    timeouts); ``detail`` is the platform's own words (userErrors messages), shown as data."""

    status_code = 502

    def __init__(self, key: str, *, retryable: bool = False, detail: str = "", **params):
        super().__init__(key, detail=detail, **params)
        self.retryable = retryable
        self.detail = detail


class PlatformTimeout(PlatformError):
    """No answer in time: the call may or may not have happened at the platform."""

    def __init__(self, detail: str = ""):
        super().__init__("commerce.error.timeout", retryable=True, detail=detail)


@dataclass(frozen=True)
class SyncedLine:
    external_id: str  # the platform's line item id (refunds name lines by it)
    sku: str
    title: str
    quantity: int
    unit_price_cents: int
    variant_title: str | None = None  # "M / Noir"
    size: str | None = None
    color: str | None = None
    tax_cents: int | None = None


@dataclass(frozen=True)
class SyncedCustomer:
    external_id: str
    email: str | None  # lower-case
    name: str | None = None
    phone: str | None = None
    language: str | None = None  # "fr" | "en" when the platform knows


@dataclass(frozen=True)
class SyncedOrder:
    """An order as Comptoir stores it, whatever the platform. Money in cents."""

    external_id: str  # "gid://shopify/Order/450789469" / "727"
    number: str  # as the customer sees it: "#1001", "1001"
    placed_at: datetime  # naive UTC
    updated_at: datetime  # the platform's updated_at, naive UTC
    currency: str
    subtotal_cents: int
    shipping_cents: int
    discount_cents: int
    gst_cents: int  # federal GST/HST (TPS/TVH) when the platform names it, else all tax
    qst_cents: int  # QST/PST (TVQ/TVP)
    total_cents: int
    financial_status: FinancialStatus
    fulfillment_status: FulfillmentStatus
    platform_financial_status: str | None
    platform_fulfillment_status: str | None
    customer: SyncedCustomer | None
    email: str | None
    lines: Sequence[SyncedLine] = ()
    payment_method: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    ship_name: str | None = None
    ship_address1: str | None = None
    ship_address2: str | None = None
    ship_city: str | None = None
    ship_province: str | None = None  # two-letter code
    ship_postal_code: str | None = None
    ship_country: str = "CA"
    ship_phone: str | None = None
    channel: str = "web"


@dataclass(frozen=True)
class OrdersPage:
    orders: Sequence[SyncedOrder]
    next_cursor: str | None  # None: the last page


# -- what a webhook means --------------------------------------------------------------------------


@dataclass(frozen=True)
class UpsertOrder:
    order: SyncedOrder


@dataclass(frozen=True)
class DeleteOrder:
    external_id: str


@dataclass(frozen=True)
class UpsertCustomer:
    customer: SyncedCustomer


@dataclass(frozen=True)
class RedactCustomer:
    """Erase a customer's personal data everywhere (Shopify ``customers/redact``)."""

    email: str | None
    external_id: str | None
    order_external_ids: Sequence[str] = ()


@dataclass(frozen=True)
class RedactShop:
    """The merchant uninstalled 48 hours ago: erase the shop's synced customer data."""


@dataclass(frozen=True)
class DataRequest:
    """A customer asked the merchant for their data: recorded for an agent to answer."""

    email: str | None
    external_id: str | None


@dataclass(frozen=True)
class Ignore:
    reason: str


WebhookEffect = (
    UpsertOrder | DeleteOrder | UpsertCustomer | RedactCustomer | RedactShop | DataRequest | Ignore
)


# -- order actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRef:
    """The order an action applies to, as Comptoir stores it (``orders`` row + lines)."""

    id: int
    number: str
    external_id: str | None
    currency: str
    total_cents: int
    fulfillment_status: str
    financial_status: str
    lines: Sequence[dict] = field(default_factory=tuple)  # order_lines rows (id, external_id…)


@dataclass(frozen=True)
class ActionOutcome:
    reference: str  # the platform's id of the refund / cancellation / draft order / code
    amount_cents: int = 0
    code: str | None = None  # discount code
    details: dict = field(default_factory=dict)


@runtime_checkable
class PlatformClient(Protocol):
    """One commerce platform. Every action is idempotent on ``idempotency_key`` where the platform
    allows (Shopify ``@idempotent``, a metadata note on WooCommerce) and raises ``PlatformError``
    with a reason; ``find_action`` asks the platform whether a keyed action already happened
    (after a timeout) so a retry never acts twice."""

    platform: str

    def test_connection(self) -> ConnectionResult: ...

    def orders_page(self, since: datetime, cursor: str | None) -> OrdersPage:
        """Orders updated since ``since``, oldest first, one page at a time."""
        ...

    def order(self, external_id: str) -> SyncedOrder | None: ...

    def parse_webhook(self, topic: str, payload: dict) -> Sequence[WebhookEffect]: ...

    def refund(self, order: OrderRef, req: RefundAction, key: str) -> ActionOutcome: ...

    def cancel(self, order: OrderRef, req: CancelAction, key: str) -> ActionOutcome: ...

    def update_shipping_address(
        self, order: OrderRef, address: ShippingAddress, key: str
    ) -> ActionOutcome: ...

    def create_replacement(
        self, order: OrderRef, req: ReplacementAction, key: str
    ) -> ActionOutcome: ...

    def create_discount_code(
        self, order: OrderRef, req: DiscountCodeAction, key: str
    ) -> ActionOutcome: ...

    def find_action(self, order: OrderRef, action: str, key: str) -> ActionOutcome | None: ...

    def close(self) -> None: ...
