"""The server's clock: the wall clock, or one set to another time for a demo or a test.

``COMPTOIR_CLOCK__NOW`` (``Settings.clock.now``) makes "now" that time when the server starts,
and the clock then runs on from there: a demo seeded for a given day, or a test's pinned
date, reads as "today" in reports, incidents and SLA states, while waits and expiries still
see time pass. Unset, this is the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_offset = timedelta(0)


def set_now(at: datetime | None) -> None:
    """Make the current time ``at`` (naive means UTC) from this instant on; None: the wall
    clock."""
    global _offset
    if at is None:
        _offset = timedelta(0)
        return
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    _offset = aware - datetime.now(UTC)


def now() -> datetime:
    """The current time, aware (UTC)."""
    return datetime.now(UTC) + _offset


def utcnow() -> datetime:
    """Naive UTC, the form every *_at column stores."""
    return now().replace(tzinfo=None)


def today(tz: str) -> date:
    """The current date in the time zone ``tz`` (the store's)."""
    return now().astimezone(ZoneInfo(tz)).date()
