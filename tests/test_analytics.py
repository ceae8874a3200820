"""Analytics metrics against a small hand-computed case (business hours Mon–Fri 8:30–12:00 and
13:00–17:30 Toronto, the standard e-mail policy: first reply 8 h, resolution 24 h)."""

from __future__ import annotations

from datetime import datetime

import pytest

from widget_api.domain import analytics
from widget_api.domain.sla.worker import SlaWorker
from widget_api.storage import Database, agents, customers, tickets
from widget_api.storage import csat as csat_store
from widget_api.storage.analytics import Scope
from widget_api.storage.events import Actor


def _build(db: Database) -> dict[str, int]:
    """T1: Mon 9:00 EST, reply 11:00, solved 13:00. T2: Fri 16:00 EST, replies Mon 10:00 and
    11:00, solved 12:00, reopened 13:30, solved again 14:00. T3: Mon 10:00 EST, never answered."""
    ids: dict[str, int] = {}

    def write(w) -> None:
        agent = agents.create(w, email="julie@shop.test", name="Julie Bouchard", role="agent",
                              password_hash="x", language="fr", at=datetime(2026, 11, 1),
                              actor=Actor("system"))  # fmt: skip
        me = Actor("agent", agent)
        ids["agent"] = agent

        def ticket(name: str, at: datetime) -> int:
            cid, _ = customers.find_or_create(w, email=f"{name}@example.com", name=name,
                                              language="fr", at=at)  # fmt: skip
            new = tickets.NewTicket(
                subject=name, body_text="?", channel="email", language="fr", customer_id=cid,
                customer_email=f"{name}@example.com", customer_name=name, order_id=None,
                order_number=None, token_hash=name, source=None, at=at,
            )  # fmt: skip
            ticket_id, _, _ = tickets.create(w, new, Actor("customer", cid))
            ids[name] = ticket_id
            return ticket_id

        def reply(ticket_id: int, at: datetime) -> None:
            tickets.add_message(w, tickets.NewMessage(
                ticket_id=ticket_id, kind="outbound", author_type="agent", author_id=agent,
                author_name="Julie", channel="email", body_text="ok", body_html=None, meta=None,
                at=at), me)  # fmt: skip

        def status(ticket_id: int, value: str, at: datetime) -> None:
            tickets.update(w, ticket_id, {"status": value}, me, at)

        t1 = ticket("t1", datetime(2026, 11, 9, 14, 0))
        reply(t1, datetime(2026, 11, 9, 16, 0))
        status(t1, "solved", datetime(2026, 11, 9, 18, 0))
        ticket("t3", datetime(2026, 11, 9, 15, 0))
        t2 = ticket("t2", datetime(2026, 11, 13, 21, 0))
        reply(t2, datetime(2026, 11, 16, 15, 0))
        reply(t2, datetime(2026, 11, 16, 16, 0))
        status(t2, "solved", datetime(2026, 11, 16, 17, 0))
        status(t2, "open", datetime(2026, 11, 16, 18, 30))
        status(t2, "solved", datetime(2026, 11, 16, 19, 0))
        csat_store.rate(w, t1, 5, None, Actor("customer"), datetime(2026, 11, 17, 12, 0))
        csat_store.rate(w, t2, 2, "lent", Actor("customer"), datetime(2026, 11, 17, 13, 0))

    db.write(write)
    return ids


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The three tickets, their SLA outcomes stored by the SLA worker (the reports read them)
    as of the real clock, long after the tickets."""
    db = Database(tmp_path_factory.mktemp("analytics") / "a.duckdb")
    ids = _build(db)
    SlaWorker(db, "America/Toronto").flush()
    yield db, ids
    db.close()


SCOPE = Scope(start=datetime(2026, 11, 1), end=datetime(2026, 11, 21))


def test_response_times_in_calendar_and_business_hours(built):
    db, _ = built
    rows = {r["metric"]: r for r in analytics.report(db, "response_times", SCOPE)}
    first = rows["first_reply"]  # T1: 2 h / 2 h; T2: 66 h calendar, 1.5 + 1.5 = 3 business h
    assert first["tickets"] == 2
    assert first["calendar_median_h"] == pytest.approx(34)
    assert first["calendar_p90_h"] == pytest.approx(2 + 0.9 * 64)
    assert first["business_median_h"] == pytest.approx(2.5)
    assert first["business_p90_h"] == pytest.approx(2.9)
    resolution = rows["resolution"]  # T1: 4 h / 3 h; T2: 70 h / 1.5 + 3.5 + 1 = 6 h
    assert resolution["calendar_median_h"] == pytest.approx(37)
    assert resolution["business_median_h"] == pytest.approx(4.5)


def test_sla_compliance_counts_unanswered_overdue_tickets_as_breached(built):
    db, _ = built
    rows = {(r["policy"], r["metric"]): r for r in analytics.report(db, "sla", SCOPE)}
    first = rows[("Standard (email, web, SMS, social)", "first_reply")]
    assert (first["tickets"], first["met"], first["breached"]) == (3, 2, 1)
    assert first["compliance_pct"] == pytest.approx(66.7)
    # T3, still open long past its 24 business hours, is breached like its first reply.
    resolution = rows[("Standard (email, web, SMS, social)", "resolution")]
    assert (resolution["met"], resolution["breached"]) == (2, 1)
    assert resolution["compliance_pct"] == pytest.approx(66.7)


def test_one_touch_and_reopen_rates(built):
    db, _ = built
    (quality,) = analytics.report(db, "quality", SCOPE)
    assert (quality["solved"], quality["one_touch"], quality["reopened"]) == (2, 1, 1)
    assert quality["one_touch_pct"] == quality["reopen_pct"] == 50.0


def test_volume_heatmap_uses_store_local_time(built):
    db, _ = built
    heatmap = analytics.report(db, "volume", SCOPE)["heatmap"]
    cells = {(c["dow"], c["hour"]): c["tickets"] for c in heatmap}
    assert cells == {(1, 9): 1, (1, 10): 1, (5, 16): 1}


def test_backlog_is_open_tickets_at_each_day_end(built):
    db, _ = built
    rows = {str(r["day"]): r["open_tickets"] for r in analytics.report(db, "backlog", SCOPE)}
    assert rows["2026-11-09"] == 1  # T1 solved, T3 open
    assert rows["2026-11-13"] == 2  # T2 arrived
    assert rows["2026-11-16"] == 1  # T2 solved (again)


def test_csat_and_agent_performance(built):
    db, _ = built
    csat = analytics.report(db, "csat", SCOPE)
    assert [(w["responses"], w["average"]) for w in csat["trend"]] == [(2, 3.5)]
    assert csat["by_agent"][0]["agent"] == "Julie Bouchard"
    (julie,) = analytics.report(db, "agents", SCOPE)
    assert (julie["replies"], julie["solved"]) == (3, 2)
    assert julie["frt_business_median_h"] == pytest.approx(2.5)
    assert julie["csat_average"] == 3.5


def test_drill_down_lists_the_tickets_behind_a_number(built):
    db, ids = built
    breached = analytics.drill(db, SCOPE, {"first_reply_breached": True}, 100)
    assert [r["ref"] for r in breached] == [f"C{ids['t3'] + 100_000}"]  # never answered
    met = analytics.drill(db, SCOPE, {"first_reply_breached": False}, 100)
    assert {r["ref"] for r in met} == {f"C{ids[n] + 100_000}" for n in ("t1", "t2")}
    reopened = analytics.drill(db, SCOPE, {"reopened": True}, 100)
    assert [r["ref"] for r in reopened] == [f"C{ids['t2'] + 100_000}"]
    monday_nine = analytics.drill(db, SCOPE, {"dow": 1, "hour": 9}, 100)
    assert [r["ref"] for r in monday_nine] == [f"C{ids['t1'] + 100_000}"]
    assert monday_nine[0]["first_reply_business_h"] == 2.0


def test_spike_detection_flags_a_jump_and_not_noise():
    from widget_api.domain.analytics import SpikeRule, detect_spikes

    weeks = [datetime(2026, 9, 7) + (datetime(2026, 9, 14) - datetime(2026, 9, 7)) * i
             for i in range(10)]  # fmt: skip
    quiet = [3, 4, 2, 3, 5, 3, 4, 3, 2, 4]  # ordinary week-to-week noise
    spiky = [3, 4, 3, 3, 4, 16, 4, 3, 3, 3]  # five times the usual in one week
    rows = [
        {"dimension": "sku", "key": key, "problem_type": "wrong_item", "week": week,
         "tickets": count}
        for key, series in (("PK-QUIET", quiet), ("PK-ALIZE-M-NOIR", spiky))
        for week, count in zip(weeks, series, strict=True)
    ]  # fmt: skip
    found = detect_spikes(rows, weeks, SpikeRule())
    assert [(s.key, s.week, s.count) for s in found] == [("PK-ALIZE-M-NOIR", weeks[5], 16)]
    assert found[0].baseline == 3.33 and found[0].ratio == 4.8  # mean of the other weeks
    # 14 would be 4.2 times the usual but, at p = 2.6e-5, too likely among thousands of series.
    rows = [{**r, "tickets": 14} if r["tickets"] == 16 else r for r in rows]
    assert detect_spikes(rows, weeks, SpikeRule()) == []


FACTS = (
    "SELECT id, agent_replies, first_reply_by, first_response_at, reopens FROM tickets ORDER BY id"
)


def test_the_writer_keeps_reply_and_reopen_facts_equal_to_a_recount(built):
    db, ids = built
    kept = db.read(lambda cur: cur.execute(FACTS).fetchall())
    by_id = {row[0]: row[1:] for row in kept}
    assert by_id[ids["t2"]] == (2, ids["agent"], datetime(2026, 11, 16, 15, 0), 1)
    assert by_id[ids["t3"]] == (0, None, None, 0)
    db.write(lambda w: tickets.refresh_facts(w.cur))
    assert db.read(lambda cur: cur.execute(FACTS).fetchall()) == kept
