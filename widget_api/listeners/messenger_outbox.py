"""Messenger outbox: an agent's reply on a Messenger or Instagram ticket is queued to leave
through Meta's Send API."""

from __future__ import annotations

from widget_api.channels.messenger_outbox import MessengerOutbox
from widget_api.contracts import events as ev
from widget_api.storage.events import Event


class MessengerOutboxListener:
    name = "messenger_outbox"
    # The outbox scans every unqueued Messenger/Instagram reply when it starts: nothing to replay.
    durable = False

    def __init__(self, outbox: MessengerOutbox):
        self.outbox = outbox

    def wants(self, event: Event) -> bool:
        after = event.after or {}
        return (
            event.name == ev.MESSAGE_CREATED
            and after.get("kind") == "outbound"
            and after.get("channel") in ("facebook", "instagram")
        )

    def handle(self, events: list[Event]) -> None:
        self.outbox.mark(e.entity_id for e in events)

    def close(self) -> None:
        pass
