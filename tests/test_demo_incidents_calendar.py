"""The demo's planted incidents are found, and only they, whatever day the demo is generated on.

The demo is seeded relative to its "now": the weekday it falls on decides how the incident
windows meet the weeks spike detection counts, and the background's noise moves with it. On
2026-12-03 a warehouse echoing the parka incident was flagged and the 3PL's was missed. Spike
detection runs in-process on each seeded database, as the server's route does."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data.demo_store import PLANTED_INCIDENTS, seed_demo
from data.demo_store.generator import demo_password_hash
from widget_api.domain import analytics
from widget_api.storage import Database
from widget_api.storage.analytics import Scope

# A year of start dates, two weeks and six hours apart (so every weekday and many hours come
# up), and the day the calendar bug was reported.
DATES = [datetime(2026, 1, 5, 6) + i * timedelta(days=14, hours=6) for i in range(26)]
DATES.append(datetime(2026, 12, 3, 8))


@pytest.fixture(scope="module")
def password_hash() -> str:
    return demo_password_hash()


@pytest.mark.slow
@pytest.mark.parametrize("now", DATES, ids=lambda d: d.strftime("%Y-%m-%dT%H"))
def test_only_the_planted_incidents_are_found_in_their_weeks(tmp_path, password_hash, now):
    with Database(tmp_path / "demo.duckdb") as db:
        seed_demo(db, seed=7, tickets=3000, now=now, password_hash=password_hash)
        # What the Incidents page asks for: the 90 days up to today.
        scope = Scope(start=now.replace(hour=0) - timedelta(days=89),
                      end=now.replace(hour=0) + timedelta(days=1))  # fmt: skip
        found = analytics.spikes(db, scope)
    expected = {i.dimension: i for i in PLANTED_INCIDENTS}
    assert sorted({(s.dimension, s.key) for s in found}) == sorted(expected), found
    for spike in found:
        start, end = expected[(spike.dimension, spike.key)].window(now)
        assert start <= spike.week < end, spike


def test_incident_windows_start_on_the_monday_spike_detection_counts_from():
    for now in DATES:
        for incident in PLANTED_INCIDENTS:
            start, end = incident.window(now)
            assert start.weekday() == 0 and start.time() == datetime.min.time()
            assert end - start == timedelta(days=incident.start_days_ago - incident.end_days_ago)
            assert (
                now - timedelta(days=incident.start_days_ago + 7)
                < start
                <= now - timedelta(days=incident.start_days_ago)
            )
            assert end <= now
