"""Shopify through the whole server: the admin saves the connection (pointed at a fake Shopify
on loopback), the initial sync and a signed ``orders/create`` webhook fill the order mirror,
a customer's ticket naming "#1001" shows the order, tickets written before their order
reached Comptoir are linked when it arrives, and an agent's refund reaches the fake once, even
when retried with the same key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.shopify import TOKEN, FakeShopify, rest_order
from tests.waiting import wait_until

HOOK_SECRET = "whsec-nordet-0123456789"
EMAIL = "marie.tremblay@example.ca"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeShopify]:
    shop = FakeShopify().start()
    shop.add_order(rest_order(1001, email=EMAIL))
    yield shop
    shop.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("shopify-e2e") / "comptoir.duckdb"
    make_database(db_path)
    # Pinned a day after the shop's orders were placed (tickets name no order older than 30 days).
    running = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": "2026-11-03T17:00:00"})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server, fake) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        saved = client.put("/api/v1/settings/commerce", json={
            "platform": "shopify", "shop_domain": "boutique-nordique.myshopify.com",
            "access_token": TOKEN, "webhook_secret": HOOK_SECRET, "api_version": "2025-10",
            "api_base_url": fake.url, "sync_days": 3650,
        })  # fmt: skip
        assert saved.status_code == 200, saved.text
        yield client


def signed(body: bytes) -> str:
    return base64.b64encode(hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def orders_of(admin: httpx.Client, ref: str) -> dict | None:
    return admin.get(f"/api/v1/tickets/{ref}").json().get("order")


def test_the_connection_test_reaches_the_fake_shop(admin):
    answer = admin.post("/api/v1/settings/commerce/test")
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is True
    assert answer.json()["shop_name"] == "Boutique Nordique"


def wait_synced(admin: httpx.Client) -> dict:
    def synced():
        sync = admin.get("/api/v1/settings/commerce").json()["sync"]
        return sync if sync["state"] == "done" else None

    return wait_until(synced, "the initial Shopify sync")


def test_the_initial_sync_imports_the_shops_orders(admin):
    assert wait_synced(admin)["orders_imported"] >= 1


def test_a_signed_webhook_is_stored_processed_and_a_redelivery_ignored(server, admin, fake):
    order = rest_order(1002, order_id=820982911946154999, email="james@example.com")
    body = json.dumps(order).encode()
    headers = {
        "X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": "e2e-1002",
        "X-Shopify-Hmac-Sha256": signed(body), "Content-Type": "application/json",
    }  # fmt: skip
    first = httpx.post(f"{server.url}/webhooks/shopify", content=body, headers=headers)
    again = httpx.post(f"{server.url}/webhooks/shopify", content=body, headers=headers)
    assert first.status_code == 200 and again.status_code == 200
    forged = httpx.post(f"{server.url}/webhooks/shopify", content=body,
                        headers={**headers, "X-Shopify-Hmac-Sha256": signed(b"other")})  # fmt: skip
    assert forged.status_code == 401

    def processed():
        rows = admin.get("/api/v1/settings/commerce/deliveries").json()
        mine = [d for d in rows if d["delivery_id"] == "e2e-1002"]
        return mine if mine and mine[0]["status"] == "processed" else None

    assert len(wait_until(processed, "the webhook to be processed")) == 1


def test_a_ticket_naming_the_order_shows_it_and_a_refund_reaches_the_shop_once(server, admin, fake):
    wait_synced(admin)
    created = httpx.post(f"{server.url}/api/v1/tickets", json={
        "email": EMAIL, "subject": "Tuque trouée", "order_number": "1001",
        "body": "Bonjour, une des tuques de la commande #1001 est trouée.",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    ref = created.json()["ticket_ref"]
    order = wait_until(lambda: orders_of(admin, ref), "the Shopify order on the ticket")
    assert order["number"] == "#1001"
    assert order["total_cents"] == 13721
    tuque = next(line for line in order["lines"] if line["sku"] == "TUQ-NOIR")
    assert tuque["variant_title"] == "Noir" and tuque["quantity"] == 2

    refund = {"action": "refund", "lines": [{"line_id": tuque["id"], "quantity": 1}],
              "reason": "Tuque trouée", "idempotency_key": "e2e-refund-0001"}  # fmt: skip
    done = admin.post(f"/api/v1/tickets/{ref}/order-actions", json=refund)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    retried = admin.post(f"/api/v1/tickets/{ref}/order-actions", json=refund)
    assert retried.status_code == 200 and retried.json()["replayed"] is True
    assert fake.roots().count("refundCreate") == 1


def _deliver_new_order(server: RunningServer, order: dict) -> None:
    body = json.dumps(order).encode()
    answer = httpx.post(f"{server.url}/webhooks/shopify", content=body, headers={
        "X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": f"late-{order['id']}",
        "X-Shopify-Hmac-Sha256": signed(body), "Content-Type": "application/json",
    })  # fmt: skip
    assert answer.status_code == 200, answer.text


def _ticket(server: RunningServer, email: str, body: str) -> str:
    made = httpx.post(f"{server.url}/api/v1/tickets", json={"email": email, "body": body})
    assert made.status_code == 201, made.text
    return made.json()["ticket_ref"]


def _typed(admin: httpx.Client, ref: str) -> bool:
    return admin.get(f"/api/v1/tickets/{ref}").json()["problem_confidence"] is not None


def test_tickets_written_before_their_order_arrives_are_linked_when_it_does(server, admin):
    wait_synced(admin)
    # Written while the order's webhook was late: one names the number, one names none.
    named = _ticket(server, "lea.roy@example.ca", "Avez-vous reçu ma commande #1077? Merci")
    unnamed = _ticket(server, "noe.cote@example.ca", "Je viens de commander, tout est beau?")
    # Another customer naming the same number gets nothing (not theirs).
    stranger = _ticket(server, "autre@example.ca", "Ma commande #1077 est en retard")
    for ref in (named, unnamed, stranger):  # typing (which links a known order) is over
        wait_until(lambda r=ref: _typed(admin, r), f"ticket {ref} typed")
        assert orders_of(admin, ref) is None

    _deliver_new_order(server, rest_order(1077, order_id=820982911946157777,
                                          email="lea.roy@example.ca",
                                          updated_at="2026-11-03T10:00:00-05:00"))  # fmt: skip
    _deliver_new_order(server, rest_order(1078, order_id=820982911946157878,
                                          email="noe.cote@example.ca",
                                          updated_at="2026-11-03T10:00:00-05:00"))  # fmt: skip
    linked = wait_until(lambda: orders_of(admin, named), "order #1077 on the ticket naming it")
    assert linked["number"] == "#1077"
    by_email = wait_until(lambda: orders_of(admin, unnamed), "order #1078 on its customer's ticket")
    assert by_email["number"] == "#1078"
    assert orders_of(admin, stranger) is None
    history = admin.get(f"/api/v1/tickets/{named}/events").json()
    assert "ticket.order_linked" in [event["name"] for event in history]
