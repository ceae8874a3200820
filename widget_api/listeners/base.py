"""What a listener is: a side effect of committed events, run off the request path.

The dispatcher (``widget_api.listeners.dispatcher``) gives every listener its own thread and
queue, hands it the committed events it ``wants`` in batches, and remembers, per listener, the
last event id it handled. A ``durable`` listener is replayed from the event log after a crash or
restart (every event after its remembered id), so it must tolerate seeing an event twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from widget_api.contracts import events as ev
from widget_api.storage.events import Event

if TYPE_CHECKING:
    from widget_api.channels.channel_outbox import ChannelOutbox


class Listener(Protocol):
    #: Its key in ``listener_cursors``; never rename one (its position would be lost).
    name: str
    #: Replay the events it missed (after a crash) from the log at start-up.
    durable: bool

    def wants(self, event: Event) -> bool:
        """Cheap filter, called on the writer thread right after commit: no I/O."""
        ...

    def handle(self, events: list[Event]) -> None:
        """Do the work for a batch of wanted events, in log order (on the listener's thread).
        An exception is logged and the batch counts as handled; retry what must be retried
        through a durable table (the outbox), not by raising."""
        ...

    def close(self) -> None:
        """Stop background work of its own (called once, after the last ``handle``)."""
        ...


class ChannelOutboxListener:
    """The outbox listeners' shape: an agent's (or a rule's) reply written on one of the
    outbox's ``channels`` is handed to it to be queued."""

    name = "channel_outbox"
    channels: tuple[str, ...] = ()
    # The outbox scans every unqueued reply when it starts: nothing to replay.
    durable = False

    def __init__(self, outbox: ChannelOutbox):
        self.outbox = outbox

    def wants(self, event: Event) -> bool:
        after = event.after or {}
        return (
            event.name == ev.MESSAGE_CREATED
            and after.get("kind") == "outbound"
            and after.get("channel") in self.channels
        )

    def handle(self, events: list[Event]) -> None:
        self.outbox.mark(e.entity_id for e in events)

    def close(self) -> None:
        pass
