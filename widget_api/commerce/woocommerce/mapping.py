"""WooCommerce REST v3 JSON (orders, customers, webhook bodies) → Comptoir's one order shape.

A webhook body for an order or a customer is exactly its REST representation, so one mapping
serves the sync, ``GET orders/{id}`` and webhooks. Money comes as strings ("29.35") and is
turned into cents with ``Decimal``; dates are read from the ``*_gmt`` fields (naive UTC).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from widget_api.commerce.platform import (
    FinancialStatus,
    FulfillmentStatus,
    SyncedCustomer,
    SyncedLine,
    SyncedOrder,
)

# Tax lines are named by the merchant's tax settings: the label ("TPS", "TVQ") or the rate code
# ("CA-QC-TVQ-1"). Federal GST/HST goes to gst, Québec's QST and other provincial taxes to qst.
_GST = re.compile(r"\b(TPS|GST|HST|TVH)\b", re.IGNORECASE)
_QST = re.compile(r"\b(TVQ|QST|PST|TVP|RST)\b", re.IGNORECASE)
_SIZE_KEYS = {"size", "taille", "pa_size", "pa_taille", "pointure", "pa_pointure"}
_COLOR_KEYS = {"color", "colour", "couleur", "pa_color", "pa_colour", "pa_couleur"}
# "Advanced Shipment Tracking" provider slugs → (name, tracking page with {n}).
_CARRIERS = {
    "canada-post": (
        "Postes Canada",
        "https://www.canadapost-postescanada.ca/track-reperage/fr#/search?searchFor={n}",
    ),
    "postes-canada": (
        "Postes Canada",
        "https://www.canadapost-postescanada.ca/track-reperage/fr#/search?searchFor={n}",
    ),
    "purolator": ("Purolator", "https://www.purolator.com/fr/expedition/suivi?pins={n}"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={n}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={n}"),
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}"),
    "dhl": ("DHL", "https://www.dhl.com/ca-fr/home/tracking.html?tracking-id={n}"),
    "intelcom": ("Intelcom", "https://intelcom.ca/fr/suivi-de-colis/?tracking-id={n}"),
}
TRACKING_META = "_wc_shipment_tracking_items"


def cents(value: Any) -> int:
    """ "29.35" / 29.35 / 3 → 2935 / 300; blank or missing → 0. Half-up, like WooCommerce."""
    if value in (None, ""):
        return 0
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(cents_value: int) -> str:
    """2935 → "29.35", the form WooCommerce takes amounts in."""
    return f"{Decimal(cents_value) / 100:.2f}"


def gmt(value: str | None) -> datetime | None:
    """ "2017-03-22T19:28:02" (a ``*_gmt`` field) → naive UTC datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def meta(obj: dict, key: str) -> Any:
    """The value of ``meta_data`` entry ``key`` (the last one when repeated), or None."""
    found = None
    for entry in obj.get("meta_data") or ():
        if isinstance(entry, dict) and entry.get("key") == key:
            found = entry.get("value")
    return found


def _name(address: dict) -> str | None:
    name = f"{address.get('first_name') or ''} {address.get('last_name') or ''}".strip()
    return name or (address.get("company") or None)


def _tax_split(order: dict) -> tuple[int, int]:
    """(gst, qst) cents from ``tax_lines``; a tax named neither way counts as gst (all tax)."""
    gst = qst = 0
    for line in order.get("tax_lines") or ():
        amount = cents(line.get("tax_total")) + cents(line.get("shipping_tax_total"))
        words = f"{line.get('label') or ''} {line.get('rate_code') or ''}".replace("-", " ")
        if _QST.search(line.get("label") or "") or (
            not _GST.search(line.get("label") or "") and _QST.search(words)
        ):
            qst += amount
        else:
            gst += amount
    if not order.get("tax_lines"):
        gst = cents(order.get("total_tax"))
    return gst, qst


def _variant(line: dict) -> tuple[str | None, str | None, str | None]:
    """(variant title, size, colour) from a line's visible ``meta_data`` (the attributes)."""
    values, size, color = [], None, None
    for entry in line.get("meta_data") or ():
        key = str(entry.get("key") or "")
        if key.startswith("_") or not isinstance(entry.get("value"), str | int | float):
            continue
        value = html.unescape(str(entry.get("display_value") or entry.get("value"))).strip()
        if not value:
            continue
        values.append(value)
        plain = key.lower().removeprefix("attribute_")
        if plain in _SIZE_KEYS:
            size = value
        elif plain in _COLOR_KEYS:
            color = value
    return (" / ".join(values) or None), size, color


def map_line(line: dict) -> SyncedLine:
    quantity = max(1, int(line.get("quantity") or 1))
    # The unit price before discounts: ``subtotal`` is the line's pre-discount total.
    subtotal = Decimal(str(line.get("subtotal") or line.get("total") or "0"))
    unit = int((subtotal * 100 / quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    variant_title, size, color = _variant(line)
    return SyncedLine(
        external_id=str(line["id"]),
        sku=line.get("sku") or "",
        title=html.unescape(line.get("name") or "").strip() or (line.get("sku") or ""),
        quantity=quantity,
        unit_price_cents=unit,
        variant_title=variant_title,
        size=size,
        color=color,
        tax_cents=cents(line.get("total_tax")),
    )


def _statuses(order: dict, shipped: bool) -> tuple[FinancialStatus, FulfillmentStatus]:
    """WooCommerce has one status word; ours are two. ``shipped``: tracking is known."""
    status = str(order.get("status") or "pending")
    paid = bool(order.get("date_paid_gmt") or order.get("date_paid"))
    refunded = sum(
        cents(str(r.get("total") or "0").lstrip("-")) for r in order.get("refunds") or ()
    )
    financial: FinancialStatus
    if status == "refunded" or (refunded and refunded >= cents(order.get("total"))):
        financial = "refunded"
    elif refunded:
        financial = "partially_refunded"
    elif paid or status in ("processing", "completed"):
        financial = "paid"
    elif status in ("failed", "cancelled", "trash"):
        financial = "voided"  # never paid, never will be
    else:
        financial = "pending"  # pending payment, on-hold (awaiting a transfer)
    fulfillment: FulfillmentStatus
    if "deliver" in status:  # "delivered" from shipment-tracking plugins
        fulfillment = "delivered"
    elif (
        status == "completed"
        or "ship" in status
        or shipped
        or (status == "refunded" and order.get("date_completed_gmt"))
    ):
        fulfillment = "shipped"
    elif status in ("cancelled", "trash", "refunded"):
        fulfillment = "cancelled"  # nothing will ship
    else:
        fulfillment = "unfulfilled"
    return financial, fulfillment


def _tracking(order: dict) -> dict[str, Any]:
    items = meta(order, TRACKING_META)
    if not isinstance(items, list) or not items or not isinstance(items[-1], dict):
        return {}
    item = items[-1]
    number = str(item.get("tracking_number") or "").strip() or None
    slug = str(item.get("tracking_provider") or "").strip().lower()
    name, link = _CARRIERS.get(slug, (None, None))
    carrier = (item.get("custom_tracking_provider") or "").strip() or name or slug or None
    url = (item.get("custom_tracking_link") or "").strip() or None
    if url is None and link and number:
        url = link.format(n=number)
    shipped_at = None
    if str(item.get("date_shipped") or "").isdigit():
        shipped_at = datetime.fromtimestamp(int(item["date_shipped"]), UTC).replace(tzinfo=None)
    return {
        "carrier": carrier,
        "tracking_number": number,
        "tracking_url": url,
        "shipped_at": shipped_at,
    }


def _language(obj: dict) -> str | None:
    """WPML / Polylang store the shopper's language in the order or customer meta."""
    for key in ("wpml_language", "_wpml_language", "pll_language", "_pll_language", "locale"):
        value = str(meta(obj, key) or "").lower()[:2]
        if value in ("fr", "en"):
            return value
    return None


def map_customer(customer: dict) -> SyncedCustomer:
    billing = customer.get("billing") or {}
    email = (customer.get("email") or billing.get("email") or "").strip().lower() or None
    name = _name(customer) or _name(billing) or customer.get("username") or None
    return SyncedCustomer(
        external_id=str(customer["id"]),
        email=email,
        name=name,
        phone=(billing.get("phone") or "").strip() or None,
        language=_language(customer),
    )


def map_order(order: dict) -> SyncedOrder:
    """A WooCommerce order (REST v3 / webhook body) as Comptoir stores it."""
    billing = order.get("billing") or {}
    shipping = order.get("shipping") or {}
    if not (shipping.get("address_1") or "").strip():
        shipping = billing  # virtual goods or "ship to billing address"
    email = (billing.get("email") or "").strip().lower() or None
    lines = [map_line(line) for line in order.get("line_items") or ()]
    tracking = _tracking(order)
    financial, fulfillment = _statuses(order, bool(tracking.get("tracking_number")))
    gst, qst = _tax_split(order)
    updated = gmt(order.get("date_modified_gmt")) or gmt(order.get("date_created_gmt"))
    shipped_at = tracking.get("shipped_at")
    if fulfillment == "shipped" and shipped_at is None:
        shipped_at = gmt(order.get("date_completed_gmt"))
    customer = None
    if int(order.get("customer_id") or 0):  # 0: a guest checkout, known by e-mail only
        customer = SyncedCustomer(
            external_id=str(order["customer_id"]),
            email=email,
            name=_name(billing),
            phone=(billing.get("phone") or "").strip() or None,
            language=_language(order),
        )
    return SyncedOrder(
        external_id=str(order["id"]),
        number=str(order.get("number") or order["id"]),
        placed_at=gmt(order.get("date_created_gmt")) or updated,
        updated_at=updated,
        currency=order.get("currency") or "CAD",
        subtotal_cents=sum(cents(line.get("subtotal")) for line in order.get("line_items") or ()),
        shipping_cents=cents(order.get("shipping_total")),
        discount_cents=cents(order.get("discount_total")),
        gst_cents=gst,
        qst_cents=qst,
        total_cents=cents(order.get("total")),
        financial_status=financial,
        fulfillment_status=fulfillment,
        platform_financial_status=order.get("status"),
        platform_fulfillment_status=order.get("status"),
        customer=customer,
        email=email,
        lines=lines,
        payment_method=(order.get("payment_method_title") or order.get("payment_method") or None),
        carrier=tracking.get("carrier"),
        tracking_number=tracking.get("tracking_number"),
        tracking_url=tracking.get("tracking_url"),
        shipped_at=shipped_at,
        cancelled_at=updated if order.get("status") == "cancelled" else None,
        ship_name=_name(shipping),
        ship_address1=(shipping.get("address_1") or "").strip() or None,
        ship_address2=(shipping.get("address_2") or "").strip() or None,
        ship_city=(shipping.get("city") or "").strip() or None,
        ship_province=(shipping.get("state") or "").strip().upper() or None,
        ship_postal_code=(shipping.get("postcode") or "").strip().upper() or None,
        ship_country=(shipping.get("country") or "").strip().upper() or "CA",
        ship_phone=(shipping.get("phone") or billing.get("phone") or "").strip() or None,
    )
