"""WhatsApp outbox: an agent's reply on a WhatsApp ticket is queued to leave through Meta."""

from __future__ import annotations

from widget_api.listeners.base import ChannelOutboxListener


class WhatsappOutboxListener(ChannelOutboxListener):
    name = "whatsapp_outbox"
    channels = ("whatsapp",)
