"""SLA: a ticket's live SLA state is recomputed when anything about it changes."""

from __future__ import annotations

from widget_api.contracts import events as ev
from widget_api.domain.sla.worker import SlaWorker
from widget_api.storage.events import Event

#: Events that change nothing the SLA engine reads (a ticket's creation, channel, priority,
#: messages, statuses and snoozes): the auto-typer's guess, tags, assignment, notifications,
#: deliveries, ratings, and the clock's own announcements. Each intake used to cost a second
#: recomputation when its ticket was typed.
_UNRELATED = frozenset({
    ev.TICKET_PROBLEM_TYPE_CHANGED, ev.TICKET_ORDER_LINKED, ev.TICKET_TAGS_CHANGED,
    ev.TICKET_ASSIGNED, ev.NOTIFICATION_CREATED, ev.MESSAGE_DELIVERY_CHANGED, ev.SLA_WARNING,
    ev.SLA_BREACHED, ev.TICKET_SLA_BREACHED, ev.CSAT_RATED,
})  # fmt: skip
_UNRELATED_FIELDS = frozenset({"problem_type", "problem_confidence", "order_id", "tags",
                               "assignee_id"})  # fmt: skip


class SlaClock:
    name = "sla"
    durable = True  # a replay only marks tickets for recomputation

    def __init__(self, worker: SlaWorker):
        self._worker = worker

    def wants(self, event: Event) -> bool:
        if event.ticket_id is None or event.name in _UNRELATED:
            return False
        if event.name == ev.TICKET_UPDATED:  # the summary: its fields say whether it matters
            changes = (event.after or {}).get("changes") or {}
            return not changes or not set(changes) <= _UNRELATED_FIELDS
        return True

    def handle(self, events: list[Event]) -> None:
        self._worker.mark_all({e.ticket_id for e in events if e.ticket_id is not None})

    def close(self) -> None:
        pass
