"""Public ticket references: short, readable, stable (``C100042``). Not secret: the conversation
token is what lets a customer read a conversation."""

from __future__ import annotations

import re

_OFFSET = 100_000
_REF = re.compile(r"^C(\d{6,})$")


def ticket_ref(ticket_id: int) -> str:
    return f"C{ticket_id + _OFFSET}"


def ticket_id_from_ref(ref: str) -> int | None:
    match = _REF.match(ref.strip().upper().lstrip("#"))
    if not match:
        return None
    value = int(match[1]) - _OFFSET
    return value if value > 0 else None
