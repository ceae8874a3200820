"""``/webhooks/meta`` serves every Meta channel: WhatsApp (``"object":
"whatsapp_business_account"``), Messenger (``"page"``) and Instagram (``"instagram"``). The
handshake accepts either channel's verify token; a delivery must be signed with the app secret
of a channel that takes its ``object`` (one Meta app may serve all three, or one app each)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from widget_api.channels import messenger_settings, whatsapp_settings
from widget_api.channels.meta_signature import valid
from widget_api.storage import Database

WHATSAPP_OBJECTS = frozenset({"whatsapp_business_account"})
MESSENGER_OBJECTS = frozenset({"page", "instagram"})
KNOWN_OBJECTS = WHATSAPP_OBJECTS | MESSENGER_OBJECTS


@dataclass(frozen=True)
class MetaConfigs:
    whatsapp: whatsapp_settings.WhatsappConfig
    messenger: messenger_settings.MessengerConfig


def load(db: Database) -> MetaConfigs:
    return MetaConfigs(whatsapp_settings.load(db), messenger_settings.load(db))


def token_ok(configs: MetaConfigs, given: str) -> bool:
    expected = [c.verify_token for c in (configs.whatsapp, configs.messenger) if c.verify_token]
    # Every token compared, in constant time each: which one matched is not revealed by timing.
    matches = [hmac.compare_digest(e.encode(), given.encode()) for e in expected]
    return any(matches)


def signed_objects(configs: MetaConfigs, body: bytes, given: str | None) -> frozenset[str]:
    """The ``object`` values this signature lets in (empty: nobody signed it)."""
    allowed: frozenset[str] = frozenset()
    if valid(configs.whatsapp.app_secret, body, given):
        allowed |= WHATSAPP_OBJECTS
    if valid(configs.messenger.app_secret, body, given):
        allowed |= MESSENGER_OBJECTS
    return allowed
