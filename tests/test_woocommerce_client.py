"""WooClient and WooBackend against a fake WooCommerce store on loopback: authentication
(OAuth 1.0a over HTTP, Basic over HTTPS), paging, each order action end to end, errors in both
languages, rate limits through the injected sleep, and the outage mid-refund."""

from __future__ import annotations

import base64
import dataclasses
import logging
import ssl
from datetime import datetime
from decimal import Decimal

import httpx
import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_QUERY
from oauthlib.oauth1 import Client as OAuth1

from tests.fakes.woocommerce import FakeWooCommerce
from widget_api.commerce.base import CommerceOrder, ReturnedLine
from widget_api.commerce.platform import OrderRef, PlatformError, PlatformTimeout
from widget_api.commerce.woocommerce.backend import WooBackend
from widget_api.commerce.woocommerce.client import WooClient
from widget_api.contracts.commerce import (
    CancelAction,
    DiscountCodeAction,
    RefundAction,
    RefundLine,
    ReplacementAction,
    ShippingAddress,
    WooCommerce,
)
from widget_api.i18n import t
from widget_api.storage import Database, commerce_mirror

ADDRESS = ShippingAddress(
    name="Julie Tremblay",
    address1="88, avenue du Mont-Royal Est",
    address2=None,
    city="Montréal",
    province_code="qc",
    zip="h2t 1n6",
    country_code="CA",
    phone="514-555-0100",
)


@pytest.fixture
def fake():
    """A plain-HTTP fake store (OAuth 1.0a signatures)."""
    store = FakeWooCommerce().start()
    yield store
    store.stop()


@pytest.fixture
def shop(fake):
    """The fake store with two products (one a variation) and a paid order of both."""
    tuque = fake.add_product("TUQ-NOIR", "Tuque en laine", "29.00", stock=5)
    parka = fake.add_product("PARKA", "Parka Nord", "0.00", stock=None)
    medium = fake.add_product(
        "PARKA-M-ROUGE",
        "Parka Nord - M, Rouge",
        "249.00",
        stock=3,
        parent_id=parka["id"],
        attributes={"Taille": "M", "Couleur": "Rouge"},
    )
    large = fake.add_product(
        "PARKA-L-ROUGE",
        "Parka Nord - L, Rouge",
        "249.00",
        stock=2,
        parent_id=parka["id"],
        attributes={"Taille": "L", "Couleur": "Rouge"},
    )
    order = fake.add_order([(tuque, 2), (medium, 1)])
    return {"tuque": tuque, "medium": medium, "large": large, "order": order}


def make_client(store: FakeWooCommerce, *, secret: str | None = None, **kwargs):
    sleeps: list[float] = []
    cfg = WooCommerce(
        platform="woocommerce",
        store_url=store.url,
        consumer_key=store.key,
        consumer_secret=secret or store.secret,
    )
    verify = ssl.create_default_context(cafile=store.cert_path) if store.cert_path else True
    client = WooClient(cfg, sleep=sleeps.append, verify=verify, **kwargs)
    return client, sleeps


@pytest.fixture
def client(fake):
    woo, sleeps = make_client(fake)
    woo.sleeps = sleeps
    yield woo
    woo.close()


def ref(order: dict) -> OrderRef:
    """The order as Comptoir stores it: line ids of our own, the store's ids beside them."""
    lines = tuple(
        {"id": 100 + i, "external_id": str(li["id"]), "sku": li["sku"], "quantity": li["quantity"]}
        for i, li in enumerate(order["line_items"])
    )
    return OrderRef(
        id=1,
        number=order["number"],
        external_id=str(order["id"]),
        currency="CAD",
        total_cents=0,
        fulfillment_status="unfulfilled",
        financial_status="paid",
        lines=lines,
    )


# -- authentication -----------------------------------------------------------------------------


def test_connection_over_http_is_signed_with_oauth_and_answers_the_store_name(fake, client):
    result = client.test_connection("en")
    assert result.ok and result.shop_name == "Boutique Nordique"
    assert "Boutique Nordique" in result.message
    (call,) = fake.calls("GET", "system_status")
    assert call.query["oauth_consumer_key"] == fake.key and call.query["oauth_signature"]
    assert "authorization" not in call.headers and fake.secret not in str(call.query)


def test_bad_secret_is_refused_with_a_message_in_both_languages(fake):
    woo, _ = make_client(fake, secret="cs_wrong")
    fr, en = woo.test_connection("fr"), woo.test_connection("en")
    assert not fr.ok and not en.ok
    assert fr.message.startswith(t("commerce.error.auth", "fr"))
    assert en.message.startswith(t("commerce.error.auth", "en"))
    assert "Invalid signature" in en.message  # WooCommerce's own words, as data
    with pytest.raises(PlatformError) as err:
        woo.orders_page(datetime(2020, 1, 1), None)
    assert err.value.key == "commerce.error.auth"


def test_the_fake_store_rejects_a_tampered_signature_and_a_replayed_nonce(fake):
    """The fake verifies signatures itself (WooCommerce's algorithm, not oauthlib's)."""
    signer = OAuth1(
        fake.key,
        client_secret=fake.secret,
        signature_method=SIGNATURE_HMAC_SHA256,
        signature_type=SIGNATURE_TYPE_QUERY,
    )
    url, _, _ = signer.sign(f"{fake.url}/wp-json/wc/v3/orders?per_page=5", "GET")
    assert httpx.get(url).status_code == 200
    assert httpx.get(url).json()["message"] == "Invalid nonce - nonce has already been used."
    url, _, _ = signer.sign(f"{fake.url}/wp-json/wc/v3/orders?per_page=5", "GET")
    tampered = httpx.get(url.replace("per_page=5", "per_page=6"))
    assert tampered.status_code == 401
    assert tampered.json()["code"] == "woocommerce_rest_authentication_error"


def test_https_uses_basic_auth(tmp_path):
    store = FakeWooCommerce(tls_dir=tmp_path).start()
    try:
        woo, _ = make_client(store)
        assert woo.test_connection().ok
        (call,) = store.calls("GET", "system_status")
        expected = base64.b64encode(f"{store.key}:{store.secret}".encode()).decode()
        assert call.headers["authorization"] == f"Basic {expected}"
        assert not any(k.startswith("oauth_") or k == "consumer_key" for k in call.query)
    finally:
        store.stop()


def test_https_falls_back_to_query_keys_when_the_server_drops_the_header(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="httpx")
    store = FakeWooCommerce(tls_dir=tmp_path, drop_authorization=True).start()
    try:
        woo, _ = make_client(store)
        assert woo.test_connection().ok
        woo.orders_page(datetime(2020, 1, 1), None)
        first, second, third = store.calls("GET", "system_status|orders")
        assert "consumer_key" not in first.query
        assert second.query["consumer_key"] == store.key and third.query["consumer_key"]
        assert "consumer_secret=…" in caplog.text and store.secret not in caplog.text
    finally:
        store.stop()


# -- reading ------------------------------------------------------------------------------------


def test_orders_are_read_page_by_page_oldest_change_first(fake, client):
    product = fake.add_product("MIT", "Mitaines", "19.00")
    fake.add_order([(product, 1)], modified="2025-12-31T23:59:59")  # before "since"
    for i in range(205):
        fake.add_order([(product, 1)], modified=f"2026-01-{1 + i % 28:02d}T10:{i % 60:02d}:00")
    since = datetime(2026, 1, 1)
    pages, cursor = [], None
    while True:
        page = client.orders_page(since, cursor)
        pages.append(page.orders)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [len(p) for p in pages] == [100, 100, 5]
    seen = [o.updated_at for p in pages for o in p]
    assert seen == sorted(seen) and min(seen) >= since
    last = fake.calls("GET", "orders")[-1].query
    assert last | {"page": "3"} == last and last["per_page"] == "100"
    assert last["orderby"] == "modified" and last["order"] == "asc"


def test_one_order_by_id_and_none_for_an_unknown_one(shop, client):
    found = client.order(str(shop["order"]["id"]))
    assert found.number == shop["order"]["number"] and len(found.lines) == 2
    assert found.lines[1].size == "M" and found.lines[1].color == "Rouge"
    assert client.order("999999") is None


# -- actions ------------------------------------------------------------------------------------


def test_refund_of_lines_and_shipping_with_restock(fake, shop, client):
    order = shop["order"]
    req = RefundAction(
        action="refund",
        lines=[RefundLine(line_id=100, quantity=1)],
        shipping=True,
        restock=True,
        reason="Tuque trouée",
    )
    outcome = client.refund(ref(order), req, "key-refund-0001")
    (call,) = fake.calls("POST", rf"orders/{order['id']}/refunds")
    body = call.body
    assert body["api_refund"] is True and body["restock_items"] is True
    tuque_line, shipping_line = body["line_items"]
    assert tuque_line == {
        "id": order["line_items"][0]["id"],
        "quantity": 1,
        "refund_total": "29.00",
        "refund_tax": [{"id": 1, "refund_total": "1.45"}, {"id": 2, "refund_total": "2.90"}],
    }
    assert shipping_line["refund_total"] == "12.00"
    # 29.00 + 1.45 + 2.90 (half of 5.79, rounded up) + shipping 12.00 + 0.60 + 1.20
    assert body["amount"] == "47.15" and outcome.amount_cents == 4715
    assert "Tuque trouée" in body["reason"] and "key-refund-0001" in body["reason"]
    assert fake.products[shop["tuque"]["id"]]["stock_quantity"] == 6


def test_the_same_key_refunds_once(fake, shop, client):
    req = RefundAction(action="refund", amount=Decimal("10.00"))
    first = client.refund(ref(shop["order"]), req, "key-refund-0002")
    second = client.refund(ref(shop["order"]), req, "key-refund-0002")
    assert first.reference == second.reference
    assert len(fake.refunds[shop["order"]["id"]]) == 1


def test_an_outage_mid_refund_then_a_retry_with_the_same_key_refunds_once(fake, shop):
    woo, _ = make_client(fake, timeout=0.5)
    order = ref(shop["order"])
    fake.fail_next("POST", r"orders/\d+/refunds", "hang")
    req = RefundAction(action="refund", amount=Decimal("25.00"))
    with pytest.raises(PlatformTimeout):
        woo.refund(order, req, "key-refund-0003")
    assert len(fake.refunds[shop["order"]["id"]]) == 1  # it happened at the store
    found = woo.find_action(order, "refund", "key-refund-0003")
    assert found is not None and found.amount_cents == 2500
    again = woo.refund(order, req, "key-refund-0003")
    assert again.reference == found.reference
    assert len(fake.refunds[shop["order"]["id"]]) == 1
    assert len(fake.calls("POST", r"orders/\d+/refunds")) == 1


def test_cancel_refunds_what_is_left_then_cancels(fake, shop, client):
    order = shop["order"]
    outcome = client.cancel(ref(order), CancelAction(action="cancel"), "key-cancel-0001")
    assert fake.orders[order["id"]]["status"] == "cancelled"
    (refund,) = fake.refunds[order["id"]]
    assert refund["amount"] == order["total"] and outcome.amount_cents == int(
        Decimal(order["total"]) * 100
    )
    assert any("key-cancel-0001" in n["note"] for n in fake.notes[order["id"]])
    again = client.cancel(ref(order), CancelAction(action="cancel"), "key-cancel-0001")
    assert again.reference == outcome.reference and len(fake.refunds[order["id"]]) == 1
    assert client.find_action(ref(order), "cancel", "key-cancel-0001") is not None


def test_an_outage_mid_cancel_then_a_retry_finishes_without_a_second_refund(fake, shop):
    woo, _ = make_client(fake, timeout=0.5)
    order = shop["order"]
    fake.fail_next("PUT", rf"orders/{order['id']}", "hang")
    with pytest.raises(PlatformTimeout):
        woo.cancel(ref(order), CancelAction(action="cancel"), "key-cancel-0002")
    fake.orders[order["id"]]["status"] = "refunded"  # the store had not got the PUT
    fake.orders[order["id"]]["meta_data"].clear()
    outcome = woo.cancel(ref(order), CancelAction(action="cancel"), "key-cancel-0002")
    assert fake.orders[order["id"]]["status"] == "cancelled"
    assert len(fake.refunds[order["id"]]) == 1 and outcome.amount_cents > 0


def test_shipping_address_is_changed_until_the_order_is_completed(fake, shop, client):
    order = shop["order"]
    client.update_shipping_address(ref(order), ADDRESS, "key-address-0001")
    shipping = fake.orders[order["id"]]["shipping"]
    assert shipping["address_1"] == "88, avenue du Mont-Royal Est"
    assert shipping["state"] == "QC" and shipping["postcode"] == "H2T 1N6"
    assert shipping["first_name"] == "Julie" and shipping["last_name"] == "Tremblay"
    fake.orders[order["id"]]["status"] = "completed"
    with pytest.raises(PlatformError) as err:
        client.update_shipping_address(ref(order), ADDRESS, "key-address-0002")
    assert err.value.key == "commerce.error.already_fulfilled"
    assert "expédiée" in t(err.value.key, "fr") and "shipped" in t(err.value.key, "en")
    assert len(fake.calls("PUT", rf"orders/{order['id']}")) == 1


def test_replacement_is_a_free_paid_order_under_the_original_once(fake, shop, client):
    order = shop["order"]
    req = ReplacementAction(action="replacement", lines=[RefundLine(line_id=101, quantity=1)])
    outcome = client.create_replacement(ref(order), req, "key-replace-0001")
    new = fake.orders[int(outcome.details["order_id"])]
    assert new["parent_id"] == order["id"] and new["status"] == "processing"
    assert new["total"] == "0.00" and new["date_paid_gmt"]
    assert new["customer_id"] == order["customer_id"]
    assert new["shipping"]["address_1"] == order["shipping"]["address_1"]
    (line,) = new["line_items"]
    assert line["variation_id"] == shop["medium"]["id"] and line["total"] == "0.00"
    assert any(new["number"] in n["note"] for n in fake.notes[order["id"]])
    again = client.create_replacement(ref(order), req, "key-replace-0001")
    assert again.reference == outcome.reference
    assert len(fake.calls("POST", "orders")) == 1


@pytest.mark.parametrize(
    ("req", "kind", "amount"),
    [
        (DiscountCodeAction(action="discount_code", percent=Decimal("15")), "percent", "15.00"),
        (DiscountCodeAction(action="discount_code", amount=Decimal("20")), "fixed_cart", "20.00"),
    ],
)
def test_discount_code_is_single_use_for_the_customer_once(fake, shop, client, req, kind, amount):
    outcome = client.create_discount_code(ref(shop["order"]), req, "key-discount-0001")
    assert outcome.code.startswith("MERCI-") and len(outcome.code) == 12
    (coupon,) = fake.coupons.values()
    assert coupon["code"] == outcome.code.lower()
    assert coupon["discount_type"] == kind and coupon["amount"] == amount
    assert coupon["usage_limit"] == 1 and coupon["email_restrictions"] == [
        "julie.tremblay@example.ca"
    ]
    again = client.create_discount_code(ref(shop["order"]), req, "key-discount-0001")
    assert again.code == outcome.code and len(fake.coupons) == 1


# -- errors and rate limits ---------------------------------------------------------------------


def test_error_json_becomes_a_platform_error_with_the_store_message(fake, shop, client):
    req = RefundAction(action="refund", amount=Decimal("9999.00"))
    with pytest.raises(PlatformError) as err:
        client.refund(ref(shop["order"]), req, "key-refund-0004")
    assert err.value.key == "commerce.error.rejected" and not err.value.retryable
    assert err.value.detail == "Invalid refund amount."
    assert t(err.value.key, "fr", **err.value.params).endswith(": Invalid refund amount.")
    assert t(err.value.key, "en", **err.value.params).startswith("The store refused")
    assert len(fake.calls("POST", r"orders/\d+/refunds")) == 1  # not blindly retried


def test_too_many_requests_waits_retry_after_through_sleep_then_succeeds(fake, shop, client):
    fake.fail_next("GET", r"orders/\d+", "429", retry_after="3")
    assert client.order(str(shop["order"]["id"])) is not None
    assert client.sleeps == [3.0]
    assert len(fake.calls("GET", r"orders/\d+")) == 2


@pytest.mark.parametrize(
    ("kind", "posts", "sleeps"), [("429", 2, [2.0]), ("500", 2, [1.0]), ("500_after", 1, [])]
)
def test_a_refund_refused_or_failed_on_the_way_refunds_exactly_once(
    fake, shop, client, kind, posts, sleeps
):
    """429 and a 500 before acting: sent again; a 500 after acting: found, not sent again."""
    fake.fail_next("POST", r"orders/\d+/refunds", kind)
    outcome = client.refund(
        ref(shop["order"]), RefundAction(action="refund", amount=Decimal("5")), "key-refund-0006"
    )
    assert outcome.amount_cents == 500 and len(fake.refunds[shop["order"]["id"]]) == 1
    assert len(fake.calls("POST", r"orders/\d+/refunds")) == posts
    assert client.sleeps == sleeps


def test_a_wait_longer_than_max_wait_is_reported_as_throttled(fake, shop, client):
    fake.fail_next("GET", r"orders/\d+", "429", retry_after="120")
    with pytest.raises(PlatformError) as err:
        client.order(str(shop["order"]["id"]))
    assert err.value.key == "commerce.error.throttled" and err.value.retryable
    assert client.sleeps == []
    assert t("commerce.error.throttled", "fr") != t("commerce.error.throttled", "en")


def test_a_bare_server_error_on_a_read_is_retried(fake, shop, client):
    fake.fail_next("GET", r"orders/\d+", "500")
    assert client.order(str(shop["order"]["id"])) is not None
    assert client.sleeps == [1.0]


def test_a_store_that_stays_down_is_unavailable(fake, shop, client):
    fake.fail_next("GET", r"orders/\d+", "500", times=10)
    with pytest.raises(PlatformError) as err:
        client.order(str(shop["order"]["id"]))
    assert err.value.key == "commerce.error.unavailable" and err.value.retryable
    assert len(client.sleeps) == 3


def test_an_order_not_from_woocommerce_is_refused(client):
    local = OrderRef(
        id=1,
        number="ND-1001",
        external_id=None,
        currency="CAD",
        total_cents=100,
        fulfillment_status="unfulfilled",
        financial_status="paid",
    )
    with pytest.raises(PlatformError) as err:
        client.refund(local, RefundAction(action="refund"), "key-refund-0005")
    assert err.value.key == "commerce.error.woocommerce.not_synced"


# -- the returns desk ---------------------------------------------------------------------------


@pytest.fixture
def mirrored(tmp_path, shop, client):
    """The shop's order mirrored in a Comptoir database, as the sync stores it."""
    synced = client.order(str(shop["order"]["id"]))
    with Database(tmp_path / "woo.duckdb") as db:

        def store(w):
            customer_id = commerce_mirror.upsert_customer(
                w, "woocommerce", dataclasses.asdict(synced.customer), synced.placed_at
            )
            row = {
                k: v
                for k, v in dataclasses.asdict(synced).items()
                if k not in ("lines", "customer")
            }
            row["platform_updated_at"] = synced.updated_at
            lines = [dataclasses.asdict(line) for line in synced.lines]
            order_id, _ = commerce_mirror.upsert_order(
                w, "woocommerce", row, lines, customer_id, synced.placed_at
            )
            return CommerceOrder(order_id, synced.number, customer_id)

        yield db, db.write(store)


def test_returns_backend_refunds_the_returned_sku(fake, shop, client, mirrored):
    db, order = mirrored
    backend = WooBackend(client, db)
    line = ReturnedLine(sku="PARKA-M-ROUGE", quantity=1, unit_price_cents=24900)
    result = backend.refund(order, [line], 24900, "original_payment", idempotency_key="RMA-100042")
    (refund,) = fake.refunds[shop["order"]["id"]]
    assert result.amount_cents == 24900 and refund["amount"] == "249.00"
    (item,) = fake.calls("POST", r"orders/\d+/refunds")[0].body["line_items"]
    assert item["id"] == shop["order"]["line_items"][1]["id"] and item["quantity"] == 1
    again = backend.refund(order, [line], 24900, "original_payment", idempotency_key="RMA-100042")
    assert again == result and len(fake.refunds[shop["order"]["id"]]) == 1


def test_returns_backend_store_credit_exchange_and_restock(fake, shop, client, mirrored):
    db, order = mirrored
    backend = WooBackend(client, db)
    credit = backend.issue_store_credit(order, 2900, idempotency_key="RMA-100043")
    (coupon,) = fake.coupons.values()
    assert credit.reference.startswith("CREDIT-") and coupon["amount"] == "29.00"
    assert coupon["discount_type"] == "fixed_cart" and coupon["usage_limit"] == 1
    line = ReturnedLine(
        sku="PARKA-M-ROUGE", quantity=1, unit_price_cents=24900, exchange_sku="PARKA-L-ROUGE"
    )
    exchange = backend.create_exchange_order(order, [line], idempotency_key="RMA-100044")
    new = next(o for o in fake.orders.values() if o["number"] == exchange.reference)
    assert new["parent_id"] == shop["order"]["id"] and new["total"] == "0.00"
    assert new["line_items"][0]["variation_id"] == shop["large"]["id"]
    backend.restock("PARKA-M-ROUGE", 1)
    backend.restock("TUQ-NOIR", 2)
    backend.restock("PARKA", 1)  # the parent does not track stock: nothing to do
    assert fake.products[shop["medium"]["id"]]["stock_quantity"] == 4
    assert fake.products[shop["tuque"]["id"]]["stock_quantity"] == 7
    assert fake.calls("PUT", rf"products/\d+/variations/{shop['medium']['id']}")
