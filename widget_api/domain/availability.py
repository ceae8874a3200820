"""Whether an agent takes new tickets: available, or away (assignment skips them; the tickets
they have stay theirs). Anyone sets their own; administrators set anyone's."""

from __future__ import annotations

from widget_api.contracts.auth import Agent
from widget_api.contracts.teams import Availability
from widget_api.domain.errors import Forbidden, NotFound
from widget_api.storage import Database
from widget_api.storage import teams as store
from widget_api.storage.db import Writer
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow


def set_availability(db: Database, by: Agent, agent_id: int, value: Availability) -> None:
    if by.role != "admin" and agent_id != by.id:
        raise Forbidden("error.forbidden")
    db.write(lambda w: change(w, by, agent_id, value))


def change(w: Writer, by: Agent, agent_id: int, value: Availability) -> None:
    """Inside a write job (an agent update may change availability with other fields)."""
    if store.set_availability(w, agent_id, value, Actor("agent", by.id), utcnow()) is None:
        raise NotFound("error.not_found")
