"""The dashboard to the shop: Streamlit AppTest against the server connected to a fake Shopify.
The agent opens a ticket naming a Shopify order and takes each order action from the panel: a
refund of one line (the confirmation shows the exact amount in fr-CA money, confirming sends one
``refundCreate`` for that amount), a cancellation, a new shipping address, a replacement and a
goodwill code; each reaches the fake once and its result is shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from dashboard import order_actions_view as oa
from tests.commerce_dashboard import confirm, open_action, plain
from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.shopify import TOKEN, FakeShopify, rest_order
from tests.test_dashboard import open_page, signed_in, submit, texts, token_for
from tests.waiting import wait_until

EMAIL = "marie.tremblay@example.ca"
ORDER_ID = 5_550_000_000_000
ORDERS = (1002, 1003, 1004, 1005)  # one order an action: cancel, address, replacement, code


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeShopify]:
    shop = FakeShopify().start()
    shop.add_order(rest_order(1001, email=EMAIL))
    for number in ORDERS:
        shop.add_order(rest_order(number, order_id=ORDER_ID + number, email=EMAIL))
    yield shop
    shop.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("dash-shopify") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin_api(server, fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        saved = client.put("/api/v1/settings/commerce", json={
            "platform": "shopify", "shop_domain": "boutique-nordique.myshopify.com",
            "access_token": TOKEN, "webhook_secret": "whsec-dash", "api_version": "2025-10",
            "api_base_url": fake.url, "sync_days": 3650,
        })  # fmt: skip
        assert saved.status_code == 200, saved.text
        wait_until(
            lambda: client.get("/api/v1/settings/commerce").json()["sync"]["state"] == "done",
            "the initial Shopify sync",
        )
        yield client


def test_a_refund_from_the_dashboard_reaches_the_shop_once_for_the_amount_shown(
    server, admin_api, fake
):
    made = httpx.post(f"{server.url}/api/v1/tickets", timeout=20, json={
        "email": EMAIL, "body": "Une des tuques de la commande #1001 est trouée."})  # fmt: skip
    assert made.status_code == 201, made.text
    ref = made.json()["ticket_ref"]
    order = wait_until(lambda: admin_api.get(f"/api/v1/tickets/{ref}").json().get("order"),
                       "the Shopify order on the ticket")  # fmt: skip
    tuque = next(line for line in order["lines"] if line["sku"] == "TUQ-NOIR")

    at = signed_in(server.url, token_for(server.url))
    at.session_state["ticket_ref"] = ref
    at = open_page(at, "ticket")
    assert not at.exception
    at.button_group(key="ticket_oa_pick").set_value("refund").run()
    at.number_input(key=f"ticket_oa_qty_{tuque['id']}").set_value(1)
    at.text_input(key="ticket_oa_reason").input("Tuque trouée")
    at = submit(at, "Vérifier")
    assert not at.exception
    shown = plain(texts(at))
    # One tuque at 25 $ plus its share of GST and QST, in French-Canadian money.
    found = re.search(r"Montant : \*\*(\d+,\d\d)\u00a0\$\*\*", shown)
    assert found, shown
    amount = Decimal(found[1].replace(",", "."))
    assert Decimal("25.00") < amount < Decimal("29.00")
    assert "Tuque en laine" in shown and "#1001" in shown
    assert "refundCreate" not in fake.roots()

    at = at.button(key="ticket_oa_go").click().run()
    assert not at.exception
    (done,) = at.success
    assert f"{found[1]}\u00a0$" in plain(done.value) and "fait" in plain(done.value)
    assert fake.roots().count("refundCreate") == 1
    (sent,) = [r for r in fake.requests if r.root == "refundCreate"]
    refund_input = sent.variables["input"]
    assert sum(Decimal(t["amount"]) for t in refund_input["transactions"]) == amount
    assert [(ln["quantity"]) for ln in refund_input["refundLineItems"]] == [1]
    (taken,) = admin_api.get(f"/api/v1/tickets/{ref}/order-actions").json()
    assert taken["state"] == "done" and Decimal(taken["amount"]) == amount
    assert taken["idempotency_key"]
    assert oa.CONFIRM not in at.session_state or not at.session_state[oa.CONFIRM]


def _open(server: RunningServer, admin_api: httpx.Client, number: int, action: str):
    body = {"email": EMAIL, "body": f"Bonjour, au sujet de la commande #{number}."}
    return open_action(server, admin_api, body, f"#{number}", action)


def _confirm(at, admin_api: httpx.Client, ref: str, fake: FakeShopify, root: str) -> str:
    return confirm(at, admin_api, ref, lambda: fake.roots().count(root))


def _gid(number: int) -> str:
    return f"gid://shopify/Order/{ORDER_ID + number}"


def test_a_cancellation_from_the_dashboard_cancels_the_shop_order_once(server, admin_api, fake):
    ref, at = _open(server, admin_api, 1002, "cancel")
    at.selectbox(key="ticket_oa_cancel_reason").set_value("customer")
    shown = _confirm(at, admin_api, ref, fake, "orderCancel")
    assert "fait" in shown and "#1002" in shown
    cancelled = fake.orders[_gid(1002)]
    assert cancelled["cancelledAt"] and cancelled["cancelReason"] == "CUSTOMER"
    assert fake.orders[_gid(1003)]["cancelledAt"] is None


def test_a_new_address_from_the_dashboard_is_written_on_the_shop_order(server, admin_api, fake):
    ref, at = _open(server, admin_api, 1003, "update_shipping_address")
    at.text_input(key="ticket_oa_addr_address1").input("4500 rue Saint-Denis")
    at.text_input(key="ticket_oa_addr_zip").input("H2J 2L3")
    _confirm(at, admin_api, ref, fake, "orderUpdate")
    written = fake.orders[_gid(1003)]["shippingAddress"]
    assert written["address1"] == "4500 rue Saint-Denis" and written["zip"] == "H2J 2L3"
    assert written["city"] == "Montréal" and written["provinceCode"] == "QC"


def test_a_replacement_from_the_dashboard_is_a_free_order_of_the_same_lines(
    server, admin_api, fake
):
    ref, at = _open(server, admin_api, 1004, "replacement")
    _confirm(at, admin_api, ref, fake, "draftOrderCreate")
    (draft,) = [d for d in fake.drafts.values() if d["status"] == "COMPLETED"]
    original = fake.orders[_gid(1004)]["lineItems"]["nodes"]
    assert sorted(line["quantity"] for line in draft["_input"]["lineItems"]) == sorted(
        line["quantity"] for line in original
    )
    assert fake.roots().count("draftOrderComplete") == 1


def test_a_goodwill_code_from_the_dashboard_is_created_in_the_shop(server, admin_api, fake):
    ref, at = _open(server, admin_api, 1005, "discount_code")
    at.radio(key="ticket_oa_discount_kind").set_value("percent")
    at.text_input(key="ticket_oa_discount_value").input("15")
    shown = _confirm(at, admin_api, ref, fake, "discountCodeBasicCreate")
    ((code, node),) = fake.discounts.items()
    assert code in shown.upper()
    value = node["_input"]["customerGets"]["value"]
    assert float(value["percentage"]) == 0.15
