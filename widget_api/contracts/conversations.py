"""What a customer sees of their own conversation (no internal notes, no agent e-mails)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from widget_api.contracts.common import JsonBool, Language, Status, UtcDateTime
from widget_api.contracts.tickets import MAX_BODY_CHARS, not_blank


class PublicMessage(BaseModel):
    id: int
    author: Literal["customer", "agent", "system"]
    author_name: str | None
    body_text: str
    body_html: str | None
    created_at: UtcDateTime


class Conversation(BaseModel):
    ticket_ref: str
    subject: str
    status: Status
    language: Language
    messages: list[PublicMessage]
    agent_typing: bool = False
    csat_score: int | None = Field(None, description="The customer's rating, once given.")


class CustomerMessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)

    _body = field_validator("body")(not_blank)


class TypingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    typing: JsonBool


class OrderLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_number: str = Field(min_length=1, max_length=64)
    email: EmailStr


class OrderItem(BaseModel):
    title: str
    size: str | None
    color: str | None
    quantity: int


class OrderStatus(BaseModel):
    """An order as its customer may see it: no address, no payment details."""

    number: str
    placed_at: UtcDateTime
    fulfillment_status: str
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    shipped_at: UtcDateTime | None
    delivered_at: UtcDateTime | None
    items: list[OrderItem]
