"""The event vocabulary (widget_api/contracts/events.py) is the one list of event names: the
sources are parsed to check that every name the code or its SQL uses is defined there, that Python
uses the constants rather than bare strings, and that every defined event is emitted somewhere or
marked reserved."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from widget_api.contracts import events as ev
from widget_api.domain.returns import states

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "widget_api" / "contracts" / "events.py"
# An event name compared or listed in SQL: name = 'x.y', name IN ('x.y', ...), FILTER (WHERE ...).
SQL_NAME = re.compile(r"\bname\s*(?:=|<>|!=|IN\s*\()\s*((?:'[a-z_]+\.[a-z_]+'\s*,?\s*)+)", re.I)
QUOTED = re.compile(r"'([a-z_]+\.[a-z_]+)'")
EMITTERS = {"append", "event", "log"}  # storage.events.append, the demo's event(), returns log()


def _python_sources() -> list[Path]:
    files = [p for d in ("widget_api", "data", "dashboard") for p in (ROOT / d).rglob("*.py")]
    return [p for p in files if p != VOCABULARY]


def _sql_texts() -> list[tuple[str, str]]:
    """(where, text) of every SQL the server runs: string constants in Python and migrations."""
    migrations = (ROOT / "widget_api").rglob("*.sql")
    texts = [(str(p.relative_to(ROOT)), p.read_text()) for p in migrations]
    for path in _python_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    return texts


def _sql_names() -> dict[str, str]:
    found: dict[str, str] = {}
    for where, text in _sql_texts():
        for group in SQL_NAME.finditer(text):
            for name in QUOTED.findall(group.group(1)):
                found.setdefault(name, where)
    return found


def test_the_sql_filters_only_on_defined_events():
    names = _sql_names()
    assert "ticket.status_changed" in names  # the parser does see the SQL
    assert {n: w for n, w in names.items() if n not in ev.NAMES} == {}


def test_python_uses_the_constants_not_bare_event_names():
    bare = []
    for path in _python_sources():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ev.NAMES:
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert bare == []


def _emitted_constants() -> set[str]:
    """Names passed as constants (ev.X) to an emitter (first arguments or name=), or assigned
    to a variable called ``name`` that an emitter then receives."""
    emitted: set[str] = set()
    for path in _python_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign):
                targets, values = node.targets[0], node.value
                if isinstance(targets, ast.Tuple) and isinstance(values, ast.Tuple):
                    pairs = zip(targets.elts, values.elts, strict=False)
                else:
                    pairs = [(targets, values)]
                for target, value in pairs:
                    constant = getattr(ev, getattr(value, "attr", ""), None)
                    if getattr(target, "id", "") == "name" and isinstance(constant, str):
                        emitted.add(constant)
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in EMITTERS:
                continue
            args = [k.value for k in node.keywords if k.arg == "name"] + list(node.args[:3])
            for arg in args:
                if isinstance(arg, ast.Attribute) and isinstance(getattr(ev, arg.attr, None), str):
                    emitted.add(getattr(ev, arg.attr))
    return emitted


def test_every_defined_event_is_emitted_or_reserved():
    emitted = _emitted_constants()
    # storage.tickets.update emits one event per changed field; a return transition
    # emits return.<state> for every state it may enter.
    emitted |= set(ev.EVENT_FOR_FIELD.values())
    emitted |= {ev.return_state_event(s) for s in states.TRANSITIONS if s != "requested"}
    assert ev.TICKET_CREATED in emitted and ev.SETTINGS_CHANGED in emitted
    missing = ev.NAMES - ev.RESERVED - emitted
    assert missing == set(), "defined but never emitted: emit them or mark them reserved"
    assert not (ev.RESERVED & emitted), "reserved events are emitted: drop reserved=True"


def test_each_definition_is_complete():
    for name, d in ev.EVENTS.items():
        assert d.name == name and re.fullmatch(r"[a-z]+\.[a-z_]+", name)
        assert d.doc.startswith(f"Event name: {name}.")
        assert isinstance(d.payload, type) and d.payload_fields is not None
        assert d.actors and d.actors <= set(ev.ACTOR_KINDS)
    assert set(ev.ACTOR_KINDS) == {"agent", "customer", "system", "rule"}


def test_the_return_states_match_the_state_table():
    assert set(ev.RETURN_STATES) == set(states.TRANSITIONS)
    assert {states.event_name(s) for s in states.TRANSITIONS} <= ev.NAMES
    with pytest.raises(ValueError):
        ev.return_state_event("lost")


def test_the_log_refuses_an_undefined_name(tmp_path):
    from widget_api.storage import db as storage_db
    from widget_api.storage.events import SYSTEM, append

    assert storage_db  # the guard runs before any SQL: no database is needed
    with pytest.raises(ValueError, match="not an event"):
        append(None, name="ticket.exploded", actor=SYSTEM, entity_type="ticket", entity_id=1,
               at=None)  # fmt: skip
