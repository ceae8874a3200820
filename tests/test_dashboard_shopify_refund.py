"""The dashboard to the shop: Streamlit AppTest against the server connected to a fake Shopify.
The agent opens a ticket naming a Shopify order, starts a refund of one line, the confirmation
shows the exact amount in fr-CA money, confirming sends one ``refundCreate`` for that amount to
the fake, and the result is shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from dashboard import order_actions_view as oa
from dashboard.safe import WORD_JOINER
from tests.conftest import RunningServer, login, make_database, start_server
from tests.fakes.shopify import TOKEN, FakeShopify, rest_order
from tests.test_dashboard import open_page, signed_in, submit, texts, token_for
from tests.waiting import wait_until

EMAIL = "marie.tremblay@example.ca"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeShopify]:
    shop = FakeShopify().start()
    shop.add_order(rest_order(1001, email=EMAIL))
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


def _plain(markdown: str) -> str:
    return markdown.replace("\\", "").replace(WORD_JOINER, "")


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
    shown = _plain(texts(at))
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
    assert f"{found[1]}\u00a0$" in _plain(done.value) and "fait" in _plain(done.value)
    assert fake.roots().count("refundCreate") == 1
    (sent,) = [r for r in fake.requests if r.root == "refundCreate"]
    refund_input = sent.variables["input"]
    assert sum(Decimal(t["amount"]) for t in refund_input["transactions"]) == amount
    assert [(ln["quantity"]) for ln in refund_input["refundLineItems"]] == [1]
    (taken,) = admin_api.get(f"/api/v1/tickets/{ref}/order-actions").json()
    assert taken["state"] == "done" and Decimal(taken["amount"]) == amount
    assert taken["idempotency_key"]
    assert oa.CONFIRM not in at.session_state or not at.session_state[oa.CONFIRM]
