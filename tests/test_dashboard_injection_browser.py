"""Customer text is shown as text on every dashboard page, in real Chromium.

Markdown and HTML payloads (remote images, fake links, raw ``<img>``, bare URLs, Streamlit's
``:red[…]`` / ``:material/…:`` / emoji shortcodes, LaTeX) go into every field a customer, the
public API, a mail or a store's order feed can set; each points at an attacker host (a second
loopback address with an HTTP server that records what it receives). The agent then opens the
inbox, the tickets, returns, receiving, macros, help center, mail and agents pages: no request
may reach the attacker, and no link or image pointing at it may be in the page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.browser import ARTIFACTS, CHROMIUM, chromium, sign_in, streamlit_dashboard
from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    login,
    make_database,
    start_server,
)
from tests.fixtures.returns import shop
from widget_api.storage import Database, customers, orders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
]

EVIL_HOST = "127.0.0.2"
BUYER = "evil.buyer@example.com"
RETURNER = "jean.gagnon@example.ca"  # ND-310003 in tests/fixtures/returns/shop.json
EVIL_ORDER = "ND-666001"
EVIL_AGENT = "evil.agent@shop.test"


class Recorder(ThreadingHTTPServer):
    """The attacker's server: answers every GET with a pixel and remembers the path."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        super().__init__((EVIL_HOST, 0), _Pixel)

    @property
    def url(self) -> str:
        return f"http://{EVIL_HOST}:{self.server_address[1]}"


class _Pixel(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

    def log_message(self, *args: object) -> None:
        pass


def full(evil: str, name: str) -> str:
    """Every kind of payload at once, each with its own path so a hit names the field."""
    return (
        f"![{name}]({evil}/{name}.png) [Reset your password]({evil}/{name}/link) "
        f'<img src="{evil}/{name}/html.png"> {evil}/{name}/bare '
        f":red[rouge] :material/home: :skull: $x^2$ www.{name}.example"
    )


def short(evil: str, name: str) -> str:
    """A payload that fits the short fields (names, tags, order numbers: 64–120 characters)."""
    return f"![{name}]({evil}/{name}.png)"


@pytest.fixture(scope="module")
def attacker() -> Iterator[Recorder]:
    recorder = Recorder()
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.shutdown()
    recorder.server_close()


def _evil_order(evil: str):
    """An order whose every text comes from a store feed under the attacker's control."""

    def write(w) -> None:
        at = datetime(2026, 11, 18, 14, 30)
        customer_id, _ = customers.find_or_create(
            w, email=BUYER, name=short(evil, "order-customer"), language="fr", at=at
        )
        orders.insert(
            w,
            {
                "number": EVIL_ORDER, "customer_id": customer_id, "placed_at": at,
                "subtotal_cents": 2999, "shipping_cents": 0, "gst_cents": 150, "qst_cents": 299,
                "total_cents": 3448, "fulfillment_status": "in_transit",
                "carrier": short(evil, "carrier"), "tracking_number": short(evil, "tracking"),
                "tracking_url": "javascript:alert(1)", "warehouse": full(evil, "warehouse"),
                "ship_name": full(evil, "ship-name"), "ship_address1": full(evil, "address1"),
                "ship_address2": full(evil, "address2"), "ship_city": short(evil, "city"),
                "ship_province": "QC", "ship_postal_code": short(evil, "postal"),
                "ship_phone": short(evil, "phone"),
            },
            [{"sku": short(evil, "sku"), "title": full(evil, "line-title"),
              "size": short(evil, "size"), "color": short(evil, "color"), "quantity": 2,
              "unit_price_cents": 1499}],
        )  # fmt: skip

    return write


def _evil_mail(evil: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = f'"{short(evil, "mail-from")}" <mail.sender@example.org>'
    mail["To"] = "support@shop.test"
    mail["Subject"] = full(evil, "mail-subject")
    mail["Message-ID"] = "<injection-1@example.org>"
    mail["Date"] = format_datetime(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    mail.set_content(full(evil, "mail-body"))
    return bytes(mail)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, attacker: Recorder) -> Iterator[dict]:
    """A server of its own: the returns shop, an order from a hostile feed and a hostile mail."""
    from widget_api.mail.pipeline import MailLimits, Pipeline

    evil = attacker.url
    db_path = tmp_path_factory.mktemp("injection") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        db.write(
            lambda w: customers.find_or_create(
                w, email=RETURNER, name=short(evil, "return-customer"), language="fr",
                at=datetime(2026, 9, 1),
            )
        )  # fmt: skip
        shop.load(db, datetime.now(UTC).replace(tzinfo=None))
        db.write(_evil_order(evil))
        pipeline = Pipeline(db, "test-secret", limits=MailLimits.load(db))
        mailed = pipeline.ingest(_evil_mail(evil), source="import", acknowledge=False)
    assert mailed.ticket_ref, mailed
    running = start_server(db_path)
    yield {"server": running, "mail_ref": mailed.ticket_ref}
    running.stop()


@pytest.fixture(scope="module")
def seeded(server: dict, attacker: Recorder) -> dict:
    """Payloads through the public API and by a hostile agent account."""
    evil, running = attacker.url, server["server"]
    with (
        httpx.Client(base_url=running.url, timeout=20) as public,
        httpx.Client(base_url=running.url, timeout=20) as admin,
    ):
        admin.headers["Authorization"] = f"Bearer {login(admin)}"

        def ok(response: httpx.Response) -> dict:
            assert response.status_code < 300, response.text
            return response.json() if response.content else {}

        agent = ok(
            admin.post(
                "/api/v1/agents",
                json={
                    "email": EVIL_AGENT,
                    "name": short(evil, "agent-name"),
                    "password": "agent-pass-1",
                },
            )
        )
        main = ok(public.post("/api/v1/tickets", json={
            "email": BUYER, "name": short(evil, "customer-name"),
            "subject": full(evil, "subject")[:200], "body": full(evil, "body"),
            "order_number": EVIL_ORDER}))["ticket_ref"]  # fmt: skip
        ok(admin.patch(f"/api/v1/tickets/{main}", json={
            "tags": [short(evil, "tag")], "problem_type": short(evil, "ptype"),
            "assignee_id": agent["id"], "priority": "high"}))  # fmt: skip
        unknown = ok(
            public.post(
                "/api/v1/tickets",
                json={
                    "email": "other@example.com",
                    "subject": "Commande introuvable",
                    "body": "Ma commande?",
                    "order_number": short(evil, "order-number"),
                },
            )
        )["ticket_ref"]
        rated = ok(
            public.post(
                "/api/v1/tickets",
                json={"email": "happy@example.com", "subject": "Merci", "body": "Tout est beau."},
            )
        )
        ok(admin.patch(f"/api/v1/tickets/{rated['ticket_ref']}", json={"status": "solved"}))
        ok(
            public.post(
                f"/api/v1/conversations/{rated['conversation_token']}/csat",
                json={"score": 1, "comment": full(evil, "csat-comment")},
            )
        )
        ok(
            admin.post(
                "/api/v1/macros",
                json={
                    "name_fr": short(evil, "macro-fr"),
                    "name_en": short(evil, "macro-en"),
                    "body_fr": full(evil, "macro-body"),
                    "body_en": full(evil, "macro-body"),
                    "actions": {"add_tags": [short(evil, "macro-tag")]},
                },
            )
        )
        ok(
            admin.post(
                "/api/v1/help/admin/articles",
                json={
                    "title": full(evil, "article-title")[:200],
                    "slug": "injection",
                    "lang": "fr",
                    "category": short(evil, "category"),
                    "summary": full(evil, "summary"),
                    "body_markdown": "Texte.",
                    "status": "published",
                },
            )
        )
        ok(
            admin.post(
                "/api/v1/mail/mailboxes",
                json={
                    "name": short(evil, "mailbox"),
                    "address": "support@shop.test",
                    "imap_host": "127.0.0.1",
                    "imap_port": 9,
                    "imap_security": "none",
                    "imap_username": "support",
                    "imap_password": "secret",
                },
            )
        )
        rma = ok(
            public.post(
                "/api/v1/returns",
                json={
                    "order_number": "ND-310003",
                    "email": RETURNER,
                    "reason": "defective",
                    "outcome": "refund",
                    "lines": [{"sku": "PK-ALIZE-M-NOIR"}],
                    "comment": full(evil, "return-comment"),
                },
            )
        )["rma"]
        ok(admin.post("/api/v1/returns/scan", json={"code": rma}))
    return {"main": main, "unknown": unknown, "rated": rated["ticket_ref"], "rma": rma,
            "mail": server["mail_ref"]}  # fmt: skip


@pytest.fixture(scope="module")
def dashboard_url(server: dict) -> Iterator[str]:
    with streamlit_dashboard(server["server"].url, "dashboard-injection.log") as url:
        yield url


def test_customer_text_never_loads_or_links_to_the_attacker(
    server, seeded, dashboard_url, attacker
):
    from playwright.sync_api import expect

    running = server["server"]
    evil = attacker.url
    agent = httpx.Client(base_url=running.url, timeout=20)
    agent.headers["Authorization"] = f"Bearer {login(agent, EVIL_AGENT, 'agent-pass-1')}"
    stop = threading.Event()

    def agent_types() -> None:  # the hostile agent's name shows in the presence line
        while not stop.is_set():
            agent.post(f"/api/v1/tickets/{seeded['main']}/presence", json={"typing": True})
            stop.wait(2)

    typing = threading.Thread(target=agent_types, daemon=True)
    typing.start()
    requested: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1200}, locale="fr-CA")
        page.on("request", lambda r: requested.append(r.url) if EVIL_HOST in r.url else None)
        try:
            sign_in(page, dashboard_url, ADMIN_EMAIL, ADMIN_PASSWORD)

            def clean(where: str) -> None:
                page.mouse.move(1900, 1150)
                page.screenshot(path=ARTIFACTS / f"dashboard-injection-{where}.png", full_page=True)
                pointing = page.eval_on_selector_all(
                    f'[href*="{EVIL_HOST}"], [src*="{EVIL_HOST}"], [srcset*="{EVIL_HOST}"], '
                    'a[href^="javascript:"]',
                    "els => els.map(e => e.outerHTML.slice(0, 200))",
                )
                assert pointing == [], f"{where}: {pointing}"
                assert requested == [], f"{where}: the browser asked the attacker for {requested}"
                assert attacker.seen == [], f"{where}: the attacker was asked for {attacker.seen}"
                # Streamlit's own Markdown extras stay text too: no LaTeX, no icon, no emoji.
                assert page.locator(".katex").count() == 0, where
                icons = page.locator("[data-testid=stIconMaterial]").all_inner_texts()
                assert "home" not in icons, where
                assert "💀" not in page.inner_text("body"), where

            def go(name: str) -> None:
                page.get_by_role("link", name=name, exact=True).click()

            def open_ticket(ref: str) -> None:
                opener = page.get_by_label("Ouvrir un billet par sa référence")
                opener.fill(ref)
                opener.press("Enter")
                main = page.get_by_test_id("stMain")
                expect(main.get_by_text(ref, exact=True).first).to_be_visible(timeout=30_000)

            # The inbox: subjects, names, the hostile problem type in the views column.
            expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=30_000)
            expect(page.locator(".st-key-inbox_nav")).to_contain_text(
                "![ptype](http", timeout=30_000
            )
            clean("inbox")

            # The ticket: subject, name, body, tags, type, assignee, presence, the order panel.
            go("Billet")
            open_ticket(seeded["main"])
            expect(page.locator("h1").first).to_contain_text("![subject](http", timeout=30_000)
            expect(page.get_by_text("![agent-name](http").first).to_be_visible(timeout=30_000)
            for shown in ("![body](http", "![line-title](http", "![address1](http",
                          "![tag](http", "![carrier](http"):  # fmt: skip
                expect(page.get_by_text(shown).first).to_be_visible()
            clean("ticket")

            open_ticket(seeded["unknown"])
            expect(page.get_by_text("![order-number](http").first).to_be_visible()
            clean("ticket-unknown-order")

            open_ticket(seeded["mail"])
            expect(page.get_by_text("![mail-body](http").first).to_be_visible()
            clean("ticket-mail")

            open_ticket(seeded["rated"])
            page.get_by_text("Historique du billet").click()
            history = page.get_by_text("a créé le billet").filter(visible=True).first
            expect(history).to_be_visible(timeout=30_000)  # its sentences
            clean("ticket-csat")

            go("Retours")
            rma = seeded["rma"]
            page.locator(f".st-key-returns_open_{rma} button").first.click()
            expect(page.locator(".st-key-returns_detail")).to_contain_text(
                "![return-comment](http", timeout=30_000
            )
            expect(page.locator(".st-key-returns_detail")).to_contain_text("![return-customer](")
            clean("returns")

            go("Réception des retours")
            page.locator(f".st-key-receiving_pick_{rma} button").click()
            expect(page.locator(".st-key-receiving_current")).to_contain_text(
                "![return-comment](http", timeout=30_000
            )
            clean("receiving")

            go("Macros")
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
            clean("macros")

            go("Centre d'aide")
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
            clean("help-center")

            go("Courriel")
            main = page.get_by_test_id("stMain")  # the sidebar has its notifications expander
            mailbox = main.get_by_test_id("stExpander").first
            expect(mailbox).to_contain_text("![mailbox](http", timeout=30_000)
            mailbox.locator("summary").click()
            clean("mail")

            go("Agents")
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
            clean("agents")
        finally:
            stop.set()
            typing.join(timeout=10)
            agent.close()
            page.close()
    assert evil and attacker.seen == []
