"""Rule conditions (widget_api/domain/rules/conditions.py): each operator over each kind of
fact, and how ``all`` and ``any`` groups combine."""

from __future__ import annotations

import pytest

from widget_api.domain.rules.conditions import check, evaluate


@pytest.mark.parametrize(
    ("operator", "actual", "expected", "result"),
    [
        ("equals", "email", "email", True),
        ("equals", "Émilie@Shop.test", "emilie@shop.test", True),  # case and accents fold
        ("equals", "email", "chat", False),
        ("equals", 3, 3.0, True),
        ("equals", False, False, True),
        ("equals", 0, False, False),  # a number is not a boolean
        ("equals", None, "email", False),
        ("not_equals", "email", "chat", True),
        ("not_equals", "email", "email", False),
        ("not_equals", None, "email", True),
        ("in", "amazon", ["amazon", "ebay"], True),
        ("in", "web", ["amazon", "ebay"], False),
        ("in", None, ["amazon"], False),
        ("not_in", "web", ["amazon", "ebay"], True),
        ("not_in", "ebay", ["amazon", "ebay"], False),
        ("contains", "Où est ma commande?", "COMMANDE", True),
        ("contains", "Where is my parcel", "order", False),
        ("contains", ["vip", "retour"], "VIP", True),
        ("contains", ["vip"], "vi", False),  # a tag is matched whole
        ("contains", [], "vip", False),
        ("not_contains", ["vip"], "retour", True),
        ("not_contains", ["vip"], "vip", False),
        ("not_contains", "Bonjour", "merci", True),
        ("starts_with", "marie@videotron.ca", "marie@", True),
        ("starts_with", "marie@videotron.ca", "videotron", False),
        ("greater_than", 150_000, 100_000, True),
        ("greater_than", 100_000, 100_000, False),
        ("greater_than", None, 0, False),
        ("greater_than", "12", 3, False),  # text is never a number
        ("less_than", 0.3, 0.45, True),
        ("less_than", 0.9, 0.45, False),
        ("is_empty", None, None, True),
        ("is_empty", "", None, True),
        ("is_empty", [], None, True),
        ("is_empty", ["vip"], None, False),
        ("is_empty", 0, None, False),  # zero is a value
        ("is_not_empty", 42, None, True),
        ("is_not_empty", None, None, False),
    ],
)
def test_each_operator(operator, actual, expected, result):
    assert check(operator, actual, expected) is result


def test_an_unknown_operator_is_refused():
    with pytest.raises(ValueError):
        check("resembles", "a", "b")


FACTS = {"channel": "amazon", "priority": "normal", "tags": ["vip"], "order_value_cents": 25_000}


def _c(field: str, operator: str, value=None) -> dict:
    return {"field": field, "operator": operator, "value": value}


def test_all_needs_every_condition():
    ok, results = evaluate(
        {"all": [_c("channel", "equals", "amazon"), _c("priority", "equals", "high")]}, FACTS
    )
    assert ok is False
    assert [r["result"] for r in results] == [True, False]
    assert results[1]["actual"] == "normal"


def test_any_needs_one_condition():
    conditions = {"any": [_c("tags", "contains", "retour"), _c("order_value_cents",
                                                              "greater_than", 20_000)]}  # fmt: skip
    assert evaluate(conditions, FACTS)[0] is True
    conditions["any"][1]["value"] = 30_000
    assert evaluate(conditions, FACTS)[0] is False


def test_all_and_any_together():
    conditions = {
        "all": [_c("channel", "equals", "amazon")],
        "any": [_c("tags", "contains", "vip"), _c("tags", "contains", "retour")],
    }
    assert evaluate(conditions, FACTS)[0] is True
    assert evaluate(conditions, {**FACTS, "channel": "web"})[0] is False


def test_no_conditions_match_every_ticket():
    assert evaluate({"all": [], "any": []}, FACTS) == (True, [])


def test_a_missing_fact_is_empty():
    assert evaluate({"all": [_c("assignee_id", "is_empty")]}, FACTS)[0] is True
