"""WooCommerce REST v3 JSON → SyncedOrder / SyncedCustomer, on the real examples of the
WooCommerce REST API docs (``../shared/data/woocommerce-rest-api-docs-examples``) and on
Québec-shaped cases; webhook topics → effects."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest

from widget_api.commerce.platform import (
    DeleteOrder,
    Ignore,
    UpsertCustomer,
    UpsertOrder,
)
from widget_api.commerce.woocommerce.client import WooClient
from widget_api.commerce.woocommerce.mapping import cents, map_customer, map_order
from widget_api.contracts.commerce import WooCommerce

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "data" / "woocommerce-rest-api-docs-examples" / "wp-api-v3"
needs_examples = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"the WooCommerce docs examples are not at {EXAMPLES}"
)


def example(name: str):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _orders_in_examples() -> list[dict]:
    found = []
    for path in sorted(EXAMPLES.glob("orders__*.json")) if EXAMPLES.is_dir() else ():
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "create" in data:
            data = data["create"] + data["update"] + data["delete"]
        found += data if isinstance(data, list) else [data]
    return found


def quebec_order(**changes) -> dict:
    """An order shaped like ``GET orders/{id}`` for a Montréal customer (TPS + TVQ)."""
    order = {
        "id": 1042,
        "parent_id": 0,
        "number": "1042",
        "status": "processing",
        "currency": "CAD",
        "date_created_gmt": "2026-11-02T15:04:05",
        "date_modified_gmt": "2026-11-03T09:00:00",
        "date_paid_gmt": "2026-11-02T15:04:07",
        "date_completed_gmt": None,
        "discount_total": "5.00",
        "shipping_total": "12.00",
        "total": "102.08",
        "total_tax": "13.31",
        "customer_id": 7,
        "billing": {
            "first_name": "Julie",
            "last_name": "Tremblay",
            "email": "Julie@Example.CA",
            "phone": "514-555-0199",
            "address_1": "1 rue A",
            "city": "Montréal",
            "state": "QC",
            "postcode": "H2X 3K8",
            "country": "CA",
        },
        "shipping": {
            "first_name": "Julie",
            "last_name": "Tremblay",
            "company": "",
            "address_1": "1234, rue Saint-Denis",
            "address_2": "app. 3",
            "city": "Montréal",
            "state": "qc",
            "postcode": "h2x 3k8",
            "country": "CA",
            "phone": "",
        },
        "payment_method": "stripe",
        "payment_method_title": "Carte de crédit",
        "meta_data": [],
        "line_items": [
            {
                "id": 5001,
                "name": "Parka Nord &ndash; M, Rouge",
                "product_id": 90,
                "variation_id": 91,
                "quantity": 1,
                "subtotal": "80.00",
                "total": "75.00",
                "total_tax": "11.23",
                "sku": "PARKA-M-ROUGE",
                "price": 75,
                "meta_data": [
                    {
                        "id": 1,
                        "key": "pa_taille",
                        "value": "m",
                        "display_key": "Taille",
                        "display_value": "M",
                    },
                    {
                        "id": 2,
                        "key": "pa_couleur",
                        "value": "rouge",
                        "display_key": "Couleur",
                        "display_value": "Rouge",
                    },
                    {"id": 3, "key": "_reduced_stock", "value": "1"},
                ],
            }
        ],
        "tax_lines": [
            {
                "id": 9,
                "rate_code": "CA-QC-TPS-1",
                "rate_id": 1,
                "label": "TPS",
                "tax_total": "3.75",
                "shipping_tax_total": "0.60",
            },
            {
                "id": 10,
                "rate_code": "CA-QC-TVQ-2",
                "rate_id": 2,
                "label": "TVQ",
                "tax_total": "7.48",
                "shipping_tax_total": "1.20",
            },
        ],
        "refunds": [],
    }
    order.update(changes)
    return order


# -- the real examples --------------------------------------------------------------------------


@needs_examples
def test_the_documented_order_maps_field_by_field():
    order = map_order(example("orders__02__retrieve-an-order.json"))
    assert (order.external_id, order.number, order.currency) == ("727", "727", "USD")
    assert order.placed_at == datetime(2017, 3, 22, 19, 28, 2)
    assert order.updated_at == datetime(2017, 3, 22, 19, 28, 8)
    assert (order.subtotal_cents, order.shipping_cents, order.total_cents) == (1800, 1000, 2935)
    assert (order.gst_cents, order.qst_cents) == (135, 0)  # "State Tax": all tax as gst
    assert (order.financial_status, order.fulfillment_status) == ("paid", "unfulfilled")
    assert order.platform_financial_status == "processing"
    assert order.payment_method == "Direct Bank Transfer"
    assert order.email == "john.doe@example.com" and order.customer is None  # a guest
    assert (order.ship_name, order.ship_province, order.ship_country) == ("John Doe", "CA", "US")
    single, variable = order.lines
    assert (single.external_id, single.quantity, single.unit_price_cents) == ("315", 2, 300)
    assert (
        variable.sku == "Bar3" and variable.title == "Ship Your Idea – Color: Black, Size: M Test"
    )
    assert variable.variant_title == "black / M Test"
    assert (variable.size, variable.color) == ("M Test", "black")
    assert variable.tax_cents == 90


@needs_examples
def test_a_completed_order_with_two_refunds_is_partially_refunded_and_shipped():
    (order,) = [o for o in example("orders__03__list-all-orders.json") if o["id"] == 723]
    mapped = map_order(order)
    assert (mapped.financial_status, mapped.fulfillment_status) == ("partially_refunded", "shipped")
    assert mapped.shipped_at == datetime(2017, 3, 21, 19, 54, 51)
    assert mapped.customer.external_id == "26" and mapped.customer.name == "João Silva"


@needs_examples
def test_every_documented_order_maps():
    orders = _orders_in_examples()
    assert len(orders) >= 8
    for raw in orders:
        mapped = map_order(raw)
        assert mapped.total_cents == cents(raw["total"]) and mapped.number == raw["number"]


@needs_examples
@pytest.mark.parametrize(
    "name", ["customers__02__retrieve-a-customer.json", "customers__03__list-all-customers.json"]
)
def test_documented_customers_map(name):
    data = example(name)
    for raw in data if isinstance(data, list) else [data]:
        customer = map_customer(raw)
        assert customer.external_id == str(raw["id"]) and customer.email == raw["email"]
        assert customer.name == f"{raw['first_name']} {raw['last_name']}"
        assert customer.phone == raw["billing"]["phone"]


# -- Québec orders ------------------------------------------------------------------------------


def test_a_quebec_order_splits_tps_and_tvq_and_keeps_the_variant():
    order = map_order(quebec_order())
    assert (order.gst_cents, order.qst_cents) == (435, 868)
    assert (order.subtotal_cents, order.discount_cents, order.total_cents) == (8000, 500, 10208)
    (line,) = order.lines
    assert (line.variant_title, line.size, line.color) == ("M / Rouge", "M", "Rouge")
    assert line.title == "Parka Nord – M, Rouge" and line.unit_price_cents == 8000
    assert (order.ship_province, order.ship_postal_code, order.ship_phone) == (
        "QC",
        "H2X 3K8",
        "514-555-0199",
    )
    assert order.email == "julie@example.ca" and order.customer.external_id == "7"


@pytest.mark.parametrize(
    ("label", "rate_code", "where"),
    [
        ("TPS", "CA-QC-TPS-1", "gst"),
        ("GST", "CA-ON-GST-1", "gst"),
        ("HST", "CA-ON-HST-1", "gst"),
        ("TVQ", "CA-QC-TVQ-2", "qst"),
        ("QST", "CA-QC-QST-2", "qst"),
        ("PST", "CA-BC-PST-2", "qst"),
        ("Taxe provinciale", "CA-QC-TVQ-2", "qst"),  # by the rate code when the label says nothing
        ("Tax", "CA-QC-TAX-1", "gst"),  # unnamed: all tax counts as gst
    ],
)
def test_tax_lines_are_told_apart_by_label_then_rate_code(label, rate_code, where):
    raw = quebec_order(
        tax_lines=[
            {
                "id": 1,
                "label": label,
                "rate_code": rate_code,
                "tax_total": "1.00",
                "shipping_tax_total": "0.50",
            }
        ]
    )
    order = map_order(raw)
    assert (order.gst_cents, order.qst_cents) == ((150, 0) if where == "gst" else (0, 150))


@pytest.mark.parametrize(
    ("status", "paid", "financial", "fulfillment"),
    [
        ("pending", False, "pending", "unfulfilled"),
        ("on-hold", False, "pending", "unfulfilled"),
        ("processing", True, "paid", "unfulfilled"),
        ("completed", True, "paid", "shipped"),
        ("cancelled", False, "voided", "cancelled"),
        ("cancelled", True, "paid", "cancelled"),
        ("refunded", True, "refunded", "cancelled"),
        ("failed", False, "voided", "unfulfilled"),
        ("trash", False, "voided", "cancelled"),
        ("delivered", True, "paid", "delivered"),  # a shipment plugin's custom status
    ],
)
def test_one_woocommerce_status_becomes_our_two(status, paid, financial, fulfillment):
    raw = quebec_order(status=status, date_paid_gmt="2026-11-02T15:04:07" if paid else None)
    order = map_order(raw)
    assert (order.financial_status, order.fulfillment_status) == (financial, fulfillment)
    assert order.platform_financial_status == order.platform_fulfillment_status == status
    assert (order.cancelled_at is not None) == (status == "cancelled")


def test_shipment_tracking_meta_gives_carrier_number_and_link():
    items = [
        {
            "tracking_provider": "canada-post",
            "custom_tracking_provider": "",
            "custom_tracking_link": "",
            "tracking_number": "7023210039414604",
            "date_shipped": "1762268400",
            "tracking_id": "a1",
        }
    ]
    raw = quebec_order(meta_data=[{"id": 5, "key": "_wc_shipment_tracking_items", "value": items}])
    order = map_order(raw)
    assert order.carrier == "Postes Canada" and order.tracking_number == "7023210039414604"
    assert order.tracking_url.endswith("searchFor=7023210039414604")
    assert order.shipped_at == datetime(2025, 11, 4, 15, 0)
    assert order.fulfillment_status == "shipped"


def test_a_shop_without_shipping_address_ships_to_the_billing_one():
    raw = quebec_order(
        shipping={
            "first_name": "",
            "last_name": "",
            "address_1": "",
            "city": "",
            "state": "",
            "postcode": "",
            "country": "",
        }
    )
    order = map_order(raw)
    assert (order.ship_address1, order.ship_city) == ("1 rue A", "Montréal")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("29.35", 2935), ("0.1", 10), ("1.005", 101), ("", 0), (None, 0), (3, 300)],
)
def test_money_strings_become_cents_half_up(raw, expected):
    assert cents(raw) == expected


# -- webhooks -----------------------------------------------------------------------------------


@pytest.fixture
def client():
    woo = WooClient(
        WooCommerce(
            platform="woocommerce",
            store_url="https://boutique.example",
            consumer_key="ck_x",
            consumer_secret="cs_y",
        )
    )
    yield woo
    woo.close()


@pytest.mark.parametrize("topic", ["order.created", "order.updated", "order.restored"])
def test_order_topics_upsert_the_order(client, topic):
    (effect,) = client.parse_webhook(topic, quebec_order())
    assert isinstance(effect, UpsertOrder) and effect.order.external_id == "1042"


def test_order_deleted_sends_only_the_id(client):
    assert client.parse_webhook("order.deleted", {"id": 1042}) == [DeleteOrder("1042")]


@pytest.mark.parametrize("topic", ["customer.created", "customer.updated"])
def test_customer_topics_upsert_the_customer(client, topic):
    body = {
        "id": 25,
        "email": "John.Doe@example.com",
        "first_name": "John",
        "last_name": "Doe",
        "username": "john.doe",
        "billing": {"phone": "(555) 555-5555"},
        "meta_data": [],
    }
    (effect,) = client.parse_webhook(topic, body)
    assert isinstance(effect, UpsertCustomer)
    assert (effect.customer.external_id, effect.customer.email) == ("25", "john.doe@example.com")


@pytest.mark.parametrize(
    ("topic", "body"),
    [
        ("customer.deleted", {"id": 25}),  # an account removed, not an erasure request
        ("product.updated", {"id": 90, "name": "Parka"}),
        ("coupon.created", {"id": 3, "code": "merci"}),
        ("order.updated", {"webhook_id": "12"}),  # no resource id
    ],
)
def test_other_topics_are_ignored_with_a_reason(client, topic, body):
    (effect,) = client.parse_webhook(topic, body)
    assert isinstance(effect, Ignore) and topic in effect.reason


@needs_examples
def test_the_documented_order_as_a_webhook_body(client):
    body = example("orders__04__update-an-order.json")
    (effect,) = client.parse_webhook("order.updated", copy.deepcopy(body))
    assert effect.order.fulfillment_status == "shipped" and effect.order.number == "727"
