"""Shopify payloads → Comptoir's order shape: GraphQL order nodes, the REST-shaped webhook bodies
(the Shopify SDKs' own fixtures in ../shared/data when present), statuses, Canadian taxes,
exact money, UTC times, and what each webhook topic means (privacy topics included)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.fakes.shopify import TOKEN, FakeShopify, graphql_order, rest_order
from widget_api.commerce.platform import (
    DataRequest,
    DeleteOrder,
    Ignore,
    RedactCustomer,
    RedactShop,
    UpsertCustomer,
    UpsertOrder,
)
from widget_api.commerce.shopify.client import ShopifyClient
from widget_api.commerce.shopify.mapping import (
    cents,
    customer_from_rest,
    financial_status,
    fulfillment_status,
    order_from_graphql,
    order_from_rest,
    split_taxes,
    utc,
)
from widget_api.contracts.commerce import ShopifyCommerce

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PYTHON_FIXTURES = DATA / "shopify-python-api-fixtures" / "fixtures"
RUBY_FIXTURES = DATA / "shopify-api-ruby-fixtures" / "fixtures"
needs_shared = pytest.mark.skipif(
    not PYTHON_FIXTURES.is_dir() or not RUBY_FIXTURES.is_dir(),
    reason="../shared/data/shopify-*-fixtures (Shopify SDK payloads) is not present",
)


def fixture(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


# -- money, time, taxes, statuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("25.00", 2500), ("1.15", 115), ("0.29", 29), ("409.94", 40994), ("-3.10", -310),
     ("1999.995", 200000), (None, 0), ("", 0), (12, 1200)],
)  # fmt: skip
def test_money_strings_become_exact_cents(amount, expected):
    assert cents(amount) == expected


def test_a_non_amount_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        cents("abc")


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2008-01-10T11:00:00-05:00", datetime(2008, 1, 10, 16, 0)),
        ("2026-11-02T10:15:00Z", datetime(2026, 11, 2, 10, 15)),
        ("2026-07-01T23:30:00-04:00", datetime(2026, 7, 2, 3, 30)),
    ],
)
def test_timestamps_become_naive_utc(stamp, expected):
    assert utc(stamp) == expected and utc(stamp).tzinfo is None


@pytest.mark.parametrize(
    ("lines", "gst", "qst"),
    [
        ([("GST", 500), ("QST", 998)], 500, 998),
        ([("TPS", 500), ("TVQ", 998)], 500, 998),
        ([("HST", 1300)], 1300, 0),
        ([("ON HST", 1300)], 1300, 0),
        ([("GST", 500), ("PST", 700)], 500, 700),  # British Columbia
        ([("GST", 500), ("RST", 700)], 500, 700),  # Manitoba
        ([("State Tax", 1194)], 1194, 0),  # not Canadian: all of it as the one tax
        ([], 0, 0),
    ],
)
def test_canadian_taxes_are_split_federal_and_provincial(lines, gst, qst):
    assert split_taxes(lines, sum(a for _, a in lines)) == (gst, qst)


def test_tax_without_tax_lines_counts_as_federal():
    assert split_taxes([], 1721) == (1721, 0)


@pytest.mark.parametrize(
    ("raw", "ours"),
    [("pending", "pending"), ("AUTHORIZED", "pending"), ("partially_paid", "pending"),
     ("paid", "paid"), ("PARTIALLY_REFUNDED", "partially_refunded"), ("refunded", "refunded"),
     ("voided", "voided"), ("EXPIRED", "voided"), (None, "pending"), ("new_word", "pending")],
)  # fmt: skip
def test_financial_statuses(raw, ours):
    assert financial_status(raw) == ours


@pytest.mark.parametrize(
    ("raw", "shipment", "cancelled", "ours"),
    [
        (None, None, False, "unfulfilled"),
        ("unfulfilled", None, False, "unfulfilled"),
        ("partial", None, False, "processing"),
        ("IN_PROGRESS", None, False, "processing"),
        ("fulfilled", None, False, "shipped"),
        ("FULFILLED", "LABEL_PRINTED", False, "shipped"),
        ("fulfilled", "in_transit", False, "in_transit"),
        ("fulfilled", "out_for_delivery", False, "out_for_delivery"),
        ("FULFILLED", "DELIVERED", False, "delivered"),
        ("fulfilled", "failure", False, "exception"),
        ("partial", "delivered", False, "processing"),
        ("restocked", None, False, "cancelled"),
        ("fulfilled", "delivered", True, "cancelled"),
    ],
)
def test_fulfillment_statuses(raw, shipment, cancelled, ours):
    assert fulfillment_status(raw, shipment, cancelled) == ours


# -- orders --------------------------------------------------------------------------------------


def test_a_quebec_webhook_order_maps_every_column():
    order = order_from_rest(rest_order())
    assert order.external_id == "gid://shopify/Order/820982911946154508"
    assert order.number == "#1001" and order.currency == "CAD"
    assert order.placed_at == datetime(2026, 11, 1, 13, 30)
    assert order.updated_at == datetime(2026, 11, 2, 15, 15)
    assert (order.subtotal_cents, order.shipping_cents, order.discount_cents) == (11000, 970, 0)
    assert (order.gst_cents, order.qst_cents, order.total_cents) == (599, 1122, 13721)
    assert order.financial_status == "paid" and order.platform_financial_status == "paid"
    assert order.fulfillment_status == "unfulfilled" and order.platform_fulfillment_status is None
    assert order.email == "marie.tremblay@example.ca"
    assert order.customer.external_id == "gid://shopify/Customer/207119551"
    assert order.customer.language == "fr" and order.customer.name == "Marie Tremblay"
    assert order.payment_method == "shopify_payments"
    assert (order.ship_city, order.ship_province, order.ship_postal_code) == (
        "Montréal", "QC", "H2X 3K2",
    )  # fmt: skip
    tuque, mitaines = order.lines
    assert tuque.external_id == "gid://shopify/LineItem/466157049"
    assert (tuque.sku, tuque.quantity, tuque.unit_price_cents, tuque.tax_cents) == (
        "TUQ-NOIR", 2, 2500, 749,
    )  # fmt: skip
    assert mitaines.variant_title == "M / Gris"


def test_graphql_and_webhook_shapes_of_one_order_agree():
    body = rest_order(
        fulfillment_status="fulfilled",
        fulfillments=[{
            "id": 255858046, "status": "success", "shipment_status": "delivered",
            "created_at": "2026-11-03T08:00:00-05:00", "updated_at": "2026-11-05T14:00:00-05:00",
            "tracking_company": "Postes Canada", "tracking_number": "7023210039414604",
            "tracking_url": "https://www.canadapost-postescanada.ca/track?pin=7023210039414604",
        }],
    )  # fmt: skip
    from_rest, from_graphql = order_from_rest(body), order_from_graphql(graphql_order(body))
    for name in (
        "external_id", "number", "placed_at", "updated_at", "currency", "subtotal_cents",
        "shipping_cents", "discount_cents", "gst_cents", "qst_cents", "total_cents",
        "financial_status", "fulfillment_status", "customer", "email", "carrier",
        "tracking_number", "tracking_url", "shipped_at", "delivered_at", "ship_name",
        "ship_address1", "ship_province", "ship_country",
    ):  # fmt: skip
        assert getattr(from_rest, name) == getattr(from_graphql, name), name
    assert from_graphql.fulfillment_status == "delivered"
    assert from_graphql.delivered_at == datetime(2026, 11, 5, 19, 0)
    assert from_graphql.carrier == "Postes Canada"
    assert [ln.external_id for ln in from_rest.lines] == [
        ln.external_id for ln in from_graphql.lines
    ]
    # Options by name only come through GraphQL.
    assert (from_graphql.lines[1].size, from_graphql.lines[1].color) == ("M", "Gris")


def test_a_cancelled_order_is_cancelled_whatever_its_fulfillment():
    body = rest_order(fulfillment_status="fulfilled") | {
        "cancelled_at": "2026-11-02T12:00:00-05:00", "cancel_reason": "customer",
        "financial_status": "refunded",
    }  # fmt: skip
    order = order_from_rest(body)
    assert order.fulfillment_status == "cancelled" and order.financial_status == "refunded"
    assert order.cancelled_at == datetime(2026, 11, 2, 17, 0)


@needs_shared
@pytest.mark.parametrize("folder", [PYTHON_FIXTURES, RUBY_FIXTURES], ids=["python", "ruby"])
def test_the_sdk_fixture_order_maps(folder):
    body = fixture(folder, "order.json")["order"]
    order = order_from_rest(body)
    assert order.external_id == "gid://shopify/Order/450789469" and order.number == "#1001"
    assert order.placed_at == datetime(2008, 1, 10, 16, 0)
    assert order.total_cents == 40994 and order.discount_cents == 0
    assert (order.gst_cents, order.qst_cents) == (1194, 0)  # "State Tax"
    assert order.financial_status == "pending" and order.platform_financial_status == "authorized"
    assert order.fulfillment_status == "unfulfilled"
    # Its one fulfillment failed: its tracking is not the parcel's.
    assert order.tracking_number is None
    assert order.email == "bob.norman@hostmail.com"
    assert order.customer.external_id == "gid://shopify/Customer/207119551"
    assert (order.ship_province, order.ship_country, order.ship_city) == ("KY", "US", "Louisville")
    assert [ln.sku for ln in order.lines] == ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"]
    assert all(ln.unit_price_cents == 19900 for ln in order.lines)
    assert order.payment_method == "authorize_net"


@needs_shared
def test_the_sdk_fixture_order_with_properties_maps():
    order = order_from_rest(fixture(RUBY_FIXTURES, "order_with_properties.json")["order"])
    assert [ln.unit_price_cents for ln in order.lines] == [4500, 2400]
    assert [ln.sku for ln in order.lines] == ["", ""]


@needs_shared
def test_the_sdk_fixture_customer_maps():
    customer = customer_from_rest(fixture(PYTHON_FIXTURES, "customer.json")["customer"])
    assert customer.external_id == "gid://shopify/Customer/207119551"
    assert customer.email == "bob.norman@hostmail.com" and customer.name == "Bob Norman"
    assert customer.phone == "555-625-1199"


# -- webhooks ------------------------------------------------------------------------------------


@pytest.fixture(name="shop")
def fx_shop():
    """A fake Shopify and a client on it (``refunds/create`` reads the order again)."""
    fake = FakeShopify().start()
    fake.add_order(rest_order())
    cfg = ShopifyCommerce(
        platform="shopify", shop_domain="boutique-nordique.myshopify.com", access_token=TOKEN,
        api_base_url=fake.url,
    )  # fmt: skip
    client = ShopifyClient(cfg, sleep=lambda s: None)
    yield fake, client
    client.close()
    fake.stop()


@pytest.mark.parametrize(
    "topic",
    ["orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled", "orders/paid"],
)
def test_order_topics_upsert_the_order_they_carry(shop, topic):
    _, client = shop
    (effect,) = client.parse_webhook(topic, rest_order(1005, order_id=1005))
    assert isinstance(effect, UpsertOrder) and effect.order.number == "#1005"


def test_orders_cancelled_carries_the_cancellation(shop):
    _, client = shop
    body = rest_order() | {"cancelled_at": "2026-11-02T12:00:00-05:00"}
    (effect,) = client.parse_webhook("orders/cancelled", body)
    assert effect.order.fulfillment_status == "cancelled"


def test_refunds_create_reads_the_fresh_order(shop):
    fake, client = shop
    fake.orders["gid://shopify/Order/820982911946154508"]["displayFinancialStatus"] = "REFUNDED"
    body = {"id": 509562969, "order_id": 820982911946154508, "note": "Brisé",
            "created_at": "2026-11-03T10:00:00-05:00", "refund_line_items": [],
            "transactions": []}  # fmt: skip
    (effect,) = client.parse_webhook("refunds/create", body)
    assert isinstance(effect, UpsertOrder) and effect.order.financial_status == "refunded"
    assert fake.requests[-1].variables == {"id": "gid://shopify/Order/820982911946154508"}


@needs_shared
def test_the_sdk_refund_fixture_reads_its_order(shop):
    fake, client = shop
    fake.add_order(fixture(PYTHON_FIXTURES, "order.json")["order"])
    (effect,) = client.parse_webhook(
        "refunds/create", fixture(PYTHON_FIXTURES, "refund.json")["refund"]
    )
    assert isinstance(effect, UpsertOrder)
    assert effect.order.external_id == "gid://shopify/Order/450789469"


def test_a_refund_of_an_order_shopify_no_longer_has_is_ignored(shop):
    _, client = shop
    (effect,) = client.parse_webhook("refunds/create", {"id": 1, "order_id": 42})
    assert isinstance(effect, Ignore)


@pytest.mark.parametrize("topic", ["customers/create", "customers/update"])
def test_customer_topics_upsert_the_customer(shop, topic):
    _, client = shop
    body = {"id": 706405506930370084, "email": "Bob@Biller.com", "first_name": "Bob",
            "last_name": "Biller", "phone": None, "locale": "en"}  # fmt: skip
    (effect,) = client.parse_webhook(topic, body)
    assert isinstance(effect, UpsertCustomer)
    assert effect.customer.email == "bob@biller.com" and effect.customer.language == "en"
    assert effect.customer.external_id == "gid://shopify/Customer/706405506930370084"


def test_customers_data_request_is_a_data_request(shop):
    _, client = shop
    body = {
        "shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com",
        "orders_requested": [299938, 280263, 220458],
        "customer": {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"},
        "data_request": {"id": 9999},
    }  # fmt: skip
    (effect,) = client.parse_webhook("customers/data_request", body)
    assert effect == DataRequest(
        email="john@example.com", external_id="gid://shopify/Customer/191167"
    )


def test_customers_redact_names_the_customer_and_their_orders(shop):
    _, client = shop
    body = {
        "shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com",
        "customer": {"id": 191167, "email": "John@Example.com", "phone": "555-625-1199"},
        "orders_to_redact": [299938, 280263, 220458],
    }  # fmt: skip
    (effect,) = client.parse_webhook("customers/redact", body)
    assert effect == RedactCustomer(
        email="john@example.com",
        external_id="gid://shopify/Customer/191167",
        order_external_ids=(
            "gid://shopify/Order/299938", "gid://shopify/Order/280263",
            "gid://shopify/Order/220458",
        ),
    )  # fmt: skip


def test_shop_redact_erases_the_shop(shop):
    _, client = shop
    body = {"shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com"}
    assert client.parse_webhook("shop/redact", body) == [RedactShop()]


def test_orders_delete_deletes(shop):
    _, client = shop
    assert client.parse_webhook("orders/delete", {"id": 1005}) == [
        DeleteOrder("gid://shopify/Order/1005")
    ]


@pytest.mark.parametrize(
    ("topic", "body"),
    [("products/update", {"id": 1}), ("orders/create", {"id": 5}), ("customers/update", {}),
     ("app/uninstalled", {"id": 1}), ("orders/create", ["not", "an", "object"])],
)  # fmt: skip
def test_anything_else_is_ignored_with_a_reason(shop, topic, body):
    _, client = shop
    (effect,) = client.parse_webhook(topic, body)
    assert isinstance(effect, Ignore) and effect.reason
