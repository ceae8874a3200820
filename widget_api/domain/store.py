"""The store's own settings, edited by administrators from the dashboard."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from widget_api.contracts.auth import Agent
from widget_api.contracts.inbox import StoreSettings
from widget_api.domain.errors import Invalid
from widget_api.settings import Settings
from widget_api.storage import Database, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

KEY = "store"


def get(db: Database, settings: Settings) -> StoreSettings:
    saved = db.read(lambda cur: settings_store.get(cur, KEY))
    if saved:
        return StoreSettings.model_validate(saved)
    return StoreSettings(
        name=settings.store.name,
        default_language=settings.store.default_language,
        timezone=settings.store.timezone,
    )


def put(db: Database, agent: Agent, data: StoreSettings) -> StoreSettings:
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid("error.bad_timezone", timezone=data.timezone) from exc
    if data.default_language not in data.languages:
        raise Invalid("error.default_language", language=data.default_language)
    value = data.model_dump()
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return data
