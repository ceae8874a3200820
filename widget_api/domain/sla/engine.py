"""A ticket's SLA, following Zendesk's published definitions so merchants can compare:

- first reply: creation to the first public agent reply (automatic replies are not agents);
- next reply: the oldest customer message not yet answered to the next public agent reply;
- resolution: creation to solved, the clock paused while the ticket waits on the customer
  (pending, on hold).

The live state is the one running target: ok, at risk (most of it used up) or breached.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, time

from widget_api.contracts.sla import SlaPolicy, SlaSettings
from widget_api.domain.sla.calendar import AlwaysOpen, BusinessCalendar, Clock, Span, due, elapsed

PAUSED = ("pending", "on_hold")
RESOLVED = ("solved", "closed")
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


@dataclass(frozen=True)
class SlaState:
    policy: str
    metric: str | None  # the running target, None when nothing is owed
    due_at: datetime | None
    warn_at: datetime | None
    state: str | None  # ok | at_risk | breached


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


def pauses(timeline: Timeline, now: datetime) -> list[Span]:
    """Spans spent waiting on the customer; one still running ends at ``now``."""
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
    return spans


def _is_paused_now(timeline: Timeline) -> bool:
    return bool(timeline.statuses) and sorted(timeline.statuses)[-1][1] in PAUSED


def _resolved_at(timeline: Timeline) -> datetime | None:
    ordered = sorted(timeline.statuses)
    if ordered and ordered[-1][1] in RESOLVED:
        return ordered[-1][0]
    return None


def unanswered_since(timeline: Timeline) -> datetime | None:
    """The oldest customer message after the last public agent reply (after the first reply)."""
    if not timeline.replies:
        return None
    last_reply = max(timeline.replies)
    waiting = [at for at in timeline.inbound if at > last_reply]
    return min(waiting) if waiting else None


def current(
    timeline: Timeline, settings: SlaSettings, calendar: BusinessCalendar, now: datetime
) -> SlaState:
    policy = policy_for(settings, timeline.channel, timeline.priority)
    clock = clock_for(policy, calendar)
    targets = policy.targets
    if _resolved_at(timeline) is not None:
        return SlaState(policy.name, None, None, None, None)
    metric, start, minutes, held = None, None, None, []
    if not timeline.replies and targets.first_reply_minutes:
        metric, start, minutes = "first_reply", timeline.created_at, targets.first_reply_minutes
    elif (since := unanswered_since(timeline)) and targets.next_reply_minutes:
        metric, start, minutes = "next_reply", since, targets.next_reply_minutes
    elif targets.resolution_minutes:
        if _is_paused_now(timeline):
            return SlaState(policy.name, "resolution", None, None, "paused")
        metric, start, minutes = "resolution", timeline.created_at, targets.resolution_minutes
        held = pauses(timeline, now)
    if metric is None:
        return SlaState(policy.name, None, None, None, None)
    due_at = due(clock, start, minutes, held)
    warn_at = due(clock, start, minutes * settings.at_risk_ratio, held)
    state = "breached" if now >= due_at else "at_risk" if now >= warn_at else "ok"
    return SlaState(policy.name, metric, due_at, warn_at, state)


@dataclass(frozen=True)
class Outcome:
    metric: str
    minutes: float  # clock minutes the customer waited (business or calendar, per the policy)
    target: int
    breached: bool


def outcomes(
    timeline: Timeline, settings: SlaSettings, calendar: BusinessCalendar, now: datetime
) -> list[Outcome]:
    """Every target this ticket has met or missed so far (for reports and tests)."""
    policy = policy_for(settings, timeline.channel, timeline.priority)
    clock = clock_for(policy, calendar)
    targets = policy.targets
    found: list[Outcome] = []
    replies = sorted(timeline.replies)
    if replies and targets.first_reply_minutes:
        waited = elapsed(clock, timeline.created_at, replies[0], [])
        found.append(Outcome("first_reply", waited, targets.first_reply_minutes,
                             waited > targets.first_reply_minutes))  # fmt: skip
    if targets.next_reply_minutes:
        for earlier, reply in itertools.pairwise(replies):
            asked = [at for at in timeline.inbound if earlier < at < reply]
            if asked:
                waited = elapsed(clock, min(asked), reply, [])
                found.append(Outcome("next_reply", waited, targets.next_reply_minutes,
                                     waited > targets.next_reply_minutes))  # fmt: skip
    solved = _resolved_at(timeline)
    if solved and targets.resolution_minutes:
        waited = elapsed(clock, timeline.created_at, solved, pauses(timeline, solved))
        found.append(Outcome("resolution", waited, targets.resolution_minutes,
                             waited > targets.resolution_minutes))  # fmt: skip
    return found
