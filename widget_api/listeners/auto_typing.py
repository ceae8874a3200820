"""Auto-typing: a new ticket gets a problem type (and an order found in its text)."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from widget_api.contracts import events as ev
from widget_api.domain.auto_typing import AutoTyper
from widget_api.storage import Database, tickets
from widget_api.storage.events import Event

#: Every so many corrections by agents, the model learns from them.
RETRAIN_EVERY = 20


class AutoTyping:
    name = "auto_typing"
    durable = True
    #: New tickets gather this long and are typed in one write: one commit for a burst of
    #: intakes instead of one each, so the writer stays free for the intakes themselves.
    gather_seconds = 0.05

    def __init__(self, db: Database, typer: AutoTyper):
        self._db = db
        self.typer = typer
        self._corrections_seen = 0
        self._lock = threading.Lock()
        self._waiters: dict[int, list[Future]] = {}

    def wants(self, event: Event) -> bool:
        if event.name == ev.TICKET_CREATED:  # a type known at intake (a return) is not guessed
            return not (event.snapshot or {}).get("problem_type")
        return event.name == ev.TICKET_PROBLEM_TYPE_CHANGED and event.actor.type == "agent"

    def handle(self, events: list[Event]) -> None:
        created = [e.ticket_id for e in events if e.name == ev.TICKET_CREATED and e.ticket_id]
        labels: dict[int, str | None] = {}
        try:
            if created:
                labels = self.typer.type_tickets(created)
        finally:
            self._resolve({tid: labels.get(tid) for tid in created})
        corrections = sum(1 for e in events if e.name == ev.TICKET_PROBLEM_TYPE_CHANGED)
        before = self._corrections_seen
        self._corrections_seen += corrections
        if before // RETRAIN_EVERY != self._corrections_seen // RETRAIN_EVERY:
            self.typer.retrain()

    def when_typed(self, ticket_id: int) -> Future:
        """A future giving the ticket's problem type once it is typed (the mail
        acknowledgement picks its help articles from it)."""
        future: Future = Future()
        with self._lock:
            self._waiters.setdefault(ticket_id, []).append(future)
        typed, label = self._db.read(
            lambda cur: tickets.fields(cur, ticket_id, "problem_confidence", "problem_type")
        )
        if typed is not None:  # typed before the future was asked for
            self._resolve({ticket_id: label})
        return future

    def _resolve(self, labels: dict[int, str | None]) -> None:
        with self._lock:
            waiting = [(self._waiters.pop(tid, []), label) for tid, label in labels.items()]
        for futures, label in waiting:
            for future in futures:
                if not future.done():
                    future.set_result(label)

    def close(self) -> None:
        with self._lock:  # never typed (the server is stopping): nobody waits for ever
            waiting, self._waiters = self._waiters, {}
        for futures in waiting.values():
            for future in futures:
                if not future.done():
                    future.set_result(None)
