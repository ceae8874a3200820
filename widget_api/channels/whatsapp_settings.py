"""The WhatsApp channel's settings (``store_settings`` key ``whatsapp``): the business phone
number id, the access token and the app secret (both sealed at rest, never returned), the
webhook verify token (secret too), the approved templates, and the Graph API base URL and
version (tests point the URL at a fake)."""

from __future__ import annotations

from dataclasses import dataclass

from widget_api.contracts.auth import Agent
from widget_api.contracts.channels import (
    WhatsappSettings,
    WhatsappSettingsUpdate,
    WhatsappTemplate,
)
from widget_api.domain import secret_box
from widget_api.storage import Database, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

KEY = "whatsapp"
GRAPH_API = "https://graph.facebook.com"
API_VERSION = "v23.0"
WEBHOOK_PATH = "/webhooks/meta"
_SECRETS = ("access_token", "app_secret", "verify_token")


@dataclass(frozen=True)
class WhatsappConfig:
    phone_number_id: str | None
    access_token: str | None
    app_secret: str | None
    verify_token: str | None
    templates: tuple[tuple[str, str], ...]
    graph_base_url: str
    api_version: str

    @property
    def can_send(self) -> bool:
        return bool(self.phone_number_id and self.access_token)


def _stored(db: Database) -> dict:
    return db.read(lambda cur: settings_store.get(cur, KEY)) or {}


def load(db: Database) -> WhatsappConfig:
    value = _stored(db)
    opened = {
        name: secret_box.open_secret(db, value[name], "whatsapp") if value.get(name) else None
        for name in _SECRETS
    }
    return WhatsappConfig(
        phone_number_id=value.get("phone_number_id"),
        templates=tuple((t["name"], t["language"]) for t in value.get("templates") or []),
        graph_base_url=(value.get("graph_base_url") or GRAPH_API).rstrip("/"),
        api_version=value.get("api_version") or API_VERSION,
        **opened,
    )


def view(db: Database, public_base_url: str) -> WhatsappSettings:
    value = _stored(db)
    return WhatsappSettings(
        configured=bool(value.get("phone_number_id") and value.get("access_token")),
        phone_number_id=value.get("phone_number_id"),
        access_token_set=bool(value.get("access_token")),
        app_secret_set=bool(value.get("app_secret")),
        verify_token_set=bool(value.get("verify_token")),
        templates=[WhatsappTemplate.model_validate(t) for t in value.get("templates") or []],
        graph_base_url=value.get("graph_base_url") or GRAPH_API,
        api_version=value.get("api_version") or API_VERSION,
        webhook_url=public_base_url.rstrip("/") + WEBHOOK_PATH,
    )


def save(
    db: Database, agent: Agent, data: WhatsappSettingsUpdate, public_base_url: str
) -> WhatsappSettings:
    value = _stored(db)
    changes = data.model_dump(exclude_unset=True)
    for name in _SECRETS:
        if name in changes:
            secret = (changes.pop(name) or "").strip()
            value[name] = secret_box.seal(db, secret) if secret else None
    if "templates" in changes:
        value["templates"] = changes.pop("templates") or []
    value.update({k: (v or None) for k, v in changes.items()})
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return view(db, public_base_url)
