"""A fake WooCommerce store (REST API v3) on loopback, answering with the shapes WooCommerce
documents (woocommerce-rest-api-docs, wp-api-v3) and checking authentication as WooCommerce's
``WC_REST_Authentication`` does: over plain HTTP only OAuth 1.0a one-legged signatures in the
query string (HMAC-SHA1/256 with key ``consumer_secret&``, a fresh nonce, a recent timestamp);
over HTTPS ``consumer_key``/``consumer_secret`` query parameters first, then HTTP Basic.

It can misbehave once on request: a 429 with ``Retry-After``, a bare 500 (a PHP failure, not
WooCommerce's error JSON) before or after acting, or a hang: the write IS done at the store but
the answer only comes after the client gave up (the outage mid-refund). Every request is
recorded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from tests.conftest import free_port

PREFIX = "/wp-json/wc/v3/"
TPS, TVQ = Decimal("0.05"), Decimal("0.09975")


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0).isoformat()


def _enc(value: str) -> str:
    """PHP's rawurlencode (RFC 3986): everything but A-Z a-z 0-9 - _ . ~ is escaped."""
    return quote(value, safe="~")


def wc_signature(method: str, url: str, params: dict[str, str], secret: str) -> str:
    """WooCommerce's own computation (``check_oauth_signature``): parameters sorted by name,
    each name and value encoded, joined with an encoded "=" and "&", the whole after
    ``METHOD&encoded-url&``, HMAC with ``consumer_secret&``, base64."""
    signed = {k: v for k, v in params.items() if k != "oauth_signature"}
    pairs = [_enc(f"{_enc(k)}={_enc(signed[k])}") for k in sorted(signed)]
    string_to_sign = f"{method}&{_enc(url)}&{'%26'.join(pairs)}"
    algo = hashlib.sha256 if params.get("oauth_signature_method") == "HMAC-SHA256" else hashlib.sha1
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), algo).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Recorded:
    method: str
    path: str  # after /wp-json/wc/v3/ ("orders/727/refunds"), or the raw path
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class Fault:
    method: str
    path: str  # a regex matched against the recorded path
    kind: str  # "429" | "500" (before acting) | "500_after" (after acting) | "hang"
    retry_after: str = "2"
    times: int = 1


class WooError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class FakeWooCommerce:
    key: str = "ck_4f0e3a2b1c"
    secret: str = "cs_9d8c7b6a5e"
    tls_dir: Path | None = None  # a folder for a self-signed certificate: serve HTTPS
    store_name: str = "Boutique Nordique"
    drop_authorization: bool = False  # a server that strips the Authorization header
    orders: dict[int, dict] = field(default_factory=dict)
    notes: dict[int, list] = field(default_factory=dict)
    refunds: dict[int, list] = field(default_factory=dict)
    coupons: dict[int, dict] = field(default_factory=dict)
    products: dict[int, dict] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(800)
        self._nonces: set[str] = set()
        self._lock = threading.RLock()
        self._release = threading.Event()
        self.port = free_port()
        self.cert_path: Path | None = None

    # -- running ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls_dir else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> FakeWooCommerce:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._serve(self)

            do_POST = do_PUT = do_DELETE = do_GET

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        if self.tls_dir:
            self.cert_path, key_path = _self_signed(self.tls_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.cert_path, key_path)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hung answers go
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, method: str, path: str, kind: str, **kwargs: Any) -> None:
        self.faults.append(Fault(method, path, kind, **kwargs))

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(path, r.path)]

    # -- seeding ------------------------------------------------------------------------------

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def add_product(
        self,
        sku: str,
        name: str,
        price: str,
        *,
        stock: int | None = 10,
        parent_id: int = 0,
        attributes: dict[str, str] | None = None,
    ) -> dict:
        """A simple product, or a variation of ``parent_id`` (with its ``attributes``)."""
        pid = self.next_id()
        product = {
            "id": pid,
            "name": name,
            "type": "variation" if parent_id else "simple",
            "parent_id": parent_id,
            "sku": sku,
            "price": price,
            "regular_price": price,
            "manage_stock": stock is not None,
            "stock_quantity": stock,
            "stock_status": "instock" if (stock or 0) > 0 else "outofstock",
            "attributes": [{"name": k, "option": v} for k, v in (attributes or {}).items()],
        }
        self.products[pid] = product
        return product

    def add_order(
        self,
        items: list[tuple[dict, int]],
        *,
        status: str = "processing",
        customer_id: int = 42,
        email: str = "julie.tremblay@example.ca",
        modified: str | None = None,
        shipping_total: str = "12.00",
        meta_data: list[dict] | None = None,
    ) -> dict:
        """An order of (product, quantity) taxed in Québec (TPS 5 %, TVQ 9,975 %), shaped as
        ``GET orders/{id}`` answers."""
        order_id = self.next_id()
        created = modified or _now()
        order = {
            "id": order_id,
            "parent_id": 0,
            "number": str(order_id),
            "order_key": f"wc_order_{order_id:x}",
            "created_via": "checkout",
            "version": "8.9.1",
            "status": status,
            "currency": "CAD",
            "date_created": created,
            "date_created_gmt": created,
            "date_modified": modified or created,
            "date_modified_gmt": modified or created,
            "discount_total": "0.00",
            "discount_tax": "0.00",
            "prices_include_tax": False,
            "customer_id": customer_id,
            "customer_ip_address": "",
            "customer_user_agent": "",
            "customer_note": "",
            "billing": {
                "first_name": "Julie",
                "last_name": "Tremblay",
                "company": "",
                "address_1": "1234, rue Saint-Denis",
                "address_2": "app. 3",
                "city": "Montréal",
                "state": "QC",
                "postcode": "H2X 3K8",
                "country": "CA",
                "email": email,
                "phone": "514-555-0199",
            },
            "shipping": {
                "first_name": "Julie",
                "last_name": "Tremblay",
                "company": "",
                "address_1": "1234, rue Saint-Denis",
                "address_2": "app. 3",
                "city": "Montréal",
                "state": "QC",
                "postcode": "H2X 3K8",
                "country": "CA",
                "phone": "",
            },
            "payment_method": "stripe",
            "payment_method_title": "Carte de crédit (Stripe)",
            "transaction_id": "ch_3P",
            "date_paid": created if status != "pending" else None,
            "date_paid_gmt": created if status != "pending" else None,
            "date_completed": None,
            "date_completed_gmt": None,
            "cart_hash": "",
            "meta_data": [dict(m, id=self.next_id()) for m in meta_data or ()],
            "line_items": [],
            "tax_lines": [],
            "shipping_lines": [],
            "fee_lines": [],
            "coupon_lines": [],
            "refunds": [],
        }
        order["line_items"] = [self._line(p, q) for p, q in items]
        shipping = Decimal(shipping_total)
        order["shipping_lines"] = [
            {
                "id": self.next_id(),
                "method_title": "Postes Canada",
                "method_id": "flat_rate",
                "total": shipping_total,
                "total_tax": _money(shipping * (TPS + TVQ)),
                "taxes": [
                    {"id": 1, "total": _money(shipping * TPS), "subtotal": ""},
                    {"id": 2, "total": _money(shipping * TVQ), "subtotal": ""},
                ],
                "meta_data": [],
            }
        ]
        self._totals(order)
        with self._lock:
            self.orders[order_id] = order
            self.notes[order_id], self.refunds[order_id] = [], []
        return order

    def _line(self, product: dict, quantity: int, total: str | None = None) -> dict:
        price = Decimal(product.get("price") or "0")
        amount = Decimal(total) if total is not None else price * quantity
        parent = self.products.get(product.get("parent_id") or 0)
        name = product["name"]
        meta = [
            {
                "id": self.next_id(),
                "key": f"pa_{a['name'].lower()}",
                "value": a["option"].lower(),
                "display_key": a["name"],
                "display_value": a["option"],
            }
            for a in product.get("attributes") or ()
        ]
        return {
            "id": self.next_id(),
            "name": name,
            "product_id": parent["id"] if parent else product["id"],
            "variation_id": product["id"] if parent else 0,
            "quantity": quantity,
            "tax_class": "",
            "subtotal": _money(amount),
            "subtotal_tax": _money(amount * (TPS + TVQ)),
            "total": _money(amount),
            "total_tax": _money(amount * (TPS + TVQ)),
            "taxes": [
                {"id": 1, "total": _money(amount * TPS), "subtotal": _money(amount * TPS)},
                {"id": 2, "total": _money(amount * TVQ), "subtotal": _money(amount * TVQ)},
            ],
            "meta_data": meta,
            "sku": product.get("sku") or "",
            "price": float(price),
        }

    def _totals(self, order: dict) -> None:
        tps = tvq = Decimal(0)
        for line in [*order["line_items"], *order["shipping_lines"]]:
            for tax in line["taxes"]:
                if tax["id"] == 1:
                    tps += Decimal(tax["total"])
                else:
                    tvq += Decimal(tax["total"])
        ship = sum((Decimal(s["total"]) for s in order["shipping_lines"]), Decimal(0))
        ship_tps = sum(
            (
                Decimal(t["total"])
                for s in order["shipping_lines"]
                for t in s["taxes"]
                if t["id"] == 1
            ),
            Decimal(0),
        )
        ship_tvq = sum(
            (
                Decimal(t["total"])
                for s in order["shipping_lines"]
                for t in s["taxes"]
                if t["id"] == 2
            ),
            Decimal(0),
        )
        items = sum((Decimal(li["total"]) for li in order["line_items"]), Decimal(0))
        order["tax_lines"] = [
            {
                "id": self.next_id(),
                "rate_code": "CA-QC-TPS-1",
                "rate_id": 1,
                "label": "TPS",
                "compound": False,
                "tax_total": _money(tps - ship_tps),
                "shipping_tax_total": _money(ship_tps),
                "rate_percent": 5,
                "meta_data": [],
            },
            {
                "id": self.next_id(),
                "rate_code": "CA-QC-TVQ-2",
                "rate_id": 2,
                "label": "TVQ",
                "compound": False,
                "tax_total": _money(tvq - ship_tvq),
                "shipping_tax_total": _money(ship_tvq),
                "rate_percent": 9.975,
                "meta_data": [],
            },
        ]
        order["shipping_total"] = _money(ship)
        order["shipping_tax"] = _money(ship_tps + ship_tvq)
        order["cart_tax"] = _money(tps + tvq - ship_tps - ship_tvq)
        order["total_tax"] = _money(tps + tvq)
        order["total"] = _money(items + ship + tps + tvq)

    # -- serving ------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        path = parts.path[len(PREFIX) :] if parts.path.startswith(PREFIX) else parts.path
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(Recorded(handler.command, path, query, body, headers))
        if parts.path.rstrip("/") == "/wp-json":
            return self._answer(handler, 200, self._index())
        fault = self._take_fault(handler.command, path)
        if fault and fault.kind == "429":
            return self._answer(
                handler, 429, "Too Many Requests", {"Retry-After": fault.retry_after}
            )
        if fault and fault.kind == "500":
            return self._answer(handler, 500, "<html><body>Internal Server Error</body></html>")
        try:
            if not parts.path.startswith(PREFIX):
                raise WooError(
                    404, "rest_no_route", "No route was found matching the URL and request method"
                )
            self._authenticate(handler.command, parts.path, query, headers)
            with self._lock:
                status, answer, extra = self._route(handler.command, path, query, body)
        except WooError as err:
            status, extra = err.status, {}
            answer = {"code": err.code, "message": err.message, "data": {"status": err.status}}
        if fault and fault.kind == "500_after":  # done at the store, then PHP fails
            return self._answer(handler, 500, "<html><body>Internal Server Error</body></html>")
        if fault and fault.kind == "hang":  # done at the store; the answer comes too late
            self._release.wait(timeout=60)
        self._answer(handler, status, answer, extra)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method == method and re.fullmatch(fault.path, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _answer(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            handler.send_response(status)
            kind = "text/html" if isinstance(body, str) else "application/json; charset=UTF-8"
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (timeout)

    def _index(self) -> dict:
        return {
            "name": self.store_name,
            "description": "Vêtements d’hiver",
            "url": self.url,
            "home": self.url,
            "gmt_offset": "-5",
            "timezone_string": "America/Toronto",
            "namespaces": ["oembed/1.0", "wc/v3", "wp/v2"],
            "authentication": [],
            "routes": {},
        }

    # -- authentication (WC_REST_Authentication) ----------------------------------------------

    def _authenticate(self, method: str, path: str, query: dict, headers: dict) -> None:
        cannot = WooError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        if self.tls_dir:
            key, secret = query.get("consumer_key"), query.get("consumer_secret")
            auth = headers.get("authorization", "")
            if not key and auth.startswith("Basic ") and not self.drop_authorization:
                key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            if not key or not secret or key != self.key:
                raise cannot  # no user found: WooCommerce answers as if unauthenticated
            if not hmac.compare_digest(secret, self.secret):
                raise WooError(
                    401, "woocommerce_rest_authentication_error", "Consumer secret is invalid."
                )
            return
        # Plain HTTP: Basic auth is never looked at, only OAuth 1.0a.
        names = (
            "oauth_consumer_key",
            "oauth_timestamp",
            "oauth_nonce",
            "oauth_signature",
            "oauth_signature_method",
        )
        missing = [n for n in names if not query.get(n)]
        if len(missing) == len(names):
            raise cannot
        if missing:
            raise WooError(
                401,
                "woocommerce_rest_authentication_missing_parameter",
                f"Missing OAuth parameters {', '.join(missing)}",
            )
        if query["oauth_consumer_key"] != self.key:
            raise WooError(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if query["oauth_signature_method"] not in ("HMAC-SHA1", "HMAC-SHA256"):
            raise WooError(
                401,
                "woocommerce_rest_authentication_error",
                "Invalid signature - signature method is invalid.",
            )
        expected = wc_signature(method, f"http://127.0.0.1:{self.port}{path}", query, self.secret)
        if not hmac.compare_digest(expected, query["oauth_signature"]):
            raise WooError(
                401,
                "woocommerce_rest_authentication_error",
                "Invalid signature - provided signature does not match.",
            )
        if abs(time.time() - int(query["oauth_timestamp"])) > 15 * 60:
            raise WooError(401, "woocommerce_rest_authentication_error", "Invalid timestamp.")
        with self._lock:
            if query["oauth_nonce"] in self._nonces:
                raise WooError(
                    401,
                    "woocommerce_rest_authentication_error",
                    "Invalid nonce - nonce has already been used.",
                )
            self._nonces.add(query["oauth_nonce"])

    # -- the REST routes ----------------------------------------------------------------------

    def _route(self, method: str, path: str, query: dict, body: Any) -> tuple[int, Any, dict]:
        body = body if isinstance(body, dict) else {}
        m = re.fullmatch(r"orders/(\d+)(?:/(refunds|notes))?", path)
        if path == "system_status" and method == "GET":
            return 200, self._system_status(), {}
        if path == "orders" and method == "GET":
            return self._list(self._orders(query), query)
        if path == "orders" and method == "POST":
            return 201, self._create_order(body), {}
        if m:
            order = self.orders.get(int(m[1]))
            if order is None:
                raise WooError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            if m[2] is None and method == "GET":
                return 200, order, {}
            if m[2] is None and method == "PUT":
                return 200, self._update_order(order, body), {}
            if m[2] == "refunds" and method == "GET":
                return self._list(list(reversed(self.refunds[order["id"]])), query)
            if m[2] == "refunds" and method == "POST":
                return 201, self._refund(order, body), {}
            if m[2] == "notes" and method == "GET":
                return 200, list(reversed(self.notes[order["id"]])), {}
            if m[2] == "notes" and method == "POST":
                note = {
                    "id": self.next_id(),
                    "author": "Comptoir",
                    "date_created": _now(),
                    "date_created_gmt": _now(),
                    "note": body.get("note", ""),
                    "customer_note": bool(body.get("customer_note")),
                }
                self.notes[order["id"]].append(note)
                return 201, note, {}
        if path == "coupons" and method == "GET":
            code = (query.get("code") or "").lower()
            found = [c for c in self.coupons.values() if not code or c["code"] == code]
            return self._list(found, query)
        if path == "coupons" and method == "POST":
            return 201, self._coupon(body), {}
        if path == "products" and method == "GET":
            skus = set(filter(None, (query.get("sku") or "").split(",")))
            found = [p for p in self.products.values() if not skus or p["sku"] in skus]
            return self._list(found, query)
        m = re.fullmatch(r"products/(\d+)(?:/variations/(\d+))?", path)
        if m:
            product = self.products.get(int(m[2] or m[1]))
            if product is None or (m[2] and product["parent_id"] != int(m[1])):
                raise WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
            if method == "PUT" and "stock_quantity" in body:
                product["stock_quantity"] = int(body["stock_quantity"])
            return 200, product, {}
        raise WooError(
            404, "rest_no_route", "No route was found matching the URL and request method"
        )

    def _list(self, items: list, query: dict) -> tuple[int, list, dict]:
        per_page = int(query.get("per_page") or 10)
        if not 1 <= per_page <= 100:
            raise WooError(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        page = int(query.get("page") or 1)
        pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        return 200, chunk, {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}

    def _orders(self, query: dict) -> list[dict]:
        found = [o for o in self.orders.values() if o["status"] != "trash"]
        if query.get("modified_after"):
            after = query["modified_after"][:19]
            found = [o for o in found if o["date_modified_gmt"] >= after]
        if query.get("parent"):
            parents = {int(p) for p in query["parent"].split(",")}
            found = [o for o in found if o["parent_id"] in parents]
        if query.get("status") not in (None, "", "any"):
            found = [o for o in found if o["status"] == query["status"]]
        sort = {"modified": "date_modified_gmt", "id": "id"}.get(
            query.get("orderby", ""), "date_created_gmt"
        )
        found.sort(key=lambda o: (o[sort], o["id"]), reverse=query.get("order", "desc") == "desc")
        return found

    def _system_status(self) -> dict:
        return {
            "environment": {
                "home_url": self.url,
                "site_url": self.url,
                "version": "8.9.1",
                "wp_version": "6.5.3",
                "wp_multisite": False,
                "language": "fr_CA",
            },
            "database": {"wc_database_version": "8.9.1"},
            "active_plugins": [],
            "theme": {},
            "settings": {
                "api_enabled": True,
                "force_ssl": bool(self.tls_dir),
                "currency": "CAD",
                "currency_symbol": "&#36;",
                "number_of_decimals": 2,
            },
            "security": {"secure_connection": bool(self.tls_dir), "hide_errors": True},
            "pages": [],
        }

    def _meta(self, target: dict, entries: list[dict]) -> None:
        """WooCommerce's ``meta_data`` update: an entry with a known key replaces its value."""
        for entry in entries or ():
            for existing in target["meta_data"]:
                if existing["key"] == entry["key"]:
                    existing["value"] = entry["value"]
                    break
            else:
                target["meta_data"].append({"id": self.next_id(), **entry})

    def _touch(self, order: dict) -> None:
        order["date_modified"] = order["date_modified_gmt"] = _now()

    def _update_order(self, order: dict, body: dict) -> dict:
        for part in ("shipping", "billing"):
            order[part].update(body.get(part) or {})
        self._meta(order, body.get("meta_data"))
        if body.get("status"):
            order["status"] = body["status"]
            if body["status"] == "completed":
                order["date_completed"] = order["date_completed_gmt"] = _now()
        self._touch(order)
        return order

    def _create_order(self, body: dict) -> dict:
        items = []
        for item in body.get("line_items") or ():
            product = self.products.get(
                int(item.get("variation_id") or item.get("product_id") or 0)
            )
            product = product or {"id": 0, "name": item.get("name", ""), "price": "0"}
            items.append((product, int(item.get("quantity") or 1), item.get("total")))
        order = self.add_order(
            [],
            status=body.get("status") or "pending",
            customer_id=int(body.get("customer_id") or 0),
            shipping_total="0.00",
        )
        order["line_items"] = [self._line(p, q, total) for p, q, total in items]
        order["shipping_lines"] = [
            {
                "id": self.next_id(),
                "method_title": s.get("method_title", ""),
                "method_id": s.get("method_id", ""),
                "total": s.get("total") or "0.00",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            }
            for s in body.get("shipping_lines") or ()
        ]
        order["parent_id"] = int(body.get("parent_id") or 0)
        order["billing"].update(body.get("billing") or {})
        order["shipping"].update(body.get("shipping") or {})
        self._meta(order, body.get("meta_data"))
        if body.get("set_paid"):
            order["date_paid"] = order["date_paid_gmt"] = _now()
            order["status"] = body.get("status") or "processing"
        self._totals(order)
        return order

    def _refund(self, order: dict, body: dict) -> dict:
        amount = Decimal(str(body.get("amount") or "0"))
        if amount <= 0:
            raise WooError(
                400,
                "woocommerce_rest_invalid_order_refund",
                "Refund amount must be greater than zero.",
            )
        refunded = sum((Decimal(r["amount"]) for r in self.refunds[order["id"]]), Decimal(0))
        if amount > Decimal(order["total"]) - refunded:
            # WooCommerce sends wc_create_refund's refusal with status 500.
            raise WooError(
                500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount."
            )
        lines = {li["id"]: li for li in [*order["line_items"], *order["shipping_lines"]]}
        refund_lines = []
        for item in body.get("line_items") or ():
            line = lines.get(int(item["id"]))
            if line is None:
                continue
            refund_lines.append(
                {
                    "id": self.next_id(),
                    "name": line.get("name") or line.get("method_title"),
                    "product_id": line.get("product_id", 0),
                    "quantity": -int(item.get("quantity") or 0),
                    "total": f"-{Decimal(str(item.get('refund_total') or '0')):.2f}",
                    "taxes": [
                        {"id": t["id"], "total": f"-{Decimal(str(t['refund_total'])):.2f}"}
                        for t in item.get("refund_tax") or ()
                    ],
                    "sku": line.get("sku", ""),
                }
            )
            if body.get("restock_items") and line.get("product_id"):
                product = self.products.get(line.get("variation_id") or line["product_id"])
                if product and product["manage_stock"]:
                    product["stock_quantity"] += int(item.get("quantity") or 0)
        refund = {
            "id": self.next_id(),
            "date_created": _now(),
            "date_created_gmt": _now(),
            "amount": _money(amount),
            "reason": body.get("reason", ""),
            "refunded_by": 1,
            "refunded_payment": bool(body.get("api_refund", True)),
            "meta_data": [],
            "line_items": refund_lines,
        }
        self._meta(refund, body.get("meta_data"))
        self.refunds[order["id"]].append(refund)
        order["refunds"].append(
            {"id": refund["id"], "reason": refund["reason"], "total": f"-{refund['amount']}"}
        )
        if refunded + amount >= Decimal(order["total"]):
            order["status"] = "refunded"
        self._touch(order)
        return refund

    def _coupon(self, body: dict) -> dict:
        code = str(body.get("code") or "").strip().lower()  # WooCommerce lower-cases codes
        if not code:
            raise WooError(
                400, "woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty."
            )
        if any(c["code"] == code for c in self.coupons.values()):
            raise WooError(
                400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists"
            )
        if body.get("discount_type", "fixed_cart") not in (
            "percent",
            "fixed_cart",
            "fixed_product",
        ):
            raise WooError(400, "rest_invalid_param", "Invalid parameter(s): discount_type")
        coupon = {
            "id": self.next_id(),
            "code": code,
            "amount": body.get("amount", "0"),
            "date_created": _now(),
            "date_created_gmt": _now(),
            "discount_type": body.get("discount_type", "fixed_cart"),
            "description": body.get("description", ""),
            "usage_count": 0,
            "individual_use": bool(body.get("individual_use")),
            "usage_limit": body.get("usage_limit"),
            "usage_limit_per_user": body.get("usage_limit_per_user"),
            "email_restrictions": body.get("email_restrictions") or [],
            "used_by": [],
            "meta_data": [],
        }
        self._meta(coupon, body.get("meta_data"))
        self.coupons[coupon["id"]] = coupon
        return coupon


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 the test client trusts (``verify=fake.cert_path``)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "woo-cert.pem", folder / "woo-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
