"""What the commerce plumbing tests share: the Comptoir app in a thread, the ``commerce``
settings written as the settings PUT will write them, and a stand-in platform client.

``StandInClient`` stands in for the Shopify connector (``widget_api.commerce.shopify``) until the
lead wires the real ``ShopifyClient`` and its fake Shopify server in at merge: it answers
``parse_webhook`` and ``orders_page`` from Shopify REST-shaped order payloads held by a
``StandInShop`` (the fake shop's data), so the webhook routes, the processor, the sync runner and
the erasure are tested through the real app. ``registry.client_for``/``backend_for`` are
monkeypatched to build it. Keep it small: the connectors' own mapping is tested by their tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.conftest import free_port, login
from tests.waiting import wait_until
from widget_api import clock
from widget_api.app import create_app
from widget_api.commerce import registry
from widget_api.commerce.local import LocalStore
from widget_api.commerce.platform import (
    DataRequest,
    DeleteOrder,
    Ignore,
    OrdersPage,
    PlatformError,
    PlatformTimeout,
    RedactCustomer,
    RedactShop,
    SyncedCustomer,
    SyncedLine,
    SyncedOrder,
    UpsertCustomer,
    UpsertOrder,
)
from widget_api.domain import secret_box
from widget_api.settings import Settings
from widget_api.storage import Database, settings_store
from widget_api.storage.events import SYSTEM

SHOP = "boutique-nordique.myshopify.com"


# -- the stand-in platform ------------------------------------------------------------------------
@dataclass
class StandInShop:
    """The platform's data and the test's knobs, shared by every client built for it."""

    orders: list[dict] = field(default_factory=list)
    page_size: int = 2
    calls: list[tuple[datetime, str | None]] = field(default_factory=list)  # orders_page calls
    parsed: list[str] = field(default_factory=list)  # topics given to parse_webhook
    hold_topics: dict[str, threading.Event] = field(default_factory=dict)
    hold_cursor: str | None = None  # orders_page waits at this cursor until released
    release: threading.Event = field(default_factory=threading.Event)
    fail_topics: dict[str, int] = field(default_factory=dict)  # topic → failures left
    page_errors: list[Exception] = field(default_factory=list)  # raised by the next calls
    clients: list[StandInClient] = field(default_factory=list)


class StandInClient:
    """Stands in for ``ShopifyClient`` (and ``WooClient``, for the signature tests) until the
    real ones and their fake servers are merged."""

    def __init__(self, cfg, shop: StandInShop):
        self.cfg, self.shop, self.platform = cfg, shop, cfg.platform
        self.closed = threading.Event()
        shop.clients.append(self)

    def _wait(self, gate: threading.Event) -> None:
        while not gate.wait(0.05):
            if self.closed.is_set():
                raise PlatformTimeout("client closed")

    def orders_page(self, since: datetime, cursor: str | None) -> OrdersPage:
        self.shop.calls.append((since, cursor))
        if self.shop.hold_cursor is not None and cursor == self.shop.hold_cursor:
            self._wait(self.shop.release)
        if self.shop.page_errors:
            raise self.shop.page_errors.pop(0)
        wanted = sorted(
            (o for o in self.shop.orders if _time(o["updated_at"]) >= since),
            key=lambda o: (o["updated_at"], o["id"]),
        )
        start = int(cursor or 0)
        end = start + self.shop.page_size
        chunk = [map_order(o) for o in wanted[start:end]]
        return OrdersPage(chunk, str(end) if end < len(wanted) else None)

    def parse_webhook(self, topic: str, payload: dict):
        self.shop.parsed.append(topic)
        if topic in self.shop.hold_topics:
            self._wait(self.shop.hold_topics[topic])
        if self.shop.fail_topics.get(topic):
            self.shop.fail_topics[topic] -= 1
            raise PlatformError("commerce.sync.error.platform", detail="stand-in failure")
        if topic in ("orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled"):
            return [UpsertOrder(map_order(payload))]
        if topic == "orders/delete":
            return [DeleteOrder(str(payload["id"]))]
        if topic == "customers/update":
            return [UpsertCustomer(map_customer(payload))]
        if topic == "customers/redact":
            customer = payload.get("customer") or {}
            orders = [str(i) for i in payload.get("orders_to_redact", [])]
            return [RedactCustomer(customer.get("email"), str(customer.get("id")), orders)]
        if topic == "shop/redact":
            return [RedactShop()]
        if topic == "customers/data_request":
            customer = payload.get("customer") or {}
            return [DataRequest(customer.get("email"), str(customer.get("id")))]
        return [Ignore(f"topic {topic} is not used")]

    def close(self) -> None:
        self.closed.set()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _cents(text: str | None) -> int:
    return int(Decimal(text or "0") * 100)


def map_customer(c: dict) -> SyncedCustomer:
    name = " ".join(filter(None, [c.get("first_name"), c.get("last_name")])) or None
    return SyncedCustomer(str(c["id"]), (c.get("email") or "").lower() or None, name,
                          c.get("phone"))  # fmt: skip


def map_order(o: dict) -> SyncedOrder:
    ship = o.get("shipping_address") or {}
    tax = _cents(o.get("total_tax"))
    return SyncedOrder(
        external_id=str(o["id"]), number=o["name"], placed_at=_time(o["created_at"]),
        updated_at=_time(o["updated_at"]), currency=o.get("currency", "CAD"),
        subtotal_cents=_cents(o.get("subtotal_price")), shipping_cents=0,
        discount_cents=_cents(o.get("total_discounts")), gst_cents=tax, qst_cents=0,
        total_cents=_cents(o.get("total_price")), financial_status=o["financial_status"],
        fulfillment_status="shipped" if o.get("fulfillment_status") == "fulfilled"
        else "unfulfilled",
        platform_financial_status=o["financial_status"],
        platform_fulfillment_status=o.get("fulfillment_status"),
        customer=map_customer(o["customer"]) if o.get("customer") else None,
        email=(o.get("email") or "").lower() or None,
        lines=[SyncedLine(str(li["id"]), li["sku"], li["title"], li["quantity"],
                          _cents(li["price"]), li.get("variant_title")) for li in o["line_items"]],
        ship_name=ship.get("name"), ship_address1=ship.get("address1"),
        ship_city=ship.get("city"), ship_province=ship.get("province_code"),
        ship_postal_code=ship.get("zip"), ship_country=ship.get("country_code") or "CA",
        ship_phone=ship.get("phone"),
    )  # fmt: skip


def shopify_order(
    order_id: int, number: int, updated_at: datetime, *, email: str = "marie.tremblay@exemple.ca",
    customer_id: int = 207119551, first: str = "Marie", last: str = "Tremblay",
    street: str = "4520 rue Saint-Denis", fulfillment: str | None = None,
    phone: str = "+15145550123", postal: str = "H2J 2L3",
) -> dict:  # fmt: skip
    """An order as Shopify's REST Admin API and order webhooks shape it (the fields used)."""
    stamp = updated_at.isoformat() + "Z"
    return {
        "id": order_id, "name": f"#{number}", "email": email, "created_at": stamp,
        "updated_at": stamp, "currency": "CAD", "subtotal_price": "199.00", "total_tax": "29.80",
        "total_discounts": "0.00", "total_price": "228.80", "financial_status": "paid",
        "fulfillment_status": fulfillment,
        "customer": {"id": customer_id, "email": email, "first_name": first, "last_name": last,
                     "phone": phone},
        "line_items": [{"id": order_id * 10 + 1, "sku": "PK-ALIZE-M-NOIR", "title": "Parka Alizé",
                        "variant_title": "M / Noir", "quantity": 1, "price": "199.00"}],
        "shipping_address": {"name": f"{first} {last}", "address1": street, "city": "Montréal",
                             "province_code": "QC", "zip": postal, "country_code": "CA",
                             "phone": phone},
    }  # fmt: skip


def use_stand_in(monkeypatch: pytest.MonkeyPatch, shop: StandInShop) -> StandInShop:
    """Make the registry build stand-in clients of ``shop`` (and the built-in returns backend)."""
    monkeypatch.setattr(registry, "client_for", lambda cfg: StandInClient(cfg, shop))
    monkeypatch.setattr(registry, "backend_for", lambda client, db: LocalStore(db))
    return shop


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> StandInShop:
    """A stand-in shop for one test (its apps may be restarted on the same shop)."""
    return use_stand_in(monkeypatch, StandInShop())


# -- the app --------------------------------------------------------------------------------------
@dataclass
class App:
    url: str
    db: Database
    state: object
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)

    @contextmanager
    def api(self) -> Iterator[httpx.Client]:
        """A client signed in as the administrator."""
        with httpx.Client(base_url=self.url, timeout=20) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            yield client

    def read(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.db.read(lambda cur: cur.execute(sql, params or []).fetchall())


def start_app(db_path: Path, now: datetime | None = None, **commerce) -> App:
    port = free_port()
    settings = Settings(
        db={"path": db_path},
        api={"port": port, "public_base_url": f"http://127.0.0.1:{port}", "public_rate_limit": 0},
        security={"secret_key": "test-secret"},
        clock={"now": now},
        commerce={"retry_seconds": 0.05, **commerce},
    )
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "uvicorn")
    return App(f"http://127.0.0.1:{port}", app.state.db, app.state, server, thread)


def connect_shopify(app: App, webhook_secret: str, sync_days: int = 90) -> None:
    """Save the ``commerce`` settings as ``PUT /api/v1/settings/commerce`` will (secrets sealed
    with secret_box; that route is on another branch), then wait for the hub to reload."""
    sealed = {name: secret_box.seal(app.db, value) for name, value in
              (("access_token", "shpat_standin"), ("webhook_secret", webhook_secret))}  # fmt: skip
    value = {"platform": "shopify", "shop_domain": SHOP, "api_version": "2025-10",
             "api_base_url": None, "sync_days": sync_days, **sealed}  # fmt: skip
    _save(app, value, webhook_secret)


def connect_woocommerce(app: App, webhook_secret: str) -> None:
    sealed = {name: secret_box.seal(app.db, value) for name, value in
              (("consumer_key", "ck_standin"), ("consumer_secret", "cs_standin"),
               ("webhook_secret", webhook_secret))}  # fmt: skip
    value = {"platform": "woocommerce", "store_url": "https://boutique.example", **sealed}
    _save(app, value, webhook_secret)


def _save(app: App, value: dict, webhook_secret: str) -> None:
    app.db.write(lambda w: settings_store.put(w, "commerce", value, SYSTEM, clock.utcnow()))
    hub = app.state.commerce
    wait_until(lambda: hub.webhook_secret(value["platform"]) == webhook_secret.encode(),
               "the commerce hub to reload")  # fmt: skip


def sign(secret: str, body: bytes) -> str:
    """For bodies without a written-down vector (the vectors are checked by openssl)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def ago(now: datetime, **delta) -> datetime:
    return now - timedelta(**delta)
