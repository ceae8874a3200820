"""Entities in a customer message: order numbers, SKUs and carriers.

Pure regular expressions, no model. Order numbers are only taken where they cannot be confused
with a phone, tracking or civic number: a store prefix (``ND-104233``), a ``#`` (``#104233``), an
order word just before (``commande 104233``, ``order no. 104233``, ``Etsy 3012345678``) or the
Amazon shape (``702-1234567-1234567``). SKUs follow the catalogue's upper-case
style-name-size-colour shape (``PK-ALIZE-M-NOIR``). Carriers are found in French or English,
with common misspellings, and given one canonical name each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from widget_api.text import fold

_ORDER_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Store prefix: ND-104233 (any 2–4 letter prefix), upper-cased in the result.
    re.compile(r"(?<![\w-])([A-Za-z]{2,4}-\d{4,10})(?![\w-])"),
    # Amazon: 702-1234567-1234567.
    re.compile(r"(?<![\d-])(\d{3}-\d{7}-\d{7})(?![\d-])"),
    # Hash: #104233, # 104233.
    re.compile(r"#\s?(\d{4,15})\b(?![-/.]\d)"),
    # An order word, an optional "no"/"number"/"#"/":", then the digits.
    re.compile(
        r"\b(?:commandes?|cmd|cde|order|purchase|achat|etsy(?:\s+order)?|receipt|re[cç]u)"
        r"(?:\s+(?:no|n[°º]|num[ée]ro|number|num|id))?\.?\s*[:#]?\s*(\d{4,15})\b(?![-/.]\d)",
        re.IGNORECASE,
    ),
)

_SKU = re.compile(
    r"(?<![\w-])([A-Z]{2,4}-[A-Z0-9À-Ý]{2,12}-[A-Z0-9.]{1,4}-[A-ZÀ-Ý]{3,12}(?:-[A-ZÀ-Ý]{3,12})?)"
    r"(?![\w-])"
)

CARRIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Canada Post",
        re.compile(
            r"\bpostes?[\s-]*can(?:ada)?\b|\bcanada[\s-]*post(?:es)?\b|\bcan(?:ada)?post\b"
            r"|\bpost[\s-]*canada\b"
        ),
    ),
    ("Purolator", re.compile(r"\bpur+[oe]l+at(?:o|eu|e|ou)r\b|\bpuro\b")),
    ("UPS", re.compile(r"(?<![\w-])ups(?![\w-])")),
    ("FedEx", re.compile(r"\bfed[\s-]?ex\b|\bfederal[\s-]express\b")),
    ("Intelcom", re.compile(r"\binte?l+[\s-]?com+(?:\s+express)?\b")),
    ("Nationex", re.compile(r"\bnation+[\s-]?ex\b")),
    ("DHL", re.compile(r"\bdhl\b")),
)
"""Canonical carrier name → pattern on folded text (lower-case, no accents)."""


@dataclass(frozen=True, slots=True)
class Entities:
    """What :func:`extract_entities` found, each list in order of first appearance, no repeats."""

    order_numbers: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    carriers: list[str] = field(default_factory=list)


def _in_order(found: list[tuple[int, str]]) -> list[str]:
    result: list[str] = []
    for _, value in sorted(found, key=lambda item: item[0]):
        if value not in result:
            result.append(value)
    return result


def extract_order_numbers(text: str) -> list[str]:
    """Order numbers: ``ND-104233`` stays prefixed (upper-case), the others are bare digits."""
    sku_spans = [m.span() for m in _SKU.finditer(text)]
    found = []
    for pattern in _ORDER_PATTERNS:
        for match in pattern.finditer(text):
            start = match.start(1)
            if any(s <= start < e for s, e in sku_spans):
                continue
            found.append((start, match[1].upper()))
    return _in_order(found)


def extract_skus(text: str) -> list[str]:
    """Catalogue SKUs such as ``PK-ALIZE-M-NOIR`` (upper-case only, as printed on tags)."""
    return _in_order([(m.start(), m[1]) for m in _SKU.finditer(text)])


def extract_carriers(text: str) -> list[str]:
    """Canonical names of the carriers named in ``text``."""
    folded = fold(text)
    found = []
    for name, pattern in CARRIERS:
        match = pattern.search(folded)
        if match:
            found.append((match.start(), name))
    return _in_order(found)


def extract_entities(text: str) -> Entities:
    """Order numbers, SKUs and carriers named in a message."""
    return Entities(
        order_numbers=extract_order_numbers(text),
        skus=extract_skus(text),
        carriers=extract_carriers(text),
    )
