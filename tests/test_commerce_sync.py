"""The sync runner (widget_api/commerce/sync.py) started by CommerceHub.reload: the initial import
page by page, resuming where a stopped server left it, the periodic reconciliation, and errors
kept in the status in both languages. The app runs in a thread with the stand-in client of
tests/commerce_standin.py; the clock is pinned."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tests.commerce_standin import (
    App,
    StandInShop,
    connect_shopify,
    shopify_order,
    stand_in,  # noqa: F401 (a fixture)
    start_app,
)
from tests.conftest import make_database
from tests.waiting import wait_until
from widget_api import clock
from widget_api.commerce.platform import PlatformError
from widget_api.commerce.sync import read_status
from widget_api.storage import settings_store
from widget_api.storage.events import SYSTEM

AT = datetime(2026, 11, 20, 15, 0)


def _orders(shop: StandInShop) -> None:
    """Five recent orders of two customers, and one too old for a 90-day import."""
    for day in range(1, 6):
        customer = 207119551 if day % 2 else 207119552
        email = "marie.tremblay@exemple.ca" if day % 2 else "jean.gagnon@exemple.ca"
        shop.orders.append(shopify_order(450789460 + day, 1000 + day, AT - timedelta(days=day),
                                         customer_id=customer, email=email))  # fmt: skip
    shop.orders.append(shopify_order(450789400, 900, AT - timedelta(days=200)))


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "comptoir.duckdb"
    make_database(path)
    return path


def _synced(app: App) -> list[str]:
    rows = app.read("SELECT number FROM orders WHERE source = 'shopify' ORDER BY number")
    return [r[0] for r in rows]


def _bookkeeping(app: App) -> dict:
    return app.db.read(lambda cur: settings_store.get(cur, "commerce_sync")) or {}


def test_the_initial_import_goes_page_by_page_and_reports_its_progress(
    tmp_path: Path,
    stand_in: StandInShop,  # noqa: F811
):
    _orders(stand_in)
    app = start_app(_database(tmp_path), now=AT)
    try:
        connect_shopify(app, "whsec", sync_days=90)
        wait_until(lambda: read_status(app.db, "en").state == "done", "the initial import")
        status = read_status(app.db, "en")
        synced = _synced(app)
        # Back to the built-in store: the runner stops and the client is closed.
        app.db.write(lambda w: settings_store.put(w, "commerce", {"platform": "local"}, SYSTEM,
                                                  clock.utcnow()))  # fmt: skip
        wait_until(lambda: app.state.commerce.platform == "local", "the hub to reload")
        assert app.state.commerce.client is None and app.state.commerce.sync is None
        wait_until(stand_in.clients[0].closed.is_set, "the old client to be closed")
    finally:
        app.stop()
    assert [cursor for _, cursor in stand_in.calls] == [None, "2", "4"]
    since = stand_in.calls[0][0]
    assert abs(since - (AT - timedelta(days=90))) < timedelta(hours=1)
    assert {s for s, _ in stand_in.calls} == {since}  # every page asks for the same window
    assert synced == ["#1001", "#1002", "#1003", "#1004", "#1005"]  # not the 200-day-old one
    assert status.orders_imported == 5 and status.customers_imported == 2
    assert status.started_at is not None and status.finished_at >= status.started_at
    assert status.error is None


def test_a_stopped_import_resumes_at_its_page_not_from_the_start(
    tmp_path: Path,
    stand_in: StandInShop,  # noqa: F811
):
    _orders(stand_in)
    stand_in.hold_cursor = "2"  # the second page hangs until the server stops
    db_path = _database(tmp_path)
    first = start_app(db_path, now=AT)
    try:
        connect_shopify(first, "whsec")
        wait_until(lambda: _bookkeeping(first).get("cursor") == "2", "the first page")
        halfway = _bookkeeping(first)
        assert _synced(first) == ["#1004", "#1005"]  # oldest first: days 5 and 4
    finally:
        first.stop()
    assert halfway["state"] == "running" and halfway["orders_imported"] == 2
    stand_in.hold_cursor = None
    before = len(stand_in.calls)
    second = start_app(db_path, now=AT + timedelta(minutes=5))
    try:
        wait_until(lambda: read_status(second.db, "en").state == "done", "the resumed import")
        status = read_status(second.db, "en")
        synced = _synced(second)
    finally:
        second.stop()
    resumed = stand_in.calls[before:]
    assert [cursor for _, cursor in resumed] == ["2", "4"]
    assert resumed[0][0] == stand_in.calls[0][0]  # the same window as the first start
    assert synced == ["#1001", "#1002", "#1003", "#1004", "#1005"]
    assert status.orders_imported == 5


def test_reconciliation_picks_up_a_changed_order_and_a_missed_one(
    tmp_path: Path,
    stand_in: StandInShop,  # noqa: F811
):
    _orders(stand_in)
    app = start_app(_database(tmp_path), now=AT, reconcile_minutes=0.01)
    try:
        connect_shopify(app, "whsec")
        wait_until(lambda: read_status(app.db, "en").state == "done", "the initial import")
        first_reconciled = read_status(app.db, "en").last_reconciled_at
        changed = shopify_order(450789461, 1001, clock.utcnow(), fulfillment="fulfilled")
        stand_in.orders[0] = changed  # fulfilled at the platform; its webhook never came
        stand_in.orders.append(shopify_order(450789470, 1010, clock.utcnow()))
        wait_until(
            lambda: app.read("SELECT fulfillment_status FROM orders WHERE number = '#1001'")
            == [("shipped",)] and "#1010" in _synced(app),
            "the reconciliation",
        )  # fmt: skip
        status = read_status(app.db, "en")
    finally:
        app.stop()
    assert status.last_reconciled_at > first_reconciled
    reconciling = [since for since, cursor in stand_in.calls[3:] if cursor is None]
    assert reconciling and all(s > AT - timedelta(hours=1) for s in reconciling)


def test_an_error_is_kept_in_both_languages_and_the_page_is_tried_again(
    tmp_path: Path,
    stand_in: StandInShop,  # noqa: F811
):
    _orders(stand_in)
    throttled = PlatformError("commerce.sync.error.platform", retryable=True, detail="Throttled")
    stand_in.page_errors = [throttled] * 1000  # until the test has seen the error
    app = start_app(_database(tmp_path), now=AT)
    try:
        connect_shopify(app, "whsec")
        wait_until(lambda: read_status(app.db, "en").state == "failed", "the sync to fail")
        english, french = read_status(app.db, "en"), read_status(app.db, "fr")
        stand_in.page_errors.clear()
        wait_until(lambda: read_status(app.db, "en").state == "done", "the retried import")
        after = read_status(app.db, "en")
        synced = _synced(app)
    finally:
        app.stop()
    assert english.error == "The platform refused the order sync: Throttled"
    assert french.error == "La plateforme a refusé la synchronisation des commandes : Throttled"
    assert after.error is None and len(synced) == 5
