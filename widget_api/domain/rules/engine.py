"""Runs rules: for an event, the active rules it triggers, in position order, each seeing what
the previous ones did (the facts are read again before each). Every run is recorded once under
its run key, with what each action did; past the per-ticket hourly cap, runs are recorded as
skipped. Changes a rule makes carry it as actor and trigger no rule (see ``triggers``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from widget_api.contracts import events as ev
from widget_api.domain.rules import actions as registry
from widget_api.domain.rules.conditions import evaluate
from widget_api.domain.sla.engine import calendar_for
from widget_api.domain.sla.worker import load_settings
from widget_api.i18n import t
from widget_api.storage import Database, rule_facts
from widget_api.storage import rules as rule_store
from widget_api.storage.db import Writer
from widget_api.storage.events import Event
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
_FIELD_EVENTS = frozenset(ev.EVENT_FOR_FIELD.values())
_RESOLVED = ("solved", "closed")


def triggers(event: Event) -> bool:
    """May this event trigger rules at all? Not a rule's own change, not an event without a
    ticket, and of messages only a customer's (never our replies, notes or outbox mail)."""
    if event.actor.type == "rule" or event.ticket_id is None:
        return False
    if event.name == ev.MESSAGE_CREATED:
        after = event.after or {}
        return after.get("kind") == "inbound" and after.get("author_type") == "customer"
    return True


def trigger_names(event: Event) -> list[str]:
    """The trigger names this event answers to: its own (the spine emits the summaries
    ``ticket.updated``, ``ticket.solved``, ``ticket.reopened``, ``sla.breached`` and
    ``return.state_changed`` as events of their own, so nothing is derived twice)."""
    return [event.name]


class RulesEngine:
    def __init__(
        self, db: Database, *, timezone: str, max_runs_per_hour: int = 20,
        store_name: Callable[[], str] = lambda: "Comptoir",
        now: Callable[[], datetime] = utcnow,
    ):  # fmt: skip
        self.db = db
        self.timezone = timezone
        self.max_runs_per_hour = max_runs_per_hour
        self._store_name = store_name
        self._now = now

    # -- facts ----------------------------------------------------------------------------
    def calendar(self):
        return calendar_for(load_settings(self.db), self.timezone)

    def in_business_hours(self, at: datetime, calendar=None) -> bool:
        calendar = calendar or self.calendar()
        return calendar.minutes(at, at + timedelta(minutes=1)) > 0

    def facts(
        self, ticket_ids: list[int], at: datetime | None = None, calendar=None
    ) -> dict[int, dict]:
        """The facts of these tickets, read in one query (pass a pass's ``calendar`` to build
        it once)."""
        found = self.db.read(lambda cur: rule_facts.facts(cur, ticket_ids))
        if found:
            open_now = self.in_business_hours(at or self._now(), calendar)
            for facts in found.values():
                facts["business_hours"] = open_now
        return found

    # -- runs -----------------------------------------------------------------------------
    def active_rules(self, events: list[Event]) -> list[dict]:
        """The active rules any of ``events`` triggers, in one read (for a batch of events)."""
        names = sorted({name for e in events if triggers(e) for name in trigger_names(e)})
        return self.db.read(lambda cur: rule_store.active_for_event(cur, names)) if names else []

    def run_event(self, event: Event, active: list[dict] | None = None) -> int:
        """Run the rules ``event`` triggers (among ``active``, read for a batch, if given);
        return how many matched.

        The ticket's facts are read once, and again only after a rule acted (so each rule sees
        what the previous ones did); the rules that do not match are recorded together, before
        the next rule that acts and at the end, so an event costs a few queries and writes
        however many rules are active."""
        if not triggers(event):
            return 0
        names = trigger_names(event)
        if active is None:
            rules = self.db.read(lambda cur: rule_store.active_for_event(cur, names))
        else:
            rules = [rule for rule in active if rule["trigger"].get("event") in names]
        if not rules:
            return 0
        keys = {rule["id"]: f"rule:{rule['id']}:event:{event.id}" for rule in rules}
        done = self.db.read(lambda cur: rule_store.ran_keys(cur, list(keys.values())))
        ticket_id, now = event.ticket_id, self._now()
        facts, misses, matched = None, [], 0
        for rule in rules:
            key = keys[rule["id"]]
            if key in done:
                continue
            if facts is None:
                facts = self.facts([ticket_id], now).get(ticket_id)
                if facts is None:
                    break
            if not evaluate(rule["conditions"], facts)[0]:
                misses.append({"rule_id": rule["id"], "ticket_id": ticket_id,
                               "event_id": event.id, "run_key": key, "at": now})  # fmt: skip
                continue
            self._record_misses(misses)
            outcome = self.run_rule(rule, ticket_id, run_key=key, event_id=event.id,
                                    event_name=event.name, facts=facts, at=now)  # fmt: skip
            matched += outcome == "matched"
            facts = None  # the rule may have changed the ticket: read it again
        self._record_misses(misses)
        return matched

    def _record_misses(self, misses: list[dict]) -> None:
        """Record the not-matched runs gathered so far in one write, and forget them."""
        if not misses:
            return
        batch = list(misses)
        misses.clear()

        self.db.write(lambda w: rule_store.record_misses(w, batch))

    def run_rule(
        self, rule: dict, ticket_id: int, *, run_key: str, event_id: int | None,
        event_name: str | None, record_miss: bool = True, facts: dict | None = None,
        at: datetime | None = None,
    ) -> str | None:  # fmt: skip
        """Evaluate one rule on one ticket and act if it matches; the outcome, or None when
        this run key already ran (an event seen twice) or the ticket is gone. A caller that
        read the ticket's ``facts`` (at ``at``) for many runs passes them; whether the key
        already ran is then checked only in the run's write."""
        return self.start_run(rule, ticket_id, run_key=run_key, event_id=event_id,
                              event_name=event_name, record_miss=record_miss, facts=facts,
                              at=at)()  # fmt: skip

    def start_run(
        self, rule: dict, ticket_id: int, *, run_key: str, event_id: int | None,
        event_name: str | None, record_miss: bool = True, facts: dict | None = None,
        at: datetime | None = None,
    ) -> Callable[[], str | None]:  # fmt: skip
        """``run_rule`` without waiting for the run's write: it is queued, and the function
        returned waits for it and gives the outcome. Runs started together are committed
        together by the writer (one transaction for many firings of a schedule pass)."""
        now = at or self._now()
        if facts is None:
            if self.db.read(lambda cur: rule_store.has_run(cur, run_key)):
                return lambda: None
            facts = self.facts([ticket_id], now).get(ticket_id)
            if facts is None:
                return lambda: None
        matched, _ = evaluate(rule["conditions"], facts)
        record = {"rule_id": rule["id"], "ticket_id": ticket_id, "event_id": event_id,
                  "run_key": run_key, "at": now}  # fmt: skip
        if not matched:
            if record_miss:
                self.db.write(lambda w: rule_store.record_run(w, outcome="not_matched", **record))
            return lambda: "not_matched"
        ctx = registry.RunContext(self.db, rule, ticket_id, facts, now, event_name, run_key,
                                  store_name=self._store_name())  # fmt: skip

        def act(w: Writer) -> str | None:
            if rule_store.has_run(w.cur, run_key):
                return None
            return self._perform(w, ctx, record)

        queued = self.db.submit(act)

        def outcome() -> str | None:
            try:
                return queued.result()
            except Exception as exc:  # nothing of the run was kept; say why in its record
                log.exception("rule %s on ticket %s failed", rule["id"], ticket_id)
                error = f"{type(exc).__name__}: {str(exc)[:300]}"
                self.db.write(lambda w: rule_store.record_run(
                    w, outcome="error", error=error, error_code="run_failed",
                    error_params={"error": error}, **record))  # fmt: skip
                return "error"

        return outcome

    def _perform(self, w: Writer, ctx: registry.RunContext, record: dict) -> str:
        """A matched rule's actions, in its run's write, and its record (the hourly cap first)."""
        since = ctx.now - timedelta(hours=1)
        if rule_store.runs_since(w.cur, ctx.ticket_id, since) >= self.max_runs_per_hour:
            rule_store.record_run(w, outcome="skipped", error=t("rules.error.hourly_cap", "en"),
                                  error_code="hourly_cap", **record)  # fmt: skip
            return "skipped"
        results = [self._act(ctx, w, action) for action in ctx.rule["actions"]]
        errors = [f"{r['kind']}: {r['error']}" for r in results if not r["ok"]]
        outcome = "error" if errors else "matched"
        rule_store.record_run(w, outcome=outcome, actions=results,
                              error="; ".join(errors) or None,
                              error_code="actions_failed" if errors else None,
                              error_params={"count": len(errors)} if errors else None,
                              **record)  # fmt: skip
        return outcome

    @staticmethod
    def _act(ctx: registry.RunContext, w: Writer, action: dict) -> dict:
        kind = action["kind"]
        handler = registry.HANDLERS.get(kind)
        if handler is None:
            return {"kind": kind, "ok": False, "error": t("rules.error.unknown_action", "en"),
                    "error_code": "unknown_action", "error_params": {}}  # fmt: skip
        try:
            detail = handler(ctx, w, action.get("params") or {})
        except registry.ActionFailed as exc:
            return {"kind": kind, "ok": False, "error": str(exc), "error_code": exc.code,
                    "error_params": exc.params}  # fmt: skip
        return {"kind": kind, "ok": True, "detail": detail}
