"""What a listener is: a side effect of committed events, run off the request path.

The dispatcher (``widget_api.listeners.dispatcher``) gives every listener its own thread and
queue, hands it the committed events it ``wants`` in batches, and remembers, per listener, the
last event id it handled. A ``durable`` listener is replayed from the event log after a crash or
restart (every event after its remembered id), so it must tolerate seeing an event twice.
"""

from __future__ import annotations

from typing import Protocol

from widget_api.storage.events import Event


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
