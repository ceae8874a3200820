"""The SMS channel's settings (``store_settings`` key ``sms``): the Twilio account, its auth
token (sealed at rest, never returned), the sender (a number or a messaging service) and the API
base URL (Twilio's; tests point it at a fake)."""

from __future__ import annotations

from dataclasses import dataclass

from widget_api.channels.phones import to_e164
from widget_api.contracts.auth import Agent
from widget_api.contracts.channels import SmsSettings, SmsSettingsUpdate
from widget_api.domain import secret_box
from widget_api.domain.errors import Invalid
from widget_api.storage import Database, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

KEY = "sms"
TWILIO_API = "https://api.twilio.com"
INBOUND_PATH = "/webhooks/twilio/sms"
STATUS_PATH = "/webhooks/twilio/status"


@dataclass(frozen=True)
class SmsConfig:
    account_sid: str
    auth_token: str
    from_number: str | None
    messaging_service_sid: str | None
    api_base_url: str

    @property
    def can_send(self) -> bool:
        return bool(self.account_sid and self.auth_token and
                    (self.from_number or self.messaging_service_sid))  # fmt: skip


def _stored(db: Database) -> dict:
    return db.read(lambda cur: settings_store.get(cur, KEY)) or {}


def load(db: Database) -> SmsConfig | None:
    """The settings with the token opened; None until an account and a token are set."""
    value = _stored(db)
    if not value.get("account_sid") or not value.get("auth_token"):
        return None
    token = secret_box.open_secret(db, value["auth_token"], "sms_auth_token")
    return SmsConfig(
        account_sid=value["account_sid"],
        auth_token=token,
        from_number=value.get("from_number"),
        messaging_service_sid=value.get("messaging_service_sid"),
        api_base_url=(value.get("api_base_url") or TWILIO_API).rstrip("/"),
    )


def view(db: Database, public_base_url: str) -> SmsSettings:
    value = _stored(db)
    base = public_base_url.rstrip("/")
    return SmsSettings(
        configured=bool(value.get("account_sid") and value.get("auth_token")),
        account_sid=value.get("account_sid"),
        auth_token_set=bool(value.get("auth_token")),
        from_number=value.get("from_number"),
        messaging_service_sid=value.get("messaging_service_sid"),
        api_base_url=value.get("api_base_url") or TWILIO_API,
        inbound_webhook_url=base + INBOUND_PATH,
        status_callback_url=base + STATUS_PATH,
    )


def save(db: Database, agent: Agent, data: SmsSettingsUpdate, public_base_url: str) -> SmsSettings:
    value = _stored(db)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("from_number"):
        number = to_e164(changes["from_number"])
        if number is None:
            raise Invalid("channels.error.bad_phone", value=changes["from_number"])
        changes["from_number"] = number
    if "auth_token" in changes:
        token = (changes.pop("auth_token") or "").strip()
        value["auth_token"] = secret_box.seal(db, token) if token else None
    value.update({k: (v or None) for k, v in changes.items()})
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return view(db, public_base_url)
