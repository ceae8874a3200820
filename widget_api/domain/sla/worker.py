"""Keeps every ticket's live SLA state and its SLA outcomes (every target met, breached or
still owed, which the reports aggregate): both recomputed by the engine when a ticket changes,
moved to at-risk or breached as time passes (announced as ``sla.warning`` / ``sla.breached``),
and breaches escalated by priority as the policy says. When the settings change, the whole
history is recomputed."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import datetime

from widget_api import clock
from widget_api.contracts.common import PRIORITY_RANK
from widget_api.contracts.sla import SlaSettings
from widget_api.domain.analytics import refresh_reference
from widget_api.domain.sla.engine import Timeline, assess, calendar_for
from widget_api.storage import Database, StorageUnavailable, settings_store, sla_outcomes, tickets
from widget_api.storage import sla as sla_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.sla_outcomes import OutcomeRow

log = logging.getLogger(__name__)
KEY = "sla"
_BATCH = 2000
# The settings the stored SLA states were computed with; bump ENGINE when the rules change.
COMPUTED_FOR_KEY = "sla.states_computed_for"
ENGINE = 2  # 2: outcomes of every ticket stored (sla_outcomes), snoozes pause resolution


def load_settings(db: Database) -> SlaSettings:
    saved = db.read(lambda cur: settings_store.get(cur, KEY))
    return SlaSettings.model_validate(saved) if saved else SlaSettings()


def _now() -> datetime:
    return clock.utcnow()


class SlaWorker:
    def __init__(
        self,
        db: Database,
        timezone: str,
        *,
        interval: float = 1.0,
        tick_every: float = 20.0,
        gather_seconds: float = 0.05,
    ):
        self._db = db
        self._timezone = timezone
        self._interval = interval
        #: Once woken by a change, marks gather this long and are recomputed in one read and
        #: one write: a burst of intakes costs the writer one SLA write, not one a ticket.
        self._gather = gather_seconds
        self._tick_every = tick_every
        self._pending: set[int] = set()
        self._record_when_done: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="comptoir-sla", daemon=True)
        self.reload()

    def reload(self) -> None:
        """Re-read the policies. The states and outcomes stored are kept when they were
        computed with these same settings (a plain restart); otherwise every ticket is
        recomputed (history included: the reports follow the new policy), and the settings
        are recorded once all of them are."""
        self.settings = load_settings(self._db)
        self.calendar = calendar_for(self.settings, self._timezone)
        refresh_reference(self._db, self.settings, self.calendar)
        fingerprint = self._fingerprint()
        saved = self._db.read(lambda cur: settings_store.get(cur, COMPUTED_FOR_KEY))
        if saved == {"fingerprint": fingerprint} and self._db.read(sla_outcomes.count):
            return
        with self._lock:
            self._pending.update(self._db.read(sla_store.all_ids))
            self._record_when_done = fingerprint
        self._wake.set()

    def _fingerprint(self) -> str:
        text = f"{ENGINE}|{self._timezone}|{self.settings.model_dump_json()}"
        return hashlib.sha256(text.encode()).hexdigest()

    def start(self) -> None:
        """Run in the background (tests call ``flush`` and ``tick`` directly instead)."""
        self._thread.start()

    def mark(self, ticket_id: int) -> None:
        self.mark_all({ticket_id})

    def mark_all(self, ticket_ids: set[int]) -> None:
        """Recompute these tickets soon (the SLA listener calls it for every ticket event)."""
        with self._lock:
            self._pending.update(ticket_ids)
        self._wake.set()

    def set_timezone(self, timezone: str) -> None:
        """The store moved to another time zone: business hours are read again."""
        self._timezone = timezone
        self.reload()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        last_tick = 0.0
        while not self._stop.is_set():
            try:
                self.flush()
                if time.monotonic() - last_tick >= self._tick_every:
                    self.tick()
                    last_tick = time.monotonic()
            except StorageUnavailable as exc:  # disk full: the database logged it once already
                log.debug("SLA worker step postponed: %s", exc)
            except Exception:  # the worker must outlive a bad ticket or a busy database
                log.exception("SLA worker step failed")
            woken = self._wake.wait(self._interval)
            self._wake.clear()
            if woken and self._gather:
                self._stop.wait(self._gather)

    def flush(self) -> int:
        """Recompute the tickets that changed; return how many."""
        with self._lock:
            pending, self._pending = sorted(self._pending), set()
            record, self._record_when_done = self._record_when_done, None
        for start in range(0, len(pending), _BATCH):
            # A recomputation of the whole history announces nothing: the targets already at
            # risk or breached then are marked as told, not sent as fresh alerts.
            self._recompute(pending[start : start + _BATCH], quiet=record is not None)
        if record and record == self._fingerprint():
            self._db.write(lambda w: settings_store.remember(
                w, COMPUTED_FOR_KEY, {"fingerprint": record}, _now()))  # fmt: skip
        return len(pending)

    def _recompute(self, ids: list[int], *, quiet: bool = False) -> None:
        now = _now()
        raw = self._db.read(lambda cur: sla_store.timelines(cur, ids))
        states: dict[int, tuple] = {}
        rows: list[OutcomeRow] = []
        for ticket_id, data in raw.items():
            timeline = Timeline(**data)
            state, found = assess(timeline, self.settings, self.calendar, now)
            states[ticket_id] = (state.policy, state.metric, state.due_at, state.warn_at,
                                 state.state)  # fmt: skip
            for o in found:
                told = quiet and o.met_at is None and o.metric == state.metric
                warned = told and state.state in ("at_risk", "breached")
                rows.append(OutcomeRow(
                    ticket_id, o.metric, o.started_at, o.policy, o.hours, o.target, o.due_at,
                    o.met_at, o.state, o.minutes * 60, now, now if warned else None,
                    now if told and state.state == "breached" else None))  # fmt: skip

        def write(w) -> None:
            sla_store.write_states(w, states)
            sla_outcomes.replace(w, ids, rows)  # a ticket gone since keeps no rows

        self._db.write(write)

    def tick(self) -> list[int]:
        """Advance states with the clock and escalate fresh breaches; return the breached ids."""
        policies = {p.name: p for p in self.settings.policies}

        def write(w) -> list[int]:
            now = _now()
            breached = sla_store.tick(w, now)
            for ticket_id, priority, policy_name in breached:
                target = policies.get(policy_name)
                raise_to = target.escalate_to if target else None
                if raise_to and PRIORITY_RANK[raise_to] > PRIORITY_RANK[priority]:
                    tickets.update(w, ticket_id, {"priority": raise_to}, SYSTEM, now)
            return [b[0] for b in breached]

        return self._db.write(write)
