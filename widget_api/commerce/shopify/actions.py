"""The order actions an agent takes from a ticket, as Shopify Admin GraphQL mutations.

Each action is keyed (the order action's idempotency key, or the returns desk's RMA number) and
leaves the key where a later look can find it:

- refund: ``refundCreate`` with the key in the refund's note (and ``@idempotent(key:)`` on API
  versions that have it); found again in ``order.refunds``;
- cancel: ``orderCancel`` (an asynchronous job); found again as the order's ``cancelledAt``;
- address change: ``orderUpdate``, the same input twice gives the same order: nothing to find;
- replacement: a draft order tagged ``comptoir-<hash of the key>`` at a 100 % discount,
  completed into an order; found again by its tag (an open draft is completed, not remade);
- discount code: ``MERCI-XXXXXX`` made from the key (keyed HMAC, so nobody can guess codes),
  found again with ``codeDiscountNodeByCode``.

Before acting, each action looks for its key; a mutation Shopify answered 5xx is looked for
again before it is sent again. A timeout is raised as ``PlatformTimeout``: the caller records
the outcome as unknown and its retry comes back here, where the look finds what happened.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from widget_api import clock
from widget_api.commerce.platform import ActionOutcome, OrderRef, PlatformError
from widget_api.commerce.shopify import queries
from widget_api.commerce.shopify.mapping import cents, dollars, gid
from widget_api.contracts.commerce import (
    CancelAction,
    DiscountCodeAction,
    RefundAction,
    RefundLine,
    ReplacementAction,
    ShippingAddress,
)

if TYPE_CHECKING:
    from widget_api.commerce.shopify.client import ShopifyClient

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
RETRIES_AFTER_5XX = 2


# -- keys ----------------------------------------------------------------------------------------


def marker(key: str) -> str:
    """What a refund's note or a staff note carries so the action can be found again."""
    return f"[comptoir:{key}]"


def tag_for(key: str) -> str:
    """A draft order tag for ``key`` (tags are short: a hash, not the key)."""
    return "comptoir-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _code(secret: str, purpose: str, key: str, length: int) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}:{key}".encode(), hashlib.sha256).digest()
    return "".join(_CODE_ALPHABET[b % len(_CODE_ALPHABET)] for b in digest[:length])


def discount_code_for(secret: str, key: str) -> str:
    return "MERCI-" + _code(secret, "discount", key, 6)


def gift_card_code_for(secret: str, key: str) -> str:
    return _code(secret, "gift-card", key, 16)


def _with_directive(document: str, client: ShopifyClient, key: str) -> str:
    directive = f" @idempotent(key: {json.dumps(key)})" if client.idempotent else ""
    return document.replace("{directive}", directive)


def keyed(
    client: ShopifyClient,
    find: Callable[[], ActionOutcome | None],
    do: Callable[[], ActionOutcome],
) -> ActionOutcome:
    """Look, act; after a 5xx look again before acting again (the mutation may have run)."""
    found = find()
    if found is not None:
        return found
    for attempt in range(RETRIES_AFTER_5XX + 1):
        try:
            return do()
        except PlatformError as exc:
            if exc.key != "commerce.error.unavailable" or attempt == RETRIES_AFTER_5XX:
                raise
        client.sleep(0.5 * 2**attempt)
        found = find()
        if found is not None:
            return found
    raise AssertionError("unreachable")


def _external(order: OrderRef) -> str:
    if not order.external_id:
        raise PlatformError("commerce.error.shopify.not_synced", number=order.number)
    return gid("Order", order.external_id)


def _line_gid(order: OrderRef, line_id: int) -> str:
    for row in order.lines:
        if int(row.get("id", -1)) == line_id and row.get("external_id"):
            return gid("LineItem", row["external_id"])
    raise PlatformError("commerce.error.shopify.unknown_line", line=line_id, number=order.number)


def _money(node: dict | None) -> int:
    return cents(((node or {}).get("shopMoney") or {}).get("amount"))


def _actions_view(client: ShopifyClient, order_id: str) -> dict:
    found = client.query(queries.ORDER_ACTIONS, {"id": order_id}).get("order")
    if not found:
        raise PlatformError("commerce.error.shopify.order_missing", detail=order_id)
    return found


# -- refund --------------------------------------------------------------------------------------


def find_refund(client: ShopifyClient, order_id: str, key: str) -> ActionOutcome | None:
    for refund in _actions_view(client, order_id).get("refunds") or ():
        if marker(key) in (refund.get("note") or ""):
            return ActionOutcome(
                reference=refund["id"],
                amount_cents=_money(refund.get("totalRefundedSet")),
                details={"found": True},
            )
    return None


def refund_lines(order: OrderRef, lines: Sequence[RefundLine] | None, restock: bool) -> list[dict]:
    return [
        {
            "lineItemId": _line_gid(order, line.line_id),
            "quantity": line.quantity,
            "restockType": "RETURN" if restock else "NO_RESTOCK",
        }
        for line in lines or ()
    ]


def primary_location(client: ShopifyClient) -> str | None:
    return (client.query(queries.PRIMARY_LOCATION).get("location") or {}).get("id")


def _transactions(order_id: str, suggested: Sequence[dict], amount: int) -> list[dict]:
    """Spread ``amount`` over the payments Shopify suggests refunding through, each up to what
    it can still take back."""
    left = amount
    out = []
    for tx in suggested:
        room = _money(tx.get("maximumRefundableSet") or tx.get("amountSet"))
        take = min(left, room)
        if take <= 0:
            continue
        out.append(
            {
                "orderId": order_id,
                "gateway": tx.get("gateway"),
                "kind": "REFUND",
                "amount": dollars(take),
                "parentId": (tx.get("parentTransaction") or {}).get("id"),
            }
        )
        left -= take
    if left > 0:
        most = sum(_money(t.get("maximumRefundableSet") or t.get("amountSet")) for t in suggested)
        raise PlatformError(
            "commerce.error.shopify.amount_too_high",
            amount=dollars(amount), most=dollars(most),
        )  # fmt: skip
    return out


def create_refund(
    client: ShopifyClient,
    order_id: str,
    lines: list[dict],
    *,
    shipping: bool,
    amount_cents: int | None,
    reason: str,
    key: str,
) -> ActionOutcome:
    """One ``refundCreate``: the amount Shopify suggests for ``lines`` (+ shipping) unless
    ``amount_cents`` says otherwise, through the order's own payments."""
    data = client.query(
        queries.SUGGESTED_REFUND,
        # The amount does not depend on restocking, and RETURN would want a location first.
        {
            "id": order_id,
            "lines": [dict(ln, restockType="NO_RESTOCK") for ln in lines],
            "shipping": shipping,
        },
    )
    found = data.get("order")
    if not found:
        raise PlatformError("commerce.error.shopify.order_missing", detail=order_id)
    suggestion = found.get("suggestedRefund") or {}
    if any(ln["restockType"] == "RETURN" for ln in lines):
        fulfillments = found.get("fulfillments") or ()
        located = [f["location"]["id"] for f in fulfillments if f.get("location")]
        location = located[0] if located else primary_location(client)
        for ln in lines:
            if ln["restockType"] == "RETURN" and location:
                ln["locationId"] = location
    amount = amount_cents if amount_cents is not None else _money(suggestion.get("amountSet"))
    if amount <= 0 and not lines:
        raise PlatformError("commerce.error.shopify.nothing_to_refund")
    transactions = (
        _transactions(order_id, suggestion.get("suggestedTransactions") or (), amount)
        if amount > 0
        else []
    )
    note = f"{reason.strip()} {marker(key)}".strip()
    refund_input = {
        "orderId": order_id,
        "note": note,
        "notify": False,  # Comptoir tells the customer itself, in their language
        "refundLineItems": lines,
        "transactions": transactions,
    }
    if shipping:
        refund_input["shipping"] = {"fullRefund": True}
    payload = client.mutate(
        _with_directive(queries.REFUND_CREATE, client, key), {"input": refund_input},
        "refundCreate",
    )  # fmt: skip
    created = payload.get("refund") or {}
    return ActionOutcome(
        reference=created.get("id", ""),
        amount_cents=_money(created.get("totalRefundedSet")) or amount,
        details={"lines": len(lines), "shipping": shipping, "transactions": len(transactions)},
    )


def refund(client: ShopifyClient, order: OrderRef, req: RefundAction, key: str) -> ActionOutcome:
    order_id = _external(order)
    lines = refund_lines(order, req.lines, req.restock)
    amount = cents(req.amount) if req.amount is not None else None
    return keyed(
        client,
        lambda: find_refund(client, order_id, key),
        lambda: create_refund(
            client,
            order_id,
            [dict(ln) for ln in lines],
            shipping=req.shipping,
            amount_cents=amount,
            reason=req.reason,
            key=key,
        ),
    )


# -- cancel --------------------------------------------------------------------------------------


def _find_cancel(client: ShopifyClient, order_id: str) -> ActionOutcome | None:
    view = _actions_view(client, order_id)
    if view.get("cancelledAt"):
        return ActionOutcome(
            reference=view["id"],
            details={"cancelled_at": view["cancelledAt"], "found": True},
        )
    return None


def cancel(client: ShopifyClient, order: OrderRef, req: CancelAction, key: str) -> ActionOutcome:
    order_id = _external(order)

    def do() -> ActionOutcome:
        payload = client.mutate(
            queries.ORDER_CANCEL,
            {
                "orderId": order_id,
                "reason": req.reason.upper(),
                "refundMethod": {"originalPaymentMethodsRefund": req.refund},
                "restock": req.restock,
                "notifyCustomer": False,  # Comptoir tells the customer, in their language
                "staffNote": f"Comptoir {marker(key)}",
            },
            "orderCancel",
            "orderCancelUserErrors",
        )
        job = payload.get("job") or {}
        return ActionOutcome(
            reference=job.get("id") or order_id,
            details={"job_done": bool(job.get("done")), "refund": req.refund,
                     "restock": req.restock},
        )  # fmt: skip

    return keyed(client, lambda: _find_cancel(client, order_id), do)


# -- shipping address ----------------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    parts = name.strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def mailing_address(address: ShippingAddress) -> dict:
    first, last = _split_name(address.name)
    return {
        "firstName": first,
        "lastName": last,
        "address1": address.address1,
        "address2": address.address2 or "",
        "city": address.city,
        "provinceCode": address.province_code.upper(),
        "zip": address.zip,
        "countryCode": address.country_code.upper(),
        "phone": address.phone or "",
    }


def update_shipping_address(
    client: ShopifyClient, order: OrderRef, address: ShippingAddress, key: str
) -> ActionOutcome:
    """Refused once Shopify says the order is fulfilled: the parcel has left."""
    order_id = _external(order)
    view = _actions_view(client, order_id)
    if (view.get("displayFulfillmentStatus") or "").upper() == "FULFILLED":
        raise PlatformError("commerce.error.already_fulfilled", number=order.number)
    if view.get("cancelledAt"):
        raise PlatformError("commerce.error.shopify.order_cancelled", number=order.number)

    def do() -> ActionOutcome:
        client.mutate(
            queries.ORDER_UPDATE,
            {"input": {"id": order_id, "shippingAddress": mailing_address(address)}},
            "orderUpdate",
        )
        return ActionOutcome(reference=order_id, details={"city": address.city})

    return keyed(client, lambda: None, do)


# -- replacement ---------------------------------------------------------------------------------


def _find_draft(client: ShopifyClient, key: str) -> dict | None:
    tag = tag_for(key)
    drafts = client.query(queries.DRAFT_ORDERS_TAGGED, {"query": f"tag:'{tag}'"})
    for node in (drafts.get("draftOrders") or {}).get("nodes") or ():
        if tag in (node.get("tags") or ()):
            return node
    return None


def _draft_outcome(draft: dict, value_cents: int = 0, found: bool = False) -> ActionOutcome:
    placed = draft.get("order") or {}
    return ActionOutcome(
        reference=placed.get("name") or draft.get("name") or draft["id"],
        amount_cents=value_cents,
        details={"draft_order": draft["id"], "order": placed.get("id"), "found": found},
    )


def find_replacement(client: ShopifyClient, key: str) -> ActionOutcome | None:
    draft = _find_draft(client, key)
    if draft and draft.get("order"):
        return _draft_outcome(draft, found=True)
    return None


def _complete(client: ShopifyClient, draft_id: str, value_cents: int) -> ActionOutcome:
    payload = client.mutate(
        queries.DRAFT_ORDER_COMPLETE,
        {"id": draft_id, "paymentPending": False},  # nothing to pay: a 100 % discount
        "draftOrderComplete",
    )
    return _draft_outcome(payload.get("draftOrder") or {"id": draft_id}, value_cents)


def free_order(
    client: ShopifyClient,
    source: dict,
    items: list[dict],
    *,
    key: str,
    note: str,
) -> ActionOutcome:
    """A draft order of ``items`` (``variantId`` or a custom title and price, ``quantity``)
    at a 100 % discount, shipped where ``source`` (a GraphQL order) went, completed into an
    order; an open draft left by an interrupted try is completed instead of remade."""
    value = sum(i.pop("_value", 0) for i in items)
    draft = _find_draft(client, key)
    if draft and draft.get("order"):
        return _draft_outcome(draft, value, found=True)
    if draft is None:
        draft_input: dict = {
            "lineItems": items,
            "appliedDiscount": {
                "valueType": "PERCENTAGE", "value": 100.0, "title": "Comptoir",
                "description": note[:255],
            },
            "note": f"{note} {marker(key)}",
            "tags": [tag_for(key)],
        }  # fmt: skip
        if source.get("email"):
            draft_input["email"] = source["email"]
        if (source.get("customer") or {}).get("id"):
            draft_input["purchasingEntity"] = {"customerId": source["customer"]["id"]}
        address = source.get("shippingAddress")
        if address:
            draft_input["shippingAddress"] = {
                "firstName": address.get("firstName") or "",
                "lastName": address.get("lastName") or address.get("name") or "",
                "address1": address.get("address1") or "",
                "address2": address.get("address2") or "",
                "city": address.get("city") or "",
                "provinceCode": address.get("provinceCode") or "",
                "zip": address.get("zip") or "",
                "countryCode": address.get("countryCodeV2") or "CA",
                "phone": address.get("phone") or "",
            }
        payload = client.mutate(
            queries.DRAFT_ORDER_CREATE, {"input": draft_input}, "draftOrderCreate"
        )
        draft = payload.get("draftOrder") or {}
    return _complete(client, draft["id"], value)


def create_replacement(
    client: ShopifyClient, order: OrderRef, req: ReplacementAction, key: str
) -> ActionOutcome:
    """The same lines (or ``req.lines``) again, at no charge."""
    order_id = _external(order)
    found = find_replacement(client, key)
    if found:
        return found
    source = client.order_node(order_id)
    if not source:
        raise PlatformError("commerce.error.shopify.order_missing", detail=order_id)
    by_gid = {item["id"]: item for item in (source.get("lineItems") or {}).get("nodes") or ()}
    wanted = (
        [(_line_gid(order, ln.line_id), ln.quantity) for ln in req.lines]
        if req.lines
        else [(line_id, int(item.get("quantity") or 0)) for line_id, item in by_gid.items()]
    )
    items = []
    for line_id, quantity in wanted:
        item = by_gid.get(line_id)
        if item is None or quantity <= 0:
            continue
        items.append(_draft_line(item, quantity, source.get("currencyCode") or order.currency))
    if not items:
        raise PlatformError("commerce.error.shopify.nothing_to_replace", number=order.number)
    return keyed(
        client,
        lambda: find_replacement(client, key),
        lambda: free_order(
            client,
            source,
            [dict(i) for i in items],
            key=key,
            note=f"Replacement for {order.number}",
        ),
    )


def _draft_line(item: dict, quantity: int, currency: str) -> dict:
    """A draft line for an order's line: its variant, or (product deleted) a custom line."""
    price = _money(item.get("originalUnitPriceSet"))
    variant = (item.get("variant") or {}).get("id")
    if variant:
        return {"variantId": variant, "quantity": quantity, "_value": price * quantity}
    return {
        "title": item.get("title") or item.get("name") or "Item",
        "originalUnitPriceWithCurrency": {"amount": dollars(price), "currencyCode": currency},
        "quantity": quantity,
        "_value": price * quantity,
    }


# -- discount code -------------------------------------------------------------------------------


def _find_discount(client: ShopifyClient, code: str) -> ActionOutcome | None:
    node = client.query(queries.DISCOUNT_BY_CODE, {"code": code}).get("codeDiscountNodeByCode")
    if node:
        return ActionOutcome(reference=node["id"], code=code, details={"found": True})
    return None


def create_discount_code(
    client: ShopifyClient, order: OrderRef, req: DiscountCodeAction, key: str
) -> ActionOutcome:
    """A one-use code for the order's customer (anyone, when Shopify has no customer)."""
    if req.percent is None and req.amount is None:
        raise PlatformError("commerce.error.shopify.discount_value")
    order_id = _external(order)
    code = discount_code_for(client.secret, key)

    def do() -> ActionOutcome:
        customer = (_actions_view(client, order_id).get("customer") or {}).get("id")
        if req.percent is not None:
            value: dict = {"percentage": float(Decimal(req.percent) / 100)}
            amount = 0
        else:
            value = {"discountAmount": {"amount": dollars(cents(req.amount)),
                                        "appliesOnEachItem": False}}  # fmt: skip
            amount = cents(req.amount)
        discount_input = {
            "title": f"Comptoir {order.number} {code}",
            "code": code,
            "startsAt": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "usageLimit": 1,
            "appliesOncePerCustomer": True,
            "context": {"customers": {"add": [customer]}} if customer else {"all": "ALL"},
            "customerGets": {"value": value, "items": {"all": True}},
        }
        payload = client.mutate(
            queries.DISCOUNT_CODE_CREATE, {"input": discount_input}, "discountCodeBasicCreate"
        )
        node = payload.get("codeDiscountNode") or {}
        return ActionOutcome(
            reference=node.get("id", code),
            amount_cents=amount,
            code=code,
            details={"percent": str(req.percent) if req.percent is not None else None,
                     "customer": customer},
        )  # fmt: skip

    return keyed(client, lambda: _find_discount(client, code), do)


# -- looking for a keyed action ------------------------------------------------------------------


def find_action(
    client: ShopifyClient, order: OrderRef, action: str, key: str
) -> ActionOutcome | None:
    """What a keyed action left at Shopify, or None when it did not happen (or, for an
    address change, when doing it again is harmless)."""
    if action == "refund":
        return find_refund(client, _external(order), key)
    if action == "cancel":
        return _find_cancel(client, _external(order))
    if action == "replacement":
        return find_replacement(client, key)
    if action == "discount_code":
        return _find_discount(client, discount_code_for(client.secret, key))
    return None
