"""The people who answer tickets."""

from __future__ import annotations

from widget_api.contracts.auth import Agent, AgentCreate
from widget_api.contracts.inbox import AgentUpdate
from widget_api.domain import availability
from widget_api.domain.errors import Forbidden, Invalid, NotFound
from widget_api.domain.secrets import hash_password, verify_password
from widget_api.storage import Database, agents
from widget_api.storage import teams as team_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow


def list_agents(db: Database) -> list[Agent]:
    """The roster, each agent with their availability and teams."""
    rows, teams = db.read(lambda cur: (agents.all_agents(cur), team_store.teams_of_agents(cur)))
    return [Agent.model_validate({**row, "teams": teams.get(row["id"], [])}) for row in rows]


def get_agent(db: Database, agent_id: int) -> Agent:
    """One agent as the roster shows them (with availability and teams)."""
    found = next((agent for agent in list_agents(db) if agent.id == agent_id), None)
    if found is None:
        raise NotFound("error.not_found")
    return found


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


def update_agent(db: Database, by: Agent, agent_id: int, data: AgentUpdate) -> Agent:
    """Administrators change anyone; agents only their own name, language and password."""
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    current = changes.pop("current_password", None)
    available = changes.pop("availability", None)  # its own event (agent.availability_changed)
    if by.role != "admin" and (agent_id != by.id or {"role", "active"} & set(changes)):
        raise Forbidden("error.forbidden")
    if "password" in changes and agent_id == by.id:
        _check_current_password(db, by, current)
    if "password" in changes:
        changes["password_hash"] = hash_password(changes.pop("password"))
    if changes.get("role") == "agent" or changes.get("active") is False:
        others = [a for a in list_agents(db) if a.role == "admin" and a.active and a.id != agent_id]
        if not others:
            raise Invalid("error.last_admin")
    if db.read(lambda cur: agents.by_id(cur, agent_id)) is None:
        raise NotFound("error.not_found")

    def job(w):
        if changes:
            agents.update(w, agent_id, changes, Actor("agent", by.id), utcnow())
        if available:
            availability.change(w, by, agent_id, available)

    if changes or available:
        db.write(job)
    return get_agent(db, agent_id)


def _check_current_password(db: Database, agent: Agent, current: str | None) -> None:
    """One's own password changes only with the current one: a borrowed session cannot take the
    account over. (An administrator resetting someone else's password does not need theirs.)"""
    if not current:
        raise Invalid("error.current_password_required")
    row = db.read(lambda cur: agents.by_email_with_hash(cur, agent.email))
    if row is None or not verify_password(row["password_hash"], current):
        raise Forbidden("error.current_password_wrong")
