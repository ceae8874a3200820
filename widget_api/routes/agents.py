"""The agent roster: every agent may list it; only administrators add agents."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.contracts.auth import Agent, AgentCreate
from widget_api.domain import team
from widget_api.routes.guards import admin_required, agent_required, json_body


@get("/api/v1/agents", operation_id="ListAgents", tags=["agents"], guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def list_agents(state: State) -> list[Agent]:
    """Every agent, active or not, by name."""
    return team.list_agents(state.db)


@post(
    "/api/v1/agents",
    operation_id="CreateAgent",
    tags=["agents"],
    status_code=201,
    guards=[admin_required, json_body],
    sync_to_thread=True,
)
def create_agent(state: State, request: Request, data: JSONBody[AgentCreate]) -> Agent:
    """Add an agent (administrators only)."""
    return team.create_agent(state.db, request.state.agent, data)
