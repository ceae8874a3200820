"""Messenger's messaging window (``widget_api/channels/messenger_window.py``): a plain
``RESPONSE`` within 24 hours of the customer's last message, ``HUMAN_AGENT`` up to 7 days,
nothing after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from widget_api.channels.messenger_window import messaging_type

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
