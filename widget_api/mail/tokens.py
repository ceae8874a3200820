"""Signed per-ticket reply addresses, our Message-IDs, and Outlook's Thread-Index.

A reply address ``support+c100042-k7q2…@nordet.example`` carries the ticket reference and an
HMAC of it keyed with the server secret (``settings.security.secret_key``): knowing a reference
is not enough to write into someone's ticket, and a token cannot be made for another ticket.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC, datetime

from widget_api.domain.untrusted import same_secret
from widget_api.refs import ticket_id_from_ref

_SIG_CHARS = 16  # 80 bits of base32
_EPOCH_DIFF = 11_644_473_600  # seconds between 1601-01-01 and 1970-01-01


def _sign(secret: str, purpose: str, value: str) -> str:
    mac = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode().lower()[:_SIG_CHARS]


def split_address(address: str) -> tuple[str, str | None, str]:
    """``support+tag@host`` → (``support``, ``tag``, ``host``)."""
    local, _, domain = address.lower().rpartition("@")
    base, plus, tag = local.partition("+")
    return base, (tag if plus else None), domain


def reply_address(support_address: str, ref: str, secret: str) -> str:
    base, _, domain = split_address(support_address)
    token = f"{ref.lower()}-{_sign(secret, 'reply', ref.upper())}"
    return f"{base}+{token}@{domain}"


def ref_from_address(address: str, secret: str) -> str | None:
    """The ticket reference of a genuine reply address; None for anything else (forged too)."""
    _, tag, _ = split_address(address)
    if not tag or "-" not in tag:
        return None
    ref, _, signature = tag.rpartition("-")
    ref = ref.upper()
    if ticket_id_from_ref(ref) is None:
        return None
    if not same_secret(signature, _sign(secret, "reply", ref)):
        return None
    return ref


def message_id(ref: str, kind: str, number: int, domain: str, secret: str) -> str:
    """A stable Message-ID for one outgoing mail (without brackets): building it twice gives the
    same id, so a retried or re-queued mail is recognised as the same one."""
    local = f"{ref.lower()}.{kind}{number}"
    return f"{local}.{_sign(secret, 'mid', local)[:10]}@{domain}"


# -- Thread-Index (MS-OXOMSG PidTagConversationIndex) ----------------------------------------
def _filetime(at: datetime) -> int:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return int((at.timestamp() + _EPOCH_DIFF) * 10_000_000)


def _child(delta: int) -> bytes:
    delta = max(0, delta)
    # Delta code 0: bits 18-48 of the time difference; 1 (beyond ~1.7 years): bits 23-53.
    small = delta < (1 << 49)
    value = (delta >> 18) & 0x7FFFFFFF if small else (1 << 31) | ((delta >> 23) & 0x7FFFFFFF)
    tail = (os.urandom(1)[0] & 0xF0) | 0x01
    return value.to_bytes(4, "big") + bytes([tail])


def thread_index(parent: str | None, thread_key: str, started: datetime, now: datetime) -> str:
    """The Thread-Index of a new message in a conversation: the parent's (the customer's
    Outlook set one) plus a child block, else a header for the ticket plus a child block."""
    data = None
    if parent:
        try:
            decoded = base64.b64decode(parent.strip(), validate=True)
            if len(decoded) >= 22 and (len(decoded) - 22) % 5 == 0:
                data = decoded
        except ValueError:
            data = None
    if data is None:
        guid = hashlib.md5(thread_key.encode(), usedforsecurity=False).digest()
        data = _filetime(started).to_bytes(8, "big")[:6] + guid
    base = int.from_bytes(data[:6] + b"\0\0", "big")
    return base64.b64encode(data + _child(_filetime(now) - base)).decode()
