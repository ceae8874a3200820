"""Types new tickets (the auto-typing listener runs it after ``ticket.created``, so intake never
waits for the model).

The first customer message gives a problem type and confidence (below the threshold the type
is left for an agent), and an order number the customer wrote in the text links the order when
the form did not.
"""

from __future__ import annotations

import logging
import threading

from widget_api.storage import Database, StorageUnavailable, orders, tickets
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class AutoTyper:
    """The model, and how a batch of new tickets is typed (the auto-typing listener calls it)."""

    def __init__(self, db: Database, threshold: float | None = None):
        self._db = db
        self._threshold = threshold
        self._model = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Train the model in the background so the first ticket is not slower."""
        threading.Thread(target=self.model, name="comptoir-typer-warm", daemon=True).start()

    def model(self):
        with self._lock:
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

    def retrain(self) -> None:
        try:
            model = self._train()
        except Exception:  # keep the current model
            log.exception("retraining the problem typer failed")
            return
        with self._lock:
            self._model = model

    def type_tickets(self, ticket_ids: list[int]) -> dict[int, str | None]:
        """Type these tickets from their first customer message, in one write; the label of
        each (None when it could not be typed)."""
        texts = self._db.read(lambda cur: tickets.first_texts(cur, ticket_ids))
        found = []
        labels: dict[int, str | None] = dict.fromkeys(ticket_ids)
        predicted = self._predict_many(texts)
        for ticket_id, (subject, body) in texts.items():
            try:
                prediction = predicted.get(ticket_id)
                if prediction is None:
                    prediction = self._predict(subject, body)
                found.append((ticket_id, prediction, self._order_in(subject, body)))
            except Exception:  # typing is a help, never a reason to lose or break a ticket
                log.exception("automatic typing of ticket %s failed", ticket_id)
        if not found:
            return labels
        try:
            self._db.write(lambda w: self._store(w, found))
        except StorageUnavailable as exc:  # disk full: one line, the tickets themselves are kept
            log.warning("automatic typing of %s tickets skipped: %s", len(found), exc)
            return labels
        except Exception:  # one faulty ticket: type the others one by one
            for ticket_id, prediction, order in found:
                labels[ticket_id] = self._store_one(ticket_id, prediction, order)
            return labels
        for ticket_id, prediction, _ in found:
            labels[ticket_id] = prediction.label
        return labels

    def _predict_many(self, texts: dict[int, tuple[str, str]]) -> dict:
        """The batch's predictions in one pass of the model (one call per ticket costs the
        pipeline's overhead each time); empty when that fails (each is then tried alone)."""
        from widget_api.problem_typing import ticket_text

        try:
            made = self.model().predict_many([ticket_text(s, b) for s, b in texts.values()])
        except Exception:
            log.exception("typing %s tickets at once failed: one by one", len(texts))
            return {}
        return dict(zip(texts, made, strict=True))

    def _predict(self, subject: str | None, body: str):
        return self.model().predict(subject, body)

    def _order_in(self, subject: str | None, body: str) -> dict | None:
        from widget_api.problem_typing import extract_entities

        numbers = extract_entities(f"{subject or ''}\n{body}").order_numbers
        order = None
        for number in numbers:
            order = self._db.read(lambda cur, n=number: orders.find_by_number(cur, n))
            if order:
                break
        return order

    def _store_one(self, ticket_id: int, prediction, order: dict | None) -> str | None:
        try:
            self._db.write(lambda w: self._store(w, [(ticket_id, prediction, order)]))
            return prediction.label
        except StorageUnavailable as exc:  # disk full: one line, the ticket itself is kept
            log.warning("automatic typing of ticket %s skipped: %s", ticket_id, exc)
            return None
        except Exception:  # typing is a help, never a reason to lose or break a ticket
            log.exception("automatic typing of ticket %s failed", ticket_id)
            return None

    @staticmethod
    def _store(w, found: list[tuple[int, object, dict | None]]) -> None:
        """The confidences, and the types and orders decided, in one batch write (a ticket
        keeps a type or order it already has)."""
        typed = [
            tickets.Typing(ticket_id, prediction.confidence, prediction.label,
                           order["id"] if order else None)
            for ticket_id, prediction, order in found
        ]  # fmt: skip
        tickets.set_typing_many(w, typed, SYSTEM, utcnow())
