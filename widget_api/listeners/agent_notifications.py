"""Agent notifications: an assignment, a customer's answer on an agent's ticket and an
@mention each leave a notification for the agent concerned (the dashboard polls them)."""

from __future__ import annotations

from widget_api.domain import agent_notifications
from widget_api.storage import Database
from widget_api.storage.events import Event


class AgentNotifier:
    name = "agent_notifications"
    # Replayed after a crash: one notification per (agent, causing event), so twice is harmless.
    durable = True

    def __init__(self, db: Database):
        self.db = db

    def wants(self, event: Event) -> bool:
        return agent_notifications.wanted(event)

    def handle(self, events: list[Event]) -> None:
        agent_notifications.notify(self.db, events)

    def close(self) -> None:
        pass
