"""WhatsApp outbox: an agent's reply on a WhatsApp ticket is queued to leave through Meta."""

from __future__ import annotations

from widget_api.channels.whatsapp_outbox import WhatsappOutbox
from widget_api.contracts import events as ev
from widget_api.storage.events import Event


class WhatsappOutboxListener:
    name = "whatsapp_outbox"
    # The outbox scans every unqueued WhatsApp reply when it starts: nothing to replay.
    durable = False

    def __init__(self, outbox: WhatsappOutbox):
        self.outbox = outbox

    def wants(self, event: Event) -> bool:
        after = event.after or {}
        return (
            event.name == ev.MESSAGE_CREATED
            and after.get("kind") == "outbound"
            and after.get("channel") == "whatsapp"
        )

    def handle(self, events: list[Event]) -> None:
        self.outbox.mark(e.entity_id for e in events)

    def close(self) -> None:
        pass
