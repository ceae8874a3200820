"""Demo returns (``seed_demo_returns``) on a small seeded Nordet store: every state, the stuck
ones overdue, rows consistent with what the live steps write, and the KPIs filled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from data.demo_store.returns import seed_demo_returns
from widget_api.contracts.returns import STATES, ReturnQuery
from widget_api.domain.returns import ReturnsService
from widget_api.settings import Settings
from widget_api.storage import Database

NOW = datetime(2026, 11, 20, 15, 0)  # a Friday
SETTINGS = Settings(security={"secret_key": "demo-test"})


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Database, object]]:
    """A demo store of 600 tickets with its returns (read-only for the tests)."""
    generator = pytest.importorskip("data.demo_store.generator")
    with Database(":memory:") as db:
        generator.seed_demo(db, seed=11, tickets=600, now=NOW)
        yield db, seed_demo_returns(db, seed=11, now=NOW, settings=SETTINGS)


def _scalar(db: Database, sql: str):
    return db.read(lambda cur: cur.execute(sql).fetchone()[0])


def test_returns_exist_in_every_state(demo):
    _, summary = demo
    assert 50 <= summary.returns <= 400
    assert set(summary.states) == set(STATES)
    assert sum(summary.states.values()) == summary.returns


def test_only_the_stuck_returns_are_overdue(demo):
    db, summary = demo
    desk = ReturnsService(db, SETTINGS)
    overdue = desk.list_returns(ReturnQuery(overdue=True, limit=50), now=NOW)
    assert sorted(r.rma for r in overdue.items) == sorted(summary.stuck)
    by_state = {}
    for item in overdue.items:
        by_state.setdefault(item.state, []).append(round(item.state_age_hours / 24, 1))
    assert sorted(by_state) == ["inspected", "received"]
    assert all(5.7 <= days <= 6.3 for days in by_state["received"])
    assert all(3.8 <= days <= 4.2 for days in by_state["inspected"])


def test_wrong_size_is_the_most_frequent_reason(demo):
    db, _ = demo
    top = db.read(
        lambda cur: cur.execute(
            "SELECT reason FROM returns GROUP BY reason ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    )
    assert top == "wrong_size"
    problems = _scalar(
        db,
        "SELECT count(*) FROM returns r JOIN tickets t ON t.id = r.ticket_id"
        " WHERE t.problem_type IN ('wrong_item', 'defective_product')"
        " AND r.reason IN ('wrong_item', 'wrong_size', 'defective', 'arrived_damaged')",
    )
    assert problems > 0  # returns follow the planted wrong-item and defect tickets


def test_the_rows_agree_with_each_other(demo):
    db, _ = demo
    # Each ticket's message count is its messages; every return is tagged on its ticket.
    recount = "SELECT count(*) FROM messages m WHERE m.ticket_id = t.id"
    assert _scalar(db, f"SELECT count(*) FROM tickets t WHERE message_count <> ({recount})") == 0
    assert _scalar(db, "SELECT count(*) FROM returns r JOIN tickets t ON t.id = r.ticket_id"
                       " WHERE NOT list_contains(t.tags, 'return')") == 0  # fmt: skip
    # The last return event of each return names its state; events are in time order.
    assert _scalar(db, """
        SELECT count(*) FROM returns r JOIN (
            SELECT entity_id, arg_max(name, id) AS last, min(occurred_at) AS first_at,
                   bool_and(name <> 'return.requested' OR occurred_at = r0) AS first_ok
            FROM (SELECT *, min(occurred_at) OVER (PARTITION BY entity_id) AS r0 FROM events
                  WHERE entity_type = 'return' AND name LIKE 'return.%')
            GROUP BY entity_id) e ON e.entity_id = r.id
        WHERE e.last <> 'return.' || r.state OR NOT e.first_ok
            OR e.first_at <> r.requested_at""") == 0  # fmt: skip
    # Refunds and credits match the returns that were refunded or credited.
    refunded = _scalar(db, "SELECT coalesce(sum(refund_cents), 0) FROM returns"
                           " WHERE resolved_at IS NOT NULL")  # fmt: skip
    paid = _scalar(db, "SELECT coalesce(sum(amount_cents), 0) FROM refunds WHERE return_id"
                       " IS NOT NULL")  # fmt: skip
    assert refunded == paid > 0
    exchanges = _scalar(db, "SELECT count(*) FROM orders WHERE channel = 'exchange'")
    assert exchanges == _scalar(db, "SELECT count(*) FROM returns WHERE outcome = 'exchange'"
                                    " AND resolved_at IS NOT NULL")  # fmt: skip
    delivered = "SELECT delivered_at FROM orders o WHERE o.id = r.order_id"
    assert _scalar(db, f"SELECT count(*) FROM returns r WHERE r.requested_at < ({delivered})") == 0


def test_the_kpis_are_filled(demo):
    db, _ = demo
    kpis = ReturnsService(db, SETTINGS).kpis(datetime(2026, 8, 1).date(), NOW.date())
    assert kpis.summary.returns_requested > 30 and 0 < kpis.summary.return_rate < 0.5
    assert kpis.return_rate_by_sku and kpis.refund_value_by_week
    spans = {row.span: row for row in kpis.time_to_refund}
    assert 0 < spans["receipt_to_refund"].median_hours < spans["request_to_refund"].median_hours
    assert {r.resolution for r in kpis.exchanges_vs_refunds} == {"refunded", "exchanged",
                                                                 "credited"}  # fmt: skip


def test_the_same_seed_gives_the_same_returns():
    generator = pytest.importorskip("data.demo_store.generator")
    results = []
    for _ in range(2):
        with Database(":memory:") as db:
            generator.seed_demo(db, seed=5, tickets=200, now=NOW)
            summary = seed_demo_returns(db, seed=5, now=NOW, settings=SETTINGS)
            rows = db.read(
                lambda cur: cur.execute(
                    "SELECT rma, state, reason, order_id FROM returns ORDER BY id"
                ).fetchall()
            )
            results.append((summary.states, rows))
    assert results[0] == results[1]
