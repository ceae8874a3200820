"""Rules as administrators edit them: validation against the vocabulary (a clear 400 naming
what is wrong), webhook secrets sealed and never returned, positions, and the starter rules a
fresh database gets (all inactive)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from widget_api.contracts.auth import Agent
from widget_api.contracts.rules import Rule, RuleCreate, RuleOrder, RuleUpdate
from widget_api.domain import secret_box
from widget_api.domain.errors import Invalid, NotFound
from widget_api.domain.rules import run_text
from widget_api.domain.rules.vocabulary import (
    ACTIONS,
    FIELDS,
    LIST_OPERATORS,
    OPERATORS_BY_TYPE,
    TRIGGER_EVENTS,
    VALUELESS_OPERATORS,
)
from widget_api.storage import Database, agents, macros
from widget_api.storage import rules as rule_store
from widget_api.storage import teams as team_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

_MAX_TEXT = 5000


# -- validation -------------------------------------------------------------------------------
def _scalar_ok(kind: str, value: Any, values: tuple[str, ...] | None) -> bool:
    if kind in ("text", "list"):
        return isinstance(value, str) and len(value) <= _MAX_TEXT
    if kind == "enum":
        return isinstance(value, str) and (values is None or value in values)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "id":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return False


def _expected(kind: str, operator: str, values: tuple[str, ...] | None) -> str:
    if operator in VALUELESS_OPERATORS:
        return "no value"
    one = f"one of {', '.join(values)}" if kind == "enum" and values else {
        "text": "a string", "list": "a string", "number": "a number", "boolean": "true or false",
        "id": "a positive integer",
    }[kind]  # fmt: skip
    return f"a non-empty list, each {one}" if operator in LIST_OPERATORS else one


def _check_condition(cond: dict) -> None:
    field = FIELDS.get(cond["field"])
    if field is None:
        raise Invalid("error.rule.unknown_field", field=cond["field"])
    operator, value = cond["operator"], cond.get("value")
    if operator not in OPERATORS_BY_TYPE[field.type]:
        allowed = ", ".join(OPERATORS_BY_TYPE[field.type])
        raise Invalid("error.rule.bad_operator", operator=operator, field=field.name,
                      type=field.type, allowed=allowed)  # fmt: skip
    if operator in VALUELESS_OPERATORS:
        ok = value is None
    elif operator in LIST_OPERATORS:
        ok = (
            isinstance(value, list)
            and bool(value)
            and len(value) <= 200
            and all(_scalar_ok(field.type, v, field.values) for v in value)
        )
    else:
        ok = _scalar_ok(field.type, value, field.values)
    if not ok:
        raise Invalid("error.rule.bad_value", field=field.name, operator=operator,
                      expected=_expected(field.type, operator, field.values))  # fmt: skip


def _check_url(url: Any) -> None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("error.rule.bad_url", url=str(url)[:200])


def _check_action(db: Database, action: dict) -> None:
    kind, params = action["kind"], action.get("params") or {}
    defs = {p.name: p for p in ACTIONS[kind]}
    for name in params:
        if name not in defs and name != "secret_set":
            raise Invalid("error.rule.unknown_param", kind=kind, param=name,
                          allowed=", ".join(defs))  # fmt: skip
    for p in defs.values():
        value = params.get(p.name)
        if value is None:
            if p.required:
                raise Invalid("error.rule.missing_param", kind=kind, param=p.name)
            continue
        if p.type == "list":
            ok = (
                isinstance(value, list)
                and bool(value)
                and len(value) <= 50
                and all(isinstance(v, str) and v.strip() and len(v) <= 64 for v in value)
            )
        elif p.type == "number":
            ok = _scalar_ok("number", value, None) and 0 < value <= 24 * 366
        elif p.type in ("text", "secret"):
            ok = isinstance(value, str) and bool(value.strip()) and len(value) <= _MAX_TEXT
        else:
            ok = _scalar_ok(p.type, value, p.values)
        if not ok:
            raise Invalid("error.rule.bad_param", kind=kind, param=p.name,
                          expected=_expected(p.type if p.type != "secret" else "text", "equals",
                                             p.values))  # fmt: skip
    if kind == "webhook":
        _check_url(params["url"])
    if kind == "assign_team" and params.get("team_id") is None and not params.get("team_name"):
        raise Invalid("error.rule.missing_param", kind=kind, param="team_id")
    team_id = params.get("team_id") if kind == "assign_team" else None
    if team_id is not None and db.read(lambda cur: team_store.by_id(cur, team_id)) is None:
        raise Invalid("error.rule.unknown_team", team=params["team_id"])
    if "agent_id" in params:
        agent = db.read(lambda cur: agents.by_id(cur, params["agent_id"]))
        if agent is None or not agent["active"]:
            raise Invalid("error.rule.unknown_agent", agent_id=params["agent_id"])
    if kind == "reply_macro" and db.read(lambda cur: macros.by_id(cur, params["macro_id"])) is None:
        raise Invalid("error.rule.unknown_macro", macro_id=params["macro_id"])


def validate(db: Database, fields: dict) -> None:
    """Raise ``Invalid`` naming the first thing wrong with a rule (as a dumped RuleCreate)."""
    trigger = fields.get("trigger")
    if trigger and trigger.get("event") is not None and trigger["event"] not in TRIGGER_EVENTS:
        raise Invalid("error.rule.unknown_trigger", event=trigger["event"],
                      allowed=", ".join(TRIGGER_EVENTS))  # fmt: skip
    for group in ("all", "any"):
        for cond in (fields.get("conditions") or {}).get(group) or []:
            _check_condition(cond)
    for action in fields.get("actions") or []:
        _check_action(db, action)


# -- secrets ----------------------------------------------------------------------------------
def _seal_secrets(db: Database, actions: list[dict], previous: list[dict] | None) -> list[dict]:
    """Seal new webhook secrets; a webhook sent without one keeps the secret it had for the
    same URL (the API never shows it, so an edit cannot send it back)."""
    kept = {
        a["params"]["url"]: a["params"]["secret"]
        for a in previous or []
        if a["kind"] == "webhook" and a["params"].get("secret")
    }
    out = []
    for action in actions:
        params = {k: v for k, v in (action.get("params") or {}).items() if k != "secret_set"}
        if action["kind"] == "webhook":
            if params.get("secret"):
                params["secret"] = secret_box.seal(db, params["secret"])
            elif params["url"] in kept:
                params["secret"] = kept[params["url"]]
            else:
                params.pop("secret", None)
        out.append({"kind": action["kind"], "params": params})
    return out


def public(row: dict, last_run: dict | None = None, lang: str = "fr") -> Rule:
    """The API's rule: secrets hidden, and its newest run (``last_run``, a row of
    ``rule_store.last_runs``) with the run's error said in ``lang``."""
    actions = []
    for action in row["actions"]:
        params = dict(action.get("params") or {})
        if action["kind"] == "webhook":
            params["secret_set"] = bool(params.pop("secret", None))
        actions.append({"kind": action["kind"], "params": params})
    last = {}
    if last_run is not None:
        last = {"last_run_at": last_run["ran_at"], "last_outcome": last_run["outcome"],
                "last_error": run_text.run_error(last_run, lang)}  # fmt: skip
    return Rule.model_validate({**row, **last, "actions": actions})


# -- CRUD -------------------------------------------------------------------------------------
def _row(db: Database, rule_id: int) -> dict:
    row = db.read(lambda cur: rule_store.by_id(cur, rule_id))
    if row is None:
        raise NotFound("error.rule.not_found", rule_id=rule_id)
    return row


def list_rules(db: Database, lang: str = "fr") -> list[Rule]:
    """Every rule in order, each with its newest run (all read in two queries)."""
    rows, last = db.read(lambda cur: (rule_store.all_rules(cur), rule_store.last_runs(cur)))
    return [public(r, last.get(r["id"]), lang) for r in rows]


def get(db: Database, rule_id: int, lang: str = "fr") -> Rule:
    row = _row(db, rule_id)
    last = db.read(lambda cur: rule_store.last_runs(cur, [rule_id]))
    return public(row, last.get(rule_id), lang)


def create(db: Database, data: RuleCreate, actor: Actor, lang: str = "fr") -> Rule:
    fields = data.model_dump(mode="json")
    validate(db, fields)
    fields["actions"] = _seal_secrets(db, fields["actions"], None)
    rule_id = db.write(lambda w: rule_store.create(w, fields, actor, utcnow()))
    return get(db, rule_id, lang)


def update(db: Database, agent: Agent, rule_id: int, data: RuleUpdate, lang: str = "fr") -> Rule:
    before = _row(db, rule_id)
    changes = data.model_dump(mode="json", exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None}
    validate(db, changes)
    if "actions" in changes:
        changes["actions"] = _seal_secrets(db, changes["actions"], before["actions"])
    actor = Actor("agent", agent.id)
    if not db.write(lambda w: rule_store.update(w, rule_id, changes, actor, utcnow())):
        raise NotFound("error.rule.not_found", rule_id=rule_id)
    return get(db, rule_id, lang)


def set_active(db: Database, agent: Agent, rule_id: int, active: bool, lang: str = "fr") -> Rule:
    return update(db, agent, rule_id, RuleUpdate(active=active), lang)


def delete(db: Database, agent: Agent, rule_id: int) -> None:
    if not db.write(lambda w: rule_store.delete(w, rule_id, Actor("agent", agent.id), utcnow())):
        raise NotFound("error.rule.not_found", rule_id=rule_id)


def reorder(db: Database, agent: Agent, order: RuleOrder, lang: str = "fr") -> list[Rule]:
    def write(w) -> bool:
        if sorted(order.ids) != sorted(rule_store.ids(w.cur)) or len(set(order.ids)) != len(
            order.ids
        ):
            return False
        rule_store.reorder(w, order.ids, Actor("agent", agent.id), utcnow())
        return True

    if not db.write(write):
        raise Invalid("error.rule.bad_order")
    return list_rules(db, lang)
