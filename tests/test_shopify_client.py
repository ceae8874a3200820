"""The Shopify connector's client against a fake Admin GraphQL API on loopback: connection test,
order pages, each order action end to end, Shopify's errors (userErrors, throttling, 429, 5xx,
timeouts) and the keyed actions that never happen twice."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.fakes.shopify import LOCATION, SHOP_NAME, TOKEN, VERSION, FakeShopify, rest_order
from widget_api.commerce.platform import OrderRef, PlatformError, PlatformTimeout
from widget_api.commerce.shopify import actions
from widget_api.commerce.shopify import client as client_module
from widget_api.commerce.shopify.client import ShopifyClient
from widget_api.contracts.commerce import (
    CancelAction,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    ShippingAddress,
    ShopifyCommerce,
)
from widget_api.i18n import t

ORDER = "gid://shopify/Order/820982911946154508"
TUQUE = "gid://shopify/LineItem/466157049"
MITAINES = "gid://shopify/LineItem/518995019"


@pytest.fixture(name="fake")
def fx_fake():
    """The fake Shopify with one paid, unfulfilled Québec order (#1001)."""
    fake = FakeShopify().start()
    fake.add_order(rest_order())
    yield fake
    fake.stop()


class Sleeps(list):
    """The injected ``sleep``: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def connect(fake: FakeShopify, *, token: str = TOKEN, version: str = VERSION, **kw):
    cfg = ShopifyCommerce(
        platform="shopify", shop_domain="boutique-nordique.myshopify.com", access_token=token,
        api_version=version, api_base_url=fake.url,
    )  # fmt: skip
    sleeps = Sleeps()
    return ShopifyClient(cfg, sleep=sleeps, **kw), sleeps


def order_ref(number: str = "#1001", external_id: str = ORDER) -> OrderRef:
    return OrderRef(
        id=7, number=number, external_id=external_id, currency="CAD", total_cents=13721,
        fulfillment_status="unfulfilled", financial_status="paid",
        lines=(
            {"id": 71, "external_id": TUQUE, "sku": "TUQ-NOIR", "quantity": 2},
            {"id": 72, "external_id": MITAINES, "sku": "MIT-M-GRIS", "quantity": 1},
        ),
    )  # fmt: skip


def count(fake: FakeShopify, root: str) -> int:
    return fake.roots().count(root)


def assert_bilingual(key: str) -> None:
    fr, en = t(key, "fr"), t(key, "en")
    assert fr != key and en != key and fr != en


# -- connection and reads --------------------------------------------------------------------------


def test_connection_test_names_the_shop_and_sends_the_token(fake):
    client, _ = connect(fake)
    result = client.test_connection()
    assert result.ok and result.shop_name == SHOP_NAME
    sent = fake.requests[-1]
    assert sent.path == f"/admin/api/{VERSION}/graphql.json"
    assert sent.headers["X-Shopify-Access-Token"] == TOKEN


def test_a_wrong_token_is_an_auth_error_in_both_languages(fake):
    client, _ = connect(fake, token="shpat_wrong")
    with pytest.raises(PlatformError) as caught:
        client.test_connection()
    assert caught.value.key == "commerce.error.auth"
    assert "Invalid API key" in caught.value.detail
    assert_bilingual("commerce.error.auth")


def test_an_unknown_api_version_is_reported_as_not_found(fake):
    client, _ = connect(fake, version="2024-01")
    with pytest.raises(PlatformError) as caught:
        client.test_connection()
    assert caught.value.key == "commerce.error.shopify.not_found"


def test_orders_are_paged_oldest_update_first_from_the_since_date(fake, monkeypatch):
    monkeypatch.setattr(client_module, "PAGE_SIZE", 2)
    for number, day in ((1002, 5), (1003, 3), (1004, 7), (999, 1)):
        fake.add_order(rest_order(number, order_id=number, updated_at=f"2026-11-0{day}T12:00:00Z"))
    client, _ = connect(fake)
    seen, cursor, pages = [], None, 0
    while True:
        page = client.orders_page(datetime(2026, 11, 2), cursor)
        pages += 1
        seen += [o.number for o in page.orders]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["#1001", "#1003", "#1002", "#1004"]  # #999 was updated before the 2nd
    assert pages == 2
    sent = [r for r in fake.requests if r.root == "orders"]
    assert sent[0].variables["query"] == "updated_at:>='2026-11-02T00:00:00Z'"
    assert "sortKey: UPDATED_AT" in sent[0].query and sent[1].variables["after"]


def test_one_order_is_read_by_its_id_and_an_unknown_one_is_none(fake):
    client, _ = connect(fake)
    order = client.order(ORDER)
    assert order.number == "#1001" and order.total_cents == 13721
    assert [ln.size for ln in order.lines] == [None, "M"]
    assert client.order("gid://shopify/Order/1") is None


# -- refunds -------------------------------------------------------------------------------------


def test_refund_of_a_line_with_shipping_and_restock(fake):
    client, _ = connect(fake)
    stock_before = fake.stock["gid://shopify/InventoryItem/39072856"]
    req = RefundAction(
        action="refund", lines=[{"line_id": 71, "quantity": 1}], shipping=True, restock=True,
        reason="Trop petite",
    )  # fmt: skip
    outcome = client.refund(order_ref(), req, "key-refund-0001")
    (refund,) = fake.orders[ORDER]["refunds"]
    sent = refund["_input"]
    # 25.00 + its share of tax (7.49 / 2) + shipping 9.70, as Shopify suggests it.
    assert outcome.amount_cents == 3844 and outcome.reference == refund["id"]
    assert sent["refundLineItems"] == [
        {"lineItemId": TUQUE, "quantity": 1, "restockType": "RETURN", "locationId": LOCATION}
    ]
    assert sent["shipping"] == {"fullRefund": True}
    assert sent["transactions"] == [
        {"orderId": ORDER, "gateway": "shopify_payments", "kind": "REFUND", "amount": "38.44",
         "parentId": "gid://shopify/OrderTransaction/8209829119461545081"}
    ]  # fmt: skip
    assert sent["notify"] is False and "[comptoir:key-refund-0001]" in sent["note"]
    assert fake.stock["gid://shopify/InventoryItem/39072856"] == stock_before + 1
    assert fake.orders[ORDER]["displayFinancialStatus"] == "PARTIALLY_REFUNDED"


def test_refund_of_an_amount_without_lines_and_without_restock(fake):
    client, _ = connect(fake)
    req = RefundAction(action="refund", amount=Decimal("25.00"), reason="Geste")
    outcome = client.refund(order_ref(), req, "key-refund-0002")
    (refund,) = fake.orders[ORDER]["refunds"]
    assert outcome.amount_cents == 2500
    assert refund["_input"]["refundLineItems"] == []
    assert refund["_input"]["transactions"][0]["amount"] == "25.00"


def test_refund_above_what_was_paid_is_refused_before_calling_refund_create(fake):
    client, _ = connect(fake)
    req = RefundAction(action="refund", amount=Decimal("500.00"))
    with pytest.raises(PlatformError) as caught:
        client.refund(order_ref(), req, "key-refund-0003")
    assert caught.value.key == "commerce.error.shopify.amount_too_high"
    assert caught.value.params["most"] == "137.21"
    assert count(fake, "refundCreate") == 0
    assert_bilingual("commerce.error.shopify.amount_too_high")


def test_a_line_that_is_not_the_orders_is_refused(fake):
    client, _ = connect(fake)
    req = RefundAction(action="refund", lines=[{"line_id": 999, "quantity": 1}])
    with pytest.raises(PlatformError) as caught:
        client.refund(order_ref(), req, "key-refund-0004")
    assert caught.value.key == "commerce.error.shopify.unknown_line"


def test_user_errors_come_back_as_a_rejection_with_shopifys_words(fake):
    client, _ = connect(fake)
    fake.user_errors["refundCreate"] = [
        {"field": ["transactions", "0", "amount"], "message": "Refund amount is too high"}
    ]
    with pytest.raises(PlatformError) as caught:
        client.refund(order_ref(), RefundAction(action="refund", amount=Decimal("5")), "key-ue-01")
    assert caught.value.key == "commerce.error.rejected"
    assert caught.value.detail == "Refund amount is too high"
    assert not caught.value.retryable
    assert_bilingual("commerce.error.rejected")
    assert fake.orders[ORDER]["refunds"] == []


def test_timeout_mid_refund_then_retry_with_the_same_key_does_not_refund_twice(fake):
    client, _ = connect(fake, timeout=0.5)
    fake.hang_roots.add("refundCreate")
    req = RefundAction(action="refund", amount=Decimal("25.00"))
    with pytest.raises(PlatformTimeout) as caught:
        client.refund(order_ref(), req, "key-outage-01")
    assert caught.value.key == "commerce.error.timeout" and caught.value.retryable
    assert_bilingual("commerce.error.timeout")
    (first,) = fake.orders[ORDER]["refunds"]  # Shopify did refund; the answer was lost

    found = client.find_action(order_ref(), "refund", "key-outage-01")
    assert found is not None and found.reference == first["id"] and found.amount_cents == 2500
    again = client.refund(order_ref(), req, "key-outage-01")
    assert again.reference == first["id"]
    assert len(fake.orders[ORDER]["refunds"]) == 1
    assert count(fake, "refundCreate") == 1


def test_a_5xx_on_refund_create_is_looked_for_before_sending_again(fake):
    client, sleeps = connect(fake)
    fake.fail_roots.add("refundCreate")  # Shopify answered 500 without refunding
    outcome = client.refund(
        order_ref(), RefundAction(action="refund", amount=Decimal("10")), "key-5xx-0001"
    )
    assert outcome.amount_cents == 1000
    assert len(fake.orders[ORDER]["refunds"]) == 1
    assert count(fake, "refundCreate") == 2 and sleeps == [0.5]
    # The second send came only after a look at the order's refunds.
    roots = fake.roots()
    first = roots.index("refundCreate")
    assert "order" in roots[first + 1 : roots.index("refundCreate", first + 1)]


def test_refund_create_carries_the_idempotent_directive_when_the_version_has_it():
    fake = FakeShopify(version="2026-01").start()
    try:
        fake.add_order(rest_order())
        client, _ = connect(fake, version="2026-01")
        client.refund(
            order_ref(), RefundAction(action="refund", amount=Decimal("3")), "key-idem-0001"
        )
        (sent,) = [r for r in fake.requests if r.root == "refundCreate"]
        assert '@idempotent(key: "key-idem-0001")' in sent.query
    finally:
        fake.stop()


def test_refund_create_has_no_directive_on_2025_10(fake):
    client, _ = connect(fake)
    client.refund(order_ref(), RefundAction(action="refund", amount=Decimal("3")), "key-idem-02")
    (sent,) = [r for r in fake.requests if r.root == "refundCreate"]
    assert "@idempotent" not in sent.query


# -- throttling and outages ----------------------------------------------------------------------


def test_throttled_waits_for_the_bucket_then_succeeds(fake):
    client, sleeps = connect(fake)
    fake.throttle_times = 1
    assert client.test_connection().ok
    assert sleeps == [1.72]  # (752 requested - 666 available) / 50 per second
    assert count(fake, "shop") == 2


def test_throttled_longer_than_max_wait_gives_up_with_a_retryable_error(fake):
    client, sleeps = connect(fake, max_wait=1.0)
    fake.throttle_times = 1
    with pytest.raises(PlatformError) as caught:
        client.test_connection()
    assert caught.value.key == "commerce.error.throttled" and caught.value.retryable
    assert sleeps == []
    assert_bilingual("commerce.error.throttled")


def test_http_429_waits_for_retry_after(fake):
    client, sleeps = connect(fake)
    fake.retry_after_times = 1
    assert client.test_connection().ok
    assert sleeps == [2.0]


def test_a_500_on_a_read_is_sent_again(fake):
    client, sleeps = connect(fake)
    fake.fail_times = 1
    assert client.order(ORDER).number == "#1001"
    assert sleeps == [0.5] and count(fake, "order") == 2


def test_a_shop_down_for_good_is_unavailable_after_a_few_tries(fake):
    client, sleeps = connect(fake)
    fake.fail_times = 5
    with pytest.raises(PlatformError) as caught:
        client.order(ORDER)
    assert caught.value.key == "commerce.error.unavailable" and caught.value.retryable
    assert sleeps == [0.5, 1.0] and count(fake, "order") == 3
    assert_bilingual("commerce.error.unavailable")


# -- other actions -------------------------------------------------------------------------------


def test_cancel_runs_order_cancel_once(fake):
    client, _ = connect(fake)
    req = CancelAction(action="cancel", reason="customer", refund=True, restock=True)
    outcome = client.cancel(order_ref(), req, "key-cancel-01")
    order = fake.orders[ORDER]
    assert outcome.reference.startswith("gid://shopify/Job/")
    assert order["cancelledAt"] and order["cancelReason"] == "CUSTOMER"
    assert order["_cancel"]["refundMethod"] == {"originalPaymentMethodsRefund": True}
    assert order["_cancel"]["restock"] is True and order["_cancel"]["notifyCustomer"] is False
    again = client.cancel(order_ref(), req, "key-cancel-01")
    assert again.reference == ORDER and again.details["found"]
    assert count(fake, "orderCancel") == 1


def test_cancel_user_errors_are_read_from_order_cancel_user_errors(fake):
    client, _ = connect(fake)
    fake.user_errors["orderCancel"] = [
        {"field": ["orderId"], "message": "Cannot cancel an order with a pending payment",
         "code": "INVALID"}
    ]  # fmt: skip
    with pytest.raises(PlatformError) as caught:
        client.cancel(order_ref(), CancelAction(action="cancel"), "key-cancel-02")
    assert caught.value.detail == "Cannot cancel an order with a pending payment"


def test_shipping_address_change_updates_the_order(fake):
    client, _ = connect(fake)
    address = ShippingAddress(
        name="Marie-Ève Tremblay", address1="55 rue Principale", city="Québec",
        province_code="qc", zip="G1R 4P5", phone="418-555-0101",
    )  # fmt: skip
    outcome = client.update_shipping_address(order_ref(), address, "key-addr-0001")
    assert outcome.reference == ORDER
    shipped_to = fake.orders[ORDER]["shippingAddress"]
    assert shipped_to["firstName"] == "Marie-Ève" and shipped_to["lastName"] == "Tremblay"
    assert shipped_to["city"] == "Québec" and shipped_to["provinceCode"] == "QC"
    assert client.order(ORDER).ship_address1 == "55 rue Principale"


def test_shipping_address_change_is_refused_once_fulfilled(fake):
    fake.add_order(rest_order(1010, order_id=1010, fulfillment_status="fulfilled"))
    client, _ = connect(fake)
    address = ShippingAddress(
        name="Marie Tremblay", address1="1 rue X", city="Laval", province_code="QC", zip="H7N 1A1"
    )
    with pytest.raises(PlatformError) as caught:
        client.update_shipping_address(
            order_ref("#1010", "gid://shopify/Order/1010"), address, "key-addr-0002"
        )
    assert caught.value.key == "commerce.error.already_fulfilled"
    assert count(fake, "orderUpdate") == 0
    assert_bilingual("commerce.error.already_fulfilled")


def test_replacement_is_a_free_draft_order_completed_once(fake):
    client, _ = connect(fake)
    outcome = client.create_replacement(
        order_ref(), ReplacementAction(action="replacement"), "key-repl-0001"
    )
    (draft,) = fake.drafts.values()
    sent = draft["_input"]
    assert [(i["variantId"], i["quantity"]) for i in sent["lineItems"]] == [
        ("gid://shopify/ProductVariant/39072856", 2),
        ("gid://shopify/ProductVariant/49148385", 1),
    ]
    assert sent["appliedDiscount"]["value"] == 100.0
    assert sent["appliedDiscount"]["valueType"] == "PERCENTAGE"
    assert sent["purchasingEntity"] == {"customerId": "gid://shopify/Customer/207119551"}
    assert sent["shippingAddress"]["city"] == "Montréal"
    assert draft["status"] == "COMPLETED" and draft["_payment_pending"] is False
    assert outcome.reference == draft["order"]["name"] == "#2001"
    assert outcome.amount_cents == 11000
    again = client.create_replacement(
        order_ref(), ReplacementAction(action="replacement"), "key-repl-0001"
    )
    assert again.reference == "#2001"
    assert count(fake, "draftOrderCreate") == 1 and count(fake, "draftOrderComplete") == 1


def test_replacement_of_some_lines_completes_a_draft_left_open(fake):
    client, _ = connect(fake)
    fake.user_errors["draftOrderComplete"] = [{"field": ["id"], "message": "Try again"}]
    req = ReplacementAction(action="replacement", lines=[{"line_id": 72, "quantity": 1}])
    with pytest.raises(PlatformError):
        client.create_replacement(order_ref(), req, "key-repl-0002")
    outcome = client.create_replacement(order_ref(), req, "key-repl-0002")
    (draft,) = fake.drafts.values()
    assert [i["quantity"] for i in draft["_input"]["lineItems"]] == [1]
    assert outcome.reference == draft["order"]["name"]
    assert count(fake, "draftOrderCreate") == 1


def test_discount_code_for_the_customer_made_once(fake):
    client, _ = connect(fake)
    req = DiscountCodeAction(action="discount_code", percent=Decimal("15"))
    outcome = client.create_discount_code(order_ref(), req, "key-merci-001")
    assert outcome.code and outcome.code.startswith("MERCI-") and len(outcome.code) == 12
    sent = fake.discounts[outcome.code]["_input"]
    assert sent["usageLimit"] == 1 and sent["appliesOncePerCustomer"] is True
    assert sent["customerGets"]["value"] == {"percentage": 0.15}
    assert sent["context"] == {"customers": {"add": ["gid://shopify/Customer/207119551"]}}
    again = client.create_discount_code(order_ref(), req, "key-merci-001")
    assert again.code == outcome.code and count(fake, "discountCodeBasicCreate") == 1
    other = client.create_discount_code(order_ref(), req, "key-merci-002")
    assert other.code != outcome.code


def test_discount_code_of_a_fixed_amount(fake):
    client, _ = connect(fake)
    req = DiscountCodeAction(action="discount_code", amount=Decimal("10.00"))
    outcome = client.create_discount_code(order_ref(), req, "key-merci-003")
    sent = fake.discounts[outcome.code]["_input"]
    assert sent["customerGets"]["value"] == {
        "discountAmount": {"amount": "10.00", "appliesOnEachItem": False}
    }
    assert outcome.amount_cents == 1000


def test_codes_cannot_be_guessed_without_the_token():
    assert actions.discount_code_for("secret-a", "K") != actions.discount_code_for("secret-b", "K")
    assert actions.discount_code_for("secret-a", "K") == actions.discount_code_for("secret-a", "K")


def test_an_order_without_a_shopify_id_is_refused(fake):
    client, _ = connect(fake)
    with pytest.raises(PlatformError) as caught:
        client.cancel(order_ref(external_id=None), CancelAction(action="cancel"), "key-none-01")
    assert caught.value.key == "commerce.error.shopify.not_synced"
    assert "#1001" in t(caught.value.key, "fr", **caught.value.params)


def test_a_nearly_empty_bucket_paces_the_next_call(fake):
    client, sleeps = connect(fake)
    fake.bucket_available = 50.0  # of 2000, restoring 100 a second
    client.test_connection()
    assert sleeps == []
    fake.bucket_available = 1990.0
    client.test_connection()
    assert sleeps == [1.5]  # until a tenth of the bucket (200) is back


def test_a_read_that_times_out_is_sent_again(fake):
    client, _ = connect(fake, timeout=0.5)
    fake.hang_roots.add("shop")
    assert client.test_connection().shop_name == SHOP_NAME
    assert count(fake, "shop") == 2


def test_replacement_of_a_deleted_product_is_a_custom_line_at_its_price(fake):
    body = rest_order(1011, order_id=1011)
    body["line_items"] = body["line_items"][:1]
    del body["line_items"][0]["variant_id"]
    fake.add_order(body)
    client, _ = connect(fake)
    ref = order_ref("#1011", "gid://shopify/Order/1011")
    outcome = client.create_replacement(ref, ReplacementAction(action="replacement"), "key-rep-3")
    (draft,) = fake.drafts.values()
    assert draft["_input"]["lineItems"] == [
        {"title": "Tuque en laine", "quantity": 2,
         "originalUnitPriceWithCurrency": {"amount": "25.00", "currencyCode": "CAD"}}
    ]  # fmt: skip
    assert outcome.amount_cents == 5000
