"""Time arithmetic of the demo, on int64 seconds since the epoch (naive UTC).

Business hours are Monday to Friday, 9:00 to 17:00 in America/Toronto; statutory holidays are
ignored. ``business_add`` is exact: the business time between a ticket and its reply is the delay
drawn for it, so planted SLA breaches are breaches for any clock that uses the same hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TZ = "America/Toronto"
MINUTE = 60
HOUR = 3600
DAY = 86_400
NEVER = np.int64(2**62)  # "does not happen": later than any real time

_REF_MONDAY = 4 * DAY  # 1970-01-05 was a Monday
_OPEN, _LENGTH = 9 * HOUR, 8 * HOUR
_WEEK = 5 * _LENGTH


def to_local(utc_s: np.ndarray) -> np.ndarray:
    """Wall-clock seconds in Toronto for UTC seconds."""
    idx = pd.DatetimeIndex(np.asarray(utc_s, dtype="datetime64[s]"))
    return idx.tz_localize("UTC").tz_convert(TZ).tz_localize(None).as_unit("s").asi8


def to_utc(local_s: np.ndarray) -> np.ndarray:
    """UTC seconds for Toronto wall-clock seconds (DST gaps shift forward)."""
    local_s = np.asarray(local_s, dtype=np.int64)
    idx = pd.DatetimeIndex(local_s.astype("datetime64[s]"))
    aware = idx.tz_localize(
        TZ, ambiguous=np.zeros(len(idx), dtype=bool), nonexistent="shift_forward"
    )
    return aware.tz_convert("UTC").tz_localize(None).as_unit("s").asi8


def _business_clock(local_s: np.ndarray) -> np.ndarray:
    rel = local_s - _REF_MONDAY
    days = rel // DAY
    weekday = days % 7
    within = np.where(weekday < 5, np.clip(rel % DAY - _OPEN, 0, _LENGTH), 0)
    return (days // 7) * _WEEK + np.minimum(weekday, 5) * _LENGTH + within


def _from_business_clock(clock: np.ndarray) -> np.ndarray:
    week, rest = np.divmod(clock, _WEEK)
    day, sec = np.divmod(rest, _LENGTH)
    return _REF_MONDAY + week * 7 * DAY + day * DAY + _OPEN + sec


def business_add(utc_s: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """The UTC time ``seconds`` of business time after each ``utc_s``."""
    clock = _business_clock(to_local(utc_s)) + np.asarray(seconds, dtype=np.int64)
    return to_utc(_from_business_clock(clock))


def business_seconds_between(start_s: np.ndarray, end_s: np.ndarray) -> np.ndarray:
    return _business_clock(to_local(end_s)) - _business_clock(to_local(start_s))


def weekday_hour(utc_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Toronto weekday (0 = Monday) and hour of each UTC time."""
    local = to_local(utc_s)
    days, sod = np.divmod(local - _REF_MONDAY, DAY)
    return days % 7, sod // HOUR


def to_daytime(utc_s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move times that fall at night (Toronto) to the next day between 9:00 and 19:00:
    carriers deliver in the daytime."""
    local = to_local(utc_s)
    days, sod = np.divmod(local - _REF_MONDAY, DAY)
    night = (sod < 9 * HOUR) | (sod >= 20 * HOUR)
    next_day = days + (sod >= 20 * HOUR)
    moved = _REF_MONDAY + next_day * DAY + 9 * HOUR + rng.integers(0, 10 * HOUR, len(local))
    return np.where(night, to_utc(np.where(night, moved, local)), utc_s)


# Ticket volume by Toronto hour of the day: office-hours channels and evening channels.
_DAY_PROFILE = np.array(
    [
        0.2,
        0.1,
        0.08,
        0.06,
        0.06,
        0.15,
        0.45,
        1.0,
        1.6,
        2.0,
        2.0,
        1.9,
        1.7,
        1.8,
        1.8,
        1.7,
        1.5,
        1.2,
        1.05,
        1.05,
        1.0,
        0.9,
        0.7,
        0.4,
    ]
)
_EVENING_PROFILE = np.array(
    [
        0.35,
        0.15,
        0.08,
        0.05,
        0.05,
        0.08,
        0.2,
        0.4,
        0.7,
        1.0,
        1.1,
        1.2,
        1.3,
        1.2,
        1.1,
        1.1,
        1.1,
        1.2,
        1.5,
        2.0,
        2.4,
        2.3,
        1.6,
        0.8,
    ]
)
# By weekday, Monday first: e-mail piles up over the weekend and lands on Monday.
_OFFICE_DAYS = np.array([1.5, 1.15, 1.05, 1.0, 0.9, 0.55, 0.7])
_EVENING_DAYS = np.array([1.0, 0.95, 0.95, 1.0, 0.95, 1.05, 1.15])
_FLAT_DAYS = np.array([1.1, 1.0, 1.0, 1.0, 1.0, 0.9, 0.95])

CHANNEL_PROFILES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "email": (_DAY_PROFILE, _OFFICE_DAYS),
    "web": (_DAY_PROFILE, _OFFICE_DAYS * 0.8 + 0.2),
    "chat": (_EVENING_PROFILE, _EVENING_DAYS),
    "sms": (_EVENING_PROFILE, _EVENING_DAYS),
    "instagram": (_EVENING_PROFILE, _EVENING_DAYS),
    "amazon": (_DAY_PROFILE * 0.5 + _EVENING_PROFILE * 0.5, _FLAT_DAYS),
    "etsy": (_DAY_PROFILE * 0.5 + _EVENING_PROFILE * 0.5, _FLAT_DAYS),
}


def hourly_weights(start_s: int, hours: int, channel: str) -> np.ndarray:
    """Relative ticket volume of ``channel`` for each hour from ``start_s``, with a gentle rise
    as winter sets in (+25 % over the span)."""
    slots = start_s + np.arange(hours, dtype=np.int64) * HOUR
    weekday, hour = weekday_hour(slots)
    by_hour, by_day = CHANNEL_PROFILES[channel]
    trend = 1.0 + 0.25 * np.arange(hours) / max(hours - 1, 1)
    return by_hour[hour] * by_day[weekday] * trend
