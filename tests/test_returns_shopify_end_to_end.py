"""The returns desk through the configured platform: with Shopify connected (a fake shop on
loopback), a return on a Shopify order opened from its ticket, received and inspected over the
API is refunded with one ``refundCreate`` at the shop (restocked units adjusted there), and a
store-credit return becomes a gift card at the shop."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.shopify import TOKEN, FakeShopify, rest_order
from tests.waiting import wait_until


def shop_order(number: int, email: str, customer_id: int) -> dict:
    order = copy.deepcopy(rest_order(number, order_id=820982911946160000 + number, email=email,
                                     fulfillment_status="fulfilled"))  # fmt: skip
    for i, line in enumerate(order["line_items"]):
        line["id"] = number * 1000 + i
    order["customer"]["id"] = customer_id
    return order


REFUND = shop_order(1301, "retour@example.ca", 401)
CREDIT = shop_order(1302, "credit@example.ca", 402)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeShopify]:
    shop = FakeShopify().start()
    shop.add_order(REFUND)
    shop.add_order(CREDIT)
    yield shop
    shop.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("returns-shopify") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server, fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        saved = client.put("/api/v1/settings/commerce", json={
            "platform": "shopify", "shop_domain": "boutique-nordique.myshopify.com",
            "access_token": TOKEN, "webhook_secret": "whsec-returns", "api_version": "2025-10",
            "api_base_url": fake.url, "sync_days": 3650,
        })  # fmt: skip
        assert saved.status_code == 200, saved.text
        wait_until(
            lambda: client.get("/api/v1/settings/commerce").json()["sync"]["state"] == "done",
            "the initial Shopify sync",
        )
        yield client


def open_return(server: RunningServer, admin: httpx.Client, order: dict, outcome: str) -> str:
    made = httpx.post(f"{server.url}/api/v1/tickets", timeout=20, json={
        "email": order["email"], "body": f"Je voudrais retourner la tuque de {order['name']}.",
        "order_number": str(order["order_number"])})  # fmt: skip
    assert made.status_code == 201, made.text
    ref = made.json()["ticket_ref"]
    wait_until(lambda: admin.get(f"/api/v1/tickets/{ref}").json().get("order"), "the order")
    created = admin.post(f"/api/v1/tickets/{ref}/returns", json={
        "lines": [{"sku": "TUQ-NOIR", "quantity": 1}], "reason": "defective",
        "outcome": outcome, "override_policy": True})  # fmt: skip
    assert created.status_code == 201, created.text
    rma = created.json()["rma"]
    assert admin.post(f"/api/v1/returns/{rma}/receive").status_code == 200
    return rma


def test_a_refunded_return_refunds_at_the_shop_once(server, admin, fake):
    stock_before = dict(fake.stock)
    rma = open_return(server, admin, REFUND, "refund")
    done = admin.post(f"/api/v1/returns/{rma}/inspection", json={
        "lines": [{"sku": "TUQ-NOIR", "outcome": "restock", "notes": "OK"}]})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "refunded", done.json()
    assert fake.roots().count("refundCreate") == 1
    (sent,) = [r for r in fake.requests if r.root == "refundCreate"]
    data = sent.variables["input"]
    assert data["orderId"] == REFUND["admin_graphql_api_id"]
    refunded = sum(Decimal(t["amount"]) for t in data["transactions"])
    assert refunded * 100 == done.json()["refund_cents"]
    assert fake.orders[REFUND["admin_graphql_api_id"]]["displayFinancialStatus"] == (
        "PARTIALLY_REFUNDED"
    )
    assert fake.stock != stock_before  # the restocked tuque is back in the shop's stock


def test_a_store_credit_return_becomes_a_gift_card_at_the_shop(server, admin, fake):
    rma = open_return(server, admin, CREDIT, "store_credit")
    done = admin.post(f"/api/v1/returns/{rma}/inspection", json={
        "lines": [{"sku": "TUQ-NOIR", "outcome": "write_off", "notes": "Trouée"}]})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "credited", done.json()
    assert fake.roots().count("giftCardCreate") == 1
    (card,) = fake.gift_cards.values()
    assert done.json()["refund_cents"] > 0
    assert Decimal(str(card["initialValue"]["amount"])) * 100 == done.json()["refund_cents"]
    assert "refundCreate" not in [r.root for r in fake.requests if "1302" in str(r.variables)]
