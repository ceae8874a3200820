"""The catalogue's names of products in both languages, by SKU: an order line keeps the words of
the day it was bought (one language), the customer reads it in theirs."""

from __future__ import annotations

from collections.abc import Iterable

from widget_api.storage.db import Cursor
from widget_api.storage.rows import dicts


def by_sku(cur: Cursor, skus: Iterable[str]) -> dict[str, dict]:
    """{sku: {name_fr, name_en, color_fr, color_en}} of the known SKUs among ``skus``."""
    wanted = sorted({s for s in skus if s})
    if not wanted:
        return {}
    cur.execute(
        "SELECT sku, name_fr, name_en, color_fr, color_en FROM products"
        " WHERE list_contains(?, sku)",
        [wanted],
    )
    return {row.pop("sku"): row for row in dicts(cur)}
