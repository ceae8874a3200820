"""Schedule rules ("the ticket has been in status S for N hours"), run by a periodic pass.

The pass is one SQL filter per rule: tickets in S since before a cutoff, whose facts are then
read together (one query per batch of candidates, never one per ticket). For calendar hours the
cutoff is now − N h; for business hours it is the latest instant with N business hours between
it and now (found by bisection on the SLA calendar, once per pass), so no ticket is looked at
in Python unless it is due. An episode is one stay in the status (keyed by when it began): a
rule fires once per episode, again only after the ticket left the status and came back.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from widget_api.domain.rules.engine import RulesEngine
from widget_api.storage import StorageUnavailable, rule_facts
from widget_api.storage import rules as rule_store

log = logging.getLogger(__name__)
_PAGE = 5000
_FACTS_BATCH = 500  # tickets whose facts are read together
_WRITES_TOGETHER = 32  # firings queued at once: the writer commits them together, and
# intake writes wait behind at most these
_PRECISION = timedelta(seconds=1)


def business_cutoff(calendar, now: datetime, hours: float) -> datetime | None:
    """The latest instant with at least ``hours`` business hours from it to ``now`` (None when
    there are not that many within about two years)."""
    minutes = hours * 60
    hi = now - timedelta(hours=hours)  # business time never exceeds wall time
    span = timedelta(hours=hours)
    lo = hi - span
    while calendar.minutes(lo, now) < minutes:
        span *= 2
        lo = hi - span
        if now - lo > timedelta(days=730):
            return None
    if calendar.minutes(hi, now) >= minutes:
        return hi
    while hi - lo > _PRECISION:  # invariant: lo is far enough back, hi is not
        mid = lo + (hi - lo) / 2
        if calendar.minutes(mid, now) >= minutes:
            lo = mid
        else:
            hi = mid
    return lo


def episode_key(rule_id: int, ticket_id: int, since: datetime) -> str:
    """The run key of one stay in the status (``storage/rule_facts.py`` builds it in SQL)."""
    return f"rule:{rule_id}:ticket:{ticket_id}:episode:{since:%Y%m%dT%H%M%S%f}"


def _settle(started: list) -> int:
    """Wait for the runs started (committed together); how many fired. Empties the list."""
    fired = sum(outcome() in ("matched", "error", "skipped") for outcome in started)
    started.clear()
    return fired


def run_pass(engine: RulesEngine, now: datetime | None = None) -> int:
    """Fire every due schedule rule once per episode; return how many runs were made."""
    now = now or engine._now()
    rules = engine.db.read(rule_store.active_scheduled)
    calendar = engine.calendar() if rules else None
    runs = 0
    for rule in rules:
        schedule = rule["trigger"]["schedule"]
        if schedule.get("clock", "business") == "business":
            cutoff = business_cutoff(calendar, now, schedule["hours"])
        else:
            cutoff = now - timedelta(hours=schedule["hours"])
        if cutoff is None:
            continue
        after_id = 0
        while True:
            page = engine.db.read(
                lambda cur, a=after_id, c=cutoff, r=rule["id"], s=schedule["status"]: (
                    rule_facts.due_episodes(cur, r, s, c, after_id=a, limit=_PAGE)
                )
            )
            for start in range(0, len(page), _FACTS_BATCH):
                batch = page[start : start + _FACTS_BATCH]
                # One facts query for the batch: each ticket is in it once, and a rule's run
                # changes only its own ticket, so the facts stay those of the ticket.
                facts = engine.facts([ticket_id for ticket_id, _, _ in batch], now, calendar)
                started = []
                for ticket_id, _since, key in batch:
                    if ticket_id not in facts:
                        continue
                    # A condition false now is looked at again next pass: only firings are kept.
                    started.append(engine.start_run(rule, ticket_id, run_key=key, event_id=None,
                                                    event_name=None, record_miss=False,
                                                    facts=facts[ticket_id], at=now))  # fmt: skip
                    if len(started) == _WRITES_TOGETHER:
                        runs += _settle(started)
                runs += _settle(started)
            if len(page) < _PAGE:
                break
            after_id = page[-1][0]
    return runs


class RuleScheduler:
    """Runs ``run_pass`` every ``interval`` seconds on its own thread."""

    def __init__(self, engine: RulesEngine, interval: float = 60.0):
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="comptoir-rules-schedule",
                                        daemon=True)  # fmt: skip

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                run_pass(self._engine)
            except StorageUnavailable as exc:
                log.debug("rule schedule pass postponed: %s", exc)
            except Exception:  # the next pass tries again
                log.exception("rule schedule pass failed")
