"""Tickets, messages, customers and orders as the API shows them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from widget_api.contracts.channels import CustomerIdentity
from widget_api.contracts.common import (
    AuthorType,
    Channel,
    JsonBool,
    JsonInt,
    Language,
    MessageKind,
    Priority,
    Status,
    UtcDateTime,
)

MAX_BODY_CHARS = 20_000
MAX_SUBJECT_CHARS = 200


def not_blank(value: str) -> str:
    """A text field that must hold more than white space (kept without the edges)."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def clean_tags(tags: list[str] | None) -> list[str] | None:
    """Tags as stored: trimmed, lower-case, once each, 1 to 64 characters."""
    if tags is None:
        return None
    cleaned = []
    for tag in tags:
        tag = tag.strip().lower()
        if not tag or len(tag) > 64:
            raise ValueError("tags are 1 to 64 characters")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


class TicketCreate(BaseModel):
    """What a customer sends through the public contact form or widget."""

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_BODY_CHARS)

    email: EmailStr
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    name: str | None = Field(None, max_length=120)
    subject: str | None = Field(None, max_length=MAX_SUBJECT_CHARS)
    order_number: str | None = Field(None, max_length=64)
    language: Language | None = None

    _body = field_validator("body")(not_blank)


class TicketCreated(BaseModel):
    ticket_ref: str
    conversation_token: str = Field(
        description="Secret: the only way for the customer to read or continue this conversation."
    )


class CustomerBrief(BaseModel):
    id: int
    email: str | None
    name: str | None


class TicketSummary(BaseModel):
    ref: str
    subject: str
    status: Status
    priority: Priority
    channel: Channel
    language: Language
    customer: CustomerBrief
    assignee_id: int | None
    assignee_name: str | None
    problem_type: str | None
    problem_confidence: float | None
    tags: list[str]
    order_number: str | None
    message_count: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    first_response_at: UtcDateTime | None
    last_customer_message_at: UtcDateTime | None
    snoozed_until: UtcDateTime | None
    solved_at: UtcDateTime | None
    sla_state: str | None = None
    sla_due_at: UtcDateTime | None = None


class Message(BaseModel):
    id: int
    kind: MessageKind
    author_type: AuthorType
    author_id: int | None
    author_name: str | None
    channel: str
    body_text: str
    body_html: str | None
    meta: dict | None
    delivery: str
    created_at: UtcDateTime
    mentions: list[int] = []


class Customer(BaseModel):
    id: int
    email: str | None
    name: str | None
    phone: str | None
    language: Language
    created_at: UtcDateTime
    identities: list[CustomerIdentity] = Field(
        default_factory=list, description="Channel identities; an SMS opt-out shows here."
    )


class OrderLine(BaseModel):
    id: int | None = Field(None, description="The line's id (order actions name lines by it).")
    sku: str
    title: str
    size: str | None
    color: str | None
    quantity: int
    unit_price_cents: int
    variant_title: str | None = None  # "M / Noir", as the platform names the variant
    tax_cents: int | None = None


class Order(BaseModel):
    id: int
    number: str
    customer_id: int
    placed_at: UtcDateTime
    currency: str
    subtotal_cents: int
    shipping_cents: int
    discount_cents: int
    gst_cents: int
    qst_cents: int
    total_cents: int
    financial_status: str
    fulfillment_status: str
    warehouse: str | None
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    shipped_at: UtcDateTime | None
    delivered_at: UtcDateTime | None
    ship_name: str | None
    ship_address1: str | None
    ship_address2: str | None
    ship_city: str | None
    ship_province: str | None
    ship_postal_code: str | None
    ship_country: str
    ship_phone: str | None
    source: Literal["local", "shopify", "woocommerce"] = "local"
    email: str | None = None
    platform_financial_status: str | None = Field(
        None, description="The platform's own payment status word (Shopify, WooCommerce)."
    )
    platform_fulfillment_status: str | None = Field(
        None, description="The platform's own fulfilment status word."
    )
    payment_method: str | None = Field(
        None, description="The payment gateway's code or name (shopify_payments, bacs…)."
    )
    cancelled_at: UtcDateTime | None = None
    lines: list[OrderLine]


class SlaTarget(BaseModel):
    """One SLA target of the ticket as of now (the latest of each kind)."""

    target: Literal["first_reply", "next_reply", "resolution"]
    state: Literal["on_track", "at_risk", "breached", "met", "paused"]
    due_at: UtcDateTime | None = None
    met_at: UtcDateTime | None = None


class TicketDetail(TicketSummary):
    source: dict | None
    customer_detail: Customer
    order: Order | None
    address_warnings: list[str] = Field(
        default_factory=list, description="Why the shipping address looks wrong, if it does."
    )
    sender_warnings: list[str] = Field(
        default_factory=list,
        description="Mail whose sender name shows another address than the one it came from.",
    )
    merged_into: str | None = None
    messages: list[Message]
    sla_targets: list[SlaTarget] = Field(default_factory=list)
    reply_channel_ready: bool = Field(
        default=True, description="Whether a public reply can reach the customer now."
    )
    reply_channel_issue: (
        Literal["no_mailbox", "sms_not_configured", "sms_opted_out", "chat_visitor_left"] | None
    ) = Field(default=None, description="Why a reply cannot reach the customer, when it cannot.")


class MessageCreate(BaseModel):
    """An agent's reply to the customer or internal note."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["reply", "note"] = "reply"
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    body_html: str | None = Field(None, max_length=4 * MAX_BODY_CHARS)
    status: Status | None = Field(None, description="Set the ticket's status in the same step.")
    seen_message_id: JsonInt | None = Field(
        None,
        description="Newest message the agent had loaded; if a newer one arrived since, the "
        "reply is refused with 409 unless `force` is true (collision detection).",
    )
    force: JsonBool = False

    _body = field_validator("body")(not_blank)


class TicketUpdate(BaseModel):
    """Fields to change; absent fields stay, ``assignee_id: null`` unassigns."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    priority: Priority | None = None
    assignee_id: JsonInt | None = None
    tags: list[str] | None = Field(None, max_length=50)
    add_tags: list[str] | None = Field(None, max_length=50)
    remove_tags: list[str] | None = Field(None, max_length=50)
    problem_type: str | None = Field(None, max_length=64)
    snoozed_until: UtcDateTime | None = None

    _tags = field_validator("tags", "add_tags", "remove_tags")(clean_tags)


SortKey = Literal["newest", "oldest", "updated", "waiting", "priority"]
View = Literal[
    "unassigned", "mine", "all_open", "pending", "snoozed", "solved", "mentions", "sla_at_risk",
    "exceptions", "all",
]  # fmt: skip


class TicketQuery(BaseModel):
    """Filters of the ticket list; every one optional."""

    status: list[Status] | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    channel: list[Channel] | None = None
    tag: str | None = None
    problem_type: str | None = None
    customer_id: int | None = None
    view: View | None = None
    q: str | None = Field(None, max_length=200)
    sort: SortKey = "updated"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None
