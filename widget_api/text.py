"""Text helpers shared by intake, search, storage and the demo generator (outside the domain
so that storage may use them)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _drop_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def fold(text: str) -> str:
    """Lower-case, accents removed, white space collapsed: the form every search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Only non-ASCII characters can be combining marks: test those alone (imports fold
    # hundreds of thousands of messages).
    stripped = _NON_ASCII.sub(_drop_combining, decomposed)
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search box query, longest first so the rarest filter applies first."""
    words = {w for w in re.split(r"[^\w@.#-]+", fold(query)) if w}
    return sorted(words, key=len, reverse=True)[:8]
