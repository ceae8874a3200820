"""Who in a team gets the next ticket: round robin or least loaded, never an away agent.

Called inside a write transaction (automation rules assign as part of the change they make), so
the round-robin pointer moves with the assignment it serves: a rolled-back rule moves nothing,
and two assignments in a row never read the same pointer.
"""

from __future__ import annotations

from typing import Literal

from widget_api.storage import teams as store
from widget_api.storage.db import Writer

Strategy = Literal["round_robin", "least_loaded"]
STRATEGIES: tuple[Strategy, ...] = ("round_robin", "least_loaded")


def pick_assignee(w: Writer, team_id: int, strategy: Strategy) -> int | None:
    """The id of an active, available member of the team, or None (unknown team, no member
    available). Round robin moves the team's pointer to the one picked."""
    available = [c for c in store.candidates(w.cur, team_id) if c["availability"] == "available"]
    if not available:
        return None
    if strategy == "least_loaded":
        # Fewest tickets first; the lowest id breaks ties, so the same state gives the same pick.
        return min(available, key=lambda c: (c["load"], c["id"]))["id"]
    if strategy != "round_robin":
        raise ValueError(f"unknown assignment strategy: {strategy!r}")
    picked = next_in_turn([c["id"] for c in available], store.round_robin_pointer(w.cur, team_id))
    store.move_round_robin_pointer(w, team_id, picked)
    return picked


def next_in_turn(member_ids: list[int], last: int | None) -> int:
    """The first member after ``last`` in id order, wrapping round. Keying the turn on the last
    agent picked (not a position) keeps it fair when members join, leave or step away."""
    ordered = sorted(member_ids)
    return next((agent_id for agent_id in ordered if last is None or agent_id > last), ordered[0])
