"""Evaluating a rule's conditions over one ticket's facts: pure, no I/O.

Facts are a dict of the vocabulary's fields (``rule_facts.py`` builds it). Text compares
case- and accent-insensitively; a missing fact (no order, no assignee) is empty, and every
operator but ``is_empty`` and ``not_*`` is false on it.
"""

from __future__ import annotations

from typing import Any

from widget_api.text import fold


def _norm(value: Any) -> Any:
    return fold(value).strip() if isinstance(value, str) else value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check(operator: str, actual: Any, expected: Any) -> bool:
    """Whether ``actual <operator> expected`` holds."""
    if operator == "is_empty":
        return _empty(actual)
    if operator == "is_not_empty":
        return not _empty(actual)
    if operator in ("not_equals", "not_in", "not_contains"):
        return not check(operator.removeprefix("not_"), actual, expected)
    if _empty(actual) and operator != "equals":
        return False
    if isinstance(actual, list | tuple):  # tags: contains one of the items
        items = [_norm(a) for a in actual]
        if operator == "contains":
            return _norm(expected) in items
        return any(check(operator, a, expected) for a in actual)
    if operator == "equals":
        if isinstance(actual, bool) or isinstance(expected, bool):
            return actual is expected
        if _number(actual) is not None and _number(expected) is not None:
            return _number(actual) == _number(expected)
        return _norm(actual) == _norm(expected)
    if operator == "in":
        return any(check("equals", actual, item) for item in expected or [])
    if operator == "contains":
        return isinstance(actual, str) and _norm(expected) in _norm(actual)
    if operator == "starts_with":
        return isinstance(actual, str) and _norm(actual).startswith(_norm(expected))
    if operator in ("greater_than", "less_than"):
        a, b = _number(actual), _number(expected)
        if a is None or b is None:
            return False
        return a > b if operator == "greater_than" else a < b
    raise ValueError(f"unknown operator: {operator}")


def evaluate(conditions: dict, facts: dict[str, Any]) -> tuple[bool, list[dict]]:
    """(matched, one result per condition): every ``all`` condition holds and, when ``any`` is
    not empty, at least one of ``any`` does."""
    results = []
    for group in ("all", "any"):
        for cond in conditions.get(group) or []:
            actual = facts.get(cond["field"])
            ok = check(cond["operator"], actual, cond.get("value"))
            results.append(
                {"group": group, "field": cond["field"], "operator": cond["operator"],
                 "value": cond.get("value"), "actual": actual, "result": ok}
            )  # fmt: skip
    all_ok = all(r["result"] for r in results if r["group"] == "all")
    anys = [r["result"] for r in results if r["group"] == "any"]
    return all_ok and (not anys or any(anys)), results
