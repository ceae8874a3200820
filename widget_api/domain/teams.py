"""Teams of agents (``team.py`` is the agent accounts): create, rename, change strategy and
members, delete; and the demo store's teams.

Checks run inside the write job, so two requests creating the same name cannot both pass them.
"""

from __future__ import annotations

import unicodedata

from widget_api.contracts.auth import Agent
from widget_api.contracts.teams import Team, TeamCreate, TeamUpdate
from widget_api.domain.errors import Conflict, Invalid, NotFound
from widget_api.storage import Database
from widget_api.storage import teams as store
from widget_api.storage.db import Writer
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

# The demo store's teams: (name, strategy, e-mails of the demo agents in it).


def list_teams(db: Database) -> list[Team]:
    return [Team.model_validate(row) for row in db.read(store.all_teams)]


def get_team(db: Database, team_id: int) -> Team:
    row = db.read(lambda cur: store.by_id(cur, team_id))
    if row is None:
        raise NotFound("error.team_not_found")
    return Team.model_validate(row)


def create_team(db: Database, by: Agent, data: TeamCreate) -> Team:
    name = _name(data.name)

    def job(w: Writer) -> int:
        _check_name_free(w, name)
        members = _members(w, data.member_ids)
        return store.create(w, name=name, strategy=data.strategy, member_ids=members,
                            actor=Actor("agent", by.id), at=utcnow())  # fmt: skip

    return get_team(db, db.write(job))


def update_team(db: Database, by: Agent, team_id: int, data: TeamUpdate) -> Team:
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        changes["name"] = _name(changes["name"])

    def job(w: Writer) -> dict | None:
        if store.by_id(w.cur, team_id) is None:
            raise NotFound("error.team_not_found")
        if "name" in changes:
            _check_name_free(w, changes["name"], team_id)
        if "member_ids" in changes:
            changes["member_ids"] = _members(w, changes["member_ids"])
        return store.update(w, team_id, changes, Actor("agent", by.id), utcnow())

    return Team.model_validate(db.write(job))


def delete_team(db: Database, by: Agent, team_id: int) -> None:
    if not db.write(lambda w: store.delete(w, team_id, Actor("agent", by.id), utcnow())):
        raise NotFound("error.team_not_found")


def _name(raw: str) -> str:
    # No control or invisible format characters, no look-alikes differing by spaces.
    shown = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = " ".join(shown.split())
    if not name:
        raise Invalid("error.team_name_blank")
    return name


def _check_name_free(w: Writer, name: str, team_id: int | None = None) -> None:
    found = store.id_by_name(w.cur, name)
    if found is not None and found != team_id:
        raise Conflict("error.team_exists", name=name)


def _members(w: Writer, member_ids: list[int]) -> list[int]:
    wanted = sorted(set(member_ids))
    unknown = sorted(set(wanted) - store.existing_agent_ids(w.cur, wanted))
    if unknown:
        raise Invalid("error.unknown_agents", ids=", ".join(map(str, unknown)))
    return wanted
