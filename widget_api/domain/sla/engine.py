"""A ticket's SLA, following Zendesk's published definitions so merchants can compare:

- first reply: creation to the first public agent reply (automatic replies are not agents);
- next reply: the oldest customer message not yet answered to the next public agent reply;
- resolution: creation to solved, the clock paused while the ticket waits on the customer
  (pending, on hold) and while it is snoozed.

This module is the one place these rules live. :func:`outcomes` gives every target of a ticket
(met, breached, pending or paused, with its due time); the live state (:func:`current`: the one
running target, ok / at risk / breached) is read from them, and the reports aggregate the same
outcomes, stored by the SLA worker.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, time

from widget_api.contracts.sla import SlaPolicy, SlaSettings
from widget_api.domain.sla.calendar import AlwaysOpen, BusinessCalendar, Clock, Span, due, elapsed

PAUSED = ("pending", "on_hold")
RESOLVED = ("solved", "closed")
METRICS = ("first_reply", "next_reply", "resolution")  # the order the live clock runs them in
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


@dataclass
class Timeline:
    """What the SLA needs of one ticket, read from its messages and status events."""

    created_at: datetime
    channel: str
    priority: str
    inbound: list[datetime] = field(default_factory=list)
    replies: list[datetime] = field(default_factory=list)
    statuses: list[tuple[datetime, str]] = field(default_factory=list)  # (when, new status)
    snoozes: list[tuple[datetime, datetime | None]] = field(default_factory=list)  # (when, until)


@dataclass(frozen=True)
class SlaState:
    policy: str
    metric: str | None  # the running target, None when nothing is owed
    due_at: datetime | None
    warn_at: datetime | None
    state: str | None  # ok | at_risk | breached | paused


@dataclass(frozen=True)
class Outcome:
    """One target of one ticket. ``state``: met, breached (late, or overdue and still owed),
    pending (owed, not yet due) or paused (owed, the clock stopped while the ticket waits on
    the customer: no due time until it runs again)."""

    metric: str
    minutes: float  # clock minutes taken (business or calendar, per the policy), pauses out
    target: int
    breached: bool
    started_at: datetime
    due_at: datetime | None
    met_at: datetime | None
    state: str
    policy: str
    hours: str
    warn_at: datetime | None = None  # for a target still owed: when it becomes at risk


def calendar_for(settings: SlaSettings, timezone: str) -> BusinessCalendar:
    week = {
        _DAYS[day]: [(time.fromisoformat(i.start), time.fromisoformat(i.end)) for i in spans]
        for day, spans in settings.business_hours.items()
    }
    return BusinessCalendar(timezone, week, settings.holidays)


def policy_for(settings: SlaSettings, channel: str, priority: str) -> SlaPolicy:
    for policy in settings.policies:
        if policy.channels and channel not in policy.channels:
            continue
        if policy.priorities and priority not in policy.priorities:
            continue
        return policy
    return settings.policies[-1]


def clock_for(policy: SlaPolicy, calendar: BusinessCalendar) -> Clock:
    return calendar if policy.hours == "business" else AlwaysOpen()


def _merged(spans: list[Span]) -> list[Span]:
    """Sorted, overlapping spans joined (``due`` and ``elapsed`` need them disjoint)."""
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def pauses(timeline: Timeline, now: datetime) -> list[Span]:
    """Spans spent waiting on the customer (one still running ends at ``now``) or snoozed (a
    snooze ends when it expires or is changed, so it may end after ``now``)."""
    spans: list[Span] = []
    started: datetime | None = None
    for at, status in sorted(timeline.statuses):
        if status in PAUSED and started is None:
            started = at
        elif status not in PAUSED and started is not None:
            spans.append((started, at))
            started = None
    if started is not None:
        spans.append((started, now))
    snoozes = sorted(timeline.snoozes)
    for (at, until), (changed, _) in itertools.zip_longest(
        snoozes, snoozes[1:], fillvalue=(None, None)
    ):
        if until is not None:
            spans.append((at, min(until, changed) if changed else until))
    return _merged(spans)


def _is_paused_now(timeline: Timeline) -> bool:
    return bool(timeline.statuses) and sorted(timeline.statuses)[-1][1] in PAUSED


def _resolved_at(timeline: Timeline) -> datetime | None:
    """When the ticket was last solved, if it still is (closing a solved ticket later does
    not move it)."""
    since = None
    for at, status in sorted(timeline.statuses):
        if status not in RESOLVED:
            since = None
        elif since is None:
            since = at
    return since


def unanswered_since(timeline: Timeline) -> datetime | None:
    """The oldest customer message after the last public agent reply (after the first reply)."""
    if not timeline.replies:
        return None
    last_reply = max(timeline.replies)
    waiting = [at for at in timeline.inbound if at > last_reply]
    return min(waiting) if waiting else None


def outcomes(
    timeline: Timeline, settings: SlaSettings, calendar: BusinessCalendar, now: datetime
) -> list[Outcome]:
    """Every target of this ticket as of ``now``, in :data:`METRICS` order (next replies in
    time order). A target still owed when the ticket was solved counts as breached if it was
    already due, and is dropped otherwise (nothing is owed any more)."""
    policy = policy_for(settings, timeline.channel, timeline.priority)
    clock = clock_for(policy, calendar)
    targets = policy.targets
    solved = _resolved_at(timeline)
    until = solved or now
    found: list[Outcome] = []

    def measure(metric: str, start: datetime, minutes: int, met_at: datetime | None,
                held: list[Span], paused: bool = False) -> None:  # fmt: skip
        end = met_at or until
        taken = elapsed(clock, start, end, held)
        if paused:
            found.append(Outcome(metric, taken, minutes, False, start, None, None, "paused",
                                 policy.name, policy.hours))  # fmt: skip
            return
        due_at = due(clock, start, minutes, held)
        if met_at is not None:
            state = "breached" if taken > minutes else "met"
        elif end >= due_at:
            state = "breached"
        elif solved is not None:
            return  # solved before it was due: no longer owed
        else:
            state = "pending"
        warn_at = None
        if met_at is None and solved is None:
            warn_at = due(clock, start, minutes * settings.at_risk_ratio, held)
        found.append(Outcome(metric, taken, minutes, state == "breached", start, due_at, met_at,
                             state, policy.name, policy.hours, warn_at))  # fmt: skip

    replies = sorted(timeline.replies)
    if targets.first_reply_minutes:
        measure("first_reply", timeline.created_at, targets.first_reply_minutes,
                replies[0] if replies else None, [])  # fmt: skip
    if targets.next_reply_minutes:
        for earlier, reply in itertools.pairwise(replies):
            asked = [at for at in timeline.inbound if earlier < at < reply]
            if asked:
                measure("next_reply", min(asked), targets.next_reply_minutes, reply, [])
        if since := unanswered_since(timeline):
            measure("next_reply", since, targets.next_reply_minutes, None, [])
    if targets.resolution_minutes:
        held = pauses(timeline, until)
        measure("resolution", timeline.created_at, targets.resolution_minutes, solved, held,
                paused=solved is None and _is_paused_now(timeline))  # fmt: skip
    return found


def assess(
    timeline: Timeline, settings: SlaSettings, calendar: BusinessCalendar, now: datetime
) -> tuple[SlaState, list[Outcome]]:
    """The live state and the outcomes, from one pass: the live state is the first target
    still owed (first reply, then the unanswered customer message, then resolution)."""
    found = outcomes(timeline, settings, calendar, now)
    policy = policy_for(settings, timeline.channel, timeline.priority).name
    owed = [o for o in found if o.met_at is None]
    if _resolved_at(timeline) is not None or not owed:
        return SlaState(policy, None, None, None, None), found
    running = owed[0]
    if running.state == "paused":
        return SlaState(policy, running.metric, None, None, "paused"), found
    assert running.due_at is not None and running.warn_at is not None
    state = "breached" if now >= running.due_at else "at_risk" if now >= running.warn_at else "ok"
    return SlaState(policy, running.metric, running.due_at, running.warn_at, state), found


def current(
    timeline: Timeline, settings: SlaSettings, calendar: BusinessCalendar, now: datetime
) -> SlaState:
    """The live state alone (see :func:`assess`)."""
    return assess(timeline, settings, calendar, now)[0]
