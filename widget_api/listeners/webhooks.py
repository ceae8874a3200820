"""Webhooks: a queued delivery wakes the sender (which retries from its own durable table)."""

from __future__ import annotations

from widget_api.contracts import events as ev
from widget_api.domain.webhook_sender import WebhookSender
from widget_api.storage.events import Event

_WAKING = frozenset({ev.WEBHOOK_QUEUED, ev.WEBHOOK_REQUEUED})


class WebhookWake:
    name = "webhooks"
    # The sender reads every due delivery from webhook_deliveries when it starts.
    durable = False

    def __init__(self, sender: WebhookSender):
        self.sender = sender

    def wants(self, event: Event) -> bool:
        return event.name in _WAKING

    def handle(self, events: list[Event]) -> None:
        self.sender.wake()

    def close(self) -> None:
        pass
