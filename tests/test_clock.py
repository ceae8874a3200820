"""``COMPTOIR_CLOCK__NOW`` sets the server's clock: tickets are dated by it, reports default to
its "today", and ``/health`` tells the dashboard, whose "today" follows it. Tests and demos
pin dates with it instead of depending on the day they run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from tests.conftest import login, make_database, start_server
from widget_api import clock

NOW = datetime(2025, 3, 14, 15)  # a Friday, long before any day these tests run on


@pytest.fixture(scope="module")
def pinned(tmp_path_factory) -> Iterator[httpx.Client]:
    db_path = tmp_path_factory.mktemp("clock") / "comptoir.duckdb"
    make_database(db_path)
    server = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": NOW.isoformat()})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            yield client
    finally:
        server.stop()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def test_health_tells_the_pinned_time(pinned):
    now = _at(pinned.get("/health").json()["now"])
    assert NOW <= now < NOW + timedelta(hours=1)  # it runs on from NOW, not from the wall clock


def test_tickets_are_dated_and_reported_by_the_pinned_clock(pinned):
    created = pinned.post("/api/v1/tickets", json={"email": "a@example.com", "body": "Allo?"})
    assert created.status_code == 201, created.text
    ticket = pinned.get(f"/api/v1/tickets/{created.json()['ticket_ref']}").json()
    assert NOW <= _at(ticket["created_at"]) < NOW + timedelta(hours=1)
    # Without dates, a report covers the 30 days to the server's today (Toronto).
    by_day = pinned.get("/api/v1/analytics/report/volume").json()["by_day"]
    assert [(row["day"], row["tickets"]) for row in by_day] == [("2025-03-14", 1)]
    assert pinned.get("/api/v1/analytics/report/backlog").json()[0]["day"] == "2025-02-13"


def test_the_clock_runs_on_from_the_time_it_is_set_to():
    try:
        clock.set_now(NOW)
        assert NOW <= clock.utcnow() < NOW + timedelta(hours=1)
        assert clock.today("America/Toronto") == date(2025, 3, 14)
        clock.set_now(datetime(2025, 3, 15, 2, tzinfo=UTC))  # still the 14th in Toronto
        assert clock.today("America/Toronto") == date(2025, 3, 14)
    finally:
        clock.set_now(None)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(hours=1)
