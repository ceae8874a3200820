"""What the agent API answers about order actions beside ``OrderActionResult``: the preview the
confirmation shows, and the ticket's history of actions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, RootModel

from widget_api.contracts.commerce import OrderAction
from widget_api.contracts.common import UtcDateTime


class OrderActionBody(RootModel[OrderAction]):
    """The request body: one ``OrderAction``, told apart by its ``action`` field."""


class PlannedLine(BaseModel):
    line_id: int
    sku: str
    title: str
    quantity: int
    unit_price_cents: int


class OrderActionPreview(BaseModel):
    """Exactly what the action will do, in the agent's language, before it is taken."""

    action: str
    order_number: str
    currency: str
    amount: str | None = Field(None, description='Dollars, e.g. "25.00"; what is sent.')
    amount_text: str | None = Field(None, description="The amount as the agent reads it.")
    lines: list[PlannedLine] = Field(default_factory=list)
    shipping: bool = False
    restock: bool = False
    notify_customer: bool = False
    summary: list[str] = Field(description="One sentence per effect, in the agent's language.")


class OrderActionRecord(BaseModel):
    """One action taken from the ticket, with its outcome."""

    id: int
    action: str
    state: Literal["pending", "done", "failed", "unknown"]
    idempotency_key: str
    platform: str
    order_number: str | None
    reference: str | None = None
    amount: str | None = None
    code: str | None = None
    message: str  # in the reader's language
    agent_name: str | None = None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None = None
