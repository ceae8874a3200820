"""Shopify orders and customers → Comptoir's one order shape (``SyncedOrder``).

Two inputs: Admin GraphQL ``Order`` nodes (sync, ``order(id)``) and the REST-shaped JSON that
webhooks deliver (``orders/*``: snake_case, ids as integers, money as strings). Both end in the
same ``SyncedOrder``: money in cents (exact, through Decimal), naive-UTC datetimes, Shopify's own
status words kept beside our vocabulary, GIDs as external ids so both inputs agree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from widget_api.commerce.platform import (
    FinancialStatus,
    FulfillmentStatus,
    SyncedCustomer,
    SyncedLine,
    SyncedOrder,
)


def gid(kind: str, value: Any) -> str:
    """``gid("Order", 450789469)`` → ``gid://shopify/Order/450789469`` (GIDs pass through)."""
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


def cents(amount: Any) -> int:
    """``"25.00"`` → 2500, exactly; None/"" → 0."""
    if amount in (None, ""):
        return 0
    try:
        return int((Decimal(str(amount)) * 100).to_integral_value())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc


def dollars(cents_value: int) -> str:
    """2500 → ``"25.00"`` (what Shopify mutations take as Decimal)."""
    return str((Decimal(cents_value) / 100).quantize(Decimal("0.01")))


def utc(value: str | None) -> datetime | None:
    """An ISO-8601 timestamp with an offset (``2008-01-10T11:00:00-05:00``, ``…Z``) → naive UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(UTC).replace(tzinfo=None)


# -- statuses ------------------------------------------------------------------------------------

_FINANCIAL: dict[str, FinancialStatus] = {
    "pending": "pending",
    "authorized": "pending",  # money held, not taken
    "partially_paid": "pending",
    "paid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "voided",
    "expired": "voided",  # the authorization lapsed: nothing will be taken
}

_FULFILLMENT: dict[str, FulfillmentStatus] = {
    # REST order.fulfillment_status
    "unfulfilled": "unfulfilled",
    "partial": "processing",
    "fulfilled": "shipped",
    "restocked": "cancelled",
    # GraphQL OrderDisplayFulfillmentStatus (lower-cased)
    "open": "unfulfilled",
    "pending_fulfillment": "unfulfilled",
    "scheduled": "unfulfilled",
    "on_hold": "unfulfilled",
    "request_declined": "unfulfilled",
    "in_progress": "processing",
    "partially_fulfilled": "processing",
}

# A shipment's progress (REST fulfillment.shipment_status, GraphQL FulfillmentDisplayStatus).
_SHIPMENT: dict[str, FulfillmentStatus] = {
    "confirmed": "in_transit",
    "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "ready_for_pickup": "out_for_delivery",
    "attempted_delivery": "exception",
    "failure": "exception",
    "not_delivered": "exception",
    "delivered": "delivered",
    "picked_up": "delivered",
}
# Fulfillments that never left: their tracking is not the parcel's.
_DEAD_FULFILLMENTS = {"cancelled", "canceled", "error", "failure", "label_voided"}


def financial_status(raw: str | None) -> FinancialStatus:
    return _FINANCIAL.get((raw or "pending").lower(), "pending")


def fulfillment_status(raw: str | None, shipment: str | None, cancelled: bool) -> FulfillmentStatus:
    """Cancelled wins; then the order's fulfillment word; a fully shipped order takes its
    shipment's progress (in transit, delivered…)."""
    if cancelled:
        return "cancelled"
    status = _FULFILLMENT.get((raw or "unfulfilled").lower(), "unfulfilled")
    if status == "shipped" and shipment:
        return _SHIPMENT.get(shipment.lower(), "shipped")
    return status


# -- taxes ---------------------------------------------------------------------------------------

_FEDERAL = ("GST", "HST", "TPS", "TVH")
_PROVINCIAL = ("QST", "PST", "TVQ", "TVP", "RST")


def split_taxes(lines: Iterable[tuple[str, int]], total_tax_cents: int) -> tuple[int, int]:
    """(gst, qst) cents from (title, cents) tax lines: GST/HST/TPS/TVH federal, QST/PST/TVQ/
    TVP/RST provincial; any other title ("State Tax") counts as federal, and an order with
    tax but no tax lines puts it all there, as ``SyncedOrder`` documents."""
    gst = qst = 0
    seen = False
    for title, amount in lines:
        seen = True
        words = set("".join(c if c.isalnum() else " " for c in title.upper()).split())
        if words & set(_PROVINCIAL) and not words & set(_FEDERAL):
            qst += amount
        else:
            gst += amount
    if not seen:
        gst = total_tax_cents
    return gst, qst


# -- helpers -------------------------------------------------------------------------------------


def _language(locale: str | None) -> str | None:
    code = (locale or "").lower()[:2]
    return code if code in ("fr", "en") else None


def _options(options: Iterable[dict]) -> tuple[str | None, str | None]:
    size = color = None
    for opt in options or ():
        name = (opt.get("name") or "").strip().lower()
        if name in ("size", "taille", "pointure"):
            size = opt.get("value")
        elif name in ("color", "colour", "couleur"):
            color = opt.get("value")
    return size, color


def _name(first: str | None, last: str | None, fallback: str | None = None) -> str | None:
    joined = " ".join(p for p in (first, last) if p)
    return joined or fallback or None


def _email(value: str | None) -> str | None:
    return (value or "").strip().lower() or None


def _money(node: dict | None) -> int:
    """A GraphQL MoneyBag (``{"shopMoney": {"amount": "1.00"}}``) → cents."""
    return cents(((node or {}).get("shopMoney") or {}).get("amount"))


def _province(code: str | None) -> str | None:
    """``CA-QC`` or ``QC`` → ``QC``."""
    return code.rsplit("-", 1)[-1].upper() if code else None


# -- GraphQL -------------------------------------------------------------------------------------


def customer_from_graphql(
    node: dict | None, order_email: str | None = None
) -> SyncedCustomer | None:
    if not node or not node.get("id"):
        return None
    return SyncedCustomer(
        external_id=gid("Customer", node["id"]),
        email=_email(node.get("email") or order_email),
        name=_name(node.get("firstName"), node.get("lastName"), node.get("displayName")),
        phone=node.get("phone"),
        language=_language(node.get("locale")),
    )


def order_from_graphql(node: dict) -> SyncedOrder:
    """An Admin GraphQL ``Order`` (the fields of ``queries.ORDER_FIELDS``)."""
    lines = []
    for item in (node.get("lineItems") or {}).get("nodes", []):
        size, color = _options(((item.get("variant") or {}).get("selectedOptions")) or ())
        lines.append(
            SyncedLine(
                external_id=gid("LineItem", item["id"]),
                sku=item.get("sku") or "",
                title=item.get("title") or item.get("name") or "",
                quantity=int(item.get("quantity") or 0),
                unit_price_cents=_money(item.get("originalUnitPriceSet")),
                variant_title=item.get("variantTitle") or None,
                size=size,
                color=color,
                tax_cents=sum(_money(t.get("priceSet")) for t in item.get("taxLines") or ()),
            )
        )
    fulfillments = [f for f in node.get("fulfillments") or () if f]
    live = [f for f in fulfillments if (f.get("status") or "").lower() not in _DEAD_FULFILLMENTS]
    latest = max(live, key=lambda f: f.get("createdAt") or "", default=None)
    tracking = ((latest or {}).get("trackingInfo") or [None])[0] or {}
    shipment = (latest or {}).get("displayStatus")
    cancelled_at = utc(node.get("cancelledAt"))
    address = node.get("shippingAddress") or {}
    total_tax = _money(node.get("totalTaxSet"))
    gst, qst = split_taxes(
        ((t.get("title") or "", _money(t.get("priceSet"))) for t in node.get("taxLines") or ()),
        total_tax,
    )
    email = _email(node.get("email"))
    raw_fulfillment = node.get("displayFulfillmentStatus")
    return SyncedOrder(
        external_id=gid("Order", node["id"]),
        number=node.get("name") or "",
        placed_at=utc(node["createdAt"]),
        updated_at=utc(node.get("updatedAt") or node["createdAt"]),
        currency=node.get("currencyCode") or "CAD",
        subtotal_cents=sum(ln.unit_price_cents * ln.quantity for ln in lines),
        shipping_cents=_money(node.get("totalShippingPriceSet")),
        discount_cents=_money(node.get("totalDiscountsSet")),
        gst_cents=gst,
        qst_cents=qst,
        total_cents=_money(node.get("totalPriceSet")),
        financial_status=financial_status(node.get("displayFinancialStatus")),
        fulfillment_status=fulfillment_status(raw_fulfillment, shipment, cancelled_at is not None),
        platform_financial_status=(node.get("displayFinancialStatus") or "").lower() or None,
        platform_fulfillment_status=(raw_fulfillment or "").lower() or None,
        customer=customer_from_graphql(node.get("customer"), email),
        email=email,
        lines=tuple(lines),
        payment_method=next(iter(node.get("paymentGatewayNames") or ()), None),
        carrier=tracking.get("company"),
        tracking_number=tracking.get("number"),
        tracking_url=tracking.get("url"),
        shipped_at=utc((latest or {}).get("inTransitAt") or (latest or {}).get("createdAt")),
        delivered_at=utc((latest or {}).get("deliveredAt")),
        cancelled_at=cancelled_at,
        ship_name=address.get("name") or _name(address.get("firstName"), address.get("lastName")),
        ship_address1=address.get("address1") or None,
        ship_address2=address.get("address2") or None,
        ship_city=address.get("city") or None,
        ship_province=_province(address.get("provinceCode")),
        ship_postal_code=address.get("zip") or None,
        ship_country=(address.get("countryCodeV2") or "CA").upper(),
        ship_phone=address.get("phone") or None,
        channel=_channel(node.get("sourceName")),
    )


def _channel(source_name: str | None) -> str:
    """Shopify's ``source_name``: web, pos, shopify_draft_order, an app id… → ours."""
    name = (source_name or "web").lower()
    if name in ("web", "pos"):
        return name
    return "draft" if name == "shopify_draft_order" else "web"


# -- REST (webhooks) -----------------------------------------------------------------------------


def customer_from_rest(body: dict | None, order_email: str | None = None) -> SyncedCustomer | None:
    """A REST ``customer`` object (order webhooks, ``customers/create|update``)."""
    if not body or not body.get("id"):
        return None
    address = body.get("default_address") or {}
    return SyncedCustomer(
        external_id=gid("Customer", body["id"]),
        email=_email(body.get("email") or order_email),
        name=_name(body.get("first_name"), body.get("last_name"), address.get("name")),
        phone=body.get("phone") or address.get("phone") or None,
        language=_language(body.get("locale")),
    )


def order_from_rest(body: dict) -> SyncedOrder:
    """A REST-shaped order, as ``orders/create|updated|cancelled|fulfilled|paid`` deliver it."""
    lines = [
        SyncedLine(
            external_id=gid("LineItem", item["id"]),
            sku=item.get("sku") or "",
            title=item.get("title") or item.get("name") or "",
            quantity=int(item.get("quantity") or 0),
            unit_price_cents=cents(item.get("price")),
            variant_title=item.get("variant_title") or None,
            tax_cents=sum(cents(t.get("price")) for t in item.get("tax_lines") or ()),
        )
        for item in body.get("line_items") or ()
    ]
    fulfillments = [f for f in body.get("fulfillments") or () if f]
    live = [f for f in fulfillments if (f.get("status") or "").lower() not in _DEAD_FULFILLMENTS]
    latest = max(live, key=lambda f: f.get("created_at") or "", default=None) or {}
    cancelled_at = utc(body.get("cancelled_at"))
    address = body.get("shipping_address") or {}
    total_tax = cents(body.get("total_tax"))
    gst, qst = split_taxes(
        ((t.get("title") or "", cents(t.get("price"))) for t in body.get("tax_lines") or ()),
        total_tax,
    )
    shipping = body.get("total_shipping_price_set")
    shipping_cents = (
        _rest_money(shipping)
        if shipping
        else sum(cents(s.get("price")) for s in body.get("shipping_lines") or ())
    )
    subtotal = body.get("total_line_items_price")
    email = _email(body.get("email") or body.get("contact_email"))
    shipment = latest.get("shipment_status")
    gateways = body.get("payment_gateway_names") or [body.get("gateway")]
    return SyncedOrder(
        external_id=gid("Order", body.get("admin_graphql_api_id") or body["id"]),
        number=body.get("name") or f"#{body.get('order_number') or body['id']}",
        placed_at=utc(body["created_at"]),
        updated_at=utc(body.get("updated_at") or body["created_at"]),
        currency=body.get("currency") or "CAD",
        subtotal_cents=(
            cents(subtotal)
            if subtotal is not None
            else sum(ln.unit_price_cents * ln.quantity for ln in lines)
        ),
        shipping_cents=shipping_cents,
        discount_cents=cents(body.get("total_discounts")),
        gst_cents=gst,
        qst_cents=qst,
        total_cents=cents(body.get("total_price")),
        financial_status=financial_status(body.get("financial_status")),
        fulfillment_status=fulfillment_status(
            body.get("fulfillment_status"), shipment, cancelled_at is not None
        ),
        platform_financial_status=body.get("financial_status"),
        platform_fulfillment_status=body.get("fulfillment_status"),
        customer=customer_from_rest(body.get("customer"), email),
        email=email,
        lines=tuple(lines),
        payment_method=gateways[0] or None,
        carrier=latest.get("tracking_company") or None,
        tracking_number=latest.get("tracking_number") or None,
        tracking_url=latest.get("tracking_url") or None,
        shipped_at=utc(latest.get("created_at")),
        delivered_at=utc(latest.get("updated_at")) if shipment == "delivered" else None,
        cancelled_at=cancelled_at,
        ship_name=address.get("name") or _name(address.get("first_name"), address.get("last_name")),
        ship_address1=address.get("address1") or None,
        ship_address2=address.get("address2") or None,
        ship_city=address.get("city") or None,
        ship_province=_province(address.get("province_code")),
        ship_postal_code=address.get("zip") or None,
        ship_country=(address.get("country_code") or "CA").upper(),
        ship_phone=address.get("phone") or None,
        channel=_channel(body.get("source_name")),
    )


def _rest_money(money_set: dict) -> int:
    return cents(((money_set or {}).get("shop_money") or {}).get("amount"))
