"""Shared fixtures: a real Comptoir server in its own process on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.waiting import WaitTimeout, wait_until
from widget_api.domain.setup import create_admin
from widget_api.storage import Database, customers, orders

ADMIN_EMAIL = "admin@shop.test"
ADMIN_PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    db_path: Path
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    db_path: Path,
    *,
    rate_limit: int = 0,
    log_dir: Path | None = None,
    widget_origins: tuple[str, ...] = (),
    port: int | None = None,
    env: dict[str, str] | None = None,
    public_base_url: str | None = None,
) -> RunningServer:
    """Run `comptoir serve` as a separate process and wait until /health answers."""
    port = port or free_port()
    origins = [arg for origin in widget_origins for arg in ("--widget-origin", origin)]
    log_path = (log_dir or db_path.parent) / f"server-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "widget_api.cli", "serve", "--db", str(db_path),
            "--port", str(port), "--public-rate-limit", str(rate_limit), "--log-level", "warning",
            "--public-base-url", public_base_url or f"http://127.0.0.1:{port}", *origins,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, "COMPTOIR_SECURITY__SECRET_KEY": "test-secret", **(env or {})},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()}")
        return httpx.get(f"{url}/health", timeout=5).status_code == 200

    try:
        wait_until(healthy, f"the server on port {port}", log=log_path, ignore=(httpx.HTTPError,))
    except WaitTimeout:
        process.kill()
        raise
    return RunningServer(url, db_path, process, log_path)


ORDER_NUMBER = "ND-200001"
ORDER_EMAIL = "marie.tremblay@videotron.ca"


def _add_order(w) -> int:
    at = datetime(2026, 11, 2, 15, 0)
    customer_id, _ = customers.find_or_create(
        w, email=ORDER_EMAIL, name="Marie Tremblay", language="fr", at=at
    )
    return orders.insert(
        w,
        {
            "number": ORDER_NUMBER, "customer_id": customer_id, "placed_at": at,
            "subtotal_cents": 28999, "shipping_cents": 0, "gst_cents": 1450, "qst_cents": 2893,
            "total_cents": 33342, "fulfillment_status": "in_transit", "carrier": "Postes Canada",
            "tracking_number": "7023210039414604", "warehouse": "Entrepôt Saint-Hyacinthe",
            "ship_name": "Marie Tremblay", "ship_address1": "4520 rue Saint-Denis",
            "ship_city": "Montréal", "ship_province": "QC", "ship_postal_code": "H2J 2L3",
        },
        [{"sku": "PK-ALIZE-M-NOIR", "title": "Parka Alizé", "size": "M", "color": "Noir",
          "quantity": 1, "unit_price_cents": 28999}],
    )  # fmt: skip


def make_database(db_path: Path) -> None:
    """A migrated database with one administrator and one order, closed for a server to open."""
    with Database(db_path) as db:
        create_admin(db, ADMIN_EMAIL, ADMIN_PASSWORD, "Alice Admin", "fr")
        db.write(_add_order)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server with rate limiting off, on a fresh database with one admin; shared by a module."""
    db_path = tmp_path_factory.mktemp("server") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture
def api(server: RunningServer) -> Iterator[httpx.Client]:
    """An anonymous client of the server, as a customer's browser or a store would be."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def login(client: httpx.Client, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture
def admin_api(server: RunningServer) -> Iterator[httpx.Client]:
    """A client signed in as the administrator."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


# The longest test files, longest first (measured with `--durations` on a 2-core machine). They
# are run first, so that with `-n 2 --dist loadfile` the short files fill the end and neither
# worker is left alone with a long one. Only an order: a file missing here still runs.
LONGEST_FIRST = (
    "test_every_page_browser", "test_demo_today", "test_fresh_init_commands", "test_startup_errors",
    "test_dashboard_browser", "test_import_zendesk", "test_durability",
    "test_dashboard_notifications_browser",
    "test_dashboard_injection_browser", "test_full_disk", "test_openapi_fuzz",
    "test_dashboard_inbox_layout_browser", "test_rules_agent_mail",
    "test_dashboard_signin_browser", "test_dashboard_shopify_actions", "test_sla_one_computation",
    "test_own_password", "test_returns_shopify_end_to_end", "test_widget_returns_browser",
    "test_dashboard_settings_browser", "test_widget_browser", "test_demo_incidents_calendar",
    "test_no_deprecations", "test_rules_teams_webhooks", "test_privacy_redact",
    "test_demo_command", "test_returns_pages", "test_sla_live", "test_dashboard_privacy",
    "test_dashboard_order_actions", "test_clock", "test_shopify_end_to_end",
)  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__.rsplit(".", 1)[-1], len(rank)))
