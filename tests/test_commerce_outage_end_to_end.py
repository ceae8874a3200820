"""Order actions through the whole server to a fake Shopify: an outage mid-refund (the shop
applies ``refundCreate`` and answers after the client gave up) answers 202 ``unknown`` and the
retry with the same key answers done without a second ``refundCreate``; cancel, the address
change (refused once fulfilled), a replacement and a discount code reach the fake; a
``customers/redact`` webhook erases the customer from their ticket."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.shopify import TOKEN, FakeShopify, rest_order
from tests.waiting import wait_until

HOOK_SECRET = "whsec-outage-0123456789"
# ShopifyClient's read timeout (registry.client_for builds it with the default 10 s): the
# fake's hang must outlast it so the client gives up while the refund is applied.
CLIENT_TIMEOUT = 10.0


def shop_order(number: int, email: str, customer_id: int, **kwargs) -> dict:
    """``rest_order`` with its own order, line and customer ids (the mirror keys on them)."""
    order = copy.deepcopy(rest_order(number, order_id=820982911946150000 + number, email=email,
                                     **kwargs))  # fmt: skip
    for i, line in enumerate(order["line_items"]):
        line["id"] = number * 1000 + i
    order["customer"]["id"] = customer_id
    return order


ORDERS = {
    "refund": shop_order(1101, "refund@example.ca", 301),
    "cancel": shop_order(1102, "cancel@example.ca", 302),
    "address": shop_order(1103, "address@example.ca", 303),
    "shipped": shop_order(1104, "shipped@example.ca", 304, fulfillment_status="fulfilled"),
    "goodwill": shop_order(1105, "goodwill@example.ca", 305),
    "redact": shop_order(1106, "gaston.lagaffe@example.ca", 306),
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeShopify]:
    shop = FakeShopify(hang_seconds=CLIENT_TIMEOUT + 8).start()
    for order in ORDERS.values():
        shop.add_order(order)
    yield shop
    shop.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("outage-e2e") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server, fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        saved = client.put("/api/v1/settings/commerce", json={
            "platform": "shopify", "shop_domain": "boutique-nordique.myshopify.com",
            "access_token": TOKEN, "webhook_secret": HOOK_SECRET, "api_version": "2025-10",
            "api_base_url": fake.url, "sync_days": 3650,
        })  # fmt: skip
        assert saved.status_code == 200, saved.text
        wait_until(
            lambda: client.get("/api/v1/settings/commerce").json()["sync"]["state"] == "done",
            "the initial Shopify sync",
        )
        yield client


def ticket_for(server: RunningServer, admin: httpx.Client, key: str, body: str = "") -> str:
    """A ticket from the order's customer naming it; waits until its order panel shows it."""
    order = ORDERS[key]
    created = httpx.post(f"{server.url}/api/v1/tickets", json={
        "email": order["email"], "name": "Gaston Lagaffe" if key == "redact" else "Client",
        "subject": f"Commande {order['name']}",
        "body": body or f"Bonjour, à propos de la commande {order['name']}.",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    ref = created.json()["ticket_ref"]
    wait_until(lambda: admin.get(f"/api/v1/tickets/{ref}").json().get("order"), "the order")
    return ref


def act(admin: httpx.Client, ref: str, action: dict) -> httpx.Response:
    return admin.post(f"/api/v1/tickets/{ref}/order-actions", json=action)


def gid(key: str) -> str:
    return ORDERS[key]["admin_graphql_api_id"]


def test_an_outage_mid_refund_answers_unknown_and_the_retry_does_not_refund_twice(
    server, admin, fake
):
    ref = ticket_for(server, admin, "refund")
    refund = {"action": "refund", "amount": "25.00", "reason": "Colis perdu",
              "idempotency_key": "outage-refund-1"}  # fmt: skip
    fake.hang_roots.add("refundCreate")
    first = act(admin, ref, refund)
    assert first.status_code == 202, first.text
    assert first.json()["state"] == "unknown"
    assert fake.roots().count("refundCreate") == 1
    assert len(fake.orders[gid("refund")]["refunds"]) == 1  # it did happen at the shop

    retried = act(admin, ref, refund)
    assert retried.status_code == 200, retried.text
    assert retried.json()["state"] == "done"
    assert fake.roots().count("refundCreate") == 1
    assert len(fake.orders[gid("refund")]["refunds"]) == 1


def test_cancel_reaches_the_shop(server, admin, fake):
    ref = ticket_for(server, admin, "cancel")
    done = act(admin, ref, {"action": "cancel", "reason": "customer", "refund": True,
                            "restock": True, "idempotency_key": "cancel-1"})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    assert fake.roots().count("orderCancel") == 1
    order = fake.orders[gid("cancel")]
    assert order["cancelledAt"] and order["cancelReason"] == "CUSTOMER"


ADDRESS = {"name": "Client Déménagé", "address1": "55, avenue du Parc", "address2": None,
           "city": "Québec", "province_code": "QC", "zip": "G1R 4P5", "country_code": "CA",
           "phone": "+1 418-555-0100"}  # fmt: skip


def test_the_address_change_reaches_the_shop_and_is_refused_once_fulfilled(server, admin, fake):
    ref = ticket_for(server, admin, "address")
    done = act(admin, ref, {"action": "update_shipping_address", "address": ADDRESS,
                            "idempotency_key": "address-1"})  # fmt: skip
    assert done.status_code == 200, done.text
    shipped_to = fake.orders[gid("address")]["shippingAddress"]
    assert shipped_to["address1"] == "55, avenue du Parc" and shipped_to["zip"] == "G1R 4P5"
    assert shipped_to["city"] == "Québec"

    before = fake.roots().count("orderUpdate")
    shipped = ticket_for(server, admin, "shipped")
    refused = act(admin, shipped, {"action": "update_shipping_address", "address": ADDRESS,
                                   "idempotency_key": "address-2"})  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"]
    assert fake.roots().count("orderUpdate") == before
    assert fake.orders[gid("shipped")]["shippingAddress"]["address1"] == "1234 rue Saint-Denis"


def test_a_replacement_and_a_discount_code_reach_the_shop(server, admin, fake):
    ref = ticket_for(server, admin, "goodwill")
    replaced = act(admin, ref, {"action": "replacement", "idempotency_key": "replace-1"})
    assert replaced.status_code == 200, replaced.text
    assert fake.roots().count("draftOrderCreate") == 1
    draft = next(iter(fake.drafts.values()))
    skus = sorted(line.get("sku") or line.get("variantId") for line in draft["_input"]["lineItems"])
    assert len(skus) == 2

    code = act(admin, ref, {"action": "discount_code", "percent": 15,
                            "idempotency_key": "goodwill-1"})  # fmt: skip
    assert code.status_code == 200, code.text
    answer = code.json()
    assert answer["state"] == "done" and answer["code"]
    assert answer["code"].upper() in fake.discounts
    again = act(admin, ref, {"action": "discount_code", "percent": 15,
                             "idempotency_key": "goodwill-1"})  # fmt: skip
    assert again.json()["replayed"] is True
    assert fake.roots().count("discountCodeBasicCreate") == 1


def signed(body: bytes) -> str:
    return base64.b64encode(hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def test_customers_redact_erases_the_customer_from_their_ticket(server, admin, fake):
    order = ORDERS["redact"]
    ref = ticket_for(server, admin, "redact",
                     body="Bonjour, c'est Gaston Lagaffe, gaston.lagaffe@example.ca, "
                          "ma commande #1106 n'est pas arrivée.")  # fmt: skip
    before = admin.get(f"/api/v1/tickets/{ref}").json()
    assert "gaston.lagaffe@example.ca" in json.dumps(before["messages"])
    payload = {"shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com",
               "customer": {"id": order["customer"]["id"], "email": order["email"],
                            "phone": order["customer"]["phone"]},
               "orders_to_redact": [order["id"]]}  # fmt: skip
    body = json.dumps(payload).encode()
    hook = httpx.post(f"{server.url}/webhooks/shopify", content=body, headers={
        "X-Shopify-Topic": "customers/redact", "X-Shopify-Webhook-Id": "redact-1106",
        "X-Shopify-Hmac-Sha256": signed(body), "Content-Type": "application/json",
    })  # fmt: skip
    assert hook.status_code == 200, hook.text

    def erased():  # the whole answer: its customer and its messages are read one after the other
        shown = admin.get(f"/api/v1/tickets/{ref}").json()
        text = json.dumps(shown, ensure_ascii=False)
        return shown if "gaston.lagaffe@example.ca" not in text else None

    after = wait_until(erased, "the customer to be erased")
    text = json.dumps(after, ensure_ascii=False)
    assert "gaston.lagaffe@example.ca" not in text and "Lagaffe" not in text
    assert len(after["messages"]) == len(before["messages"])
