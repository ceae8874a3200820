"""Outgoing webhook deliveries as the agent API shows them (never with their secret)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from widget_api.contracts.common import UtcDateTime

DeliveryStatus = Literal["queued", "delivered", "failed"]


class WebhookDelivery(BaseModel):
    id: int
    url: str
    event_name: str
    dedupe_key: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: UtcDateTime | None
    last_error: str | None
    last_status_code: int | None
    created_at: UtcDateTime
    delivered_at: UtcDateTime | None
