"""Order actions at a WooCommerce store, each idempotent on its key.

WooCommerce has no idempotency header, so every action leaves its key where a later look can
find it, in the same write as the action itself: the refund's ``reason`` and ``meta_data``, the
order's ``meta_data`` (``_comptoir_cancel``, ``_comptoir_address``), the replacement order's
``meta_data`` (found under its ``parent_id``), the coupon's ``meta_data`` and code (derived
from the key). ``find`` asks the store before acting, so a retry after a timeout finds what the
first call did instead of acting twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from widget_api.commerce.platform import ActionOutcome, OrderRef, PlatformError, PlatformTimeout
from widget_api.commerce.woocommerce.mapping import TRACKING_META, cents, meta, money
from widget_api.commerce.woocommerce.transport import WooTransport
from widget_api.contracts.commerce import (
    CancelAction,
    DiscountCodeAction,
    RefundAction,
    ReplacementAction,
    ShippingAddress,
)
from widget_api.i18n import t

KEY_META = "_comptoir_key"
CANCEL_META = "_comptoir_cancel"
ADDRESS_META = "_comptoir_address"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CLOSED = ("cancelled", "refunded", "failed", "trash")


def marker(key: str) -> str:
    """What a refund reason or an order note carries so the action can be found again."""
    return f"[comptoir:{key}]"


def coupon_code(prefix: str, key: str) -> str:
    """``MERCI-7KQ2ZD``: the same key always gives the same code, so a retry cannot create a
    second coupon (WooCommerce refuses a code that exists)."""
    digest = hashlib.sha256(key.encode()).digest()
    return f"{prefix}-" + "".join(_CODE_ALPHABET[b % len(_CODE_ALPHABET)] for b in digest[:6])


def external_id(order: OrderRef) -> str:
    if not order.external_id:
        raise PlatformError("commerce.error.woocommerce.not_synced", number=order.number)
    return order.external_id


def order_json(api: WooTransport, order: OrderRef) -> dict:
    return api.json("GET", f"orders/{external_id(order)}")


def add_note(api: WooTransport, order_id: str, text: str) -> bool:
    """A private order note for the merchant's staff; the action stands if it fails."""
    try:
        api.json("POST", f"orders/{order_id}/notes", body={"note": text, "customer_note": False})
    except PlatformError:
        return False
    return True


def keyed_post(api: WooTransport, path: str, body: dict, find: Callable[[], dict | None]) -> dict:
    """POST once: after a refusal or a failure, look for the keyed result before trying again
    (a 5xx may come after the store acted). A timeout is left to the caller's retry."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return api.json("POST", path, body=body)
        except PlatformTimeout:
            raise
        except PlatformError as err:
            found = find()
            if found is not None:
                return found
            if err.key != "commerce.error.unavailable" or attempt > api.retries:
                raise
            api.sleep(min(2.0 ** (attempt - 1), api.max_wait))


# -- refund ---------------------------------------------------------------------------------


def find_refund(api: WooTransport, order_id: str, key: str) -> dict | None:
    refunds = api.json("GET", f"orders/{order_id}/refunds", params={"per_page": 100})
    for refund in refunds or ():
        if marker(key) in (refund.get("reason") or "") or meta(refund, KEY_META) == key:
            return refund
    return None


def _refund_outcome(refund: dict, order_id: str, restock: bool | None = None) -> ActionOutcome:
    details: dict[str, Any] = {
        "order_id": order_id,
        "refunded_payment": refund.get("refunded_payment"),
    }
    if restock is not None:
        details["restock"] = restock
    return ActionOutcome(
        reference=str(refund["id"]), amount_cents=cents(refund.get("amount")), details=details
    )


def _share(total_cents: int, part: int, whole: int) -> int:
    share = Decimal(total_cents) * part / whole if whole else Decimal(0)
    return int(share.to_integral_value(rounding=ROUND_HALF_UP))  # as PHP's round()


def refund_plan(wc: dict, order: OrderRef, req: RefundAction) -> tuple[int, list[dict]]:
    """(amount in cents, ``line_items`` for ``POST orders/{id}/refunds``). Lines are refunded
    at what was paid for them (after discounts) with their taxes, per tax rate; the shipping
    line with its taxes when asked. A given ``amount`` wins; with neither, what is left."""
    by_comptoir_id = {int(line["id"]): line for line in order.lines if line.get("id") is not None}
    wc_lines = {str(li["id"]): li for li in wc.get("line_items") or ()}
    items, computed = [], 0
    for wanted in req.lines or ():
        ours = by_comptoir_id.get(wanted.line_id)
        li = wc_lines.get(str((ours or {}).get("external_id")))
        if li is None:
            raise PlatformError("commerce.error.woocommerce.unknown_line", line=wanted.line_id)
        bought = int(li.get("quantity") or 0)
        if wanted.quantity > bought:
            raise PlatformError(
                "commerce.error.woocommerce.too_many",
                line=li.get("name") or li["id"],
                bought=bought,
            )
        total = _share(cents(li.get("total")), wanted.quantity, bought)
        taxes = [
            {
                "id": tax["id"],
                "refund_total": money(_share(cents(tax.get("total")), wanted.quantity, bought)),
            }
            for tax in li.get("taxes") or ()
            if cents(tax.get("total"))
        ]
        items.append(
            {
                "id": li["id"],
                "quantity": wanted.quantity,
                "refund_total": money(total),
                "refund_tax": taxes,
            }
        )
        computed += total + sum(cents(tax["refund_total"]) for tax in taxes)
    if req.shipping:
        for sl in wc.get("shipping_lines") or ():
            taxes = [
                {"id": tax["id"], "refund_total": money(cents(tax.get("total")))}
                for tax in sl.get("taxes") or ()
                if cents(tax.get("total"))
            ]
            items.append(
                {"id": sl["id"], "refund_total": sl.get("total") or "0.00", "refund_tax": taxes}
            )
            computed += cents(sl.get("total")) + sum(cents(tax["refund_total"]) for tax in taxes)
    refunded = sum(cents(str(r.get("total") or "0").lstrip("-")) for r in wc.get("refunds") or ())
    left = cents(wc.get("total")) - refunded
    amount = computed if items else left
    if req.amount is not None:
        amount = cents(req.amount)
    if amount <= 0:
        raise PlatformError("commerce.error.woocommerce.nothing_to_refund", number=order.number)
    return amount, items


def refund(api: WooTransport, order: OrderRef, req: RefundAction, key: str) -> ActionOutcome:
    order_id = external_id(order)
    found = find_refund(api, order_id, key)
    if found is not None:
        return _refund_outcome(found, order_id)
    amount, items = refund_plan(order_json(api, order), order, req)
    body = {
        "amount": money(amount),
        "reason": f"{req.reason.strip()} {marker(key)}".strip(),
        "api_refund": True,  # through the payment gateway, not only booked
        "restock_items": req.restock,
        "line_items": items,
        "meta_data": [{"key": KEY_META, "value": key}],
    }
    created = keyed_post(
        api, f"orders/{order_id}/refunds", body, lambda: find_refund(api, order_id, key)
    )
    return _refund_outcome(created, order_id, req.restock)


# -- cancel ---------------------------------------------------------------------------------


def _cancel_outcome(api: WooTransport, wc: dict, key: str) -> ActionOutcome:
    paid = find_refund(api, str(wc["id"]), f"{key}/refund")
    return ActionOutcome(
        reference=str(wc["id"]),
        amount_cents=cents(paid.get("amount")) if paid else 0,
        details={
            "status": wc.get("status"),
            "refund": str(paid["id"]) if paid else None,
            "restocked_by_store": True,
        },
    )


def cancel(
    api: WooTransport, order: OrderRef, req: CancelAction, key: str, lang: str
) -> ActionOutcome:
    """Status ``cancelled`` (and first a refund of what is left, when asked and paid).
    WooCommerce itself puts back the stock it had reduced when an order is cancelled."""
    wc = order_json(api, order)
    if meta(wc, CANCEL_META) == key:
        return _cancel_outcome(api, wc, key)
    # A retry after a timeout may find our own refund done (the order now "refunded"): go on.
    ours = find_refund(api, str(wc["id"]), f"{key}/refund")
    if wc.get("status") in _CLOSED and ours is None:
        raise PlatformError(
            "commerce.error.woocommerce.order_closed", number=order.number, status=wc.get("status")
        )
    paid = bool(wc.get("date_paid_gmt") or wc.get("date_paid"))
    refunded = sum(cents(str(r.get("total") or "0").lstrip("-")) for r in wc.get("refunds") or ())
    if req.refund and paid and ours is None and cents(wc.get("total")) > refunded:
        reason = t("commerce.woocommerce.note.cancel_refund", lang, reason=req.reason)
        refund_req = RefundAction(action="refund", reason=reason, restock=False)
        refund(api, order, refund_req, f"{key}/refund")
    body = {"status": "cancelled", "meta_data": [{"key": CANCEL_META, "value": key}]}
    updated = api.json("PUT", f"orders/{wc['id']}", body=body)
    note = t("commerce.woocommerce.note.cancelled", lang, reason=req.reason)
    add_note(api, str(wc["id"]), f"{note} {marker(key)}")
    return _cancel_outcome(api, updated, key)


# -- shipping address -----------------------------------------------------------------------


def update_shipping_address(
    api: WooTransport, order: OrderRef, address: ShippingAddress, key: str, lang: str
) -> ActionOutcome:
    """``PUT orders/{id}`` with the new ``shipping``; refused once the order is completed (or
    has a tracking number): the parcel has left."""
    wc = order_json(api, order)
    shipping = _shipping(address)
    if meta(wc, ADDRESS_META) == key:
        return ActionOutcome(reference=str(wc["id"]), details={"shipping": wc.get("shipping")})
    if wc.get("status") == "completed" or meta(wc, TRACKING_META):
        raise PlatformError("commerce.error.already_fulfilled", number=order.number)
    if wc.get("status") in _CLOSED:
        raise PlatformError(
            "commerce.error.woocommerce.order_closed", number=order.number, status=wc.get("status")
        )
    body = {"shipping": shipping, "meta_data": [{"key": ADDRESS_META, "value": key}]}
    updated = api.json("PUT", f"orders/{wc['id']}", body=body)
    add_note(api, str(wc["id"]), f"{t('commerce.woocommerce.note.address', lang)} {marker(key)}")
    return ActionOutcome(reference=str(wc["id"]), details={"shipping": updated.get("shipping")})


def _shipping(address: ShippingAddress) -> dict[str, str]:
    first, _, last = address.name.strip().partition(" ")
    return {
        "first_name": first,
        "last_name": last.strip(),
        "company": "",
        "address_1": address.address1.strip(),
        "address_2": (address.address2 or "").strip(),
        "city": address.city.strip(),
        "state": address.province_code.strip().upper(),
        "postcode": address.zip.strip().upper(),
        "country": address.country_code.upper(),
        "phone": (address.phone or "").strip(),
    }


# -- replacement / exchange orders ----------------------------------------------------------


def find_child_order(api: WooTransport, parent_id: str, key: str) -> dict | None:
    """An order created for ``key`` under ``parent_id`` (replacement, exchange)."""
    children = api.json(
        "GET", "orders", params={"parent": parent_id, "per_page": 100, "status": "any"}
    )
    for child in children or ():
        if meta(child, KEY_META) == key:
            return child
    return None


def _child_outcome(child: dict, original: str) -> ActionOutcome:
    return ActionOutcome(
        reference=str(child.get("number") or child["id"]),
        details={"order_id": str(child["id"]), "original": original},
    )


def free_order(
    api: WooTransport, wc: dict, items: Sequence[dict], key: str, note: str
) -> ActionOutcome:
    """A paid, processing order at no charge under the original (``parent_id``), to the same
    customer and address, with ``items`` at 0.00."""
    parent = str(wc["id"])
    found = find_child_order(api, parent, key)
    if found is not None:
        return _child_outcome(found, str(wc.get("number") or parent))
    body = {
        "parent_id": int(wc["id"]),
        "status": "processing",
        "set_paid": True,
        "customer_id": int(wc.get("customer_id") or 0),
        "billing": wc.get("billing") or {},
        "shipping": wc.get("shipping") or {},
        "line_items": [item | {"subtotal": "0.00", "total": "0.00"} for item in items],
        "shipping_lines": [
            {
                "method_id": sl.get("method_id") or "free_shipping",
                "method_title": sl.get("method_title") or "",
                "total": "0.00",
            }
            for sl in (wc.get("shipping_lines") or ())[:1]
        ],
        "meta_data": [
            {"key": KEY_META, "value": key},
            {"key": "_comptoir_original_order", "value": str(wc.get("number") or parent)},
        ],
    }
    created = keyed_post(api, "orders", body, lambda: find_child_order(api, parent, key))
    add_note(api, parent, f"{note} #{created.get('number') or created['id']} {marker(key)}")
    add_note(api, str(created["id"]), f"{note} #{wc.get('number') or parent}")
    return _child_outcome(created, str(wc.get("number") or parent))


def create_replacement(
    api: WooTransport, order: OrderRef, req: ReplacementAction, key: str, lang: str
) -> ActionOutcome:
    wc = order_json(api, order)
    by_comptoir_id = {int(line["id"]): line for line in order.lines if line.get("id") is not None}
    wc_lines = {str(li["id"]): li for li in wc.get("line_items") or ()}
    chosen: list[tuple[dict, int]] = []
    if req.lines:
        for wanted in req.lines:
            li = wc_lines.get(str((by_comptoir_id.get(wanted.line_id) or {}).get("external_id")))
            if li is None:
                raise PlatformError("commerce.error.woocommerce.unknown_line", line=wanted.line_id)
            chosen.append((li, wanted.quantity))
    else:
        chosen = [(li, int(li.get("quantity") or 1)) for li in wc_lines.values()]
    items = [_item_like(li, qty) for li, qty in chosen]
    return free_order(api, wc, items, key, t("commerce.woocommerce.note.replacement", lang))


def _item_like(li: dict, quantity: int) -> dict:
    if li.get("product_id"):
        item = {"product_id": li["product_id"], "quantity": quantity}
        if li.get("variation_id"):
            item["variation_id"] = li["variation_id"]
        return item
    return {"name": li.get("name") or "", "quantity": quantity}  # the product was deleted


# -- coupons --------------------------------------------------------------------------------


def find_coupon(api: WooTransport, code: str, key: str) -> dict | None:
    for coupon in api.json("GET", "coupons", params={"code": code}) or ():
        if meta(coupon, KEY_META) == key or str(coupon.get("code", "")).upper() == code:
            return coupon
    return None


def _coupon_outcome(coupon: dict, code: str) -> ActionOutcome:
    fixed = coupon.get("discount_type") != "percent"
    return ActionOutcome(
        reference=str(coupon["id"]),
        code=code,
        amount_cents=cents(coupon.get("amount")) if fixed else 0,
        details={
            "discount_type": coupon.get("discount_type"),
            "amount": coupon.get("amount"),
            "email_restrictions": coupon.get("email_restrictions") or [],
        },
    )


def create_coupon(
    api: WooTransport,
    *,
    key: str,
    prefix: str,
    email: str | None,
    percent: Decimal | None,
    amount_cents: int | None,
    description: str,
) -> ActionOutcome:
    """A single-use coupon for one customer: ``percent`` off, or a fixed amount off the cart."""
    code = coupon_code(prefix, key)
    found = find_coupon(api, code, key)
    if found is not None:
        return _coupon_outcome(found, code)
    if percent is not None:
        kind, value = "percent", f"{Decimal(percent):.2f}"
    elif amount_cents:
        kind, value = "fixed_cart", money(amount_cents)
    else:
        raise PlatformError("commerce.error.woocommerce.no_discount")
    body = {
        "code": code,
        "discount_type": kind,
        "amount": value,
        "individual_use": True,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "email_restrictions": [email] if email else [],
        "description": description,
        "meta_data": [{"key": KEY_META, "value": key}],
    }
    created = keyed_post(api, "coupons", body, lambda: find_coupon(api, code, key))
    return _coupon_outcome(created, code)


def create_discount_code(
    api: WooTransport, order: OrderRef, req: DiscountCodeAction, key: str, lang: str
) -> ActionOutcome:
    wc = order_json(api, order)
    email = ((wc.get("billing") or {}).get("email") or "").strip().lower() or None
    return create_coupon(
        api,
        key=key,
        prefix="MERCI",
        email=email,
        percent=req.percent,
        amount_cents=cents(req.amount) if req.amount is not None else None,
        description=t("commerce.woocommerce.note.goodwill", lang, number=order.number),
    )


# -- after a timeout ------------------------------------------------------------------------


def find_action(api: WooTransport, order: OrderRef, action: str, key: str) -> ActionOutcome | None:
    """What an earlier call with ``key`` did at the store, or None if it did nothing."""
    if action == "discount_code":
        code = coupon_code("MERCI", key)
        found = find_coupon(api, code, key)
        return _coupon_outcome(found, code) if found else None
    order_id = external_id(order)
    if action == "refund":
        found = find_refund(api, order_id, key)
        return _refund_outcome(found, order_id) if found else None
    if action in ("replacement", "create_replacement"):
        found = find_child_order(api, order_id, key)
        return _child_outcome(found, order.number) if found else None
    wc = order_json(api, order)
    if action == "cancel":
        return _cancel_outcome(api, wc, key) if meta(wc, CANCEL_META) == key else None
    if action == "update_shipping_address":
        if meta(wc, ADDRESS_META) == key:
            return ActionOutcome(reference=str(wc["id"]), details={"shipping": wc.get("shipping")})
        return None
    raise ValueError(f"unknown order action: {action}")
