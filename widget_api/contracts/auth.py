"""Agent sign-in."""

from __future__ import annotations

from pydantic import BaseModel, Field

from widget_api.contracts.common import Language, Role, UtcDateTime
from widget_api.contracts.teams import Availability, TeamRef


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class Agent(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    language: Language
    active: bool
    availability: Availability = Field(
        "available", description="away: skipped when tickets are assigned to a team."
    )
    teams: list[TeamRef] = Field(default_factory=list, description="In the roster only.")


class LoginResponse(BaseModel):
    token: str
    expires_at: UtcDateTime
    agent: Agent


class AgentCreate(BaseModel):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = Field(min_length=1, max_length=120)
    role: Role = "agent"
    language: Language = "fr"
    password: str = Field(min_length=8, max_length=1024)
