"""CSAT: a solved ticket offers the customer a rating, once."""

from __future__ import annotations

import logging

from widget_api.contracts import events as ev
from widget_api.domain import csat
from widget_api.storage import Database
from widget_api.storage.events import Event

log = logging.getLogger(__name__)


class CsatSurvey:
    name = "csat"
    durable = True  # offer() posts once per ticket, so a replay does not ask twice

    def __init__(self, db: Database, secret: str, base_url: str):
        self._db, self._secret, self._base_url = db, secret, base_url.rstrip("/")

    def wants(self, event: Event) -> bool:
        return event.name == ev.TICKET_SOLVED

    def handle(self, events: list[Event]) -> None:
        for ticket_id in dict.fromkeys(e.ticket_id for e in events if e.ticket_id):
            try:
                csat.offer(self._db, ticket_id, self._secret, self._base_url)
            except Exception:  # a survey is never worth breaking anything for
                log.exception("CSAT offer for ticket %s failed", ticket_id)

    def close(self) -> None:
        pass
