"""Runs automation rules for committed events (``widget_api.domain.rules.engine``)."""

from __future__ import annotations

import logging

from widget_api.contracts import events as ev
from widget_api.domain.rules.engine import RulesEngine, trigger_names, triggers
from widget_api.domain.rules.vocabulary import TRIGGER_EVENTS
from widget_api.storage import rules as rule_store
from widget_api.storage.events import Event

log = logging.getLogger(__name__)
_WANTED = frozenset(TRIGGER_EVENTS)
#: A change of the rules comes through the log, in order with the events they act on: the
#: listener keeps the active rules and reads them again only after one of these.
_RULE_CHANGES = frozenset({ev.RULE_CREATED, ev.RULE_UPDATED, ev.RULE_DELETED})


class RulesListener:
    name = "rules"
    # Replayed after a crash: a run is recorded once per (rule, event id), so an event seen
    # twice runs nothing twice.
    durable = True

    def __init__(self, engine: RulesEngine):
        self.engine = engine
        self._rules: list[dict] | None = None  # the active event rules, None: to be read

    def wants(self, event: Event) -> bool:
        if event.name in _RULE_CHANGES:
            return True
        return triggers(event) and not _WANTED.isdisjoint(trigger_names(event))

    def handle(self, events: list[Event]) -> None:
        if any(e.name in _RULE_CHANGES for e in events):
            self._rules = None
        events = [e for e in events if e.name not in _RULE_CHANGES]
        if not events:
            return
        try:  # read once, then again only after the rules changed (not once a batch)
            if self._rules is None:
                self._rules = self.engine.db.read(rule_store.active_on_events)
        except Exception:
            log.exception("reading the active rules failed")
            return
        names = {name for e in events if triggers(e) for name in trigger_names(e)}
        active = [rule for rule in self._rules if rule["trigger"].get("event") in names]
        for event in events:
            try:
                self.engine.run_event(event, active)
            except Exception:  # one event's failure must not cost the others their rules
                log.exception("rules for event %s failed", event.id)

    def close(self) -> None:
        pass
