"""The people who answer tickets."""

from __future__ import annotations

from widget_api.contracts.auth import Agent, AgentCreate
from widget_api.domain.errors import Invalid
from widget_api.domain.secrets import hash_password
from widget_api.storage import Database, agents
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow


def list_agents(db: Database) -> list[Agent]:
    return [Agent.model_validate(row) for row in db.read(agents.all_agents)]


def create_agent(db: Database, by: Agent, data: AgentCreate) -> Agent:
    email = data.email.strip().lower()
    if db.read(lambda cur: agents.by_email_with_hash(cur, email)):
        raise Invalid("error.agent_exists", email=email)
    password_hash = hash_password(data.password)
    agent_id = db.write(
        lambda w: agents.create(
            w,
            email=email,
            name=data.name.strip(),
            role=data.role,
            password_hash=password_hash,
            language=data.language,
            at=utcnow(),
            actor=Actor("agent", by.id),
        )
    )
    return Agent.model_validate(db.read(lambda cur: agents.by_id(cur, agent_id)))
