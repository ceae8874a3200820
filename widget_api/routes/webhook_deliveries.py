"""Outgoing webhook deliveries (administrators): what was sent, what failed, send again."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from widget_api.contracts.webhooks import DeliveryStatus, WebhookDelivery
from widget_api.domain import webhooks
from widget_api.routes.guards import admin_required

_TAGS = ["webhooks"]


@get("/api/v1/webhooks/deliveries", operation_id="ListWebhookDeliveries", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def list_deliveries(
    state: State, status: FromQuery[DeliveryStatus | None] = None
) -> list[WebhookDelivery]:
    """The 200 newest deliveries, optionally of one status; secrets are never shown."""
    return webhooks.list_deliveries(state.db, status)


@post("/api/v1/webhooks/deliveries/{delivery_id:int}/retry", operation_id="RetryWebhookDelivery",
      tags=_TAGS, guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def retry_delivery(state: State, request: Request, delivery_id: FromPath[int]) -> WebhookDelivery:
    """Queue a failed delivery again, due now with fresh attempts; 409 unless it failed."""
    return webhooks.retry(state.db, request.state.agent, delivery_id)


HANDLERS = [list_deliveries, retry_delivery]
