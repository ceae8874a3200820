"""SMS outbox: an agent's reply on an SMS ticket is queued to leave through Twilio."""

from __future__ import annotations

from widget_api.listeners.base import ChannelOutboxListener


class SmsOutboxListener(ChannelOutboxListener):
    name = "sms_outbox"
    channels = ("sms",)
