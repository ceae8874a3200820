"""Schedule rules (widget_api/domain/rules/schedule.py): "in status S for N hours" fires once
per stay in the status, again after the ticket left and came back, and counts business hours on
the SLA calendar. The clock is pinned: every pass is given its "now"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from widget_api.contracts.rules import RuleCreate
from widget_api.domain.rules import service
from widget_api.domain.rules.engine import RulesEngine
from widget_api.domain.rules.schedule import run_pass
from widget_api.domain.rules.starters import ensure_starter_rules
from widget_api.storage import Database, customers, tickets
from widget_api.storage import rules as rule_store
from widget_api.storage.events import SYSTEM, Actor

# Friday 6 November 2026, 16:00 in Montréal (EST, UTC−5): 1.5 business hours left that day.
FRIDAY_4PM = datetime(2026, 11, 6, 21, 0)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    with Database(tmp_path / "schedule.duckdb") as database:
        yield database


@pytest.fixture
def clock() -> Clock:
    return Clock(FRIDAY_4PM)


@pytest.fixture
def engine(db: Database, clock: Clock) -> RulesEngine:
    return RulesEngine(db, timezone="America/Toronto", now=clock)


def _ticket(db: Database, at: datetime, subject: str = "Où est mon colis?") -> int:
    def write(w) -> int:
        customer_id, _ = customers.find_or_create(
            w, email="marie@example.com", name="Marie", language="fr", at=at
        )
        ticket_id, _, _ = tickets.create(
            w,
            tickets.NewTicket(
                subject=subject, body_text="Bonjour", channel="email", language="fr",
                customer_id=customer_id, customer_email="marie@example.com",
                customer_name="Marie", order_id=None, order_number=None, token_hash="x",
                source=None, at=at,
            ),
            Actor("customer", customer_id),
        )  # fmt: skip
        return ticket_id

    return db.write(write)


def _status(db: Database, ticket_id: int, status: str, at: datetime) -> None:
    db.write(lambda w: tickets.update(w, ticket_id, {"status": status}, Actor("agent", 1), at))


def _rule(db: Database, schedule: dict, **extra) -> int:
    body = {
        "name": "Relance",
        "active": True,
        "trigger": {"schedule": schedule},
        "actions": [{"kind": "add_tags", "params": {"tags": ["relance"]}}],
        **extra,
    }
    return service.create(db, RuleCreate.model_validate(body), SYSTEM).id


def _pass(engine: RulesEngine, clock: Clock, at: datetime) -> int:
    clock.at = at
    return run_pass(engine, at)


def test_fires_once_per_stay_in_the_status_and_again_after_coming_back(db, engine, clock):
    start = datetime(2026, 11, 2, 12, 0)
    ticket_id = _ticket(db, start)
    _status(db, ticket_id, "pending", start)
    _rule(db, {"status": "pending", "hours": 5, "clock": "calendar"})
    assert _pass(engine, clock, start + timedelta(hours=4, minutes=59)) == 0
    assert _pass(engine, clock, start + timedelta(hours=5, minutes=1)) == 1
    assert _pass(engine, clock, start + timedelta(hours=9)) == 0  # same stay: once
    assert db.read(lambda cur: tickets.fields(cur, ticket_id, "tags"))[0] == ["relance"]

    _status(db, ticket_id, "open", start + timedelta(hours=10))
    assert _pass(engine, clock, start + timedelta(hours=20)) == 0  # not pending any more
    _status(db, ticket_id, "pending", start + timedelta(hours=21))
    assert _pass(engine, clock, start + timedelta(hours=25)) == 0
    assert _pass(engine, clock, start + timedelta(hours=26, minutes=1)) == 1  # a new stay
    runs = db.read(lambda cur: rule_store.runs(cur, ticket_id=ticket_id))
    assert [r["outcome"] for r in runs] == ["matched", "matched"]
    assert all(r["event_id"] is None for r in runs)


def test_business_hours_skip_nights_and_weekends(db, engine, clock):
    ticket_id = _ticket(db, FRIDAY_4PM)
    _status(db, ticket_id, "pending", FRIDAY_4PM)
    _rule(db, {"status": "pending", "hours": 2, "clock": "business"})
    saturday_noon = datetime(2026, 11, 7, 17, 0)  # 20 wall-clock hours, 1.5 business hours
    assert _pass(engine, clock, saturday_noon) == 0
    monday_8_55 = datetime(2026, 11, 9, 13, 55)  # 1.5 h Friday + 25 min Monday
    assert _pass(engine, clock, monday_8_55) == 0
    monday_9_05 = datetime(2026, 11, 9, 14, 5)  # 2 h 05 of business time
    assert _pass(engine, clock, monday_9_05) == 1


def test_a_condition_false_now_is_looked_at_again_later(db, engine, clock):
    start = datetime(2026, 11, 2, 12, 0)
    ticket_id = _ticket(db, start)
    _status(db, ticket_id, "pending", start)
    vip = {"all": [{"field": "priority", "operator": "equals", "value": "high"}]}
    _rule(db, {"status": "pending", "hours": 1, "clock": "calendar"}, conditions=vip)
    assert _pass(engine, clock, start + timedelta(hours=2)) == 0
    db.write(lambda w: tickets.update(w, ticket_id, {"priority": "high"}, SYSTEM, start))
    assert _pass(engine, clock, start + timedelta(hours=3)) == 1


def test_the_starter_closing_rule_solves_with_a_closing_message(db, engine, clock):
    ensure_starter_rules(db, "fr")
    closing = next(r for r in service.list_rules(db) if r.starter == "pending_close")
    db.write(lambda w: rule_store.update(w, closing.id, {"active": True}, SYSTEM, FRIDAY_4PM))
    start = datetime(2026, 11, 2, 12, 0)
    ticket_id = _ticket(db, start)
    _status(db, ticket_id, "pending", start)
    assert _pass(engine, clock, start + timedelta(days=4)) == 0
    assert _pass(engine, clock, start + timedelta(days=5, minutes=1)) == 1
    assert db.read(lambda cur: tickets.fields(cur, ticket_id, "status"))[0] == "solved"
    replies = [m for m in db.read(lambda cur: tickets.messages(cur, ticket_id))
               if m["kind"] == "outbound"]  # fmt: skip
    assert "nous fermons cette demande" in replies[0]["body_text"]
