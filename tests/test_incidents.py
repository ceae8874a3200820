"""Recurring-incident detection on the demo store: the planted incidents are found, in their
weeks, and nothing else is flagged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data.demo_store import PLANTED_INCIDENTS, seed_demo
from widget_api.domain import analytics
from widget_api.storage import Database
from widget_api.storage.analytics import Scope

NOW = datetime(2026, 11, 23, 12)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    with Database(tmp_path_factory.mktemp("incidents") / "demo.duckdb") as db:
        seed_demo(db, seed=7, tickets=3000, now=NOW)
        yield db


def test_planted_incidents_are_found_in_their_weeks_and_nothing_else(demo_db):
    scope = Scope(start=NOW - timedelta(days=90), end=NOW + timedelta(days=1))
    found = analytics.spikes(demo_db, scope)
    expected = {i.dimension: i for i in PLANTED_INCIDENTS}
    assert {(s.dimension, s.key) for s in found} == set(expected)
    for spike in found:
        start, end = expected[(spike.dimension, spike.key)].window(NOW)
        assert start - timedelta(days=7) < spike.week <= end, spike


def test_alerts_drill_down_to_the_tickets_behind_them(demo_db):
    scope = Scope(start=NOW - timedelta(days=90), end=NOW + timedelta(days=1))
    parka = next(s for s in analytics.spikes(demo_db, scope) if s.dimension == "sku")
    rows = analytics.drill(
        demo_db, scope, {"sku": parka.key, "problem_type": parka.problem_type,
                         "week": parka.week.isoformat()}, 1000,
    )  # fmt: skip
    assert len(rows) == parka.count
    assert all(r["problem_type"] == "wrong_item" for r in rows)
