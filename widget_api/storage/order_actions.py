"""Order actions taken from a ticket: one row per idempotency key, from ``pending`` to its
outcome, so a retried request answers the first outcome instead of acting twice."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one

_COLUMNS = (
    "id, idempotency_key, ticket_id, order_id, platform, action, request, state, outcome,"
    " error_code, error_params, agent_id, created_at, finished_at"
)
_JSON = ("request", "outcome", "error_params")


def by_key(cur: Cursor, key: str) -> dict | None:
    cur.execute(f"SELECT {_COLUMNS} FROM order_actions WHERE idempotency_key = ?", [key])
    return one(cur, _JSON)


def begin(w: Writer, row: dict[str, Any]) -> int:
    """A new ``pending`` action (the caller checked the key is unused in the same write)."""
    action_id = w.next_id("order_actions")
    w.cur.execute(
        "INSERT INTO order_actions (id, idempotency_key, ticket_id, order_id, platform, action,"
        " request, state, agent_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        [
            action_id, row["idempotency_key"], row["ticket_id"], row["order_id"],
            row["platform"], row["action"], json.dumps(row["request"], default=str),
            row["agent_id"], row["created_at"],
        ],
    )  # fmt: skip
    return action_id


def claim(w: Writer, action_id: int, at: datetime) -> None:
    """Take over an action left ``unknown`` (or ``pending`` by a request that never came back):
    pending again from ``at``, so a concurrent retry waits instead of acting too."""
    w.cur.execute(
        "UPDATE order_actions SET state = 'pending', created_at = ? WHERE id = ?", [at, action_id]
    )


def set_outcome(w: Writer, key: str, outcome: dict[str, Any]) -> None:
    """The built-in store keeps its outcome on the action's row in the same write as the change
    itself: whatever happens to the request afterwards, ``find_action`` sees it was done."""
    w.cur.execute(
        "UPDATE order_actions SET outcome = ? WHERE idempotency_key = ?",
        [json.dumps(outcome, default=str), key],
    )


def finish(
    w: Writer, action: dict, *, state: str, outcome: dict | None, error_code: str | None,
    error_params: dict | None, actor: Actor, at: datetime,
) -> None:  # fmt: skip
    """Record the action's outcome and log it (``order.action_taken``/``order.action_failed``)."""
    w.cur.execute(
        "UPDATE order_actions SET state = ?, outcome = coalesce(?, outcome), error_code = ?,"
        " error_params = ?, finished_at = ? WHERE id = ?",
        [
            state, json.dumps(outcome, default=str) if outcome is not None else None,
            error_code, json.dumps(error_params, default=str) if error_params else None,
            at if state in ("done", "failed") else None, action["id"],
        ],
    )  # fmt: skip
    common = {k: action[k] for k in ("action", "platform", "idempotency_key")}
    common["action_id"] = action["id"]
    if state == "done":
        name = ev.ORDER_ACTION_TAKEN
        after = {**common, "reference": (outcome or {}).get("reference"),
                 "amount_cents": (outcome or {}).get("amount_cents", 0),
                 "code": (outcome or {}).get("code")}  # fmt: skip
    else:
        name = ev.ORDER_ACTION_FAILED
        after = {**common, "state": state, "error_code": error_code}
    append(w, name=name, actor=actor, entity_type="order", entity_id=action["order_id"],
           ticket_id=action["ticket_id"], at=at, after=after)  # fmt: skip


def for_ticket(cur: Cursor, ticket_id: int, limit: int = 200) -> list[dict]:
    """The ticket's actions, newest first, with the acting agent's name."""
    cur.execute(
        f"SELECT {', '.join('x.' + c.strip() for c in _COLUMNS.split(','))},"
        " a.name AS agent_name, o.number AS order_number, o.currency"
        " FROM order_actions x LEFT JOIN agents a ON a.id = x.agent_id"
        " LEFT JOIN orders o ON o.id = x.order_id"
        " WHERE x.ticket_id = ? ORDER BY x.id DESC LIMIT ?",
        [ticket_id, limit],
    )
    return dicts(cur, _JSON)
