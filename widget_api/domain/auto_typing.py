"""Types each new ticket after it is stored (a listener, so intake never waits for the model).

The first customer message gives a problem type and confidence (below the threshold the type
is left for an agent), and an order number the customer wrote in the text links the order when
the form did not.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from widget_api.contracts import events as ev
from widget_api.storage import Database, StorageUnavailable, orders, tickets
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
RETRAIN_EVERY = 20


class AutoTyper:
    def __init__(self, db: Database, threshold: float | None = None):
        self._db = db
        self._threshold = threshold
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="comptoir-typer")
        self._model = None
        self._corrections_seen = 0
        db.changes.listen(self.on_event)

    def warm(self) -> Future:
        """Train the model in the background so the first ticket is not slower."""
        return self._pool.submit(self._typer)

    def _typer(self):
        if self._model is None:
            self._model = self._train()
        return self._model

    def _train(self):
        """The shipped model, retrained with the agents' corrections kept in the event log."""
        from widget_api.problem_typing import Example, ProblemTyper

        model = ProblemTyper.default()
        corrections = [
            Example.for_ticket(subject, body, label, lang)
            for subject, body, label, lang in self._db.read(tickets.type_corrections)
        ]
        if corrections:
            model = model.with_corrections(corrections)
        return model.with_threshold(self._threshold) if self._threshold else model

    def on_event(self, event) -> None:
        """Every ``RETRAIN_EVERY`` corrections by agents, learn from them (in the background)."""
        if event.name == ev.TICKET_PROBLEM_TYPE_CHANGED and event.actor.type == "agent":
            self._corrections_seen += 1
            if self._corrections_seen % RETRAIN_EVERY == 0:
                self._pool.submit(self._retrain)

    def _retrain(self) -> None:
        try:
            self._model = self._train()
        except Exception:  # keep the current model
            log.exception("retraining the problem typer failed")

    def submit(self, ticket_id: int, subject: str | None, body: str) -> Future:
        return self._pool.submit(self._type_one, ticket_id, subject, body)

    def _type_one(self, ticket_id: int, subject: str | None, body: str) -> str | None:
        from widget_api.problem_typing import extract_entities

        try:
            prediction = self._typer().predict(subject, body)
            numbers = extract_entities(f"{subject or ''}\n{body}").order_numbers
            order = None
            for number in numbers:
                order = self._db.read(lambda cur, n=number: orders.find_by_number(cur, n))
                if order:
                    break
            self._db.write(lambda w: self._store(w, ticket_id, prediction, order))
            return prediction.label
        except StorageUnavailable as exc:  # disk full: one line, the ticket itself is kept
            log.warning("automatic typing of ticket %s skipped: %s", ticket_id, exc)
            return None
        except Exception:  # typing is a help, never a reason to lose or break a ticket
            log.exception("automatic typing of ticket %s failed", ticket_id)
            return None

    @staticmethod
    def _store(w, ticket_id: int, prediction, order: dict | None) -> None:
        problem_type, order_id = tickets.fields(w.cur, ticket_id, "problem_type", "order_id")
        changes: dict = {}
        if problem_type is None and prediction.label is not None:
            changes["problem_type"] = prediction.label
        if order_id is None and order is not None:
            changes["order_id"] = order["id"]
        tickets.set_typing(w, ticket_id, prediction.confidence, changes, SYSTEM, utcnow())

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
