"""Order linking: an order that reaches Comptoir after its customer wrote is linked to the
tickets waiting for it (see ``storage.order_links``), so the agent has it in front of them."""

from __future__ import annotations

import logging

from widget_api.clock import utcnow
from widget_api.contracts import events as ev
from widget_api.storage import Database, StorageUnavailable
from widget_api.storage.events import SYSTEM, Event
from widget_api.storage.order_links import link_waiting_tickets

log = logging.getLogger(__name__)


class OrderLinking:
    name = "order_linking"
    durable = True  # linking twice links nothing more (only tickets with no order are looked at)

    def __init__(self, db: Database):
        self._db = db

    def wants(self, event: Event) -> bool:
        changes = (event.after or {}).get("changes") or {}
        return event.name == ev.ORDER_UPDATED and "created" in changes

    def handle(self, events: list[Event]) -> None:
        order_ids = sorted({e.entity_id for e in events})

        def link(w) -> int:
            now = utcnow()
            return sum(len(link_waiting_tickets(w, oid, SYSTEM, now)) for oid in order_ids)

        try:
            linked = self._db.write(link)
        except StorageUnavailable as exc:
            log.warning("linking new orders to waiting tickets skipped: %s", exc)
            return
        if linked:
            log.info("%s waiting ticket(s) linked to %s new order(s)", linked, len(order_ids))

    def close(self) -> None:
        pass
