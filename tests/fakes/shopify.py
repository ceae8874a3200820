"""A fake Shopify Admin GraphQL API on loopback, for the connector's tests.

It answers the operations the connector sends (found by their root field) in Shopify's
documented shapes: ``{"data": …, "extensions": {"cost": {…, "throttleStatus": …}}}``, GraphQL
``errors`` (``THROTTLED`` with the bucket's state), ``userErrors`` with ``field``/``message``/
``code``, 401 for a wrong ``X-Shopify-Access-Token`` and 404 off ``/admin/api/<version>/
graphql.json``. It keeps state (orders, refunds, draft orders, discount codes, gift cards,
stock), records every request, and can be told to misbehave once: answer THROTTLED, answer 500,
return userErrors, or apply a mutation and then hang past the client's timeout.

Orders are seeded in the REST shape webhooks and the SDK fixtures use (``rest_order``) and
turned into GraphQL nodes by ``graphql_order``, so a test can send the very same order as a
webhook and serve it from the API.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.conftest import free_port

TOKEN = "shpat_test_token_0123456789"
VERSION = "2025-10"
SHOP_NAME = "Boutique Nordique"
LOCATION = "gid://shopify/Location/655441491"
NOW = "2026-11-20T15:00:00Z"
THROTTLED_BODY = {
    "errors": [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ],
    "extensions": {
        "cost": {
            "requestedQueryCost": 752,
            "actualQueryCost": None,
            "throttleStatus": {
                "maximumAvailable": 1000.0,
                "currentlyAvailable": 666,
                "restoreRate": 50.0,
            },
        }
    },
}


def money(amount: Any, currency: str = "CAD") -> dict:
    value = Decimal(str(amount or "0")).quantize(Decimal("0.01"))
    return {
        "shopMoney": {"amount": str(value), "currencyCode": currency},
        "presentmentMoney": {"amount": str(value), "currencyCode": currency},
    }


def _amount(bag: dict | None) -> Decimal:
    return Decimal(((bag or {}).get("shopMoney") or {}).get("amount") or "0")


def _gid(kind: str, value: Any) -> str:
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


def rest_order(
    number: int = 1001,
    *,
    order_id: int = 820982911946154508,
    updated_at: str = "2026-11-02T10:15:00-05:00",
    email: str = "Marie.Tremblay@example.ca",
    fulfillment_status: str | None = None,
    financial_status: str = "paid",
    fulfillments: list[dict] | None = None,
) -> dict:
    """A Québec order in the REST shape (as in the Shopify SDK fixtures and webhooks): two
    lines, GST (TPS) and QST (TVQ), shipping to Montréal."""
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}",
        "order_number": number,
        "email": email,
        "created_at": "2026-11-01T09:30:00-04:00",
        "updated_at": updated_at,
        "cancelled_at": None,
        "cancel_reason": None,
        "currency": "CAD",
        "financial_status": financial_status,
        "fulfillment_status": fulfillment_status,
        "gateway": "shopify_payments",
        "payment_gateway_names": ["shopify_payments"],
        "source_name": "web",
        "customer_locale": "fr-CA",
        "subtotal_price": "110.00",
        "total_line_items_price": "110.00",
        "total_discounts": "0.00",
        "total_tax": "17.21",
        "total_price": "137.21",
        "total_shipping_price_set": {
            "shop_money": {"amount": "9.70", "currency_code": "CAD"},
            "presentment_money": {"amount": "9.70", "currency_code": "CAD"},
        },
        "shipping_lines": [{"title": "Postes Canada", "price": "9.70", "code": "Expedited"}],
        "tax_lines": [
            {"title": "GST", "price": "5.99", "rate": 0.05},
            {"title": "QST", "price": "11.22", "rate": 0.09975},
        ],
        "line_items": [
            {
                "id": 466157049,
                "variant_id": 39072856,
                "product_id": 632910392,
                "title": "Tuque en laine",
                "name": "Tuque en laine - Noir",
                "variant_title": "Noir",
                "sku": "TUQ-NOIR",
                "quantity": 2,
                "price": "25.00",
                "tax_lines": [
                    {"title": "GST", "price": "2.50", "rate": 0.05},
                    {"title": "QST", "price": "4.99", "rate": 0.09975},
                ],
            },
            {
                "id": 518995019,
                "variant_id": 49148385,
                "product_id": 632910393,
                "title": "Mitaines",
                "name": "Mitaines - M / Gris",
                "variant_title": "M / Gris",
                "sku": "MIT-M-GRIS",
                "quantity": 1,
                "price": "60.00",
                "tax_lines": [
                    {"title": "GST", "price": "3.00", "rate": 0.05},
                    {"title": "QST", "price": "5.99", "rate": 0.09975},
                ],
            },
        ],
        "shipping_address": {
            "first_name": "Marie",
            "last_name": "Tremblay",
            "name": "Marie Tremblay",
            "address1": "1234 rue Saint-Denis",
            "address2": "app. 3",
            "city": "Montréal",
            "province": "Quebec",
            "province_code": "QC",
            "zip": "H2X 3K2",
            "country": "Canada",
            "country_code": "CA",
            "phone": "+1 514-555-0199",
        },
        "fulfillments": fulfillments or [],
        "customer": {
            "id": 207119551,
            "email": email,
            "first_name": "Marie",
            "last_name": "Tremblay",
            "phone": "+15145550199",
            "locale": "fr",
        },
    }


def graphql_order(body: dict) -> dict:
    """A REST-shaped order → the fake's Admin GraphQL ``Order`` node (plus private state under
    ``_``: transactions, stock)."""
    currency = body.get("currency") or "CAD"
    address = body.get("shipping_address") or {}
    customer = body.get("customer") or {}
    items = body.get("line_items") or []
    total = Decimal(body.get("total_price") or "0")
    gateway = (body.get("payment_gateway_names") or [body.get("gateway") or "manual"])[0]
    fulfilled = body.get("fulfillment_status")
    display_fulfillment = {
        None: "UNFULFILLED",
        "partial": "PARTIALLY_FULFILLED",
        "fulfilled": "FULFILLED",
        "restocked": "RESTOCKED",
    }.get(fulfilled, "UNFULFILLED")
    order_gid = _gid("Order", body.get("admin_graphql_api_id") or body["id"])
    return {
        "id": order_gid,
        "name": body.get("name"),
        "createdAt": _z(body["created_at"]),
        "updatedAt": _z(body.get("updated_at") or body["created_at"]),
        "cancelledAt": _z(body["cancelled_at"]) if body.get("cancelled_at") else None,
        "cancelReason": (body.get("cancel_reason") or "").upper() or None,
        "email": body.get("email"),
        "phone": body.get("phone"),
        "currencyCode": currency,
        "customerLocale": body.get("customer_locale"),
        "sourceName": body.get("source_name"),
        "paymentGatewayNames": body.get("payment_gateway_names") or [gateway],
        "displayFinancialStatus": (body.get("financial_status") or "pending").upper(),
        "displayFulfillmentStatus": display_fulfillment,
        "totalPriceSet": money(total, currency),
        "totalShippingPriceSet": money(
            sum(Decimal(s.get("price") or "0") for s in body.get("shipping_lines") or ()),
            currency,
        ),
        "totalDiscountsSet": money(body.get("total_discounts"), currency),
        "totalTaxSet": money(body.get("total_tax"), currency),
        "taxLines": [
            {"title": t["title"], "rate": t.get("rate"), "priceSet": money(t["price"], currency)}
            for t in body.get("tax_lines") or ()
        ],
        "shippingAddress": {
            "name": address.get("name"),
            "firstName": address.get("first_name"),
            "lastName": address.get("last_name"),
            "address1": address.get("address1"),
            "address2": address.get("address2"),
            "city": address.get("city"),
            "provinceCode": address.get("province_code"),
            "zip": address.get("zip"),
            "countryCodeV2": address.get("country_code"),
            "phone": address.get("phone"),
        }
        if address
        else None,
        "customer": {
            "id": _gid("Customer", customer["id"]),
            "email": customer.get("email"),
            "firstName": customer.get("first_name"),
            "lastName": customer.get("last_name"),
            "displayName": " ".join(
                p for p in (customer.get("first_name"), customer.get("last_name")) if p
            ),
            "phone": customer.get("phone"),
            "locale": customer.get("locale"),
        }
        if customer.get("id")
        else None,
        "lineItems": {
            "nodes": [
                {
                    "id": _gid("LineItem", item["id"]),
                    "sku": item.get("sku"),
                    "title": item.get("title"),
                    "name": item.get("name"),
                    "variantTitle": item.get("variant_title"),
                    "quantity": item.get("quantity"),
                    "originalUnitPriceSet": money(item.get("price"), currency),
                    "taxLines": [
                        {"title": t["title"], "priceSet": money(t["price"], currency)}
                        for t in item.get("tax_lines") or ()
                    ],
                    "variant": {
                        "id": _gid("ProductVariant", item["variant_id"]),
                        "selectedOptions": _options(item.get("variant_title")),
                    }
                    if item.get("variant_id")
                    else None,
                }
                for item in items
            ]
        },
        "fulfillments": [
            {
                "id": _gid("Fulfillment", f["id"]),
                "status": (f.get("status") or "success").upper(),
                "displayStatus": (f.get("shipment_status") or "fulfilled").upper(),
                "createdAt": _z(f["created_at"]),
                "deliveredAt": _z(f["updated_at"])
                if f.get("shipment_status") == "delivered"
                else None,
                "inTransitAt": None,
                "location": {"id": LOCATION},
                "trackingInfo": [
                    {
                        "company": f.get("tracking_company"),
                        "number": f.get("tracking_number"),
                        "url": f.get("tracking_url"),
                    }
                ]
                if f.get("tracking_number")
                else [],
            }
            for f in body.get("fulfillments") or ()
        ],
        "refunds": [],
        "_transactions": [
            {
                "id": f"gid://shopify/OrderTransaction/{body['id']}1",
                "kind": "SALE",
                "gateway": gateway,
                "amount": total,
            }
        ],
    }


def _options(variant_title: str | None) -> list[dict]:
    parts = [p.strip() for p in (variant_title or "").split("/") if p.strip()]
    names = ["Taille", "Couleur"] if len(parts) == 2 else ["Couleur"]
    return [{"name": n, "value": v} for n, v in zip(names, parts, strict=False)]


def _z(stamp: str) -> str:
    """An ISO timestamp with an offset → Shopify GraphQL's UTC ``…Z`` form."""
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public(node: dict) -> dict:
    return {k: v for k, v in node.items() if not k.startswith("_")}


_ROOT = re.compile(r"^\s*(query|mutation)\b[^{]*\{\s*(\w+)", re.S)
_IDEMPOTENT = re.compile(r"@idempotent\(key:\s*\"((?:[^\"\\]|\\.)*)\"\)")


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    root: str
    query: str
    variables: dict


@dataclass
class FakeShopify:
    """State and behaviour; ``start()`` serves it on a loopback port."""

    token: str = TOKEN
    version: str = VERSION
    orders: dict[str, dict] = field(default_factory=dict)
    drafts: dict[str, dict] = field(default_factory=dict)
    discounts: dict[str, dict] = field(default_factory=dict)
    gift_cards: dict[str, dict] = field(default_factory=dict)
    variants: dict[str, dict] = field(default_factory=dict)  # sku → variant
    stock: dict[str, int] = field(default_factory=dict)  # inventory item gid → available
    adjustments: list[dict] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    idempotency: dict[str, dict] = field(default_factory=dict)
    # One-shot misbehaviours, consumed in order.
    throttle_times: int = 0
    fail_times: int = 0
    fail_status: int = 500
    fail_roots: set[str] = field(default_factory=set)  # 500 once for these root fields
    hang_roots: set[str] = field(default_factory=set)
    hang_seconds: float = 3.0
    user_errors: dict[str, list[dict]] = field(default_factory=dict)
    retry_after_times: int = 0
    bucket_available: float = 1990.0  # throttleStatus.currentlyAvailable in every answer

    def __post_init__(self):
        self._lock = threading.RLock()
        self._ids = itertools.count(900_001)
        self._order_numbers = itertools.count(2001)
        self._release = threading.Event()
        self.server: ThreadingHTTPServer | None = None

    # -- set-up ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeShopify:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fake._handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def add_order(self, rest: dict) -> dict:
        node = graphql_order(rest)
        with self._lock:
            self.orders[node["id"]] = node
            for item in node["lineItems"]["nodes"]:
                if item.get("variant") and item.get("sku"):
                    self.add_variant(
                        item["sku"],
                        item["variant"]["id"],
                        item["title"],
                        _amount(item["originalUnitPriceSet"]),
                    )
        return node

    def add_variant(self, sku: str, variant_gid: str, title: str, price: Decimal) -> dict:
        number = variant_gid.rsplit("/", 1)[-1]
        variant = {
            "id": variant_gid,
            "sku": sku,
            "title": title,
            "price": str(price),
            "inventoryItem": {"id": f"gid://shopify/InventoryItem/{number}"},
        }
        self.variants[sku] = variant
        self.stock.setdefault(variant["inventoryItem"]["id"], 10)
        return variant

    def roots(self) -> list[str]:
        return [r.root for r in self.requests]

    # -- HTTP -----------------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        query = body.get("query") or ""
        match = _ROOT.match(query)
        root = match[2] if match else ""
        with self._lock:
            self.requests.append(
                Recorded(h.path, dict(h.headers), root, query, body.get("variables") or {})
            )
        if h.path != f"/admin/api/{self.version}/graphql.json":
            return self._send(h, 404, {"errors": "Not Found"})
        if h.headers.get("X-Shopify-Access-Token") != self.token:
            return self._send(
                h,
                401,
                {
                    "errors": "[API] Invalid API key or access token (unrecognized login or wrong"
                    " password)"
                },
            )
        with self._lock:
            if self.throttle_times:
                self.throttle_times -= 1
                return self._send(h, 200, THROTTLED_BODY)
            if self.retry_after_times:
                self.retry_after_times -= 1
                return self._send(
                    h, 429, {"errors": "Exceeded 2 calls per second"}, {"Retry-After": "2.0"}
                )
            if self.fail_times:
                self.fail_times -= 1
                return self._send(h, self.fail_status, {"errors": "Internal Server Error"})
            if root in self.fail_roots:
                self.fail_roots.discard(root)
                return self._send(h, 500, {"errors": "Internal Server Error"})
            hang = root in self.hang_roots
            self.hang_roots.discard(root)
            try:
                answer = self._answer(root, query, body.get("variables") or {})
            except _GraphQLError as exc:
                answer = {"errors": [{"message": str(exc), "extensions": {"code": exc.code}}]}
        if hang:  # applied, but the answer comes too late for the client
            self._release.wait(self.hang_seconds)
        self._send(h, 200, answer)

    def _send(self, h, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting

    def _answer(self, root: str, query: str, variables: dict) -> dict:
        handler = getattr(self, f"_op_{root}", None)
        if handler is None:
            raise _GraphQLError(
                f"Field '{root}' doesn't exist on type 'QueryRoot'", "undefinedField"
            )
        key_match = _IDEMPOTENT.search(query)
        key = json.loads(f'"{key_match[1]}"') if key_match else None
        if key and (root, key) in self.idempotency:
            data = self.idempotency[(root, key)]
        elif root in self.user_errors:
            errors = self.user_errors.pop(root)
            field_name = "orderCancelUserErrors" if root == "orderCancel" else "userErrors"
            data = {root: {field_name: errors}}
        else:
            data = {root: handler(variables, query)}
            if key:
                self.idempotency[(root, key)] = data
        return {
            "data": data,
            "extensions": {
                "cost": {
                    "requestedQueryCost": 10,
                    "actualQueryCost": 10,
                    "throttleStatus": {
                        "maximumAvailable": 2000.0,
                        "currentlyAvailable": self.bucket_available,
                        "restoreRate": 100.0,
                    },
                }
            },
        }

    def _next_id(self) -> int:
        return next(self._ids)

    # -- queries --------------------------------------------------------------------------------

    def _op_shop(self, v, q):
        return {
            "name": SHOP_NAME,
            "myshopifyDomain": "boutique-nordique.myshopify.com",
            "currencyCode": "CAD",
        }

    def _op_orders(self, v, q):
        since = None
        found = re.search(r"updated_at:>=\s*'?([^' ]+)'?", v.get("query") or "")
        if found:
            since = found[1]
        nodes = sorted(self.orders.values(), key=lambda o: o["updatedAt"])
        if since:
            nodes = [o for o in nodes if o["updatedAt"] >= since]
        start = int(base64.b64decode(v["after"]).decode()) if v.get("after") else 0
        page = nodes[start : start + int(v.get("first") or 50)]
        end = start + len(page)
        return {
            "nodes": [_public(o) for o in page],
            "pageInfo": {
                "hasNextPage": end < len(nodes),
                "hasPreviousPage": start > 0,
                "startCursor": base64.b64encode(str(start).encode()).decode() if page else None,
                "endCursor": base64.b64encode(str(end).encode()).decode() if page else None,
            },
        }

    def _op_order(self, v, q):
        order = self.orders.get(v.get("id"))
        if order is None:
            return None
        node = _public(order)
        if "suggestedRefund" in q:
            node["suggestedRefund"] = self._suggest(order, v.get("lines") or [], v.get("shipping"))
        return node

    def _refundable(self, order: dict) -> Decimal:
        paid = sum(t["amount"] for t in order["_transactions"])
        refunded = sum(_amount(r["totalRefundedSet"]) for r in order["refunds"])
        return paid - refunded

    def _suggest(self, order: dict, lines: list[dict], shipping: bool) -> dict:
        by_id = {i["id"]: i for i in order["lineItems"]["nodes"]}
        amount = Decimal("0")
        for line in lines:
            item = by_id.get(line["lineItemId"])
            if item is None:
                continue
            unit = _amount(item["originalUnitPriceSet"])
            tax = sum(_amount(t["priceSet"]) for t in item["taxLines"]) / max(1, item["quantity"])
            amount += (unit + tax) * int(line["quantity"])
        shipping_amount = _amount(order["totalShippingPriceSet"]) if shipping else Decimal(0)
        amount = min(amount + shipping_amount, self._refundable(order)).quantize(Decimal("0.01"))
        sale = order["_transactions"][0]
        return {
            "amountSet": money(amount),
            "shipping": {"amountSet": money(shipping_amount)},
            "suggestedTransactions": [
                {
                    "gateway": sale["gateway"],
                    "kind": "SUGGESTED_REFUND",
                    "amountSet": money(amount),
                    "maximumRefundableSet": money(self._refundable(order)),
                    "parentTransaction": {"id": sale["id"]},
                }
            ],
        }

    def _op_location(self, v, q):
        return {"id": LOCATION, "name": "Entrepôt Laval"}

    def _op_draftOrders(self, v, q):
        tag = re.search(r"tag:'?([^' ]+)'?", v.get("query") or "")
        nodes = [d for d in self.drafts.values() if not tag or tag[1] in d["tags"]]
        return {"nodes": [_public(d) for d in nodes]}

    def _op_codeDiscountNodeByCode(self, v, q):
        found = self.discounts.get(v.get("code", "").upper())
        return {"id": found["id"]} if found else None

    def _op_productVariants(self, v, q):
        sku = re.search(r"sku:'?([^' ]+)'?", v.get("query") or "")
        found = self.variants.get(sku[1]) if sku else None
        return {"nodes": [found] if found else []}

    # -- mutations ------------------------------------------------------------------------------

    def _op_refundCreate(self, v, q):
        data = v["input"]
        order = self.orders.get(data["orderId"])
        if order is None:
            return {
                "refund": None,
                "userErrors": [{"field": ["orderId"], "message": "Order does not exist"}],
            }
        total = sum(Decimal(t["amount"]) for t in data.get("transactions") or ())
        if total > self._refundable(order):
            return {
                "refund": None,
                "userErrors": [
                    {
                        "field": ["transactions", "0", "amount"],
                        "message": f"Refund amount ${total} is greater than net payment"
                        f" received ${self._refundable(order)}",
                    }
                ],
            }
        by_id = {i["id"]: i for i in order["lineItems"]["nodes"]}
        for line in data.get("refundLineItems") or ():
            if line["lineItemId"] not in by_id:
                return {
                    "refund": None,
                    "userErrors": [
                        {"field": ["refundLineItems"], "message": "Line item not found"}
                    ],
                }
            if line.get("restockType") == "RETURN" and not line.get("locationId"):
                return {
                    "refund": None,
                    "userErrors": [
                        {
                            "field": ["refundLineItems", "locationId"],
                            "message": "Location is required",
                        }
                    ],
                }
        for line in data.get("refundLineItems") or ():
            if line.get("restockType") == "RETURN":
                sku = by_id[line["lineItemId"]]["sku"]
                item = self.variants[sku]["inventoryItem"]["id"]
                self.stock[item] = self.stock.get(item, 0) + int(line["quantity"])
        refund = {
            "id": f"gid://shopify/Refund/{self._next_id()}",
            "note": data.get("note"),
            "createdAt": NOW,
            "totalRefundedSet": money(total),
            "_input": data,
        }
        order["refunds"].append(refund)
        order["displayFinancialStatus"] = (
            "REFUNDED" if self._refundable(order) <= 0 else "PARTIALLY_REFUNDED"
        )
        order["updatedAt"] = NOW
        return {"refund": _public(refund), "userErrors": []}

    def _op_orderCancel(self, v, q):
        order = self.orders.get(v["orderId"])
        if order is None or order["cancelledAt"]:
            return {
                "job": None,
                "orderCancelUserErrors": [
                    {
                        "field": ["orderId"],
                        "message": "Order has already been cancelled",
                        "code": "INVALID",
                    }
                ],
            }
        order["cancelledAt"] = NOW
        order["cancelReason"] = v["reason"]
        order["_cancel"] = v
        order["updatedAt"] = NOW
        if (v.get("refundMethod") or {}).get("originalPaymentMethodsRefund"):
            left = self._refundable(order)
            order["refunds"].append(
                {
                    "id": f"gid://shopify/Refund/{self._next_id()}",
                    "note": None,
                    "createdAt": NOW,
                    "totalRefundedSet": money(left),
                }
            )
            order["displayFinancialStatus"] = "REFUNDED"
        return {
            "job": {"id": f"gid://shopify/Job/{self._next_id()}", "done": False},
            "orderCancelUserErrors": [],
        }

    def _op_orderUpdate(self, v, q):
        data = v["input"]
        order = self.orders.get(data["id"])
        if order is None:
            return {
                "order": None,
                "userErrors": [{"field": ["id"], "message": "Order does not exist"}],
            }
        address = data.get("shippingAddress") or {}
        order["shippingAddress"] = {
            "name": f"{address.get('firstName', '')} {address.get('lastName', '')}".strip(),
            "firstName": address.get("firstName"),
            "lastName": address.get("lastName"),
            "address1": address.get("address1"),
            "address2": address.get("address2"),
            "city": address.get("city"),
            "provinceCode": address.get("provinceCode"),
            "zip": address.get("zip"),
            "countryCodeV2": address.get("countryCode"),
            "phone": address.get("phone"),
        }
        order["updatedAt"] = NOW
        return {
            "order": {"id": order["id"], "shippingAddress": order["shippingAddress"]},
            "userErrors": [],
        }

    def _op_draftOrderCreate(self, v, q):
        data = v["input"]
        by_variant = {var["id"]: var for var in self.variants.values()}
        for line in data.get("lineItems") or ():
            if line.get("variantId") and line["variantId"] not in by_variant:
                return {
                    "draftOrder": None,
                    "userErrors": [
                        {
                            "field": ["lineItems", "0", "variantId"],
                            "message": "Product with ID could not be found.",
                        }
                    ],
                }
        number = len(self.drafts) + 1
        draft = {
            "id": f"gid://shopify/DraftOrder/{self._next_id()}",
            "name": f"#D{number}",
            "status": "OPEN",
            "tags": list(data.get("tags") or ()),
            "order": None,
            "_input": data,
        }
        self.drafts[draft["id"]] = draft
        return {"draftOrder": {k: draft[k] for k in ("id", "name", "status")}, "userErrors": []}

    def _op_draftOrderComplete(self, v, q):
        draft = self.drafts.get(v["id"])
        if draft is None or draft["status"] == "COMPLETED":
            return {
                "draftOrder": None,
                "userErrors": [{"field": ["id"], "message": "This order has already been paid"}],
            }
        number = next(self._order_numbers)
        order_gid = f"gid://shopify/Order/{self._next_id()}"
        draft["status"] = "COMPLETED"
        draft["order"] = {"id": order_gid, "name": f"#{number}"}
        draft["_payment_pending"] = v.get("paymentPending")
        return {"draftOrder": _public(draft), "userErrors": []}

    def _op_discountCodeBasicCreate(self, v, q):
        data = v["input"]
        code = data["code"].upper()
        if code in self.discounts:
            return {
                "codeDiscountNode": None,
                "userErrors": [
                    {
                        "field": ["basicCodeDiscount", "code"],
                        "message": "Code must be unique. Please try a different code.",
                        "code": "TAKEN",
                        "extraInfo": None,
                    }
                ],
            }
        node = {"id": f"gid://shopify/DiscountCodeNode/{self._next_id()}", "_input": data}
        self.discounts[code] = node
        return {"codeDiscountNode": {"id": node["id"]}, "userErrors": []}

    def _op_giftCardCreate(self, v, q):
        data = v["input"]
        code = data.get("code") or f"GC{self._next_id()}"
        if code.upper() in self.gift_cards:
            return {
                "giftCard": None,
                "giftCardCode": None,
                "userErrors": [
                    {
                        "field": ["input", "code"],
                        "message": "Code has already been taken",
                        "code": "TAKEN",
                    }
                ],
            }
        card = {
            "id": f"gid://shopify/GiftCard/{self._next_id()}",
            "lastCharacters": code[-4:],
            "initialValue": {"amount": data["initialValue"], "currencyCode": "CAD"},
            "_input": data,
        }
        self.gift_cards[code.upper()] = card
        return {"giftCard": _public(card), "giftCardCode": code, "userErrors": []}

    def _op_inventoryAdjustQuantities(self, v, q):
        data = v["input"]
        for change in data["changes"]:
            item = change["inventoryItemId"]
            self.stock[item] = self.stock.get(item, 0) + int(change["delta"])
        self.adjustments.append(data)
        return {
            "inventoryAdjustmentGroup": {
                "id": f"gid://shopify/InventoryAdjustmentGroup/{self._next_id()}",
                "reason": data["reason"],
            },
            "userErrors": [],
        }


class _GraphQLError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code
