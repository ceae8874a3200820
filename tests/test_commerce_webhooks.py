"""Commerce webhooks (widget_api/routes/commerce_webhooks.py, commerce/webhook_processor.py):
signatures checked against known vectors, the WooCommerce ping, deliveries stored before the
200 and processed once, retries and failures, data requests. The app runs in a thread with the
stand-in platform client of tests/commerce_standin.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.commerce_standin import (
    App,
    StandInShop,
    connect_shopify,
    connect_woocommerce,
    shopify_order,
    sign,
    stand_in,  # noqa: F401 (a fixture)
    start_app,
    use_stand_in,
)
from tests.conftest import make_database
from tests.waiting import wait_until

# A published Shopify webhook vector (SQLPage's tests of sqlpage.hmac 'sha256-base64'), checked
# here with `printf '%s' BODY | openssl dgst -sha256 -hmac test-webhook-secret -binary | base64`.
VECTOR_SECRET = "test-webhook-secret"
VECTOR_BODY = b'{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}'
VECTOR_HMAC = "QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw="
# The same body signed with another secret (openssl, as above, with -hmac another-secret).
OTHER_SECRET_HMAC = "LVjnQJMj8t8Xi0R7u9yByfFl8NDuYOfqEdRBnpj9sB4="
# A WooCommerce delivery (openssl, -hmac wc-secret-Qc2026).
WOO_SECRET = "wc-secret-Qc2026"
WOO_BODY = b'{"id":727,"status":"processing","billing":{"email":"jean.gagnon@exemple.ca"}}'
WOO_HMAC = "ET4GsOKPrE1aZgb/7Yns8WbCsRb3YV0OKYjj/3/d+A8="
AT = datetime(2026, 11, 20, 15, 0)


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, StandInShop]]:
    """One app connected to the stand-in Shopify for the module (starting one takes seconds);
    each test uses its own delivery ids."""
    db_path = tmp_path_factory.mktemp("hooks") / "comptoir.duckdb"
    make_database(db_path)
    with pytest.MonkeyPatch.context() as patch:
        shop = use_stand_in(patch, StandInShop())
        running = start_app(db_path, now=AT, webhook_attempts=3)
        connect_shopify(running, VECTOR_SECRET)
        yield running, shop
        running.stop()


@pytest.fixture
def app(hooked: tuple[App, StandInShop]) -> App:
    return hooked[0]


@pytest.fixture
def shop(hooked: tuple[App, StandInShop]) -> Iterator[StandInShop]:
    yield hooked[1]
    hooked[1].hold_topics.clear()
    hooked[1].fail_topics.clear()


def _post(app: App, body: bytes, headers: dict[str, str], path: str = "/webhooks/shopify"):
    return httpx.post(app.url + path, content=body, timeout=20,
                      headers={"Content-Type": "application/json", **headers})  # fmt: skip


def _shopify_headers(topic: str, webhook_id: str, hmac_b64: str | None) -> dict[str, str]:
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Webhook-Id": webhook_id,
               "X-Shopify-Shop-Domain": "boutique-nordique.myshopify.com"}  # fmt: skip
    if hmac_b64 is not None:
        headers["X-Shopify-Hmac-Sha256"] = hmac_b64
    return headers


def _rows(app: App, prefix: str, platform: str = "shopify") -> list[tuple]:
    """The stored deliveries whose id starts with ``prefix`` (each test has its own)."""
    return app.read(
        "SELECT delivery_id, topic, status, attempts, error FROM commerce_webhooks"
        " WHERE platform = ? AND starts_with(delivery_id, ?) ORDER BY id",
        [platform, prefix],
    )


def _status(app: App, delivery_id: str) -> str | None:
    rows = app.read("SELECT status FROM commerce_webhooks WHERE delivery_id = ?", [delivery_id])
    return rows[0][0] if rows else None


# -- signatures --------------------------------------------------------------------------------
def test_the_known_vector_is_stored_before_the_200_and_processed_after(app: App, shop: StandInShop):
    shop.hold_topics["app/uninstalled"] = gate = threading.Event()
    answer = _post(app, VECTOR_BODY, _shopify_headers("app/uninstalled", "wh-1", VECTOR_HMAC))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": True, "duplicate": False}
    # The processor is held inside parse_webhook: the row was there before the answer.
    assert _rows(app, "wh-1") == [("wh-1", "app/uninstalled", "received", 0, None)]
    [body] = app.read("SELECT body FROM commerce_webhooks WHERE delivery_id = 'wh-1'")
    assert body[0].encode() == VECTOR_BODY  # the raw body, byte for byte
    gate.set()
    wait_until(lambda: _status(app, "wh-1") == "ignored", "the delivery to be processed")
    assert _rows(app, "wh-1")[0][4] == "topic app/uninstalled is not used"


@pytest.mark.parametrize(
    ("hmac_b64", "message"),
    [
        (None, "X-Shopify-Hmac-Sha256 header is missing"),
        ("", "X-Shopify-Hmac-Sha256 header is missing"),
        (OTHER_SECRET_HMAC, "signature does not match"),
        (VECTOR_HMAC[:-4] + "AAA=", "signature does not match"),
        ("not base64 at all", "signature does not match"),
    ],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_stored(
    app: App, hmac_b64: str | None, message: str
):
    answer = httpx.post(
        app.url + "/webhooks/shopify", content=VECTOR_BODY, timeout=20,
        headers={**_shopify_headers("orders/create", "wh-bad", hmac_b64),
                 "Accept-Language": "en"},
    )  # fmt: skip
    assert answer.status_code == 401
    assert message in answer.json()["detail"]
    assert _rows(app, "wh-bad") == []


def test_a_signature_over_another_body_is_refused(app: App):
    tampered = VECTOR_BODY.replace(b"123.45", b"0.01")
    answer = _post(app, tampered, _shopify_headers("orders/create", "wh-2", VECTOR_HMAC))
    assert answer.status_code == 401 and _rows(app, "wh-2") == []


def test_the_refusal_is_in_french_by_default(app: App):
    answer = _post(app, VECTOR_BODY, _shopify_headers("orders/create", "wh-3", None))
    assert answer.status_code == 401
    assert "L'en-tête X-Shopify-Hmac-Sha256 est absent" in answer.json()["detail"]


def test_a_platform_that_is_not_connected_gets_401(app: App):
    answer = httpx.post(
        app.url + "/webhooks/woocommerce", content=WOO_BODY, timeout=20,
        headers={"X-WC-Webhook-Signature": WOO_HMAC, "X-WC-Webhook-Topic": "order.updated",
                 "X-WC-Webhook-Delivery-ID": "9", "Accept-Language": "en"},
    )  # fmt: skip
    assert answer.status_code == 401
    assert "not connected to WooCommerce" in answer.json()["detail"]
    assert _rows(app, "9", "woocommerce") == []


def test_a_body_over_the_limit_is_refused_with_413(app: App):
    big = b'{"pad":"' + b"x" * 2_000_001 + b'"}'
    answer = _post(app, big, _shopify_headers("orders/create", "wh-big", sign(VECTOR_SECRET, big)))
    assert answer.status_code == 413 and _rows(app, "wh-big") == []
    # Above the server's 1 MB for other routes, within the webhooks' 2 MB: accepted.
    large = b'{"pad":"' + b"x" * 1_500_000 + b'"}'
    sig = sign(VECTOR_SECRET, large)
    accepted = _post(app, large, _shopify_headers("shop/update", "wh-large", sig))
    assert accepted.status_code == 200 and len(_rows(app, "wh-large")) == 1


def test_a_topic_is_required(app: App):
    headers = _shopify_headers("orders/create", "wh-4", VECTOR_HMAC)
    del headers["X-Shopify-Topic"]
    answer = _post(app, VECTOR_BODY, headers)
    assert answer.status_code == 400 and _rows(app, "wh-4") == []


# -- WooCommerce ---------------------------------------------------------------------------------
@pytest.fixture
def woo_app(tmp_path: Path, stand_in: StandInShop) -> Iterator[App]:  # noqa: F811
    """An app of its own: the test switches the platform."""
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    running = start_app(db_path, now=AT)
    yield running
    running.stop()


def test_woocommerce_ping_signature_and_duplicates(woo_app: App):
    app = woo_app
    ping = httpx.post(app.url + "/webhooks/woocommerce", content=b"webhook_id=15", timeout=20,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert ping.status_code == 200 and _rows(app, "", "woocommerce") == []
    connect_woocommerce(app, WOO_SECRET)
    headers = {"X-WC-Webhook-Signature": WOO_HMAC, "X-WC-Webhook-Topic": "order.updated",
               "X-WC-Webhook-Delivery-ID": "5125", "X-WC-Webhook-Resource": "order"}  # fmt: skip
    first = _post(app, WOO_BODY, headers, "/webhooks/woocommerce")
    again = _post(app, WOO_BODY, headers, "/webhooks/woocommerce")
    wrong = _post(app, WOO_BODY, {**headers, "X-WC-Webhook-Signature": VECTOR_HMAC},
                  "/webhooks/woocommerce")  # fmt: skip
    unsigned = _post(app, WOO_BODY, {k: v for k, v in headers.items() if "Signature" not in k},
                     "/webhooks/woocommerce")  # fmt: skip
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert wrong.status_code == 401 and unsigned.status_code == 401
    wait_until(lambda: _status(app, "5125") == "ignored", "the delivery to be processed")
    assert [r[:2] for r in _rows(app, "", "woocommerce")] == [("5125", "order.updated")]
    # Shopify is not the platform: its deliveries are refused.
    shopify = _post(app, VECTOR_BODY, _shopify_headers("orders/create", "wh-5", VECTOR_HMAC))
    assert shopify.status_code == 401


# -- processing ----------------------------------------------------------------------------------
def _order_webhook(app: App, topic: str, webhook_id: str, order: dict) -> httpx.Response:
    body = json.dumps(order).encode()
    return _post(app, body, _shopify_headers(topic, webhook_id, sign(VECTOR_SECRET, body)))


def test_an_order_webhook_delivered_twice_is_stored_and_processed_once(app: App, shop: StandInShop):
    order = shopify_order(450789469, 1001, AT)
    first = _order_webhook(app, "orders/create", "b54557e4-1", order)
    again = _order_webhook(app, "orders/create", "b54557e4-1", order)
    assert first.json()["duplicate"] is False and again.json()["duplicate"] is True
    wait_until(lambda: _status(app, "b54557e4-1") == "processed", "the order webhook")
    assert app.state.commerce_webhooks.wait_rounds(2)
    assert shop.parsed.count("orders/create") == 1
    [row] = app.read(
        "SELECT o.number, o.source, o.external_id, o.total_cents, c.email, c.name,"
        " json_extract_string(c.external_ids, '$.shopify') FROM orders o"
        " JOIN customers c ON c.id = o.customer_id WHERE o.external_id = '450789469'"
    )
    assert row == ("#1001", "shopify", "450789469", 22880, "marie.tremblay@exemple.ca",
                   "Marie Tremblay", "207119551")  # fmt: skip
    lines = app.read(
        "SELECT l.sku, l.variant_title, l.quantity, l.unit_price_cents FROM order_lines l"
        " JOIN orders o ON o.id = l.order_id WHERE o.external_id = '450789469'"
    )
    assert lines == [("PK-ALIZE-M-NOIR", "M / Noir", 1, 19900)]
    created = app.read(
        "SELECT count(*) FROM events e JOIN orders o ON e.entity_id = o.id"
        " WHERE e.entity_type = 'order' AND o.external_id = '450789469'"
    )
    assert created == [(1,)]


def test_updates_and_deletions_reach_the_order(app: App):
    order = shopify_order(450789470, 1002, AT)
    _order_webhook(app, "orders/create", "u-1", order)
    shipped = shopify_order(450789470, 1002, AT.replace(hour=16), fulfillment="fulfilled")
    _order_webhook(app, "orders/fulfilled", "u-2", shipped)
    wait_until(lambda: _status(app, "u-2") == "processed", "the fulfilment webhook")
    query = "SELECT fulfillment_status, cancelled_at IS NOT NULL FROM orders WHERE number = '#1002'"
    assert app.read(query) == [("shipped", False)]
    _order_webhook(app, "orders/delete", "u-3", {"id": 450789470})
    wait_until(lambda: _status(app, "u-3") == "processed", "the deletion webhook")
    assert app.read(query) == [("cancelled", True)]


def test_a_failing_delivery_is_retried_then_processed(app: App, shop: StandInShop):
    shop.fail_topics["orders/updated"] = 2
    _order_webhook(app, "orders/updated", "r-1", shopify_order(450789471, 1003, AT))
    wait_until(lambda: _status(app, "r-1") == "processed", "the retried delivery")
    [(attempts, error)] = app.read(
        "SELECT attempts, error FROM commerce_webhooks WHERE delivery_id = 'r-1'"
    )
    assert attempts == 3 and error is None
    assert app.read("SELECT count(*) FROM orders WHERE number = '#1003'") == [(1,)]


def test_a_delivery_failing_every_attempt_is_failed_with_its_error(app: App, shop: StandInShop):
    shop.fail_topics["orders/updated"] = 99
    _order_webhook(app, "orders/updated", "f-1", shopify_order(450789472, 1004, AT))
    wait_until(lambda: _status(app, "f-1") == "failed", "the delivery to fail")
    [(attempts, error)] = app.read(
        "SELECT attempts, error FROM commerce_webhooks WHERE delivery_id = 'f-1'"
    )
    assert attempts == 3 and "PlatformError" in error
    assert app.read("SELECT count(*) FROM orders WHERE number = '#1004'") == [(0,)]


def test_a_data_request_is_logged_and_notifies_the_administrators(app: App):
    _order_webhook(app, "orders/create", "d-1", shopify_order(450789473, 1005, AT))
    request = {"shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com",
               "orders_requested": [450789473],
               "customer": {"id": 207119551, "email": "marie.tremblay@exemple.ca",
                            "phone": "+15145550123"},
               "data_request": {"id": 9999}}  # fmt: skip
    _order_webhook(app, "customers/data_request", "d-2", request)
    wait_until(lambda: _status(app, "d-2") == "processed", "the data request")
    [(after,)] = app.read("SELECT after FROM events WHERE name = 'customer.data_requested'")
    logged = json.loads(after)
    assert logged["platform"] == "shopify" and logged["email"] == "marie.tremblay@exemple.ca"
    assert logged["customer_id"] is not None
    with app.api() as api:
        notes = api.get("/api/v1/me/notifications").json()
    assert any(
        "marie.tremblay@exemple.ca" in n["body"] and "30 jours" in n["body"] for n in notes
    ), notes
