"""Messenger outbox: an agent's reply on a Messenger or Instagram ticket is queued to leave
through Meta's Send API."""

from __future__ import annotations

from widget_api.listeners.base import ChannelOutboxListener


class MessengerOutboxListener(ChannelOutboxListener):
    name = "messenger_outbox"
    channels = ("facebook", "instagram")
