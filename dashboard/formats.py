"""Numbers, percentages, durations and dates the way the reader's language writes them
(fr-CA "63,8 %", "1,1 h", "3 déc."; en-CA "63.8%", "1.1 h", "Dec 3"), for tables, metrics and
chart axes. Charts get Vega's format and time locales built from Babel's data, so axis dates
("déc.", "lun.") and numbers follow the interface language too."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from dashboard.i18n import DEFAULT_TZ, short_when, tr
from widget_api.i18n import LOCALES


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "fr_CA")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """ "1 159" / "1,159"; with ``digits`` decimals: "3,65" / "3.65"; "—" when unknown."""
    if _missing(value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def percent(value: float | None, lang: str, digits: int = 1) -> str:
    """A percentage given in hundreds (63.8 → "63,8 %" / "63.8%")."""
    if _missing(value):
        return "—"
    sign = "\u00a0%" if lang == "fr" else "%"  # fr-CA writes "63,8 %", en-CA "63.8%"
    return number(value, lang, digits) + sign


def hours(value: float | None, lang: str) -> str:
    """A duration in hours: "1,1 h", "32 h", "4,5 j" beyond two days."""
    if _missing(value):
        return "—"
    if value >= 48:
        return f"{number(value / 24, lang, 1)} {'j' if lang == 'fr' else 'd'}"
    return f"{number(value, lang, 1 if value < 10 else 0)} h"


def day(value: date | datetime | str | None, lang: str) -> str:
    """ "3 déc. 2026" / "Dec 3, 2026"."""
    if _missing(value) or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return format_date(value, "medium", locale=_locale(lang))


def moment(value: datetime | str | None, lang: str, tz: str = DEFAULT_TZ) -> str:
    """A date and time for tables: "3 déc., 12:17" / "Dec 3, 12:17 PM"."""
    if _missing(value) or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return short_when(value, lang, tz)


@cache
def vega_locale(lang: str) -> dict:
    """Vega-embed options: d3 number and time locales of ``lang`` from Babel's CLDR data."""
    loc = Locale.parse(_locale(lang))
    months = [loc.months["format"]["wide"][m] for m in range(1, 13)]
    short_months = [loc.months["format"]["abbreviated"][m] for m in range(1, 13)]
    # d3 weeks start on Sunday; Babel numbers days from Monday (0) to Sunday (6).
    order = [6, 0, 1, 2, 3, 4, 5]
    days = [loc.days["format"]["wide"][d] for d in order]
    short_days = [loc.days["format"]["abbreviated"][d] for d in order]
    group = get_group_symbol(loc)
    french = lang == "fr"
    return {
        "formatLocale": {
            "decimal": get_decimal_symbol(loc),
            "thousands": "\u00a0" if group.isspace() else group,
            "grouping": [3],
            "currency": ["", "\u00a0$"] if french else ["$", ""],
            "percent": "\u202f%" if french else "%",
        },
        "timeFormatLocale": {
            "dateTime": "%A %e %B %Y, %X" if french else "%A, %B %e, %Y, %X",
            "date": "%Y-%m-%d",
            "time": "%H:%M:%S" if french else "%I:%M:%S %p",
            "periods": ["AM", "PM"] if not french else ["", ""],
            "days": days,
            "shortDays": short_days,
            "months": months,
            "shortMonths": short_months,
        },
    }


def chart_labels(lang: str, keys: tuple[str, ...], prefix: str = "an.") -> dict[str, str]:
    """Axis and tooltip titles (``prefix + key``) with the language's number signs and date
    patterns, as the chart functions expect them."""
    loc = _locale(lang)
    return {k: tr(f"{prefix}{k}", lang) for k in keys} | {
        "decimal": get_decimal_symbol(loc),
        "group": get_group_symbol(loc),
        "day_format": "%e %b" if lang == "fr" else "%b %e",
        "date_format": "%e %B %Y" if lang == "fr" else "%B %e, %Y",
    }


def slug(text: str, limit: int = 60) -> str:
    """A tag-safe form of a name: "LogiPro 3PL (Laval)" → "logipro-3pl-laval"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:limit]
