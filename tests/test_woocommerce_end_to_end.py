"""WooCommerce through the whole server: the admin saves the connection (pointed at a fake
WooCommerce on loopback), tests it, the initial sync and a signed ``order.created`` webhook fill
the order mirror (a redelivery is processed once, the activation ping answers 200), a customer's
ticket naming the order shows it with its lines, and an agent's refund reaches the fake once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.woocommerce import FakeWooCommerce
from tests.waiting import wait_until

HOOK_SECRET = "wc-hook-secret-nordet-42"
EMAIL = "julie.tremblay@example.ca"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeWooCommerce]:
    store = FakeWooCommerce().start()
    tuque = store.add_product("TUQ-NOIR", "Tuque en laine", "34.00")
    mitaine = store.add_product("MIT-GRIS", "Mitaines", "28.50")
    store.first_order = store.add_order([(tuque, 2), (mitaine, 1)], email=EMAIL)
    yield store
    store.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("woo-e2e") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server, fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        saved = client.put("/api/v1/settings/commerce", json={
            "platform": "woocommerce", "store_url": fake.url, "consumer_key": fake.key,
            "consumer_secret": fake.secret, "webhook_secret": HOOK_SECRET, "sync_days": 3650,
        })  # fmt: skip
        assert saved.status_code == 200, saved.text
        shown = json.dumps(client.get("/api/v1/settings/commerce").json())
        assert fake.secret not in shown and HOOK_SECRET not in shown
        yield client


def signed(body: bytes) -> str:
    return base64.b64encode(hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def wait_synced(admin: httpx.Client) -> dict:
    def synced():
        sync = admin.get("/api/v1/settings/commerce").json()["sync"]
        return sync if sync["state"] == "done" else None

    return wait_until(synced, "the initial WooCommerce sync")


def test_the_connection_test_reaches_the_fake_store(admin, fake):
    answer = admin.post("/api/v1/settings/commerce/test")
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is True
    assert fake.calls("GET", "system_status")


def test_the_initial_sync_imports_the_stores_orders(admin, fake):
    assert wait_synced(admin)["orders_imported"] >= 1
    assert fake.calls("GET", "orders")


def test_the_activation_ping_is_answered_without_a_signature(server):
    ping = httpx.post(f"{server.url}/webhooks/woocommerce", content=b"webhook_id=17",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert ping.status_code == 200, ping.text


def test_a_signed_order_created_is_processed_once_even_delivered_twice(server, admin, fake):
    wait_synced(admin)
    bonnet = fake.add_product("BON-ROUGE", "Bonnet", "22.00")
    order = fake.add_order([(bonnet, 1)], email="james@example.com", customer_id=43)
    body = json.dumps(order).encode()
    headers = {
        "X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Delivery-ID": "e2e-wc-1",
        "X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": "created",
        "X-WC-Webhook-Signature": signed(body), "Content-Type": "application/json",
    }  # fmt: skip
    first = httpx.post(f"{server.url}/webhooks/woocommerce", content=body, headers=headers)
    again = httpx.post(f"{server.url}/webhooks/woocommerce", content=body, headers=headers)
    assert first.status_code == 200 and again.status_code == 200
    forged = httpx.post(f"{server.url}/webhooks/woocommerce", content=body,
                        headers={**headers, "X-WC-Webhook-Signature": signed(b"x")})  # fmt: skip
    assert forged.status_code == 401
    unsigned = {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"}
    assert httpx.post(f"{server.url}/webhooks/woocommerce", content=body,
                      headers=unsigned).status_code == 401  # fmt: skip

    def processed():
        rows = admin.get("/api/v1/settings/commerce/deliveries").json()
        mine = [d for d in rows if d["delivery_id"] == "e2e-wc-1"]
        return mine if mine and mine[0]["status"] == "processed" else None

    assert len(wait_until(processed, "the webhook to be processed")) == 1
    created = httpx.post(f"{server.url}/api/v1/tickets", json={
        "email": "james@example.com", "subject": "Bonnet", "order_number": order["number"],
        "body": f"Where is my order #{order['number']}?",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    shown = wait_until(
        lambda: admin.get(f"/api/v1/tickets/{created.json()['ticket_ref']}").json().get("order"),
        "the webhook's order on the ticket",
    )
    assert [line["sku"] for line in shown["lines"]] == ["BON-ROUGE"]


def test_a_ticket_naming_the_order_shows_it_and_a_refund_reaches_the_store_once(
    server, admin, fake
):
    wait_synced(admin)
    first = fake.first_order
    created = httpx.post(f"{server.url}/api/v1/tickets", json={
        "email": EMAIL, "subject": "Tuque trouée",
        "body": f"Bonjour, une des tuques de la commande #{first['number']} est trouée.",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    ref = created.json()["ticket_ref"]
    order = wait_until(
        lambda: admin.get(f"/api/v1/tickets/{ref}").json().get("order"), "the order on the ticket"
    )
    assert order["number"].lstrip("#") == first["number"]
    assert order["total_cents"] == round(float(first["total"]) * 100)
    tuque = next(line for line in order["lines"] if line["sku"] == "TUQ-NOIR")
    assert tuque["quantity"] == 2 and tuque["unit_price_cents"] == 3400

    refund = {"action": "refund", "lines": [{"line_id": tuque["id"], "quantity": 1}],
              "reason": "Tuque trouée", "idempotency_key": "e2e-wc-refund-1"}  # fmt: skip
    done = admin.post(f"/api/v1/tickets/{ref}/order-actions", json=refund)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    retried = admin.post(f"/api/v1/tickets/{ref}/order-actions", json=refund)
    assert retried.status_code == 200 and retried.json()["replayed"] is True
    posted = fake.calls("POST", rf"orders/{first['id']}/refunds")
    assert len(posted) == 1
    # One tuque: 34,00 $ plus TPS and TVQ.
    assert posted[0].body["amount"] == "39.09"
    assert len(fake.refunds[first["id"]]) == 1


def ticket_for(server: RunningServer, admin: httpx.Client, order: dict, email: str) -> str:
    """A ticket from the customer naming the order (delivered by webhook, as a new order is)."""
    body = json.dumps(order).encode()
    delivered = httpx.post(f"{server.url}/webhooks/woocommerce", content=body, headers={
        "X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Delivery-ID": f"e2e-wc-{order['id']}",
        "X-WC-Webhook-Signature": signed(body), "Content-Type": "application/json",
    })  # fmt: skip
    assert delivered.status_code == 200, delivered.text

    def processed():
        rows = admin.get("/api/v1/settings/commerce/deliveries").json()
        return any(r["delivery_id"] == f"e2e-wc-{order['id']}" and r["status"] == "processed"
                   for r in rows)  # fmt: skip

    # A ticket is linked to its order when it is created: the order must be in the mirror.
    wait_until(processed, "the order.created delivery to be processed")
    created = httpx.post(f"{server.url}/api/v1/tickets", json={
        "email": email, "subject": "Commande", "order_number": order["number"],
        "body": f"Bonjour, à propos de la commande #{order['number']}.",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    ref = created.json()["ticket_ref"]

    def shown():
        found = admin.get(f"/api/v1/tickets/{ref}").json().get("order")
        return found if found and found["number"].lstrip("#") == order["number"] else None

    wait_until(shown, "the order on the ticket")
    return ref


def test_an_outage_mid_refund_at_woocommerce_does_not_refund_twice(server, admin, fake):
    wait_synced(admin)
    email = "panne@example.ca"
    order = fake.add_order([(fake.add_product("FOU-BLEU", "Foulard", "40.00"), 1)],
                           email=email, customer_id=51)  # fmt: skip
    ref = ticket_for(server, admin, order, email)
    fake.fail_next("POST", rf"orders/{order['id']}/refunds", "hang")
    refund = {"action": "refund", "amount": "10.00", "reason": "Retard",
              "idempotency_key": "e2e-wc-outage-1"}  # fmt: skip
    first = admin.post(f"/api/v1/tickets/{ref}/order-actions", json=refund)
    assert first.status_code == 202, first.text
    assert first.json()["state"] == "unknown"
    assert len(fake.refunds[order["id"]]) == 1  # it did happen at the store
    retried = admin.post(f"/api/v1/tickets/{ref}/order-actions", json=refund)
    assert retried.status_code == 200, retried.text
    assert retried.json()["state"] == "done"
    assert len(fake.calls("POST", rf"orders/{order['id']}/refunds")) == 1
    assert len(fake.refunds[order["id"]]) == 1


ADDRESS = {"name": "Julie Tremblay", "address1": "55, avenue du Parc", "address2": None,
           "city": "Québec", "province_code": "QC", "zip": "G1R 4P5", "country_code": "CA",
           "phone": "+1 418-555-0100"}  # fmt: skip


def test_each_other_action_reaches_the_store(server, admin, fake):
    wait_synced(admin)
    email = "actions@example.ca"
    gant = fake.add_product("GAN-NOIR", "Gants", "30.00")
    order = fake.add_order([(gant, 1)], email=email, customer_id=52)
    ref = ticket_for(server, admin, order, email)

    def act(body: dict) -> httpx.Response:
        return admin.post(f"/api/v1/tickets/{ref}/order-actions", json=body)

    moved = act({"action": "update_shipping_address", "address": ADDRESS,
                 "idempotency_key": "e2e-wc-address"})  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert fake.orders[order["id"]]["shipping"]["address_1"] == "55, avenue du Parc"
    assert fake.orders[order["id"]]["shipping"]["postcode"] == "G1R 4P5"

    replaced = act({"action": "replacement", "idempotency_key": "e2e-wc-replace"})
    assert replaced.status_code == 200, replaced.text
    children = [o for o in fake.orders.values() if o["parent_id"] == order["id"]]
    assert len(children) == 1 and [li["sku"] for li in children[0]["line_items"]] == ["GAN-NOIR"]

    coupon = act({"action": "discount_code", "amount": "10.00", "idempotency_key": "e2e-wc-code"})
    assert coupon.status_code == 200, coupon.text
    code = coupon.json()["code"]
    assert code and [c["code"] for c in fake.coupons.values()] == [code.lower()]

    cancelled = act({"action": "cancel", "reason": "customer", "refund": False,
                     "restock": True, "idempotency_key": "e2e-wc-cancel"})  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    assert fake.orders[order["id"]]["status"] == "cancelled"


def test_an_address_change_is_refused_once_the_order_is_completed(server, admin, fake):
    wait_synced(admin)
    email = "expediee@example.ca"
    order = fake.add_order([(fake.add_product("CHA-VERT", "Chandail", "60.00"), 1)],
                           email=email, customer_id=53, status="completed")  # fmt: skip
    ref = ticket_for(server, admin, order, email)
    before = len(fake.calls("PUT", rf"orders/{order['id']}"))
    refused = admin.post(f"/api/v1/tickets/{ref}/order-actions", json={
        "action": "update_shipping_address", "address": ADDRESS,
        "idempotency_key": "e2e-wc-address-2"})  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"]
    assert len(fake.calls("PUT", rf"orders/{order['id']}")) == before
    assert fake.orders[order["id"]]["shipping"]["address_1"] == "1234, rue Saint-Denis"
