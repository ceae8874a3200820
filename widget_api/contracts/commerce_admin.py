"""The commerce settings page's extra shapes: the settings body as one model (Litestar reads a
bare discriminated union badly), and the webhook deliveries it lists."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, RootModel

from widget_api.contracts.commerce import CommerceSettings
from widget_api.contracts.common import UtcDateTime


class CommerceSettingsBody(RootModel[CommerceSettings]):
    """``PUT /api/v1/settings/commerce`` (and the test's optional body): one of the platforms'
    settings, chosen by ``platform``."""


class CommerceDelivery(BaseModel):
    """One delivery of ``GET /api/v1/settings/commerce/deliveries`` (the body left out)."""

    id: int
    delivery_id: str
    topic: str  # the platform's topic: "orders/updated", "order.created"
    received_at: UtcDateTime
    status: Literal["received", "processed", "failed", "ignored"]
    attempts: int
    processed_at: UtcDateTime | None = None
    error: str | None = None  # the processor's words, shown as data
