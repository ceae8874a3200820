"""The returns desk on a Shopify store (``ShopifyBackend``): refunds of returned SKUs, store
credit as a gift card, exchange orders and restocking, each once per RMA, against the fake
Shopify and a real database holding the synced order."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from tests.fakes.shopify import LOCATION, TOKEN, FakeShopify, rest_order
from widget_api.commerce.base import CommerceBackend, CommerceOrder, ReturnedLine
from widget_api.commerce.platform import PlatformClient, PlatformError
from widget_api.commerce.registry import backend_for, client_for
from widget_api.commerce.shopify.backend import ShopifyBackend
from widget_api.commerce.shopify.mapping import order_from_rest
from widget_api.contracts.commerce import ShopifyCommerce
from widget_api.storage import Database, commerce_mirror
from widget_api.storage.rows import utcnow

ORDER = "gid://shopify/Order/820982911946154508"


@pytest.fixture(name="desk")
def fx_desk(tmp_path):
    """(fake Shopify, backend built by the registry, the synced #1001 as the desk names it)."""
    fake = FakeShopify().start()
    fake.add_order(rest_order())
    db = Database(tmp_path / "shop.duckdb")
    synced = order_from_rest(rest_order())

    def store(w):
        at = utcnow()
        customer_id = commerce_mirror.upsert_customer(w, "shopify", asdict(synced.customer), at)
        columns = {k: v for k, v in asdict(synced).items() if k not in ("lines", "customer")}
        columns["platform_updated_at"] = synced.updated_at
        lines = [asdict(ln) for ln in synced.lines]
        order_id, _ = commerce_mirror.upsert_order(w, "shopify", columns, lines, customer_id, at)
        return CommerceOrder(order_id, synced.number, customer_id, "CAD")

    order = db.write(store)
    cfg = ShopifyCommerce(
        platform="shopify", shop_domain="boutique-nordique.myshopify.com", access_token=TOKEN,
        api_base_url=fake.url,
    )  # fmt: skip
    client = client_for(cfg)
    backend = backend_for(client, db)
    yield fake, backend, order
    client.close()
    db.close()
    fake.stop()


def test_the_registry_builds_the_shopify_client_and_backend(desk):
    _, backend, _ = desk
    assert isinstance(backend, ShopifyBackend) and isinstance(backend, CommerceBackend)
    assert isinstance(backend.client, PlatformClient) and backend.client.platform == "shopify"


def test_refund_of_returned_skus_once_per_rma(desk):
    fake, backend, order = desk
    lines = [ReturnedLine(sku="TUQ-NOIR", quantity=2, unit_price_cents=2500)]
    result = backend.refund(order, lines, 5000, "original_payment", idempotency_key="RMA-100042")
    (refund,) = fake.orders[ORDER]["refunds"]
    assert result.reference == refund["id"] and result.amount_cents == 5000
    sent = refund["_input"]
    assert sent["refundLineItems"] == [
        {"lineItemId": "gid://shopify/LineItem/466157049", "quantity": 2,
         "restockType": "NO_RESTOCK"}
    ]  # fmt: skip
    assert sent["transactions"][0]["amount"] == "50.00"
    assert "[comptoir:RMA-100042]" in sent["note"]
    again = backend.refund(order, lines, 5000, "original_payment", idempotency_key="RMA-100042")
    assert again == result and len(fake.orders[ORDER]["refunds"]) == 1


def test_a_returned_sku_the_order_does_not_have_is_refused(desk):
    fake, backend, order = desk
    lines = [ReturnedLine(sku="TUQ-ROUGE", quantity=1, unit_price_cents=2500)]
    with pytest.raises(PlatformError) as caught:
        backend.refund(order, lines, 2500, "original_payment", idempotency_key="RMA-100043")
    assert caught.value.key == "commerce.error.shopify.unknown_sku"
    assert fake.orders[ORDER]["refunds"] == []


def test_store_credit_is_one_gift_card_per_rma(desk):
    fake, backend, order = desk
    result = backend.refund(order, [], 3000, "store_credit", idempotency_key="RMA-100044")
    (card,) = fake.gift_cards.values()
    assert result.reference == card["_input"]["code"] and result.amount_cents == 3000
    assert card["_input"]["initialValue"] == "30.00"
    assert card["_input"]["customerId"] == "gid://shopify/Customer/207119551"
    again = backend.issue_store_credit(order, 3000, idempotency_key="RMA-100044")
    assert again == result and len(fake.gift_cards) == 1


def test_exchange_order_ships_the_wanted_variant_free_once(desk):
    fake, backend, order = desk
    fake.add_variant("MIT-L-GRIS", "gid://shopify/ProductVariant/49148386", "Mitaines", 60)
    lines = [ReturnedLine(sku="MIT-M-GRIS", quantity=1, unit_price_cents=6000,
                          exchange_sku="MIT-L-GRIS")]  # fmt: skip
    result = backend.create_exchange_order(order, lines, idempotency_key="RMA-100045")
    (draft,) = fake.drafts.values()
    assert draft["_input"]["lineItems"] == [
        {"variantId": "gid://shopify/ProductVariant/49148386", "quantity": 1}
    ]
    assert result.reference == draft["order"]["name"] and result.amount_cents == 6000
    again = backend.create_exchange_order(order, lines, idempotency_key="RMA-100045")
    assert again.reference == result.reference and len(fake.drafts) == 1


def test_restock_adjusts_available_stock_at_the_primary_location(desk):
    fake, backend, _ = desk
    item = "gid://shopify/InventoryItem/39072856"
    before = fake.stock[item]
    backend.restock("TUQ-NOIR", 2)
    assert fake.stock[item] == before + 2
    (adjustment,) = fake.adjustments
    assert adjustment["reason"] == "restock" and adjustment["name"] == "available"
    assert adjustment["changes"] == [{"delta": 2, "inventoryItemId": item, "locationId": LOCATION}]


def test_an_order_of_the_built_in_store_is_not_refunded_at_shopify(desk):
    _, backend, order = desk
    local = CommerceOrder(order.id + 999, "ND-1", order.customer_id)
    with pytest.raises(PlatformError) as caught:
        backend.issue_store_credit(local, 100, idempotency_key="RMA-100046")
    assert caught.value.key == "commerce.error.shopify.not_synced"
