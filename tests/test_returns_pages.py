"""The returns and receiving pages on the seeded demo store (returns in every state, six of them
overdue): AppTest renders both with real numbers, an agent acts on a return and receives and
inspects a parcel through the UI (checked through the API), and real Chromium takes a
screenshot of the returns page in French. The board's and forms' logic is tested bare."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard import returns_view as rv
from data.demo_store import seed_demo
from data.demo_store.returns import seed_demo_returns
from tests.browser import ARTIFACTS, chromium, settle, sign_in, streamlit_dashboard
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT, login, start_server
from widget_api.contracts.returns import ReturnDetail, ReturnKpis, ReturnSummary
from widget_api.domain.setup import create_admin
from widget_api.i18n import catalog
from widget_api.i18n import t as tr
from widget_api.settings import Settings
from widget_api.storage import Database

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
RETURNS = "app_pages/returns.py"
RECEIVING = "app_pages/receiving.py"
# The demo's "now" and the server's clock (the pages' "now" follows the server's): due dates
# and business days do not depend on the day the tests run.
DEMO_NOW = datetime(2026, 12, 3, 8)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A server on the seeded demo store (seed 7, 3,000 tickets over 90 days) with its demo
    returns: every state, three received and three inspected ones past their target."""
    db_path = tmp_path_factory.mktemp("returns") / "demo.duckdb"
    with Database(db_path) as db:
        create_admin(db, ADMIN_EMAIL, ADMIN_PASSWORD, "Alice Admin", "fr")
        summary = seed_demo(db, seed=7, tickets=3000, now=DEMO_NOW)
        seed_demo_returns(db, seed=7, now=summary.end, settings=Settings())
    server = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": DEMO_NOW.isoformat()})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def token(demo_server) -> str:
    with httpx.Client(base_url=demo_server.url, timeout=30) as client:
        return login(client)


@pytest.fixture(scope="module")
def api(demo_server, token) -> Iterator[httpx.Client]:
    """The administrator's API client, to pick returns and check what the pages did."""
    with httpx.Client(base_url=demo_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def _page(demo_server, token: str, page: str, lang: str = "fr") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["api_url"] = demo_server.url
    at.session_state["token"] = token
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    return at.run()


def _returns(api: httpx.Client, **params) -> list[ReturnSummary]:
    answer = api.get("/api/v1/returns", params={"limit": 500, **params})
    assert answer.status_code == 200, answer.text
    return [ReturnSummary.model_validate(r) for r in answer.json()["items"]]


def _state(api: httpx.Client, rma: str) -> ReturnDetail:
    return ReturnDetail.model_validate(api.get(f"/api/v1/returns/{rma}").json())


def _open(at: AppTest, rma: str) -> AppTest:
    """Open a return from the list tab's picker (the board shows a few cards per column)."""
    return at.selectbox(key="returns_pick").set_value(rma).run()


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.subheader)]
    parts += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


# -- the returns page ----------------------------------------------------------------------------
def test_returns_page_shows_the_demo_kpis_and_the_overdue_returns(demo_server, token, api):
    at = _page(demo_server, token, RETURNS)
    assert not at.exception
    assert "Retours" in [t.value for t in at.title]
    kpis = ReturnKpis.model_validate(api.get("/api/v1/returns/kpis").json())
    rate = next(m for m in at.metric if m.label == "Taux de retour")
    assert rate.value == rv.pct_text(kpis.summary.return_rate, "fr") != "—"
    assert 0 < kpis.summary.return_rate < 0.5

    late = _returns(api, overdue="true")
    assert len(late) >= 2  # the demo's two stuck ones, and any the weekend made late
    assert f"Retours en retard sur la cible : {len(late)}" in at.warning[0].value
    for item in late:  # in the alert and highlighted on the board
        assert at.button(key=f"returns_overdue_open_{item.rma}").label.startswith(item.rma)
        assert at.button(key=f"returns_open_{item.rma}")
    labels = [b.label for b in at.button]
    assert any("En retard de" in label for label in labels)
    assert "rd." not in _texts(at)


def test_opening_an_overdue_return_shows_its_items_history_and_actions(demo_server, token, api):
    inspected = next(r for r in _returns(api, overdue="true") if r.state == "inspected")
    at = _page(demo_server, token, RETURNS)
    at.button(key=f"returns_open_{inspected.rma}").click().run()
    assert not at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith(f"### {inspected.rma}"))
    assert "Inspecté" in heading and "En retard de" in heading
    items, history = at.dataframe[0].value, at.dataframe[1].value
    assert set(items["sku"]) == set(inspected.skus)
    outcomes = {i.outcome for line in _state(api, inspected.rma).lines for i in line.inspections}
    shown = " ".join(items["inspection"])
    assert all(tr(f"rd.outcome.{o}", "fr") in shown for o in outcomes)
    assert history["event"].iloc[0] == "Demandé" and "Inspecté" in set(history["event"])
    assert at.button(key=f"returns_resolve_{inspected.rma}")
    assert at.button(key=f"returns_close_{inspected.rma}")
    assert not [b for b in at.button if b.key == f"returns_approve_{inspected.rma}"]


def test_approving_a_requested_return_issues_its_label(demo_server, token, api):
    requested = _returns(api, state="requested")[0]
    at = _open(_page(demo_server, token, RETURNS), requested.rma)
    at.button(key=f"returns_approve_{requested.rma}").click().run()
    assert not at.exception
    assert _state(api, requested.rma).state == "label_issued"
    assert any(requested.rma in t.value for t in at.toast)
    labels = at.get("download_button")
    assert labels and any(b.proto.label == "Étiquette (PDF)" for b in labels)


def test_a_refused_action_shows_the_api_message(demo_server, token, api):
    requested = _returns(api, state="requested")[0]
    at = _open(_page(demo_server, token, RETURNS), requested.rma)
    refused = api.post(f"/api/v1/returns/{requested.rma}/reject", json={"reason": "Porté."})
    assert refused.status_code == 200
    at.button(key=f"returns_approve_{requested.rma}").click().run()  # the page is out of date
    assert not at.exception
    assert any("impossible de passer à « approuvé »" in e.value for e in at.error)
    assert _state(api, requested.rma).state == "rejected"


def test_rejecting_needs_a_reason_which_goes_to_the_customer(demo_server, token, api):
    requested = _returns(api, state="requested")[-1]
    at = _open(_page(demo_server, token, RETURNS), requested.rma)
    at.button(key=f"returns_reject_{requested.rma}").click().run()
    assert "Indiquez le motif du refus" in at.error[0].value
    assert _state(api, requested.rma).state == "requested"
    at.text_area(key=f"returns_reject_reason_{requested.rma}").input("L'article a été porté.")
    at.button(key=f"returns_reject_{requested.rma}").click().run()
    assert not at.exception
    done = _state(api, requested.rma)
    assert (done.state, done.rejection_reason) == ("rejected", "L'article a été porté.")


def test_resolving_an_inspected_return_with_another_outcome(demo_server, token, api):
    inspected = next(
        r for r in _returns(api, state="inspected") if not r.overdue and r.outcome == "refund"
    )
    at = _open(_page(demo_server, token, RETURNS), inspected.rma)
    at.selectbox(key=f"returns_resolve_outcome_{inspected.rma}").set_value("store_credit")
    at.button(key=f"returns_resolve_{inspected.rma}").click().run()
    assert not at.exception and not at.error
    done = _state(api, inspected.rma)
    assert done.state == "credited" and done.refund_cents
    assert "Crédité" in next(m.value for m in at.markdown if m.value.startswith("### RMA"))


def test_reason_and_sku_filters_narrow_the_list(demo_server, token, api):
    at = _page(demo_server, token, RETURNS)
    at.multiselect(key="returns_reasons").set_value(["defective"]).run()
    table = at.dataframe[-1].value
    assert len(table) and set(table["reason"]) == {"Article défectueux"}
    sku = _returns(api, reason="defective")[0].skus[0]
    at.text_input(key="returns_sku").input(sku).run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) and all(sku in skus for skus in table["skus"])


def test_each_kpi_chart_has_a_csv_download(demo_server, token):
    at = _page(demo_server, token, RETURNS)
    ids = [b.proto.id for b in at.get("download_button")]
    names = ("return-rate-by-sku", "return-rate-by-reason", "time-to-refund",
             "inspection-outcomes", "refund-value-by-week", "exchanges-vs-refunds")  # fmt: skip
    missing = [n for n in names if not any(i.endswith(f"returns_csv_{n}") for i in ids)]
    assert missing == [], ids


def test_returns_page_renders_in_english(demo_server, token):
    at = _page(demo_server, token, RETURNS, lang="en")
    assert not at.exception
    assert "Returns" in [t.value for t in at.title]
    assert any(m.label == "Return rate" for m in at.metric)
    assert "rd." not in _texts(at)


# -- the receiving page --------------------------------------------------------------------------
def test_receiving_page_lists_parcels_waiting_for_inspection(demo_server, token, api):
    at = _page(demo_server, token, RECEIVING)
    assert not at.exception
    waiting = _returns(api, state="received")
    assert f"À inspecter ({len(waiting)})" in _texts(at)
    late = next(r for r in waiting if r.overdue)
    assert "En retard de" in at.button(key=f"receiving_pick_{late.rma}").label


def test_scanning_then_inspecting_a_parcel(demo_server, token, api):
    parcel = _returns(api, state="in_transit")[0]
    at = _page(demo_server, token, RECEIVING)
    at.text_input(key="receiving_code").input(parcel.rma.lower().replace("-", " "))
    at.button[[b.label for b in at.button].index("Marquer comme reçu")].click().run()
    assert not at.exception
    assert f"Colis {parcel.rma} reçu" in at.success[0].value
    assert _state(api, parcel.rma).state == "received"

    units = rv.units(_state(api, parcel.rma))
    at.selectbox(key=f"receiving_outcome_{parcel.rma}_0").set_value("second_quality")
    at.text_input(key=f"receiving_notes_{parcel.rma}_0").input("Couture décousue à la manche")
    at.toggle(key=f"receiving_resolve_{parcel.rma}").set_value(False)
    at.button[[b.label for b in at.button].index("Enregistrer l'inspection")].click().run()
    assert not at.exception
    assert not at.error
    done = _state(api, parcel.rma)
    assert done.state == "inspected"
    checks = [i for line in done.lines for i in line.inspections]
    assert sum(i.quantity for i in checks) == sum(u.quantity for u in units)
    assert any(i.outcome == "second_quality" and i.notes == "Couture décousue à la manche"
               for i in checks)  # fmt: skip
    assert f"Inspection du retour {parcel.rma} enregistrée" in _texts(at)


def test_scanning_a_closed_return_shows_the_409_and_opens_it(demo_server, token, api):
    closed = _returns(api, state="closed")[0]
    at = _page(demo_server, token, RECEIVING)
    # Typed loosely: the server reads the RMA number for the scan and for opening the return.
    at.text_input(key="receiving_code").input(closed.rma.lower().replace("-", " "))
    at.button[[b.label for b in at.button].index("Marquer comme reçu")].click().run()
    assert not at.exception
    assert "impossible de passer à « reçu »" in at.error[0].value
    assert _state(api, closed.rma).state == "closed"
    assert "rien à inspecter" in _texts(at)
    assert any(m.value.startswith(f"### {closed.rma}") for m in at.markdown)


# -- the logic, bare -----------------------------------------------------------------------------
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _summary(**fields) -> ReturnSummary:
    base = {
        "rma": "RMA-100001", "state": "received", "reason": "wrong_size", "outcome": "refund",
        "order_number": "ND-100001", "ticket_ref": "C100001", "customer_email": "a@b.ca",
        "customer_name": "Marie Tremblay", "skus": ["PK-ALIZE-M-NOIR"], "units": 1,
        "estimate_cents": 28999, "refund_cents": None, "requested_at": NOW - timedelta(days=5),
        "state_changed_at": NOW - timedelta(days=1), "received_at": NOW - timedelta(days=1),
        "inspected_at": None, "resolved_at": None, "age_hours": 120.0, "state_age_hours": 24.0,
    }  # fmt: skip
    return ReturnSummary.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("hours", "fr", "en"),
    [(0.25, "15 min", "15 min"), (5.4, "5 h", "5 h"), (28, "1 j 4 h", "1 d 4 h"),
     (48, "2 j", "2 d"), (101, "4 j", "4 d"), (None, "—", "—")],
)  # fmt: skip
def test_durations_read_at_a_glance(hours, fr, en):
    assert (rv.duration(hours, "fr"), rv.duration(hours, "en")) == (fr, en)


def test_due_texts_before_and_after_the_target():
    late = _summary(due_at=NOW - timedelta(hours=30), overdue=True)
    soon = _summary(due_at=NOW + timedelta(hours=5))
    assert rv.due_text(late, "fr", NOW) == "En retard de 1 j 6 h"
    assert rv.card(late, "en", NOW).due == "Late 1 d 6 h"
    assert rv.due_text(soon, "fr", NOW) == "Échéance dans 5 h"
    assert rv.due_text(_summary(), "fr", NOW) == ""


def test_board_puts_overdue_first_and_groups_the_settled_states():
    waiting = _summary(rma="RMA-100002", state_age_hours=40.0)
    late = _summary(rma="RMA-100003", overdue=True, due_at=NOW, state_age_hours=10.0)
    credited = _summary(rma="RMA-100004", state="credited")
    gone = _summary(rma="RMA-100005", state="cancelled")
    board = rv.board([waiting, late, credited, gone])
    assert [r.rma for r in board["received"]] == ["RMA-100003", "RMA-100002"]
    assert [r.rma for r in board["resolved"]] == ["RMA-100004"]
    assert [r.rma for r in board["cancelled"]] == ["RMA-100005"]
    assert list(board)[: len(rv.BOARD)] == [c for c, _ in rv.BOARD]


def test_inspection_form_answers_become_the_api_body():
    detail = ReturnDetail.model_validate(
        {**_summary().model_dump(), "language": "fr", "comment": None, "created_by": "customer",
         "shipping_payer": "store", "shipping_fee_cents": 0, "auto_approved": True,
         "policy_override": False, "rejection_reason": None, "resolution_ref": None,
         "photo_ids": [], "label_carrier": None, "label_tracking": None, "events": [],
         "actions": ["inspect"],
         "lines": [{"sku": "PK-ALIZE-M-NOIR", "title": "Parka", "quantity": 2,
                    "unit_price_cents": 28999, "exchange_sku": None, "restocked": 0},
                   {"sku": "TQ-POMPON", "title": "Tuque", "quantity": 12,
                    "unit_price_cents": 2999, "exchange_sku": None, "restocked": 0}]}
    )  # fmt: skip
    units = rv.units(detail)
    assert [(u.sku, u.quantity, u.position, u.of) for u in units] == [
        ("PK-ALIZE-M-NOIR", 1, 1, 2), ("PK-ALIZE-M-NOIR", 1, 2, 2), ("TQ-POMPON", 12, 1, 1)
    ]  # fmt: skip
    body = rv.inspection_body(
        units, [("restock", True, ""), ("write_off", False, " troué "), ("restock", True, "")],
        "  ", resolve=False,
    )  # fmt: skip
    assert body["resolve"] is False and body["notes"] is None
    assert body["lines"][1] == {"sku": "PK-ALIZE-M-NOIR", "outcome": "write_off", "quantity": 1,
                                "accepted": False, "notes": "troué"}  # fmt: skip


def test_kpi_charts_build_from_the_api_tables(api):
    kpis = ReturnKpis.model_validate(api.get("/api/v1/returns/kpis").json())
    labels = {k: k for k in ("rate", "sold", "returned", "returns", "days", "outcome", "units",
                             "share", "week", "value")} | rv.number_symbols("fr")  # fmt: skip
    built = [
        charts.return_rate_by_sku(rv.top_skus(rv.sku_rates(kpis)), labels),
        charts.return_rate_by_reason(rv.reason_rates(kpis, "fr"), labels),
        charts.refund_times(rv.refund_times(kpis, "fr"), labels),
        charts.inspection_outcomes(rv.inspection_outcomes(kpis, "fr"), labels),
        charts.refund_value_by_week(rv.weekly_value(kpis, "fr"), labels),
        charts.exchanges_vs_refunds(rv.resolutions(kpis, "fr"), labels),
    ]
    assert all(chart.to_dict()["data"] for chart in built)
    assert rv.weekly_value(kpis, "fr")["value"].sum() == pytest.approx(
        sum(w.refunded_cents + w.credited_cents + w.exchanged_cents
            for w in kpis.refund_value_by_week) / 100
    )  # fmt: skip


def test_every_returns_text_key_exists_in_both_languages():
    keys = {f"rd.state.{s}" for s in rv.STATES} | {f"rd.col.{c}" for c, _ in rv.BOARD}
    keys |= {f"rd.col.{s}" for s in rv.COLLAPSED} | {f"rd.reason.{r}" for r in rv.REASONS}
    keys |= {f"rd.outcome.{o}" for o in rv.OUTCOMES} | {f"rd.rcv.outcome.{o}" for o in rv.OUTCOMES}
    keys |= {f"rd.wish.{o}" for o in rv.RESOLUTIONS} | {f"rd.d.{k}" for k in rv.DETAIL_KEYS}
    keys |= {f"rd.list.{k}" for k in rv.LIST_COLUMNS}
    keys |= {f"rd.done.{a}" for a in ("approve", "reject", "label", "resolve", "close")}
    keys |= {f"rd.actor.{a}" for a in ("agent", "customer", "system")}
    keys |= {f"rd.resolution.{r}" for r in ("refunded", "exchanged", "credited")}
    for lang in ("fr", "en"):
        assert sorted(keys - set(catalog(lang))) == [], lang


def test_returns_logic_never_imports_storage():
    code = (
        "import sys, dashboard.returns_view;"
        "bad = [m for m in sys.modules if m == 'duckdb' or m.startswith('widget_api.storage')"
        " or m.startswith('widget_api.domain')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# -- real Chromium -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dashboard_url(demo_server) -> Iterator[str]:
    with streamlit_dashboard(demo_server.url, "returns-dashboard.log") as url:
        yield url


@pytest.mark.browser
def test_screenshot_of_the_returns_page_in_french(dashboard_url):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1500}, locale="fr-CA")
        sign_in(page, dashboard_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        page.get_by_role("link", name="Retours", exact=True).click()
        expect(page.get_by_text("Taux de retour").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Retours en retard sur la cible").first).to_be_visible()
        settle(page)
        page.screenshot(path=ARTIFACTS / "returns-fr.png", full_page=True)
    assert (ARTIFACTS / "returns-fr.png").stat().st_size > 50_000
