"""The demo looks alive on the day it is started: whatever the date, the open tickets are hours
to days old, their SLA states are a small store's ordinary mix, the solved history spreads over
the months before and the planted incidents are the last weeks'. Checked through the server's
API with its clock pinned, on a demo created that day and on one created months earlier and
reused months later, on another weekday and season (moved in time by ``comptoir demo``).

The mix aimed at is about 70 % on track, 20 % at risk, 10 % breached (the tickets waiting on the
team: new and open). A queue is a few dozen tickets and the hour of the week changes it (a
Monday morning holds the weekend's, all on track), so the bands are wide around it."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from data.demo_store import PLANTED_INCIDENTS
from data.demo_store.prepare import prepare_demo
from tests.conftest import start_server
from tests.waiting import wait_until

ADMIN = ("admin@nordet.example", "comptoir-demo")
# A demo is made on the first; the second is the day it is reused (a Tuesday in summer, against
# a Thursday in December: another hour of the week, another season).
DATES = (datetime(2026, 12, 3, 15, 0), datetime(2027, 6, 15, 13, 0))
BANDS = {"ok": (0.55, 0.92), "at_risk": (0.05, 0.35), "breached": (0.03, 0.22)}

pytestmark = pytest.mark.slow


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _open_tickets(api: httpx.Client) -> list[dict]:
    found, cursor = [], None
    while True:
        params = {"view": "all_open", "limit": 200, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/tickets", params=params).json()
        found += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def _look(db_path: Path, now: datetime) -> dict:
    """What the server started on ``db_path`` at ``now`` shows: open tickets once their SLA
    states are computed, the last months' solved tickets, the incident alerts."""
    server = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": now.isoformat()})
    try:
        with httpx.Client(base_url=server.url, timeout=60) as api:
            login = {"email": ADMIN[0], "password": ADMIN[1]}
            token = api.post("/api/v1/auth/login", json=login).json()["token"]
            api.headers["Authorization"] = f"Bearer {token}"
            opened = wait_until(
                lambda: (t := _open_tickets(api)) and all(x["sla_state"] for x in t) and t,
                "the SLA states of the open tickets",
                log=server.log_path,
            )
            solved = [
                api.get(
                    "/api/v1/tickets", params={"view": "solved", "limit": 1, "sort": by}
                ).json()["items"][0]
                for by in ("oldest", "newest")
            ]
            # What the Incidents page asks for: the 90 days up to today.
            weeks = {"start": (now - timedelta(days=89)).date().isoformat(),
                     "end": now.date().isoformat()}  # fmt: skip
            spikes = api.get("/api/v1/analytics/spikes", params=weeks).json()
    finally:
        server.stop()
    return {"open": opened, "solved": solved, "spikes": spikes}


def _check(seen: dict, now: datetime) -> None:
    opened = seen["open"]
    ages = sorted(now - _parse(t["created_at"]) for t in opened)
    assert len(opened) >= 10, opened
    assert ages[0] < timedelta(days=1), ages[:3]  # the newest came in today
    assert ages[-1] <= timedelta(days=14), [a.days for a in ages[-5:]]
    assert all(a >= timedelta(0) for a in ages)  # nothing from the future
    states = Counter(t["sla_state"] for t in opened)
    shares = {s: states[s] / len(opened) for s in BANDS}
    for state, (low, high) in BANDS.items():
        assert low <= shares[state] <= high, (state, states)
    # History: solved tickets spread over the months before, up to the last days.
    oldest, newest = (_parse(t["created_at"]) for t in seen["solved"])
    assert now - timedelta(days=100) <= oldest <= now - timedelta(days=80), oldest
    assert now - timedelta(days=3) <= newest <= now, newest
    # The planted incidents are the alerts, in the last weeks (the oldest starts 38 to 45 days
    # ago, on the Monday its week of spike detection begins).
    found = {(s["dimension"], s["key"]) for s in seen["spikes"]}
    assert found == {i.dimension for i in PLANTED_INCIDENTS}, seen["spikes"]
    for spike in seen["spikes"]:
        assert now - timedelta(days=45) <= _parse(spike["week"]) <= now, spike


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A demo created on the first date (as `comptoir demo` would, its clock pinned to it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    prepare_demo(path, *ADMIN, tickets=3000, now=DATES[0])
    return path


def test_a_demo_created_today_has_a_live_queue(demo_file):
    _check(_look(demo_file, DATES[0]), DATES[0])


def test_a_demo_reused_months_later_is_moved_to_today(demo_file, tmp_path):
    later = DATES[1]
    path = tmp_path / "reused.duckdb"
    shutil.copy(demo_file, path)
    shift = prepare_demo(path, *ADMIN, tickets=3000, now=later)
    assert shift is not None and timedelta(days=190) < shift < timedelta(days=200)
    seen = _look(path, later)
    _check(seen, later)
    # Started again the same day: nothing moves.
    assert prepare_demo(path, *ADMIN, tickets=3000, now=later + timedelta(minutes=5)) is None
