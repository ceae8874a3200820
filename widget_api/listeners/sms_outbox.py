"""SMS outbox: an agent's reply on an SMS ticket is queued to leave through Twilio."""

from __future__ import annotations

from widget_api.channels.sms_outbox import SmsOutbox
from widget_api.contracts import events as ev
from widget_api.storage.events import Event


class SmsOutboxListener:
    name = "sms_outbox"
    # The outbox scans every unqueued SMS reply when it starts: nothing to replay.
    durable = False

    def __init__(self, outbox: SmsOutbox):
        self.outbox = outbox

    def wants(self, event: Event) -> bool:
        after = event.after or {}
        return (
            event.name == ev.MESSAGE_CREATED
            and after.get("kind") == "outbound"
            and after.get("channel") == "sms"
        )

    def handle(self, events: list[Event]) -> None:
        self.outbox.mark(e.entity_id for e in events)

    def close(self) -> None:
        pass
