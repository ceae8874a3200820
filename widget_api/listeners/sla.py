"""SLA: a ticket's live SLA state is recomputed when anything about it changes."""

from __future__ import annotations

from widget_api.domain.sla.worker import SlaWorker
from widget_api.storage.events import Event


class SlaClock:
    name = "sla"
    durable = True  # a replay only marks tickets for recomputation

    def __init__(self, worker: SlaWorker):
        self._worker = worker

    def wants(self, event: Event) -> bool:
        return event.ticket_id is not None

    def handle(self, events: list[Event]) -> None:
        self._worker.mark_all({e.ticket_id for e in events if e.ticket_id is not None})

    def close(self) -> None:
        pass
