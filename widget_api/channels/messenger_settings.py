"""The Messenger and Instagram channel's settings (``store_settings`` key ``messenger``): the
Facebook Page id, its Page access token (which also sends Instagram messages through the Page),
the Instagram professional account id, the app secret and the webhook verify token (the three
secrets sealed at rest, never returned), and the Graph API base URL and version (tests point the
URL at a fake)."""

from __future__ import annotations

from dataclasses import dataclass

from widget_api.channels.whatsapp_settings import API_VERSION, GRAPH_API, WEBHOOK_PATH
from widget_api.contracts.auth import Agent
from widget_api.contracts.channels import MessengerSettings, MessengerSettingsUpdate
from widget_api.domain import secret_box
from widget_api.storage import Database, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

KEY = "messenger"
_SECRETS = ("page_access_token", "app_secret", "verify_token")


@dataclass(frozen=True)
class MessengerConfig:
    page_id: str | None
    page_access_token: str | None
    instagram_account_id: str | None
    app_secret: str | None
    verify_token: str | None
    graph_base_url: str
    api_version: str

    @property
    def can_send(self) -> bool:
        return bool(self.page_id and self.page_access_token)


def _stored(db: Database) -> dict:
    return db.read(lambda cur: settings_store.get(cur, KEY)) or {}


def load(db: Database) -> MessengerConfig:
    value = _stored(db)
    opened = {
        name: secret_box.open_secret(db, value[name], "messenger") if value.get(name) else None
        for name in _SECRETS
    }
    return MessengerConfig(
        page_id=value.get("page_id"),
        instagram_account_id=value.get("instagram_account_id"),
        graph_base_url=(value.get("graph_base_url") or GRAPH_API).rstrip("/"),
        api_version=value.get("api_version") or API_VERSION,
        **opened,
    )


def view(db: Database, public_base_url: str) -> MessengerSettings:
    value = _stored(db)
    return MessengerSettings(
        configured=bool(value.get("page_id") and value.get("page_access_token")),
        page_id=value.get("page_id"),
        page_access_token_set=bool(value.get("page_access_token")),
        instagram_account_id=value.get("instagram_account_id"),
        app_secret_set=bool(value.get("app_secret")),
        verify_token_set=bool(value.get("verify_token")),
        graph_base_url=value.get("graph_base_url") or GRAPH_API,
        api_version=value.get("api_version") or API_VERSION,
        webhook_url=public_base_url.rstrip("/") + WEBHOOK_PATH,
    )


def save(
    db: Database, agent: Agent, data: MessengerSettingsUpdate, public_base_url: str
) -> MessengerSettings:
    value = _stored(db)
    changes = data.model_dump(exclude_unset=True)
    for name in _SECRETS:
        if name in changes:
            secret = (changes.pop(name) or "").strip()
            value[name] = secret_box.seal(db, secret) if secret else None
    value.update({k: (v or None) for k, v in changes.items()})
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return view(db, public_base_url)
