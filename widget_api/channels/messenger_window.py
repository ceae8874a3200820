"""Messenger's (and Instagram's) messaging window: within 24 hours of the customer's last
message a reply is a plain ``RESPONSE``; from 24 hours to 7 days it may still go out tagged
``HUMAN_AGENT`` (a person answering, which Meta allows for a week); after that nothing may be
sent until the customer writes again, and an agent's reply is refused with the reason. A reply
longer than the platform takes (Messenger: 2,000 characters; Instagram: 1,000 bytes of UTF-8) is
refused before it is queued, rather than failing at Meta."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from widget_api.domain.errors import Conflict, Invalid
from widget_api.storage import messenger as store
from widget_api.storage.db import Cursor
from widget_api.storage.rows import utcnow

MESSENGER_MAX_CHARS = 2000
INSTAGRAM_MAX_BYTES = 1000
STANDARD = timedelta(hours=24)
HUMAN_AGENT = timedelta(days=7)


def messaging_type(last: datetime | None, at: datetime) -> tuple[str, str | None] | None:
    """(``messaging_type``, ``tag``) for a reply written at ``at``; None when the window is
    closed."""
    if last is None:
        return None
    age = naive_utc(at) - naive_utc(last)
    if age <= STANDARD:
        return "RESPONSE", None
    if age <= HUMAN_AGENT:
        return "MESSAGE_TAG", "HUMAN_AGENT"
    return None


def naive_utc(value: datetime) -> datetime:
    """Naive UTC, as the ``*_at`` columns store it (rows may come back zone-aware)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def refuse_reply(cur: Cursor, ticket_id: int, channel: str, body: str) -> None:
    """Inside an agent's reply on a Messenger/Instagram ticket: 400 when too long for the
    platform, 409 after 7 days."""
    if channel == "instagram" and len(body.encode()) > INSTAGRAM_MAX_BYTES:
        raise Invalid("channels.messenger.error.too_long_instagram", size=len(body.encode()),
                      limit=INSTAGRAM_MAX_BYTES)  # fmt: skip
    if channel == "facebook" and len(body) > MESSENGER_MAX_CHARS:
        raise Invalid("channels.messenger.error.too_long_messenger", size=len(body),
                      limit=MESSENGER_MAX_CHARS)  # fmt: skip
    last = store.last_customer_message_at(cur, ticket_id)
    if messaging_type(last, utcnow()) is None:
        when = last.strftime("%Y-%m-%d %H:%M UTC") if last else "—"
        platform = "Instagram" if channel == "instagram" else "Messenger"
        raise Conflict("channels.messenger.error.window_closed", last=when, platform=platform)
