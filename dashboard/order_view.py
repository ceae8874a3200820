"""The order panel's words, free of Streamlit: every code the store or the platform sends
(``partially_refunded``, ``PARTIALLY_FULFILLED``, ``on-hold``, ``shopify_payments``, ``bacs``)
turned into its name in the agent's language, and each line's variant, SKU and prices.

A code the catalogues do not know yet is shown as words ("Store pickup"), never as the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale

from dashboard import ticket_view as tv
from dashboard.i18n import known, label, money, short_when, tr
from widget_api.contracts.tickets import Order, OrderLine
from widget_api.i18n import LOCALES

_CODE = re.compile(r"^[a-z0-9]+(?:[_\-. ][a-z0-9]+)*$")


def _normal(code: str) -> str:
    return re.sub(r"[\s\-.]+", "_", code.strip().lower())


def as_words(code: str) -> str:
    """ "store_pickup" → "Store pickup": a code nobody translated yet, readable."""
    text = re.sub(r"[_\-]+", " ", code.strip()).strip()
    return text[:1].upper() + text[1:].lower() if text else "—"


def platform_status(source: str, code: str | None, lang: str) -> str | None:
    """The platform's own status word in ``lang`` (``pstatus.<platform>.<code>`` first, then
    ``pstatus.<code>``); None when there is none."""
    if not code or not code.strip():
        return None
    normal = _normal(code)
    for key in (f"pstatus.{source}.{normal}", f"pstatus.{normal}"):
        if known(key, lang):
            return tr(key, lang)
    return as_words(code)


def payment_status(order: Order, lang: str) -> str:
    return platform_status(order.source, order.platform_financial_status, lang) or label(
        "financial", order.financial_status, lang
    )


def fulfilment_status(order: Order, lang: str) -> str:
    return platform_status(order.source, order.platform_fulfillment_status, lang) or label(
        "fulfillment", order.fulfillment_status, lang
    )


def payment_method(code: str | None, lang: str) -> str | None:
    """ "shopify_payments" → "Shopify Payments", "bacs" → "Virement bancaire"; a gateway's own
    title ("Direct Bank Transfer") is already a name and is kept."""
    if not code or not code.strip():
        return None
    key = f"paymethod.{_normal(code)}"
    if known(key, lang):
        return tr(key, lang)
    return as_words(code) if _CODE.match(code.strip()) else code.strip()


def source_name(source: str, lang: str) -> str:
    return label("dash.order.source", source, lang)


def variant(line: OrderLine, lang: str) -> str | None:
    """The variant as the platform names it ("M / Noir"), else size and colour."""
    if line.variant_title and line.variant_title.strip():
        return line.variant_title.strip()
    size = tr("dash.order.size_is", lang, size=line.size) if line.size else None
    return " · ".join(p for p in (size, line.color) if p) or None


@dataclass(frozen=True)
class LineView:
    """One line: "2 × Mitaines", "M / Gris · MT-NORDET-GRIS", "50,00 $ ch. · 100,00 $"."""

    title: str
    detail: str
    price: str


def lines(order: Order, lang: str) -> list[LineView]:
    views = []
    for line in order.lines:
        detail = " · ".join(p for p in (variant(line, lang), line.sku) if p)
        price = money(line.unit_price_cents, lang, order.currency)
        if line.quantity != 1:
            total = money(line.unit_price_cents * line.quantity, lang, order.currency)
            price = tr("dash.order.each", lang, price=price, total=total)
        views.append(LineView(f"{line.quantity} × {line.title}", detail, price))
    return views


def facts(
    order: Order, lang: str, tz: str, customer_email: str | None = None
) -> list[tuple[str, str]]:
    """What the panel states under the badges, as (label, value) pairs: the payment method,
    the platform, the order's e-mail (when not the customer's own) and the cancellation.
    Values are data (escape them)."""
    rows = []
    method = payment_method(order.payment_method, lang)
    if method:
        rows.append((tr("dash.order.payment_method", lang), method))
    if order.source != "local":
        rows.append((tr("dash.order.platform", lang), source_name(order.source, lang)))
    if order.email and order.email.lower() != (customer_email or "").lower():
        rows.append((tr("dash.order.email", lang), order.email))
    if order.cancelled_at:
        rows.append((tr("dash.order.cancelled_at", lang), short_when(order.cancelled_at, lang, tz)))
    return rows


def address_lines(order: Order, lang: str) -> list[str]:
    """The shipping address as a label reads, the country by its name ("Canada")."""
    found = tv.address_lines(order)
    code = (order.ship_country or "").strip().upper()
    name = Locale.parse(LOCALES.get(lang, "fr_CA")).territories.get(code) if code else None
    return [name if line == order.ship_country and name else line for line in found]
