"""Runs automation rules for committed events (``widget_api.domain.rules.engine``)."""

from __future__ import annotations

import logging

from widget_api.domain.rules.engine import RulesEngine, trigger_names, triggers
from widget_api.domain.rules.vocabulary import TRIGGER_EVENTS
from widget_api.storage.events import Event

log = logging.getLogger(__name__)
_WANTED = frozenset(TRIGGER_EVENTS)


class RulesListener:
    name = "rules"
    # Replayed after a crash: a run is recorded once per (rule, event id), so an event seen
    # twice runs nothing twice.
    durable = True

    def __init__(self, engine: RulesEngine):
        self.engine = engine

    def wants(self, event: Event) -> bool:
        return triggers(event) and not _WANTED.isdisjoint(trigger_names(event))

    def handle(self, events: list[Event]) -> None:
        try:  # one read of the rules for the batch, not one an event
            active = self.engine.active_rules(events)
        except Exception:
            log.exception("reading the active rules failed")
            return
        for event in events:
            try:
                self.engine.run_event(event, active)
            except Exception:  # one event's failure must not cost the others their rules
                log.exception("rules for event %s failed", event.id)

    def close(self) -> None:
        pass
