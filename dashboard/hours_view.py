"""Opening hours on the settings screens (widget and SLA): the text a merchant types for a day
("08:30-12:00, 13:00-17:30") and back, the week view, and whether the store is open now.

The ranges are sent to the API as typed: it is the API that refuses a closing time before the
opening time, in the agent's language.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
from babel.dates import format_date, format_time, get_day_names

from dashboard.i18n import tr
from widget_api.i18n import LOCALES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# "9:00", "09:00", "9h", "9 h 30", "9h30" on each side of "-", "–", "—", "à" or "to".
_TIME = r"(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?"
_RANGE = re.compile(rf"^\s*{_TIME}\s*(?:-|–|—|à|a|to)\s*{_TIME}\s*$", re.IGNORECASE)


class UnreadableHours(ValueError):
    """A day's text is not a list of ranges; ``day`` and ``text`` say which."""

    def __init__(self, day: str, text: str):
        super().__init__(f"{day}: {text}")
        self.day = day
        self.text = text


def day_name(day: str, lang: str) -> str:
    """ "Lundi", "Monday"."""
    names = get_day_names("wide", locale=LOCALES.get(lang, "fr_CA"))
    return names[WEEKDAYS.index(day)].capitalize()


def day_text(intervals: list[dict]) -> str:
    """What the merchant edits for one day: "08:30-12:00, 13:00-17:30" ("" when closed)."""
    return ", ".join(f"{i['start']}-{i['end']}" for i in intervals)


def _hhmm(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    return f"{h:02d}:{m:02d}" if h <= 23 and m <= 59 else None


def parse_day(day: str, text: str) -> list[dict]:
    """The ranges typed for ``day`` as the API takes them; raises ``UnreadableHours``."""
    ranges = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        found = _RANGE.match(part)
        start = found and _hhmm(found.group(1), found.group(2))
        end = found and _hhmm(found.group(3), found.group(4))
        if not start or not end:
            raise UnreadableHours(day, part.strip())
        ranges.append({"start": start, "end": end})
    return ranges


def parse_week(texts: dict[str, str]) -> dict[str, list[dict]]:
    return {day: parse_day(day, texts.get(day, "")) for day in WEEKDAYS}


def clock_time(hhmm: str, lang: str) -> str:
    """ "13 h 30" in French, "1:30 p.m." in English (fr-CA / en-CA)."""
    value = time.fromisoformat(hhmm)
    return format_time(value, "short", locale=LOCALES.get(lang, "fr_CA"))


def day_summary(intervals: list[dict], lang: str) -> str:
    if not intervals:
        return tr("set.hours.closed", lang)
    return ", ".join(
        f"{clock_time(i['start'], lang)} – {clock_time(i['end'], lang)}" for i in intervals
    )


def holiday_name(region: str, day: date, lang: str) -> str | None:
    """The statutory holiday on ``day`` in ``region`` (``QC``, ``ON``; ``none``), if any."""
    if region == "none":
        return None
    found = holiday_calendars.Canada(
        subdiv=region, years=[day.year], language="fr" if lang == "fr" else "en_CA"
    )
    return found.get(day)


def upcoming_holidays(region: str, today: date, lang: str, count: int = 5) -> list[str]:
    """The next statutory holidays as "Lundi 25 décembre 2026 — Jour de Noël"."""
    if region == "none":
        return []
    found = holiday_calendars.Canada(
        subdiv=region, years=[today.year, today.year + 1],
        language="fr" if lang == "fr" else "en_CA",
    )  # fmt: skip
    coming = sorted((d, n) for d, n in found.items() if d >= today)[:count]
    return [f"{_long_date(d, lang)} — {name}" for d, name in coming]


def _long_date(day: date, lang: str) -> str:
    text = format_date(day, "full", locale=LOCALES.get(lang, "fr_CA"))
    return text[:1].upper() + text[1:]


def is_open(
    hours: dict[str, list[dict]], timezone: str, now: datetime, holidays: str = "none"
) -> bool:
    """Whether ``now`` falls in an opening range (by the store's clock), holidays closed."""
    local = now.astimezone(ZoneInfo(timezone))
    if holiday_name(holidays, local.date(), "en"):
        return False
    hhmm = local.strftime("%H:%M")
    return any(i["start"] <= hhmm < i["end"] for i in hours.get(WEEKDAYS[local.weekday()], []))


def now_line(timezone: str, now: datetime, lang: str) -> str:
    """ "Il est 14 h 05 le samedi (America/Toronto)."""
    local = now.astimezone(ZoneInfo(timezone))
    day = day_name(WEEKDAYS[local.weekday()], lang)
    when = format_time(local, "short", locale=LOCALES.get(lang, "fr_CA"))
    return tr("set.hours.now_in", lang, time=when, day=day.lower(), timezone=timezone)


def week_html(hours: dict[str, list[dict]], timezone: str, now: datetime, lang: str) -> str:
    """Seven day cards (open hours or "Fermé"), today outlined; every text escaped."""
    today = WEEKDAYS[now.astimezone(ZoneInfo(timezone)).weekday()]
    cards = []
    for day in WEEKDAYS:
        intervals = hours.get(day, [])
        state = "open" if intervals else "closed"
        current = " today" if day == today else ""
        lines = (
            "".join(
                f"<div>{html.escape(clock_time(i['start'], lang))} – "
                f"{html.escape(clock_time(i['end'], lang))}</div>"
                for i in intervals
            )
            or f"<div>{html.escape(tr('set.hours.closed', lang))}</div>"
        )
        cards.append(
            f"<div class='day {state}{current}'><strong>{html.escape(day_name(day, lang))}"
            f"</strong>{lines}</div>"
        )
    style = (
        "<style>.week{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:6px;"
        "font:14px/1.4 system-ui,sans-serif}.day{border-radius:8px;padding:8px;min-width:0;"
        "overflow-wrap:anywhere}.day strong{display:block;margin-bottom:2px}"
        ".open{background:#e6f4ea;color:#14532d}.closed{background:#f1f3f4;color:#5f6368}"
        ".today{outline:2px solid #1a73e8;outline-offset:-2px}"
        "@media (max-width:640px){.week{grid-template-columns:repeat(2,minmax(0,1fr))}}</style>"
    )
    return f"{style}<div class='week'>{''.join(cards)}</div>"
