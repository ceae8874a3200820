"""Teams of agents, how they hand out tickets, and agents' availability."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.common import JsonInt, UtcDateTime

Strategy = Literal["round_robin", "least_loaded"]
Availability = Literal["available", "away"]


class TeamRef(BaseModel):
    """A team an agent belongs to, as the roster shows it."""

    id: int
    name: str


class Team(BaseModel):
    id: int
    name: str
    strategy: Strategy = Field(
        description="round_robin: members in turn; least_loaded: the member with the fewest "
        "new, open and pending tickets. Away and inactive agents are skipped by both."
    )
    member_ids: list[int] = Field(description="Agent ids, sorted.")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    strategy: Strategy = "round_robin"
    member_ids: list[JsonInt] = Field(default_factory=list, max_length=500)


class TeamUpdate(BaseModel):
    """Fields to change; absent ones stay. None of them may be null (a 400)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(None, min_length=1, max_length=80)
    strategy: Strategy = Field(None)
    member_ids: list[JsonInt] = Field(None, max_length=500)


class AvailabilityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    availability: Availability = Field(
        description="away: no new tickets are assigned to the agent (their own stay theirs)."
    )
