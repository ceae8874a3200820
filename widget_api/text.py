"""Text helpers shared by intake, search, storage and the demo generator (outside the domain
so that storage may use them)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accents removed, white space collapsed: the form every search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search box query, longest first so the rarest filter applies first."""
    words = {w for w in re.split(r"[^\w@.#-]+", fold(query)) if w}
    return sorted(words, key=len, reverse=True)[:8]
