"""One computation of SLA outcomes: the live clock (the SLA worker running the engine) and the
SLA report (the real HTTP analytics endpoint) agree ticket by ticket and in aggregate, on
hand-built tickets with pauses (pending, snoozed), next replies, business hours, a weekend and
several priorities; a policy change recomputes the history the report shows; and the worker
announces each target's warning and breach once.

Default settings: Mon–Fri 8:30–12:00 and 13:00–17:30 Toronto (EST, UTC−5 in November).
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.waiting import wait_until
from widget_api import clock
from widget_api.contracts.sla import SlaSettings
from widget_api.domain.sla.engine import Timeline, assess, calendar_for
from widget_api.domain.sla.worker import SlaWorker
from widget_api.storage import Database, agents, customers, tickets
from widget_api.storage import sla as sla_store
from widget_api.storage.events import Actor

NOW = datetime(2026, 11, 25, 17, 0)  # Wednesday 12:00 EST
TZ = "America/Toronto"
STANDARD = "Standard (email, web, SMS, social)"
RANGE = {"start": "2026-11-01", "end": "2026-11-30"}


def _build(db: Database) -> dict[str, int]:
    """Seven tickets (times UTC; EST in the comments):

    A e-mail: Fri 16:00, reply Mon 10:00 then pending, customer Mon 14:00, reply Tue 9:00,
      solved Tue 11:00 (over a weekend).
    B chat: Mon 9:00, reply 9:10 then pending, customer 15:00, reply 15:30, solved Tue 10:00.
    C web, high: Thu 15:00, reply 16:00 and snoozed until Mon 9:30, solved Tue 11:30.
    D e-mail: Mon 10:00, never answered.
    E e-mail, urgent (calendar hours): Sat 10:00, reply 11:30 then pending, customer Sun
      10:00, reply 10:30, solved 12:00.
    F e-mail: Tue 9:00, reply 9:30 then pending (still waiting on the customer).
    G e-mail: Wed 8:45, reply 9:00 then pending, customer 11:00 (waiting for a next reply).
    """
    ids: dict[str, int] = {}

    def write(w) -> None:
        agent = agents.create(w, email="julie@shop.test", name="Julie Bouchard", role="agent",
                              password_hash="x", language="fr", at=datetime(2026, 11, 1),
                              actor=Actor("system"))  # fmt: skip
        me = Actor("agent", agent)

        def ticket(name: str, at: datetime, channel: str = "email", priority: str = "normal"):
            cid, _ = customers.find_or_create(w, email=f"{name}@example.com", name=name,
                                              language="fr", at=at)  # fmt: skip
            new = tickets.NewTicket(
                subject=name, body_text="?", channel=channel, language="fr", customer_id=cid,
                customer_email=f"{name}@example.com", customer_name=name, order_id=None,
                order_number=None, token_hash=name, source=None, at=at, priority=priority,
            )  # fmt: skip
            ids[name], _, _ = tickets.create(w, new, Actor("customer", cid))

        def message(name: str, at: datetime, kind: str) -> None:
            agent_side = kind == "outbound"
            tickets.add_message(w, tickets.NewMessage(
                ticket_id=ids[name], kind=kind, author_type="agent" if agent_side else "customer",
                author_id=agent if agent_side else None, author_name=name, channel="email",
                body_text="ok", body_html=None, meta=None, at=at), me)  # fmt: skip

        def change(name: str, at: datetime, **fields) -> None:
            tickets.update(w, ids[name], fields, me, at)

        def d(day: int, hour: int, minute: int = 0) -> datetime:
            return datetime(2026, 11, day, hour, minute)

        ticket("A", d(20, 21))
        message("A", d(23, 15), "outbound")
        change("A", d(23, 15), status="pending")
        message("A", d(23, 19), "inbound")
        change("A", d(23, 19), status="open")
        message("A", d(24, 14), "outbound")
        change("A", d(24, 16), status="solved")

        ticket("B", d(23, 14), channel="chat")
        message("B", d(23, 14, 10), "outbound")
        change("B", d(23, 14, 10), status="pending")
        message("B", d(23, 20), "inbound")
        change("B", d(23, 20), status="open")
        message("B", d(23, 20, 30), "outbound")
        change("B", d(24, 15), status="solved")

        ticket("C", d(19, 20), channel="web", priority="high")
        message("C", d(19, 21), "outbound")
        change("C", d(19, 21), snoozed_until=d(23, 14, 30))
        change("C", d(24, 16, 30), status="solved")

        ticket("D", d(23, 15))

        ticket("E", d(21, 15), priority="urgent")
        message("E", d(21, 16, 30), "outbound")
        change("E", d(21, 16, 30), status="pending")
        message("E", d(22, 15), "inbound")
        change("E", d(22, 15), status="open")
        message("E", d(22, 15, 30), "outbound")
        change("E", d(22, 17), status="solved")

        ticket("F", d(24, 14))
        message("F", d(24, 14, 30), "outbound")
        change("F", d(24, 14, 30), status="pending")

        ticket("G", d(25, 13, 45))
        message("G", d(25, 14), "outbound")
        change("G", d(25, 14), status="pending")
        message("G", d(25, 16), "inbound")
        change("G", d(25, 16), status="open")

    db.write(write)
    return ids


def _ref(ticket_id: int) -> str:
    return f"C{ticket_id + 100_000}"


def _engine(db_path: Path, settings: SlaSettings) -> dict[str, tuple]:
    """What the engine says of each ticket at NOW: (live state, outcomes), by ref."""
    calendar = calendar_for(settings, TZ)
    with Database(db_path) as db:
        ids = db.read(sla_store.all_ids)
        timelines = db.read(lambda cur: sla_store.timelines(cur, ids))
    return {
        _ref(i): assess(Timeline(**data), settings, calendar, NOW) for i, data in timelines.items()
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A database file with an administrator and the seven tickets (no SLA computed yet)."""
    path = tmp_path_factory.mktemp("sla-one") / "template.duckdb"
    make_database(path)
    with Database(path) as db:
        ids = _build(db)
    return path, {name: _ref(i) for name, i in ids.items()}


def _serve(template: Path, tmp_path: Path) -> Iterator[tuple[RunningServer, httpx.Client]]:
    db_path = tmp_path / "comptoir.duckdb"
    shutil.copy(template, db_path)
    server = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": NOW.isoformat()})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            yield server, client
    finally:
        server.stop()


@pytest.fixture
def served(template, tmp_path):
    yield from _serve(template[0], tmp_path)


def _report(client: httpx.Client) -> dict[tuple[str, str], dict]:
    rows = client.get("/api/v1/analytics/report/sla", params=RANGE).json()
    return {(r["policy"], r["metric"]): r for r in rows}


def _drill(client: httpx.Client) -> dict[str, dict]:
    rows = client.get("/api/v1/analytics/tickets", params=RANGE).json()
    return {r["ref"]: r for r in rows}


def _wait_for_outcomes(client: httpx.Client, server: RunningServer, count: int) -> None:
    def computed() -> bool:
        return sum(r["tickets"] + r["pending"] for r in _report(client).values()) == count

    wait_until(computed, "the SLA worker's outcomes of every ticket", log=server.log_path)


def _expected_report(engine: dict[str, tuple]) -> dict[tuple[str, str], Counter]:
    counts: dict[tuple[str, str], Counter] = {}
    for _, found in engine.values():
        for o in found:
            counts.setdefault((o.policy, o.metric), Counter())[o.state] += 1
    return counts


def test_hand_computed_outcomes_of_the_engine(template):
    path, refs = template
    engine = _engine(path, SlaSettings())
    by = {name: {o.metric: o for o in engine[ref][1]} for name, ref in refs.items()}
    # A: 90 + 90 business minutes to the first reply; 210 + 30 to the next; resolution 720
    # minutes less the 180 spent pending.
    assert [(m, o.minutes, o.state) for m, o in by["A"].items()] == [
        ("first_reply", 180, "met"), ("next_reply", 240, "met"),
        ("resolution", 540, "met")]  # fmt: skip
    # B (chat, 15 min): the next reply took 30 min; 540 minutes to solve less 290 pending, met
    # though 540 would breach its 480 without the pause.
    assert (by["B"]["next_reply"].minutes, by["B"]["next_reply"].state) == (30, "breached")
    assert (by["B"]["resolution"].minutes, by["B"]["resolution"].state) == (250, "met")
    # C (high, 960 min): 1290 business minutes, 630 of them snoozed.
    assert (by["C"]["resolution"].minutes, by["C"]["resolution"].state) == (660, "met")
    # D: the first reply was due Tue 10:00 EST; the resolution Thu 10:00 EST, still owed.
    assert by["D"]["first_reply"].due_at == datetime(2026, 11, 24, 15)
    assert by["D"]["first_reply"].state == "breached"
    assert by["D"]["resolution"].due_at == datetime(2026, 11, 26, 15)
    assert by["D"]["resolution"].state == "pending"
    # E (urgent, calendar hours on a weekend): 90 min > 60; resolution 26 h less 22.5 pending.
    assert (by["E"]["first_reply"].minutes, by["E"]["first_reply"].state) == (90, "breached")
    assert (by["E"]["resolution"].minutes, by["E"]["resolution"].state) == (210, "met")
    assert by["F"]["resolution"].state == "paused" and by["F"]["resolution"].due_at is None
    # G: next reply due Thu 11:00 EST (60 + 270 minutes Wednesday, 150 Thursday).
    assert by["G"]["next_reply"].due_at == datetime(2026, 11, 26, 16)


def test_the_report_and_the_live_clock_agree_ticket_by_ticket(template, served):
    server, client = served
    path, refs = template
    engine = _engine(path, SlaSettings())
    _wait_for_outcomes(client, server, sum(len(found) for _, found in engine.values()))

    report = _report(client)
    expected = _expected_report(engine)
    assert set(report) == set(expected)
    for key, states in expected.items():
        row = report[key]
        decided = states["met"] + states["breached"]
        assert (row["tickets"], row["met"], row["breached"], row["pending"]) == (
            decided, states["met"], states["breached"], states["pending"] + states["paused"]
        ), key  # fmt: skip
    # And the figures by hand: A, F and G met their first reply, D did not.
    standard = report[(STANDARD, "first_reply")]
    assert (standard["tickets"], standard["met"], standard["breached"]) == (4, 3, 1)
    assert standard["compliance_pct"] == 75.0
    assert report[("Chat", "next_reply")]["breached"] == 1
    assert report[("High priority", "resolution")]["met"] == 1  # snoozed time not counted
    assert (report[(STANDARD, "resolution")]["met"], report[(STANDARD, "resolution")]["pending"]
            ) == (1, 3)  # fmt: skip

    breakdown = client.get("/api/v1/analytics/report/sla_breakdown", params=RANGE).json()
    cut = {name: {(r["key"], r["metric"]): r for r in rows} for name, rows in breakdown.items()}
    assert (cut["by_priority"][("urgent", "first_reply")]["breached"],
            cut["by_priority"][("high", "resolution")]["met"]) == (1, 1)  # fmt: skip
    assert cut["by_channel"][("chat", "next_reply")]["breached"] == 1
    for metric in ("first_reply", "next_reply", "resolution"):  # weeks add up to the whole
        weeks = [r for r in breakdown["by_week"] if r["metric"] == metric]
        assert sum(r["met"] for r in weeks) == sum(
            r["met"] for (_, m), r in report.items() if m == metric)  # fmt: skip

    rows = _drill(client)
    assert set(rows) == set(engine) == set(refs.values())
    for ref, (live, found) in engine.items():
        states = {o.metric: o.state for o in found}
        nexts = Counter(o.state for o in found if o.metric == "next_reply")
        row = rows[ref]
        assert (row["policy"], row["first_reply_sla"], row["resolution_sla"]) == (
            live.policy, states.get("first_reply"), states.get("resolution")), ref  # fmt: skip
        assert (row["next_replies_met"], row["next_replies_breached"]) == (
            nexts["met"], nexts["breached"]), ref  # fmt: skip
        ticket = client.get(f"/api/v1/tickets/{ref}").json()
        due = ticket["sla_due_at"] and datetime.fromisoformat(ticket["sla_due_at"])
        assert (ticket["sla_state"], due and due.replace(tzinfo=None)) == (
            live.state, live.due_at), ref  # fmt: skip
    assert rows[refs["D"]]["first_reply_sla"] == "breached"
    breached = client.get("/api/v1/analytics/tickets",
                          params={**RANGE, "first_reply_breached": "true"}).json()  # fmt: skip
    assert {r["ref"] for r in breached} == {refs["D"], refs["E"]}


def test_a_policy_change_recomputes_the_reported_history(template, served):
    server, client = served
    path, refs = template
    _wait_for_outcomes(
        client, server, sum(len(f) for _, f in _engine(path, SlaSettings()).values())
    )
    assert _report(client)[(STANDARD, "first_reply")]["breached"] == 1

    stricter = SlaSettings()
    stricter.policies[-1].targets.first_reply_minutes = 120  # A's 180 minutes now breach
    saved = client.put("/api/v1/settings/sla", json=stricter.model_dump(mode="json"))
    assert saved.is_success, saved.text

    def recomputed() -> bool:
        return _report(client)[(STANDARD, "first_reply")]["breached"] == 2

    wait_until(recomputed, "the report on the stricter policy", log=server.log_path)
    row = _report(client)[(STANDARD, "first_reply")]
    assert (row["met"], row["compliance_pct"]) == (2, 50.0)
    assert _drill(client)[refs["A"]]["first_reply_sla"] == "breached"
    engine = _engine(path, stricter)
    assert engine[refs["A"]][1][0].state == "breached"  # the engine, given the same policy


# -- announcements -------------------------------------------------------------------------


@pytest.fixture
def pinned() -> Iterator[None]:
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def _announced(db: Database, ticket_id: int) -> list[tuple[str, str]]:
    return db.read(lambda c: c.execute(
        "SELECT name, after ->> 'metric' FROM events WHERE ticket_id = ?"
        " AND name IN ('sla.warning', 'sla.breached', 'ticket.sla_breached') ORDER BY id",
        [ticket_id]).fetchall())  # fmt: skip


def test_warning_and_breach_are_announced_once_per_target(tmp_path, pinned):
    with Database(tmp_path / "sla.duckdb") as db:
        worker = SlaWorker(db, TZ)
        worker.flush()  # nothing to backfill: from now on, changes are live
        customer = Actor("customer")

        def create(w) -> int:
            cid, _ = customers.find_or_create(w, email="x@example.com", name="X", language="fr",
                                              at=NOW)  # fmt: skip
            new = tickets.NewTicket(
                subject="?", body_text="?", channel="email", language="fr", customer_id=cid,
                customer_email="x@example.com", customer_name="X", order_id=None,
                order_number=None, token_hash="x", source=None, at=NOW, priority="urgent",
            )  # fmt: skip
            return tickets.create(w, new, customer)[0]

        ticket_id = db.write(create)
        worker.mark(ticket_id)  # what the SLA listener does for each ticket event in the server
        worker.flush()
        assert worker.tick() == [] and _announced(db, ticket_id) == []
        clock.set_now(NOW + timedelta(minutes=50))  # urgent: 60 calendar minutes, at risk at 45
        worker.tick()
        assert _announced(db, ticket_id) == [("sla.warning", "first_reply")]
        db.write(lambda w: tickets.update(w, ticket_id, {"tags": ["vip"]}, customer,
                                          NOW + timedelta(minutes=51)))  # fmt: skip
        worker.mark(ticket_id)
        assert worker.flush() == 1  # recomputed: still the same target, already announced
        assert worker.tick() == []
        clock.set_now(NOW + timedelta(minutes=61))
        assert worker.tick() == [ticket_id]
        assert worker.tick() == []
        assert _announced(db, ticket_id) == [
            ("sla.warning", "first_reply"), ("sla.breached", "first_reply"),
            ("ticket.sla_breached", "first_reply")]  # fmt: skip
