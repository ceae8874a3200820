"""Outbox: a reply written on a mail ticket is queued to be sent; a rule's notification may
have queued a mail to an agent, which is sent at once rather than at the next idle round."""

from __future__ import annotations

from widget_api.contracts import events as ev
from widget_api.mail.outbox import Outbox
from widget_api.storage.events import Event


class MailOutbox:
    name = "outbox"
    # The outbox scans every reply after its own watermark at start-up: nothing to replay.
    durable = False

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    def wants(self, event: Event) -> bool:
        if event.name == ev.NOTIFICATION_CREATED:
            return True
        return event.name == ev.MESSAGE_CREATED and (event.after or {}).get("kind") == "outbound"

    def handle(self, events: list[Event]) -> None:
        for ticket_id in {e.ticket_id for e in events if e.ticket_id is not None}:
            self.outbox.mark(ticket_id)

    def close(self) -> None:
        pass
