"""Returns (RMA) as the API shows them: the store's policy, the customer's self-service request,
the agents' and warehouse's actions, the dashboard list and the KPI tables."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from widget_api.contracts.common import JsonBool, JsonInt, Language, UtcDateTime

ReturnState = Literal[
    "requested", "approved", "rejected", "label_issued", "in_transit", "received", "inspected",
    "refunded", "exchanged", "credited", "closed", "cancelled",
]  # fmt: skip
ReturnReason = Literal[
    "wrong_size", "wrong_item", "defective", "not_as_described", "changed_mind", "arrived_damaged"
]
ReturnOutcome = Literal["refund", "exchange", "store_credit"]
RefundMethod = Literal["original_payment", "store_credit", "exchange"]
InspectionOutcome = Literal["restock", "second_quality", "refurbish", "write_off"]
Payer = Literal["store", "customer"]
#: What an agent may do with a return next, each a ``POST /api/v1/returns/{rma}/<action>``
#: (``inspect`` is ``/inspection``).
ReturnAction = Literal["approve", "reject", "label", "inspect", "resolve", "close", "cancel"]

REASONS: tuple[str, ...] = ReturnReason.__args__
STATES: tuple[str, ...] = ReturnState.__args__
# The refund method each preferred outcome needs the policy to allow.
METHOD_FOR_OUTCOME: dict[str, str] = {
    "refund": "original_payment",
    "store_credit": "store_credit",
    "exchange": "exchange",
}


# -- policy ------------------------------------------------------------------------------------
class ReturnAddress(BaseModel):
    """Where customers send their parcels."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("Nordet", min_length=1, max_length=120)
    line1: str = Field("1850 rue Girouard Ouest", min_length=1, max_length=200)
    line2: str | None = Field(None, max_length=200)
    city: str = Field("Saint-Hyacinthe", min_length=1, max_length=120)
    province: str = Field("QC", min_length=2, max_length=2)
    postal_code: str = Field("J2S 3A1", min_length=3, max_length=12)
    country: str = Field("CA", min_length=2, max_length=2)


class AutoApproval(BaseModel):
    """A request is approved without an agent when every rule holds."""

    model_config = ConfigDict(extra="forbid")

    enabled: JsonBool = True
    max_value_cents: JsonInt = Field(
        50_000, ge=0, description="Only requests whose refund estimate is under this amount."
    )
    max_recent_returns: JsonInt = Field(
        3,
        ge=0,
        description="Only customers with fewer than this many returns in the last 90 days "
        "(repeat returners go to an agent).",
    )


def _default_payers() -> dict[str, str]:
    return {
        "wrong_size": "customer",
        "changed_mind": "customer",
        "wrong_item": "store",
        "defective": "store",
        "not_as_described": "store",
        "arrived_damaged": "store",
    }


class ReturnPolicy(BaseModel):
    """The store's return policy (``store_settings`` key ``returns_policy``)."""

    model_config = ConfigDict(extra="forbid")

    window_days: JsonInt = Field(30, ge=0, le=365, description="Days after delivery to ask.")
    final_sale_categories: list[str] = Field(
        default_factory=list,
        description="Product categories never returnable (besides SKUs marked final sale).",
    )
    shipping_payer: dict[ReturnReason, Payer] = Field(
        default_factory=_default_payers,
        description="Who pays the return shipping, per reason (store error or customer choice).",
    )
    return_shipping_cents: JsonInt = Field(
        1295, ge=0, description="Deducted from the refund when the customer pays the shipping."
    )
    refund_methods: list[RefundMethod] = Field(
        default_factory=lambda: ["original_payment", "store_credit", "exchange"], min_length=1
    )
    auto_approval: AutoApproval = Field(default_factory=AutoApproval)
    return_address: ReturnAddress = Field(default_factory=ReturnAddress)

    @field_validator("final_sale_categories")
    @classmethod
    def _clean(cls, values: list[str]) -> list[str]:
        return sorted({v.strip().lower() for v in values if v.strip()})

    def payer(self, reason: str) -> str:
        return self.shipping_payer.get(reason, _default_payers()[reason])


# -- customer self-service ---------------------------------------------------------------------
class ReturnLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_number: str = Field(min_length=1, max_length=64)
    email: EmailStr


class ExchangeOption(BaseModel):
    sku: str
    size: str | None
    color: str | None
    in_stock: bool


class ReturnableLine(BaseModel):
    sku: str
    title: str
    size: str | None
    color: str | None
    unit_price_cents: int
    quantity_bought: int
    quantity_returned: int = Field(description="Units already in a return (not cancelled).")
    quantity_returnable: int
    final_sale: bool
    refusal: str | None = Field(None, description="Why this line cannot be returned, if so.")
    exchange_options: list[ExchangeOption] = []


class ReturnableOrder(BaseModel):
    order_number: str
    delivered_at: UtcDateTime | None
    window_ends_at: UtcDateTime | None
    returnable: bool
    refusal_code: str | None = None
    refusal: str | None = Field(None, description="Why nothing can be returned, if so.")
    contact_agent: str = Field(description="How to reach an agent for an exception.")
    lines: list[ReturnableLine]
    reasons: list[ReturnReason]
    outcomes: list[ReturnOutcome]


class ReturnLineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: JsonInt = Field(1, ge=1, le=100)
    exchange_sku: str | None = Field(
        None, max_length=64, description="The size or colour wanted instead (outcome exchange)."
    )


class _ReturnRequestBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[ReturnLineRequest] = Field(min_length=1, max_length=50)
    reason: ReturnReason
    outcome: ReturnOutcome = "refund"
    comment: str | None = Field(None, max_length=4000)

    @model_validator(mode="after")
    def _exchange_needs_variants(self):
        if self.outcome == "exchange" and any(not line.exchange_sku for line in self.lines):
            raise ValueError("an exchange needs exchange_sku on every line")
        return self


class ReturnRequest(_ReturnRequestBase):
    """What a customer sends to start a return (public, with the order's e-mail)."""

    order_number: str = Field(min_length=1, max_length=64)
    email: EmailStr
    language: Language | None = None


class AgentReturnCreate(_ReturnRequestBase):
    """An agent starts a return from a ticket; the ticket's order unless another is named."""

    order_number: str | None = Field(None, max_length=64)
    override_policy: JsonBool = Field(
        False, description="Accept outside the window or final sale (an agent's exception)."
    )
    approve: JsonBool = Field(True, description="Approve at once (and issue the label).")


class ReturnCreated(BaseModel):
    rma: str
    state: ReturnState
    return_token: str = Field(
        description="Secret: lets the customer see the return and download its label."
    )
    ticket_ref: str
    conversation_token: str | None = Field(
        None, description="Secret of the conversation, when the return opened a new one."
    )
    estimate_cents: int
    shipping_fee_cents: int
    label_url: str | None = None


class PublicReturn(BaseModel):
    """A return as its customer sees it (with the return token)."""

    rma: str
    state: ReturnState
    order_number: str
    reason: ReturnReason
    outcome: ReturnOutcome
    requested_at: UtcDateTime
    estimate_cents: int
    refund_cents: int | None
    label_url: str | None
    lines: list[ReturnLineRequest]


# -- agents and warehouse ----------------------------------------------------------------------
class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class InTransit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_number: str | None = Field(None, max_length=100)


class ReceivedLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: JsonInt = Field(ge=0, le=1000)


class Receipt(BaseModel):
    """The parcel arrived at the warehouse."""

    model_config = ConfigDict(extra="forbid")

    received_at: UtcDateTime | None = None
    warehouse: str | None = Field(None, max_length=120)
    lines: list[ReceivedLine] | None = Field(
        None, description="Units counted, when they differ from the request a note says so."
    )
    notes: str | None = Field(None, max_length=4000)


class Scan(BaseModel):
    """An RMA number typed or scanned on the receiving page."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)


class InspectedLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    outcome: InspectionOutcome
    quantity: JsonInt | None = Field(None, ge=1, le=1000, description="Default: the whole line.")
    accepted: JsonBool = Field(True, description="Counts towards the refund.")
    notes: str | None = Field(None, max_length=2000)


class Inspection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[InspectedLine] = Field(min_length=1, max_length=100)
    notes: str | None = Field(None, max_length=4000)
    resolve: JsonBool = Field(
        True, description="Refund, exchange or credit at once when units were accepted."
    )


class InspectionRecord(BaseModel):
    quantity: int
    outcome: InspectionOutcome
    accepted: bool
    notes: str | None
    inspected_at: UtcDateTime


class ReturnLine(BaseModel):
    sku: str
    title: str
    quantity: int
    unit_price_cents: int
    exchange_sku: str | None
    restocked: int
    inspections: list[InspectionRecord] = []


class ReturnSummary(BaseModel):
    rma: str
    state: ReturnState
    reason: ReturnReason
    outcome: ReturnOutcome
    order_number: str
    ticket_ref: str
    customer_email: str | None
    customer_name: str | None
    skus: list[str]
    units: int
    estimate_cents: int
    refund_cents: int | None
    requested_at: UtcDateTime
    state_changed_at: UtcDateTime
    received_at: UtcDateTime | None
    inspected_at: UtcDateTime | None
    resolved_at: UtcDateTime | None
    age_hours: float = Field(description="Hours since the request.")
    state_age_hours: float = Field(description="Hours in the current state.")
    due_at: UtcDateTime | None = Field(
        None, description="Inspection or refund target (business days) for the current state."
    )
    overdue: bool = False


class ReturnEvent(BaseModel):
    id: int
    occurred_at: UtcDateTime
    name: str
    actor_type: str
    actor_id: int | None
    before: dict | None
    after: dict | None


class ReturnDetail(ReturnSummary):
    language: Language
    comment: str | None
    created_by: str
    shipping_payer: Payer
    shipping_fee_cents: int
    auto_approved: bool
    policy_override: bool
    rejection_reason: str | None
    resolution_ref: str | None
    photo_ids: list[int]
    label_carrier: str | None
    label_tracking: str | None
    lines: list[ReturnLine]
    events: list[ReturnEvent]
    actions: list[ReturnAction] = Field(
        description="What an agent may do next from the return's state, as the server allows it."
    )


class ReturnQuery(BaseModel):
    """Filters of the returns list; every one optional."""

    state: list[ReturnState] | None = None
    reason: list[ReturnReason] | None = None
    sku: str | None = Field(None, max_length=64)
    q: str | None = Field(None, max_length=64, description="RMA, order number or e-mail.")
    requested_from: date | None = None
    requested_to: date | None = None
    overdue: bool | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class ThreePlKey(BaseModel):
    """A 3PL key: the secret is shown once, when it is created."""

    active: bool
    prefix: str | None = None
    created_at: UtcDateTime | None = None
    key: str | None = Field(None, description="Only in the answer that created it.")


# -- KPIs --------------------------------------------------------------------------------------
class SkuRate(BaseModel):
    sku: str
    units_sold: int
    units_returned: int
    return_rate: float | None


class ReasonRate(BaseModel):
    reason: ReturnReason
    returns: int
    units_returned: int
    units_sold: int
    return_rate: float | None


class Duration(BaseModel):
    span: Literal["receipt_to_refund", "request_to_refund"]
    returns: int
    mean_hours: float | None
    median_hours: float | None


class InspectionShare(BaseModel):
    outcome: InspectionOutcome
    units: int
    share: float


class WeekValue(BaseModel):
    week: date = Field(description="Monday of the week.")
    refunded_cents: int
    credited_cents: int
    exchanged_cents: int
    refunds: int
    credits: int
    exchanges: int


class Resolution(BaseModel):
    resolution: Literal["refunded", "exchanged", "credited"]
    returns: int
    value_cents: int


class KpiSummary(BaseModel):
    returns_requested: int
    units_returned: int
    units_sold: int
    return_rate: float | None
    restock_rate: float | None
    refund_value_cents: int


class ReturnKpis(BaseModel):
    """Every table is a list of rows, ready for a DataFrame and a chart."""

    start: UtcDateTime
    end: UtcDateTime
    summary: KpiSummary
    return_rate_by_sku: list[SkuRate]
    return_rate_by_reason: list[ReasonRate]
    time_to_refund: list[Duration]
    inspection_outcomes: list[InspectionShare]
    refund_value_by_week: list[WeekValue]
    exchanges_vs_refunds: list[Resolution]
