"""Reading numbers and comparing secrets taken from a request.

``str.isdigit()`` is true for '²' and '٣' (``int`` refuses the first, reads the second), ``int``
refuses more than 4,300 digits, and ``hmac.compare_digest`` raises ``TypeError`` on a non-ASCII
``str``: each turned a forged token into a 500. These two helpers are the way to do either."""

from __future__ import annotations

import hmac

_MAX_DIGITS = 18  # below 2**63: a DuckDB BIGINT and any id or counter of ours


def ascii_int(text: str, max_digits: int = _MAX_DIGITS) -> int | None:
    """The number written in ``text`` with 1 to ``max_digits`` ASCII digits, else None."""
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time equality of two strings of any characters."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )
