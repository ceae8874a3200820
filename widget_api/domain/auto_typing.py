"""Types each new ticket after it is stored (a listener, so intake never waits for the model).

The first customer message gives a problem type and confidence (below the threshold the type
is left for an agent), and an order number the customer wrote in the text links the order when
the form did not.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from widget_api.contracts import events as ev
from widget_api.storage import Database, StorageUnavailable, orders, tickets
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
RETRAIN_EVERY = 20
#: How long new tickets gather before they are typed together, in one write: one commit for a
#: burst of intakes instead of one per ticket, so the writer stays free for the intakes.
GATHER_SECONDS = 0.05


class AutoTyper:
    def __init__(self, db: Database, threshold: float | None = None):
        self._db = db
        self._threshold = threshold
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="comptoir-typer")
        self._model = None
        self._corrections_seen = 0
        self._lock = threading.Lock()
        self._waiting: list[tuple[int, str | None, str, Future]] = []
        self._draining = False
        self._closed = threading.Event()
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
        """Type this ticket soon; the future gives its label (None when it could not)."""
        future: Future = Future()
        with self._lock:
            self._waiting.append((ticket_id, subject, body, future))
            start, self._draining = not self._draining, True
        if start:
            self._pool.submit(self._drain)
        return future

    def _drain(self) -> None:
        self._closed.wait(GATHER_SECONDS)
        with self._lock:
            batch, self._waiting = self._waiting, []
            self._draining = False
        found = []
        for ticket_id, subject, body, future in batch:
            try:
                found.append((ticket_id, *self._predict(subject, body), future))
            except Exception:  # typing is a help, never a reason to lose or break a ticket
                log.exception("automatic typing of ticket %s failed", ticket_id)
                future.set_result(None)
        if not found:
            return
        try:
            self._db.write(lambda w: [self._store(w, t, p, o) for t, p, o, _ in found])
        except StorageUnavailable as exc:  # disk full: one line, the tickets themselves are kept
            log.warning("automatic typing of %s tickets skipped: %s", len(found), exc)
            for *_, future in found:
                future.set_result(None)
            return
        except Exception:  # one faulty ticket: type the others one by one
            for ticket_id, prediction, order, future in found:
                future.set_result(self._store_one(ticket_id, prediction, order))
            return
        for _, prediction, _, future in found:
            future.set_result(prediction.label)

    def _predict(self, subject: str | None, body: str):
        from widget_api.problem_typing import extract_entities

        prediction = self._typer().predict(subject, body)
        numbers = extract_entities(f"{subject or ''}\n{body}").order_numbers
        order = None
        for number in numbers:
            order = self._db.read(lambda cur, n=number: orders.find_by_number(cur, n))
            if order:
                break
        return prediction, order

    def _store_one(self, ticket_id: int, prediction, order: dict | None) -> str | None:
        try:
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
        self._closed.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:  # never typed (the server is stopping): nobody waits for ever
            batch, self._waiting = self._waiting, []
        for *_, future in batch:
            future.set_result(None)
