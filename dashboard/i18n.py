"""Dashboard texts come from the server's fr-CA/en-CA catalogues (one i18n layer).

Beyond ``tr``, ``money`` and ``when``, the inbox needs short dates, relative ages ("il y a
5 minutes") and display names that fall back to the raw value for merchant-defined labels.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_datetime, format_timedelta

from widget_api.i18n import LOCALES, catalog, money, t, when

tr = t
DEFAULT_TZ = "America/Toronto"


def known(key: str, lang: str) -> bool:
    """Whether ``key`` has a text in ``lang`` (so ``tr`` would not echo the key back)."""
    return key in catalog(lang if lang in LOCALES else "en")


def label(prefix: str, value: str | None, lang: str) -> str:
    """``tr(prefix.value)`` when the catalogue has it, else the raw value ("—" for none)."""
    if not value:
        return "—"
    key = f"{prefix}.{value}"
    return tr(key, lang) if known(key, lang) else value


def person(name: str | None, email: str | None, lang: str) -> str:
    """How to call a customer: their name, else their e-mail, else "anonymous visitor"."""
    return name or email or tr("dash.customer.anonymous", lang)


def short_when(value: datetime | None, lang: str, tz: str = DEFAULT_TZ) -> str:
    """A compact date and time for tables and thread captions: "2 nov., 10:00"."""
    if value is None:
        return "—"
    pattern = "d MMM, HH:mm" if lang == "fr" else "MMM d, h:mm a"
    return format_datetime(value, pattern, tzinfo=tz, locale=LOCALES.get(lang, "fr_CA"))


def ago(value: datetime | None, lang: str, now: datetime | None = None) -> str:
    """How long ago ``value`` was, in words: "il y a 5 minutes", "3 hours ago"."""
    if value is None:
        return "—"
    now = now or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - now
    if abs(delta.total_seconds()) < 60:
        return tr("dash.time.just_now", lang)
    return format_timedelta(
        delta, add_direction=True, threshold=1.1, locale=LOCALES.get(lang, "fr_CA")
    )


__all__ = ("DEFAULT_TZ", "ago", "known", "label", "money", "person", "short_when", "tr", "when")
