"""Returns KPIs computed in DuckDB from the event log, against a small hand-computed case; and
what the local store backend does to stock and orders along the way.

The case (orders of ``tests/fixtures/returns/shop.json`` placed around T0 = Monday 5 October
2026, 19 units sold in the period):

====  ==============  =========================  ==========  ==========  ===============
 ret  order, reason    units                      requested   received    resolved
====  ==============  =========================  ==========  ==========  ===============
 A    310001 defect    1 PK-ALIZE-M-NOIR restock  T0          T0 + 48 h   refund  T0 + 58 h
 B    310004 mind      2 BS-LAINE: restock, w-o   T0 + 1 h    T0 + 25 h   credit  T0 + 45 h
 C    310010 size      1 PK-ALIZE-M → L, 2nd q.   T0 + 3 h    T0 + 75 h   exchange T0 + 159 h
 D    310005 mind      1 TQ-NORD, cancelled       T0 + 4 h    —           —
====  ==============  =========================  ==========  ==========  ===============

Receipt → resolution: 10, 20, 84 h (mean 38, median 20); request → resolution: 58, 44, 156 h
(mean 86, median 58). The last tests drive the service in-process where HTTP cannot set the
clock (repeat returners, overdue targets, a carrier failing).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.fixtures.returns import shop
from widget_api.commerce import CommerceError, CommerceOrder, LocalStore
from widget_api.contracts.returns import Inspection, ReturnQuery, ReturnRequest
from widget_api.domain.returns import PdfLabelConnector, ReturnsService
from widget_api.settings import Settings
from widget_api.storage import Database
from widget_api.storage.events import Actor

T0 = datetime(2026, 10, 5, 9, 0)
H = timedelta(hours=1)
WAREHOUSE = Actor("system")
EMAILS = {
    "ND-310001": "marie.tremblay@videotron.ca",
    "ND-310004": "luc.cote@example.ca",
    "ND-310005": "sophie.roy@example.ca",
    "ND-310010": "emma.gauthier@example.ca",
}


@pytest.fixture
def desk() -> Iterator[ReturnsService]:
    """A returns desk on a fresh in-memory database holding the fixture shop (placed around
    T0)."""
    with Database(":memory:") as db:
        shop.load(db, T0)
        yield ReturnsService(db, Settings(security={"secret_key": "kpi-test"}))


def _ask(desk, order: str, lines: list[dict], reason: str, outcome: str, at: datetime) -> str:
    data = ReturnRequest(order_number=order, email=EMAILS[order], lines=lines, reason=reason,
                         outcome=outcome)  # fmt: skip
    created = desk.request(data, now=at)
    assert created.state == "label_issued"
    return created.rma


def _inspect(desk, rma: str, lines: list[dict], at: datetime) -> None:
    desk.inspect(rma, WAREHOUSE, Inspection(lines=lines, resolve=False), now=at)


@pytest.fixture
def case(desk: ReturnsService) -> ReturnsService:
    """The four returns of the table above, through the service with their timestamps."""
    a = _ask(desk, "ND-310001", [{"sku": "PK-ALIZE-M-NOIR"}], "defective", "refund", T0)
    b = _ask(desk, "ND-310004", [{"sku": "BS-LAINE-M-CREME", "quantity": 2}], "changed_mind",
             "store_credit", T0 + 1 * H)  # fmt: skip
    c = _ask(desk, "ND-310010", [{"sku": "PK-ALIZE-M-NOIR", "exchange_sku": "PK-ALIZE-L-NOIR"}],
             "wrong_size", "exchange", T0 + 3 * H)  # fmt: skip
    d = _ask(desk, "ND-310005", [{"sku": "TQ-NORD-U-ROUGE"}], "changed_mind", "refund",
             T0 + 4 * H)  # fmt: skip
    desk.cancel(d, Actor("customer", 1), now=T0 + 5 * H)

    desk.receive(a, WAREHOUSE, now=T0 + 48 * H)
    _inspect(desk, a, [{"sku": "PK-ALIZE-M-NOIR", "outcome": "restock"}], T0 + 54 * H)
    desk.resolve(a, WAREHOUSE, now=T0 + 58 * H)

    desk.mark_in_transit(b, WAREHOUSE, "7023", now=T0 + 5 * H)
    desk.receive(b, WAREHOUSE, now=T0 + 25 * H)
    _inspect(desk, b, [{"sku": "BS-LAINE-M-CREME", "outcome": "restock", "quantity": 1},
                       {"sku": "BS-LAINE-M-CREME", "outcome": "write_off", "quantity": 1}],
             T0 + 30 * H)  # fmt: skip
    desk.resolve(b, WAREHOUSE, now=T0 + 45 * H)

    desk.receive(c, WAREHOUSE, now=T0 + 75 * H)
    _inspect(desk, c, [{"sku": "PK-ALIZE-M-NOIR", "outcome": "second_quality"}], T0 + 100 * H)
    desk.resolve(c, WAREHOUSE, now=T0 + 159 * H)
    return desk


def _kpis(desk: ReturnsService):
    return desk.kpis(date(2026, 9, 1), date(2026, 10, 31))


def test_receipt_to_refund_and_request_to_refund_hours(case):
    spans = {row.span: row for row in _kpis(case).time_to_refund}
    receipt, request = spans["receipt_to_refund"], spans["request_to_refund"]
    assert (receipt.returns, receipt.mean_hours, receipt.median_hours) == (3, 38.0, 20.0)
    assert (request.returns, request.mean_hours, request.median_hours) == (3, 86.0, 58.0)


def test_return_rate_by_sku_is_over_units_sold(case):
    rows = {row.sku: row for row in _kpis(case).return_rate_by_sku}
    assert set(rows) == {"PK-ALIZE-M-NOIR", "BS-LAINE-M-CREME"}  # the cancelled one is out
    parka, socks = rows["PK-ALIZE-M-NOIR"], rows["BS-LAINE-M-CREME"]
    assert (parka.units_returned, parka.units_sold, parka.return_rate) == (2, 3, 0.6667)
    assert (socks.units_returned, socks.units_sold, socks.return_rate) == (2, 8, 0.25)


def test_return_rate_by_reason_is_over_every_unit_sold(case):
    rows = {row.reason: row for row in _kpis(case).return_rate_by_reason}
    assert {r: (x.returns, x.units_returned, x.units_sold) for r, x in rows.items()} == {
        "changed_mind": (1, 2, 19), "defective": (1, 1, 19), "wrong_size": (1, 1, 19),
    }  # fmt: skip
    assert rows["changed_mind"].return_rate == round(2 / 19, 4)


def test_summary_restock_rate_and_inspection_outcomes(case):
    kpis = _kpis(case)
    assert kpis.summary.returns_requested == 3 and kpis.summary.units_returned == 4
    assert kpis.summary.units_sold == 19 and kpis.summary.return_rate == round(4 / 19, 4)
    shares = {row.outcome: (row.units, row.share) for row in kpis.inspection_outcomes}
    assert shares == {"restock": (2, 0.5), "write_off": (1, 0.25), "second_quality": (1, 0.25)}
    assert kpis.summary.restock_rate == 0.5


def test_refund_value_by_week_and_exchanges_against_refunds(case):
    kpis = _kpis(case)
    # A: 28999 + 1450 + 2893. B: 2998 + 150 + 299 - 1295 (the customer changed their mind).
    weeks = [(w.week, w.refunded_cents, w.credited_cents, w.exchanged_cents)
             for w in kpis.refund_value_by_week]  # fmt: skip
    assert weeks == [(date(2026, 10, 5), 33342, 2152, 0), (date(2026, 10, 12), 0, 0, 28999)]
    resolutions = [(r.resolution, r.returns, r.value_cents) for r in kpis.exchanges_vs_refunds]
    assert resolutions == [("credited", 1, 2152), ("exchanged", 1, 28999), ("refunded", 1, 33342)]
    assert kpis.summary.refund_value_cents == 33342 + 2152


def test_the_period_bounds_the_kpis(case):
    before = case.kpis(date(2026, 9, 1), date(2026, 9, 30))
    assert before.summary.returns_requested == 0 and before.time_to_refund[0].returns == 0
    first_week = case.kpis(date(2026, 10, 5), date(2026, 10, 11))
    assert [(w.week, w.exchanged_cents) for w in first_week.refund_value_by_week] == [
        (date(2026, 10, 5), 0)
    ]


def test_restocking_and_refunds_reach_the_local_store(case):
    db = case.db
    stock = dict(db.read(lambda cur: cur.execute("SELECT sku, stock FROM products").fetchall()))
    assert stock["PK-ALIZE-M-NOIR"] == 4 + 1  # A restocked as new; C is second quality
    assert stock["PK-ALIZE-L-NOIR"] == 2 - 1  # C's exchange ships an L
    assert stock["BS-LAINE-M-CREME"] == 20 + 1  # one of B's two units
    assert stock["TQ-NORD-U-ROUGE"] == 10  # D was cancelled
    status = dict(
        db.read(lambda cur: cur.execute("SELECT number, financial_status FROM orders").fetchall())
    )
    assert (
        status["ND-310001"] == "partially_refunded" and status["ND-310004"] == "partially_refunded"
    )
    assert status["ND-310010"] == "paid" and status["ND-310010-X100003"] == "paid"
    refunds = db.read(
        lambda cur: cur.execute("SELECT method, amount_cents FROM refunds ORDER BY id").fetchall()
    )
    assert refunds == [("original_payment", 33342), ("store_credit", 2152)]


def test_a_full_refund_marks_the_order_refunded(desk):
    rma = _ask(desk, "ND-310010", [{"sku": "PK-ALIZE-M-NOIR"}], "defective", "refund", T0)
    desk.receive(rma, WAREHOUSE, now=T0 + 24 * H)
    done = desk.inspect(rma, WAREHOUSE, Inspection(lines=[{"sku": "PK-ALIZE-M-NOIR",
                                                          "outcome": "refurbish"}]),
                        now=T0 + 30 * H)  # fmt: skip
    assert done.state == "refunded" and done.refund_cents == 33342
    status = desk.db.read(
        lambda cur: cur.execute(
            "SELECT financial_status FROM orders WHERE number = 'ND-310010'"
        ).fetchone()[0]
    )
    assert status == "refunded"
    # Resolving again (a retry) never pays twice: the local store is idempotent on the RMA.
    order_id, customer_id = desk.db.read(
        lambda cur: cur.execute(
            "SELECT id, customer_id FROM orders WHERE number = 'ND-310010'"
        ).fetchone()
    )
    order = CommerceOrder(order_id, "ND-310010", customer_id)
    again = desk.commerce.refund(order, [], 33342, "original_payment", idempotency_key=rma)
    assert again.amount_cents == 33342
    count = desk.db.read(lambda cur: cur.execute("SELECT count(*) FROM refunds").fetchone()[0])
    assert count == 1


def test_repeat_returners_and_big_returns_wait_for_an_agent(desk):
    for hour in range(3):
        _ask(desk, "ND-310004", [{"sku": "BS-LAINE-M-CREME"}], "changed_mind", "refund",
             T0 + hour * H)  # fmt: skip
    fourth = desk.request(
        ReturnRequest(order_number="ND-310004", email=EMAILS["ND-310004"],
                      lines=[{"sku": "BS-LAINE-M-CREME"}], reason="changed_mind"),
        now=T0 + 4 * H,
    )  # fmt: skip
    assert fourth.state == "requested" and fourth.label_url is None
    detail = desk.detail(fourth.rma, now=T0 + 5 * H)
    assert detail.auto_approved is False and detail.age_hours == 1.0


def test_the_list_flags_returns_past_their_target(case):
    late = case.receive(
        _ask(case, "ND-310001", [{"sku": "TQ-NORD-U-ROUGE"}], "wrong_size", "refund", T0),
        WAREHOUSE, now=T0 + 2 * H,
    )  # fmt: skip
    assert late.due_at == (T0 + 2 * H + timedelta(days=2)).replace(tzinfo=UTC)  # Mon → Wed
    on_time = case.list_returns(ReturnQuery(overdue=True), now=T0 + 49 * H)
    assert on_time.total == 0
    overdue = case.list_returns(ReturnQuery(overdue=True), now=T0 + 51 * H)
    assert [r.rma for r in overdue.items] == [late.rma]
    assert case.list_returns(ReturnQuery(state=["refunded"]), now=T0).total == 1
    assert case.list_returns(ReturnQuery(sku="bs-laine-m-creme"), now=T0).total == 1


def test_a_carrier_failure_leaves_the_return_approved_for_an_agent(desk):
    class DownCarrier:
        name = "down"

        def create_label(self, request):
            raise ConnectionError("carrier unreachable")

    desk.carrier = DownCarrier()
    created = desk.request(
        ReturnRequest(order_number="ND-310001", email=EMAILS["ND-310001"],
                      lines=[{"sku": "PK-ALIZE-M-NOIR"}], reason="defective"),
        now=T0,
    )  # fmt: skip
    assert created.state == "approved" and created.label_url is None
    desk.carrier = PdfLabelConnector()
    again = desk.issue_label(created.rma, Actor("agent", 1), now=T0 + H)
    assert again.state == "label_issued" and again.label_carrier == "pdf"


def test_a_failed_refund_leaves_the_inspection_and_a_note_for_agents(desk):
    class DownPlatform(LocalStore):
        def refund(self, *args, **kwargs):
            raise CommerceError("returns.error.commerce", detail="timeout")

    rma = _ask(desk, "ND-310001", [{"sku": "PK-ALIZE-M-NOIR"}], "defective", "refund", T0)
    desk.receive(rma, WAREHOUSE, now=T0 + 24 * H)
    desk.commerce = DownPlatform(desk.db)
    inspected = desk.inspect(
        rma, WAREHOUSE, Inspection(lines=[{"sku": "PK-ALIZE-M-NOIR", "outcome": "restock"}]),
        now=T0 + 25 * H,
    )  # fmt: skip
    assert inspected.state == "inspected" and inspected.lines[0].restocked == 1
    assert inspected.due_at == (T0 + 49 * H).replace(tzinfo=UTC)  # refund: one business day
    desk.commerce = LocalStore(desk.db)
    assert desk.resolve(rma, Actor("agent", 1), now=T0 + 26 * H).state == "refunded"
    notes = desk.db.read(
        lambda cur: cur.execute(
            "SELECT body_text FROM messages WHERE kind = 'note' ORDER BY id"
        ).fetchall()
    )
    assert any("a échoué" in text and "timeout" in text for (text,) in notes)
