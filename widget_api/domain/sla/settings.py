"""Saving SLA settings (policies, hours, holidays) from the dashboard."""

from __future__ import annotations

from widget_api.contracts.auth import Agent
from widget_api.contracts.sla import SlaSettings
from widget_api.domain.sla.worker import KEY, load_settings
from widget_api.storage import Database, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow


def save(db: Database, agent: Agent, data: SlaSettings) -> None:
    value = data.model_dump(mode="json")
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))


def load(db: Database) -> SlaSettings:
    return load_settings(db)
