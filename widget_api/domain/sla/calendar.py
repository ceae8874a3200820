"""Business time: weekly opening intervals (several a day for split shifts) in the store's time
zone, statutory holidays off, and pauses while a ticket waits on its customer.

All datetimes in and out are naive UTC, as the database stores them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

Span = tuple[datetime, datetime]
_MAX_DAYS = 800


@lru_cache(maxsize=16)
def _holidays(region: str, year: int) -> frozenset[date]:
    if region == "none":
        return frozenset()
    return frozenset(holiday_calendars.Canada(subdiv=region, years=[year]).keys())


class BusinessCalendar:
    """Opening hours: ``{0: [(time(8, 30), time(12)), (time(13), time(17, 30))], ...}``
    (Monday = 0) in ``timezone``, closed on the region's statutory holidays."""

    def __init__(
        self, timezone: str, week: dict[int, list[tuple[time, time]]], holidays: str = "QC"
    ):
        self.tz = ZoneInfo(timezone)
        self.week = week
        self.region = holidays

    def is_holiday(self, day: date) -> bool:
        return day in _holidays(self.region, day.year)

    def _day_spans(self, day: date) -> list[Span]:
        if self.is_holiday(day):
            return []
        spans = []
        for start, end in self.week.get(day.weekday(), []):
            local_start = datetime.combine(day, start, self.tz)
            local_end = datetime.combine(day, end, self.tz)
            spans.append((_utc(local_start), _utc(local_end)))
        return spans

    def spans(self, start: datetime, end: datetime | None = None) -> Iterator[Span]:
        """Opening spans from ``start`` on (clipped to it), until ``end`` if given."""
        day = start.replace(tzinfo=UTC).astimezone(self.tz).date() - timedelta(days=1)
        for _ in range(_MAX_DAYS):
            for a, b in self._day_spans(day):
                if end is not None and a >= end:
                    return
                if b <= start:
                    continue
                yield max(a, start), min(b, end) if end is not None else b
            day += timedelta(days=1)

    def minutes(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        return sum((b - a).total_seconds() for a, b in self.spans(start, end)) / 60

    def add(self, start: datetime, minutes: float) -> datetime:
        remaining = timedelta(minutes=minutes)
        for a, b in self.spans(start):
            if b - a >= remaining:
                return a + remaining
            remaining -= b - a
        raise ValueError("no business hours within two years: check the opening hours")


class AlwaysOpen:
    """Calendar hours: every minute counts (marketplaces promise 24 hours, every day)."""

    def minutes(self, start: datetime, end: datetime) -> float:
        return max(0.0, (end - start).total_seconds() / 60)

    def add(self, start: datetime, minutes: float) -> datetime:
        return start + timedelta(minutes=minutes)


Clock = BusinessCalendar | AlwaysOpen


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def elapsed(clock: Clock, start: datetime, end: datetime, pauses: list[Span]) -> float:
    """Minutes of ``clock`` time from ``start`` to ``end`` outside the pauses."""
    total = clock.minutes(start, end)
    for a, b in pauses:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total -= clock.minutes(lo, hi)
    return max(0.0, total)


def due(clock: Clock, start: datetime, minutes: float, pauses: list[Span]) -> datetime:
    """When ``minutes`` of clock time will have run from ``start``, skipping the pauses
    (sorted, not overlapping; a pause still running must be closed by the caller)."""
    cursor, remaining = start, minutes
    for a, b in sorted(pauses):
        if b <= cursor:
            continue
        if a > cursor:
            available = clock.minutes(cursor, a)
            if available >= remaining:
                return clock.add(cursor, remaining)
            remaining -= available
        cursor = max(cursor, b)
    return clock.add(cursor, remaining)
