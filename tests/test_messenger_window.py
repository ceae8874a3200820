"""Messenger's messaging window (``widget_api/channels/messenger_window.py``, with the last
customer message from ``widget_api/storage/messenger.py``): a plain
``RESPONSE`` within 24 hours of the customer's last message, ``HUMAN_AGENT`` up to 7 days,
nothing after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from widget_api.channels.messenger_window import messaging_type
from widget_api.domain import ticket_creation
from widget_api.storage import Database
from widget_api.storage import messenger as store

LAST = datetime(2026, 6, 1, 12, 0)


@pytest.mark.parametrize(
    "later, expected",
    [
        (timedelta(0), ("RESPONSE", None)),
        (timedelta(hours=24), ("RESPONSE", None)),
        (timedelta(hours=24, seconds=1), ("MESSAGE_TAG", "HUMAN_AGENT")),
        (timedelta(days=7), ("MESSAGE_TAG", "HUMAN_AGENT")),
        (timedelta(days=7, seconds=1), None),
    ],
)
def test_the_reply_kind_follows_the_time_since_the_customer_wrote(later, expected):
    assert messaging_type(LAST, LAST + later) == expected


def test_no_customer_message_means_no_reply():
    assert messaging_type(None, LAST) is None


def test_a_zone_aware_time_is_read_in_utc():
    aware = (LAST + timedelta(hours=25)).replace(tzinfo=UTC).astimezone()
    assert messaging_type(LAST, aware) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_a_conversation_not_received_through_the_webhook_counts_its_own_inbound_messages(tmp_path):
    """A demo's or an import's Messenger ticket has no webhook delivery: its last inbound
    message, by our clock, opens the window."""
    at = datetime(2026, 6, 1, 9, 30)
    with Database(tmp_path / "w.duckdb") as db:

        def write(w) -> int:
            customer_id = store.create_customer(w, "Zoé", "fr", at)
            opened = ticket_creation.create_ticket(
                w,
                ticket_creation.NewInbound(channel="facebook", body_text="Allô", sender_email=None,
                                           customer_id=customer_id),
                default_language="fr", at=at,
            )  # fmt: skip
            return opened.ticket_id

        ticket_id = db.write(write)
        last = db.read(lambda cur: store.last_customer_message_at(cur, ticket_id))
    assert last.replace(tzinfo=None) == at
    assert messaging_type(last, at + timedelta(hours=2)) == ("RESPONSE", None)
