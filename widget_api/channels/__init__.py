"""Messaging channels beyond e-mail (issue 16). SMS through Twilio first; WhatsApp, Messenger
and Instagram follow the same path: an identity per channel, an inbound log deduplicated by the
platform's message id, the one ticket-creation path, and a durable outbox per platform."""
