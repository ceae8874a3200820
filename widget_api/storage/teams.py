"""Teams, their members, agents' availability, and what assignment strategies read and move."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one

# Tickets that count as an agent's load: still theirs to work on (on hold, solved, closed do not).
LOAD_STATUSES = ("new", "open", "pending")


# -- reading ---------------------------------------------------------------------------------------
def all_teams(cur: Cursor) -> list[dict]:
    """Every team by name, each with ``member_ids`` (sorted)."""
    cur.execute(
        "SELECT t.id, t.name, t.strategy, t.created_at, t.updated_at,"
        " list_sort(list(m.agent_id) FILTER (WHERE m.agent_id IS NOT NULL)) AS member_ids"
        " FROM teams t LEFT JOIN team_members m ON m.team_id = t.id"
        " GROUP BY t.id, t.name, t.strategy, t.created_at, t.updated_at"
        " ORDER BY lower(t.name), t.id"
    )
    return [{**row, "member_ids": row["member_ids"] or []} for row in dicts(cur)]


def by_id(cur: Cursor, team_id: int) -> dict | None:
    return next((team for team in all_teams(cur) if team["id"] == team_id), None)


def id_by_name(cur: Cursor, name: str) -> int | None:
    """The team called ``name``, compared without case."""
    row = cur.execute("SELECT id FROM teams WHERE lower(name) = lower(?)", [name]).fetchone()
    return row[0] if row else None


def existing_agent_ids(cur: Cursor, agent_ids: list[int]) -> set[int]:
    if not agent_ids:
        return set()
    rows = cur.execute("SELECT id FROM agents WHERE list_contains(?, id)", [agent_ids]).fetchall()
    return {row[0] for row in rows}


def agent_ids_by_email(cur: Cursor, emails: list[str]) -> list[int]:
    rows = cur.execute(
        "SELECT id FROM agents WHERE list_contains(?, email) ORDER BY id", [emails]
    ).fetchall()
    return [row[0] for row in rows]


def teams_of_agents(cur: Cursor) -> dict[int, list[dict]]:
    """agent id → the teams (id, name) they belong to, by name."""
    cur.execute(
        "SELECT m.agent_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id"
        " ORDER BY lower(t.name), t.id"
    )
    found: dict[int, list[dict]] = {}
    for agent_id, team_id, name in cur.fetchall():
        found.setdefault(agent_id, []).append({"id": team_id, "name": name})
    return found


def availability(cur: Cursor, agent_id: int) -> str | None:
    row = cur.execute("SELECT availability FROM agents WHERE id = ?", [agent_id]).fetchone()
    return row[0] if row else None


def availabilities(cur: Cursor) -> dict[int, str]:
    return dict(cur.execute("SELECT id, availability FROM agents").fetchall())


# -- what assignment reads (inside the write transaction) ------------------------------------------
def candidates(cur: Cursor, team_id: int) -> list[dict]:
    """The team's active members by id, with availability and load (tickets in LOAD_STATUSES)."""
    cur.execute(
        "SELECT a.id, a.availability,"
        " (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id"
        "  AND list_contains(?, t.status)) AS load"
        " FROM team_members m JOIN agents a ON a.id = m.agent_id"
        " WHERE m.team_id = ? AND a.active ORDER BY a.id",
        [list(LOAD_STATUSES), team_id],
    )
    return dicts(cur)


def round_robin_pointer(cur: Cursor, team_id: int) -> int | None:
    row = cur.execute("SELECT last_assigned_agent_id FROM teams WHERE id = ?", [team_id]).fetchone()
    return row[0] if row else None


def move_round_robin_pointer(w: Writer, team_id: int, agent_id: int) -> None:
    """Bookkeeping of the round robin, not a change anyone made: the assignment it serves is
    the logged event (``ticket.assigned``)."""
    w.cur.execute("UPDATE teams SET last_assigned_agent_id = ? WHERE id = ?", [agent_id, team_id])


# -- writing ---------------------------------------------------------------------------------------
def create(
    w: Writer, *, name: str, strategy: str, member_ids: list[int], actor: Actor, at: datetime
) -> int:
    team_id = w.next_id("teams")
    w.cur.execute(
        "INSERT INTO teams (id, name, strategy, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        [team_id, name, strategy, at, at],
    )
    _set_members(w, team_id, member_ids, at)
    append(w, name=ev.TEAM_CREATED, actor=actor, entity_type="team", entity_id=team_id, at=at,
           after={"name": name, "strategy": strategy, "member_ids": member_ids})  # fmt: skip
    return team_id


def update(w: Writer, team_id: int, changes: dict, actor: Actor, at: datetime) -> dict | None:
    """Apply ``name``/``strategy``/``member_ids`` changes; the team after, or None if unknown.
    Only what really changed is logged (and nothing when nothing did)."""
    before = by_id(w.cur, team_id)
    if before is None:
        return None
    changed = {key: value for key, value in changes.items() if before.get(key) != value}
    if not changed:
        return before
    columns = {key: value for key, value in changed.items() if key in ("name", "strategy")}
    if columns:
        sets = ", ".join(f"{column} = ?" for column in columns)
        w.cur.execute(f"UPDATE teams SET {sets} WHERE id = ?", [*columns.values(), team_id])
    if "member_ids" in changed:
        w.cur.execute("DELETE FROM team_members WHERE team_id = ?", [team_id])
        _set_members(w, team_id, changed["member_ids"], at)
    w.cur.execute("UPDATE teams SET updated_at = ? WHERE id = ?", [at, team_id])
    after = by_id(w.cur, team_id)
    append(w, name=ev.TEAM_UPDATED, actor=actor, entity_type="team", entity_id=team_id, at=at,
           before={key: before[key] for key in changed},
           after={key: after[key] for key in ("name", "strategy", "member_ids")})  # fmt: skip
    return after


def delete(w: Writer, team_id: int, actor: Actor, at: datetime) -> bool:
    before = by_id(w.cur, team_id)
    if before is None:
        return False
    w.cur.execute("DELETE FROM team_members WHERE team_id = ?", [team_id])
    w.cur.execute("DELETE FROM teams WHERE id = ?", [team_id])
    append(w, name=ev.TEAM_DELETED, actor=actor, entity_type="team", entity_id=team_id, at=at,
           before={key: before[key] for key in ("name", "strategy", "member_ids")})  # fmt: skip
    return True


def _set_members(w: Writer, team_id: int, member_ids: list[int], at: datetime) -> None:
    for agent_id in member_ids:
        w.cur.execute(
            "INSERT INTO team_members (team_id, agent_id, added_at) VALUES (?, ?, ?)",
            [team_id, agent_id, at],
        )


def set_availability(
    w: Writer, agent_id: int, value: str, actor: Actor, at: datetime
) -> dict | None:
    """Set an agent's availability; None when the agent is unknown. Logged only if it changed."""
    row = one(w.cur.execute("SELECT availability FROM agents WHERE id = ?", [agent_id]))
    if row is None:
        return None
    if row["availability"] != value:
        w.cur.execute(
            "UPDATE agents SET availability = ?, updated_at = ? WHERE id = ?",
            [value, at, agent_id],
        )
        append(w, name=ev.AGENT_AVAILABILITY_CHANGED, actor=actor, entity_type="agent",
               entity_id=agent_id, at=at, before={"availability": row["availability"]},
               after={"availability": value})  # fmt: skip
    return {"availability": value}
