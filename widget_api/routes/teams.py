"""Teams (every agent reads them; administrators change them) and one's own availability."""

from __future__ import annotations

from litestar import Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from widget_api.contracts.auth import Agent
from widget_api.contracts.teams import AvailabilityUpdate, Team, TeamCreate, TeamUpdate
from widget_api.domain import availability, team, teams
from widget_api.routes.guards import admin_required, agent_required, json_body

_TAGS = ["teams"]


@get("/api/v1/teams", operation_id="ListTeams", tags=_TAGS, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def list_teams(state: State) -> list[Team]:
    """Every team by name, with its strategy and members."""
    return teams.list_teams(state.db)


@post("/api/v1/teams", operation_id="CreateTeam", tags=_TAGS, status_code=201,
      guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def create_team(state: State, request: Request, data: JSONBody[TeamCreate]) -> Team:
    """Create a team (administrators); 409 when the name is taken, 400 for unknown agents."""
    return teams.create_team(state.db, request.state.agent, data)


@get("/api/v1/teams/{team_id:int}", operation_id="GetTeam", tags=_TAGS, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def get_team(state: State, team_id: FromPath[int]) -> Team:
    """One team."""
    return teams.get_team(state.db, team_id)


@patch("/api/v1/teams/{team_id:int}", operation_id="UpdateTeam", tags=_TAGS,
       guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def update_team(
    state: State, request: Request, team_id: FromPath[int], data: JSONBody[TeamUpdate]
) -> Team:
    """Rename a team, change its strategy or replace its members (administrators)."""
    return teams.update_team(state.db, request.state.agent, team_id, data)


@delete("/api/v1/teams/{team_id:int}", operation_id="DeleteTeam", tags=_TAGS,
        guards=[admin_required], sync_to_thread=True)  # fmt: skip
def delete_team(state: State, request: Request, team_id: FromPath[int]) -> None:
    """Delete a team (administrators); its agents and their tickets stay."""
    teams.delete_team(state.db, request.state.agent, team_id)


@patch("/api/v1/agents/me/availability", operation_id="SetMyAvailability", tags=["agents"],
       guards=[agent_required, json_body], sync_to_thread=True)  # fmt: skip
def set_my_availability(
    state: State, request: Request, data: JSONBody[AvailabilityUpdate]
) -> Agent:
    """Become available or away: away agents get no new tickets from team assignment.
    (Administrators set anyone's with ``PATCH /api/v1/agents/{id}``.)"""
    me = request.state.agent
    availability.set_availability(state.db, me, me.id, data.availability)
    return team.get_agent(state.db, me.id)


HANDLERS = [list_teams, create_team, get_team, update_team, delete_team, set_my_availability]
