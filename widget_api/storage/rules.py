"""Automation rules, their runs and the in-app notifications rules leave for agents.

Every change of a rule writes its event (rule.created / rule.updated / rule.deleted)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one

_COLUMNS = (
    "id, name, trigger, position, active, conditions, actions, starter, created_at, updated_at"
)
_JSON = ("trigger", "conditions", "actions")
_STORED = ("name", "trigger", "conditions", "actions", "active", "position")


def _encode(column: str, value: Any) -> Any:
    return json.dumps(value) if column in _JSON else value


# -- rules ------------------------------------------------------------------------------------
def create(w: Writer, fields: dict, actor: Actor, at: datetime) -> int:
    rule_id = w.next_id("rules")
    position = fields.get("position")
    if position is None:
        (position,) = w.cur.execute("SELECT coalesce(max(position) + 1, 0) FROM rules").fetchone()
    else:  # make room: the rules at and after it move down one
        w.cur.execute("UPDATE rules SET position = position + 1 WHERE position >= ?", [position])
    w.cur.execute(
        f"INSERT INTO rules ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rule_id, fields["name"], json.dumps(fields["trigger"]), position,
         bool(fields.get("active")), json.dumps(fields["conditions"]),
         json.dumps(fields["actions"]), fields.get("starter"), at, at],
    )  # fmt: skip
    append(w, name=ev.RULE_CREATED, actor=actor, entity_type="rule", entity_id=rule_id, at=at,
           after={"name": fields["name"], "active": bool(fields.get("active"))})  # fmt: skip
    return rule_id


def update(w: Writer, rule_id: int, changes: dict, actor: Actor, at: datetime) -> bool:
    before = by_id(w.cur, rule_id)
    if before is None:
        return False
    changes = {k: v for k, v in changes.items() if k in _STORED and before[k] != v}
    if not changes:
        return True
    sets = ", ".join(f"{col} = ?" for col in changes)
    w.cur.execute(
        f"UPDATE rules SET {sets}, updated_at = ? WHERE id = ?",
        [*(_encode(c, v) for c, v in changes.items()), at, rule_id],
    )
    append(w, name=ev.RULE_UPDATED, actor=actor, entity_type="rule", entity_id=rule_id, at=at,
           before={k: before[k] for k in changes}, after=_redacted(changes))  # fmt: skip
    return True


def _redacted(changes: dict) -> dict:
    """The logged change: webhook secrets (sealed anyway) are left out of the event log."""
    if "actions" not in changes:
        return changes
    actions = [
        {**a, "params": {k: v for k, v in a.get("params", {}).items() if k != "secret"}}
        for a in changes["actions"]
    ]
    return {**changes, "actions": actions}


def delete(w: Writer, rule_id: int, actor: Actor, at: datetime) -> bool:
    before = by_id(w.cur, rule_id)
    if before is None:
        return False
    w.cur.execute("DELETE FROM rules WHERE id = ?", [rule_id])
    w.cur.execute("UPDATE rules SET position = position - 1 WHERE position > ?",
                  [before["position"]])  # fmt: skip
    append(w, name=ev.RULE_DELETED, actor=actor, entity_type="rule", entity_id=rule_id, at=at,
           before={"name": before["name"]})  # fmt: skip
    return True


def reorder(w: Writer, ids: list[int], actor: Actor, at: datetime) -> None:
    """Give the rules ``ids`` positions 0, 1, … (``ids`` must list every rule once)."""
    for position, rule_id in enumerate(ids):
        update(w, rule_id, {"position": position}, actor, at)


def by_id(cur: Cursor, rule_id: int) -> dict | None:
    cur.execute(f"SELECT {_COLUMNS} FROM rules WHERE id = ?", [rule_id])
    return one(cur, _JSON)


def all_rules(cur: Cursor) -> list[dict]:
    cur.execute(f"SELECT {_COLUMNS} FROM rules ORDER BY position, id")
    return dicts(cur, _JSON)


def active_for_event(cur: Cursor, names: list[str]) -> list[dict]:
    """Active rules triggered by one of the event ``names``, in position order."""
    cur.execute(
        f"SELECT {_COLUMNS} FROM rules WHERE active AND trigger ->> 'event' IN"
        " (SELECT unnest(?::VARCHAR[])) ORDER BY position, id",
        [names],
    )
    return dicts(cur, _JSON)


def active_on_events(cur: Cursor) -> list[dict]:
    """Every active rule triggered by an event, in position order."""
    cur.execute(
        f"SELECT {_COLUMNS} FROM rules WHERE active AND trigger ->> 'event' IS NOT NULL"
        " ORDER BY position, id"
    )
    return dicts(cur, _JSON)


def active_scheduled(cur: Cursor) -> list[dict]:
    cur.execute(
        f"SELECT {_COLUMNS} FROM rules WHERE active AND trigger ->> 'event' IS NULL"
        " ORDER BY position, id"
    )
    return dicts(cur, _JSON)


def count(cur: Cursor) -> int:
    return cur.execute("SELECT count(*) FROM rules").fetchone()[0]


def ids(cur: Cursor) -> list[int]:
    return [r[0] for r in cur.execute("SELECT id FROM rules ORDER BY position, id").fetchall()]


def names(cur: Cursor, rule_ids: list[int]) -> dict[int, str]:
    if not rule_ids:
        return {}
    rows = cur.execute(
        "SELECT id, name FROM rules WHERE id IN (SELECT unnest(?::BIGINT[]))", [rule_ids]
    ).fetchall()
    return dict(rows)


def replace_actions(w: Writer, rule_id: int, actions: list[dict]) -> None:
    """Store re-sealed webhook secrets (a key rotation); not a change of the rule."""
    w.cur.execute("UPDATE rules SET actions = ? WHERE id = ?", [json.dumps(actions), rule_id])


# -- runs -------------------------------------------------------------------------------------
def has_run(cur: Cursor, run_key: str) -> bool:
    return bool(
        cur.execute("SELECT count(*) FROM rule_runs WHERE run_key = ?", [run_key]).fetchone()[0]
    )


def ran_keys(cur: Cursor, run_keys: list[str]) -> set[str]:
    """Which of ``run_keys`` already ran."""
    if not run_keys:
        return set()
    rows = cur.execute(
        "SELECT run_key FROM rule_runs WHERE run_key IN (SELECT unnest(?::VARCHAR[]))",
        [run_keys],
    ).fetchall()
    return {row[0] for row in rows}


def record_run(
    w: Writer, *, rule_id: int, ticket_id: int | None, event_id: int | None, run_key: str,
    at: datetime, outcome: str, actions: list[dict] | None = None, error: str | None = None,
    error_code: str | None = None, error_params: dict | None = None,
) -> int | None:  # fmt: skip
    """Record one run; None when a run with this key exists (an event seen twice). ``error``
    is the English text (for logs); ``error_code`` and ``error_params`` let it be said in the
    reader's language."""
    if has_run(w.cur, run_key):
        return None
    run_id = w.next_id("rule_runs")
    w.cur.execute(
        "INSERT INTO rule_runs (id, rule_id, ticket_id, event_id, run_key, ran_at, outcome,"
        " matched, actions, error, error_code, error_params)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, rule_id, ticket_id, event_id, run_key, at, outcome,
         outcome in ("matched", "error", "skipped"), json.dumps(actions or []), error,
         error_code, None if error_params is None else json.dumps(error_params)],
    )  # fmt: skip
    return run_id


_RUN_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def record_misses(w: Writer, misses: list[dict]) -> int:
    """Record many not-matched runs (``rule_id``, ``ticket_id``, ``event_id``, ``run_key``,
    ``at``) in one INSERT (per 200), leaving out the keys that already ran; how many were new."""
    done = ran_keys(w.cur, [miss["run_key"] for miss in misses])
    fresh, seen = [], set(done)
    for miss in misses:
        if miss["run_key"] not in seen:
            seen.add(miss["run_key"])
            fresh.append(miss)
    for start in range(0, len(fresh), 200):
        chunk = fresh[start : start + 200]
        values: list = []
        for miss in chunk:
            values += [w.next_id("rule_runs"), miss["rule_id"], miss["ticket_id"],
                       miss["event_id"], miss["run_key"], miss["at"], "not_matched", False, "[]",
                       None, None, None]  # fmt: skip
        w.cur.execute(
            "INSERT INTO rule_runs (id, rule_id, ticket_id, event_id, run_key, ran_at, outcome,"
            " matched, actions, error, error_code, error_params)"
            f" VALUES {', '.join([_RUN_ROW] * len(chunk))}",
            values,
        )
    return len(fresh)


def runs_since(cur: Cursor, ticket_id: int, since: datetime) -> int:
    """Runs that acted (or tried to) on a ticket since ``since``: the hourly cap counts these."""
    return cur.execute(
        "SELECT count(*) FROM rule_runs WHERE ticket_id = ? AND ran_at > ?"
        " AND outcome IN ('matched', 'error')",
        [ticket_id, since],
    ).fetchone()[0]


_RUN_COLUMNS = (
    "r.id, r.rule_id, u.name AS rule_name, r.ticket_id, t.ref AS ticket_ref, r.event_id,"
    " r.ran_at, r.outcome, r.matched, r.actions, r.error, r.error_code, r.error_params"
)


def runs(
    cur: Cursor, *, rule_id: int | None = None, ticket_id: int | None = None, limit: int = 100
) -> list[dict]:
    clauses, params = [], []
    if rule_id is not None:
        clauses.append("r.rule_id = ?")
        params.append(rule_id)
    if ticket_id is not None:
        clauses.append("r.ticket_id = ?")
        params.append(ticket_id)
    cur.execute(
        f"SELECT {_RUN_COLUMNS} FROM rule_runs r LEFT JOIN rules u ON u.id = r.rule_id"
        f" LEFT JOIN tickets t ON t.id = r.ticket_id WHERE {' AND '.join(clauses) or 'TRUE'}"
        " ORDER BY r.id DESC LIMIT ?",
        [*params, limit],
    )
    return dicts(cur, ("actions", "error_params"))


def last_runs(cur: Cursor, rule_ids: list[int] | None = None) -> dict[int, dict]:
    """Rule id → its newest run (``ran_at``, ``outcome``, ``actions``, ``error``,
    ``error_code``, ``error_params``), for every rule that ran (or those of ``rule_ids``), in one
    query (the newest run per rule, by a window over ``rule_id``)."""
    where, params = "", []
    if rule_ids is not None:
        where, params = " WHERE rule_id IN (SELECT unnest(?::BIGINT[]))", [rule_ids]
    cur.execute(
        "SELECT rule_id, ran_at, outcome, actions, error, error_code, error_params"
        f" FROM rule_runs{where}"
        " QUALIFY row_number() OVER (PARTITION BY rule_id ORDER BY id DESC) = 1",
        params,
    )
    return {row["rule_id"]: row for row in dicts(cur, ("actions", "error_params"))}


def row_counts(cur: Cursor) -> dict[str, int]:
    """Rows of the tables a rule can write to (the dry run's promise is checked with these)."""
    tables = ("tickets", "messages", "events", "rule_runs", "agent_notifications", "mail_outbox")
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# -- notifications ----------------------------------------------------------------------------
def notify(
    w: Writer, *, agent_id: int, ticket_id: int | None, rule_id: int | None, body: str,
    actor: Actor, at: datetime,
) -> int:  # fmt: skip
    notification_id = w.next_id("agent_notifications")
    w.cur.execute(
        "INSERT INTO agent_notifications (id, agent_id, ticket_id, rule_id, body, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [notification_id, agent_id, ticket_id, rule_id, body, at],
    )
    append(w, name=ev.NOTIFICATION_CREATED, actor=actor, entity_type="notification",
           entity_id=notification_id, ticket_id=ticket_id, at=at,
           after={"agent_id": agent_id, "rule_id": rule_id})  # fmt: skip
    return notification_id
