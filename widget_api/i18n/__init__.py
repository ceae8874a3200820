"""The one i18n layer: fr-CA and en-CA catalogues, language negotiation, money and dates."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources

from babel.dates import format_datetime
from babel.numbers import format_currency

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_CA", "en": "en_CA"}


@cache
def catalog(lang: str) -> dict[str, str]:
    """All texts of ``lang``: ``{lang}.json`` and every ``<area>.{lang}.json`` beside it."""
    merged: dict[str, str] = {}
    for entry in sorted(resources.files("widget_api.i18n").iterdir(), key=lambda e: e.name):
        if entry.name == f"{lang}.json" or entry.name.endswith(f".{lang}.json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def t(key: str, lang: str, /, **params: object) -> str:
    """The text of ``key`` in ``lang`` (English, then the key itself, when missing).

    Positional-only: a message may name a parameter ``lang`` or ``key`` too."""
    text = catalog(lang if lang in LANGUAGES else "en").get(key) or catalog("en").get(key, key)
    return text.format(**params) if params else text


def negotiate(accept_language: str | None, default: str = "fr") -> str:
    """The best of fr/en for an Accept-Language header, by q-value."""
    best, best_q = default, -1.0
    for part in (accept_language or "").split(","):
        pieces = part.strip().split(";")
        code = pieces[0].strip().lower()[:2]
        q = 1.0
        for param in pieces[1:]:
            if param.strip().startswith("q="):
                try:
                    q = float(param.strip()[2:])
                except ValueError:
                    q = 0.0
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


def money(cents: int, lang: str, currency: str = "CAD") -> str:
    return format_currency(cents / 100, currency, locale=LOCALES.get(lang, "fr_CA"))


def when(value: datetime, lang: str, tz: str = "America/Toronto") -> str:
    return format_datetime(value, "medium", tzinfo=tz, locale=LOCALES.get(lang, "fr_CA"))
