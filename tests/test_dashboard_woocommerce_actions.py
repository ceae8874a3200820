"""The dashboard to a WooCommerce shop: Streamlit AppTest against the server connected to a fake
WooCommerce. From a ticket's order panel the agent refunds a line, cancels, changes the shipping
address, sends a replacement and gives a goodwill coupon; each reaches the fake once, after the
confirmation, and its result is shown."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.commerce_dashboard import confirm, open_action
from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.woocommerce import FakeWooCommerce
from tests.waiting import wait_until

EMAIL = "julie.tremblay@example.ca"
ACTIONS = ("refund", "cancel", "update_shipping_address", "replacement", "discount_code")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeWooCommerce]:
    store = FakeWooCommerce().start()
    tuque = store.add_product("TUQ-NOIR", "Tuque en laine", "34.00")
    mitaine = store.add_product("MIT-GRIS", "Mitaines", "28.50")
    store.by_action = {a: store.add_order([(tuque, 2), (mitaine, 1)], email=EMAIL) for a in ACTIONS}
    yield store
    store.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("dash-woo") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin_api(server, fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        saved = client.put("/api/v1/settings/commerce", json={
            "platform": "woocommerce", "store_url": fake.url, "consumer_key": fake.key,
            "consumer_secret": fake.secret, "webhook_secret": "wc-dash", "sync_days": 3650,
        })  # fmt: skip
        assert saved.status_code == 200, saved.text
        wait_until(
            lambda: client.get("/api/v1/settings/commerce").json()["sync"]["state"] == "done",
            "the initial WooCommerce sync",
        )
        yield client


def _open(server, admin_api, fake: FakeWooCommerce, action: str):
    order = fake.by_action[action]
    body = {"email": EMAIL, "order_number": order["number"], "body": "Bonjour, un souci."}
    ref, at = open_action(server, admin_api, body, order["number"], action)
    return order, ref, at


def _calls(fake: FakeWooCommerce, method: str, path: str):
    return lambda: len(fake.calls(method, path))


def test_a_refund_of_one_line_from_the_dashboard_reaches_the_shop_once(server, admin_api, fake):
    order, ref, at = _open(server, admin_api, fake, "refund")
    tuque = next(ln for ln in admin_api.get(f"/api/v1/tickets/{ref}").json()["order"]["lines"]
                 if ln["sku"] == "TUQ-NOIR")  # fmt: skip
    at.number_input(key=f"ticket_oa_qty_{tuque['id']}").set_value(1)
    at.text_input(key="ticket_oa_reason").input("Tuque trouée")
    confirm(at, admin_api, ref, _calls(fake, "POST", rf"orders/{order['id']}/refunds"))
    (refund,) = fake.refunds[order["id"]]
    # One tuque at 34 $ with its TPS and TVQ.
    assert Decimal(refund["amount"]) == Decimal("39.09")


def test_a_cancellation_from_the_dashboard_cancels_the_shop_order(server, admin_api, fake):
    order, ref, at = _open(server, admin_api, fake, "cancel")
    at.checkbox(key="ticket_oa_cancel_refund").uncheck()
    confirm(at, admin_api, ref, lambda: int(fake.orders[order["id"]]["status"] == "cancelled"))
    assert fake.refunds[order["id"]] == []


def test_a_new_address_from_the_dashboard_is_written_on_the_shop_order(server, admin_api, fake):
    order, ref, at = _open(server, admin_api, fake, "update_shipping_address")
    at.text_input(key="ticket_oa_addr_address1").input("4500 rue Saint-Denis")
    at.text_input(key="ticket_oa_addr_zip").input("H2J 2L3")
    confirm(at, admin_api, ref, _calls(fake, "PUT", rf"orders/{order['id']}"))
    shipping = fake.orders[order["id"]]["shipping"]
    assert (shipping["address_1"], shipping["postcode"]) == ("4500 rue Saint-Denis", "H2J 2L3")


def test_a_replacement_from_the_dashboard_is_a_free_order_of_the_same_lines(
    server, admin_api, fake
):
    order, ref, at = _open(server, admin_api, fake, "replacement")
    confirm(at, admin_api, ref, _calls(fake, "POST", "orders"))
    (made,) = [o for o in fake.orders.values() if o["parent_id"] == order["id"]]
    assert Decimal(made["total"]) == 0
    assert sorted(i["quantity"] for i in made["line_items"]) == [1, 2]


def test_a_goodwill_coupon_from_the_dashboard_is_created_in_the_shop(server, admin_api, fake):
    _, ref, at = _open(server, admin_api, fake, "discount_code")
    at.radio(key="ticket_oa_discount_kind").set_value("amount")
    at.text_input(key="ticket_oa_discount_value").input("10")
    shown = confirm(at, admin_api, ref, _calls(fake, "POST", "coupons"))
    (coupon,) = fake.coupons.values()
    assert coupon["discount_type"] == "fixed_cart" and Decimal(coupon["amount"]) == 10
    assert coupon["code"] in shown.lower()
