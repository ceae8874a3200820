"""The inbox fits the screen, in real Chromium: at 1440×900 and 1366×768 the ticket grid scrolls
no sideways and the view counts are whole; a click on a ticket's row opens it; on a phone
(390×844) the tickets come before the views, which sit in a selector."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS, CHROMIUM, chromium, settle, streamlit_dashboard
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, RunningServer, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
]
WAIT = 30_000
GRID = '[data-testid="stDataFrame"]'


@pytest.fixture(scope="module")
def dashboard_url(server: RunningServer) -> Iterator[str]:
    with streamlit_dashboard(server.url, "dashboard-inbox-layout.log") as url:
        yield url


@pytest.fixture(scope="module")
def seeded(server: RunningServer) -> list[str]:
    """Tickets with long names and subjects, assigned, typed and prioritised."""
    refs = []
    with httpx.Client(base_url=server.url, timeout=10) as admin:
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        me = admin.get("/api/v1/me").json()
        for i in range(6):
            ref = admin.post(
                "/api/v1/tickets",
                json={"email": f"client{i}@exemple.ca", "name": f"Marie-Ève Gagnon-Tremblay {i}",
                      "subject": f"Échange de taille pour une parka d'hiver Kamouraska no {i}",
                      "body": "Bonjour, je voudrais échanger ma parka contre une plus grande."},
            ).json()["ticket_ref"]  # fmt: skip
            admin.patch(
                f"/api/v1/tickets/{ref}",
                json={"assignee_id": me["id"], "priority": "urgent", "status": "open",
                      "problem_type": "wrong_item"},
            )  # fmt: skip
            refs.append(ref)
    return refs


def _signed_in(page, dashboard_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(dashboard_url)
    page.get_by_label("Courriel").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(GRID)).to_be_visible(timeout=WAIT)


def _overflow(page) -> dict:
    """How far the grid and the view buttons' labels are wider than their boxes (px)."""
    return page.evaluate(
        """grid => {
          const g = document.querySelector(grid);
          const scroller = g.querySelector('.dvn-scroller') || g;
          const labels = [...document.querySelectorAll('.st-key-inbox_nav button p')];
          return {
            grid: scroller.scrollWidth - scroller.clientWidth,
            grid_box: g.getBoundingClientRect().right - document.querySelector(
                '[data-testid="stMain"]').getBoundingClientRect().right,
            labels: Math.max(0, ...labels.map(p => p.scrollWidth - p.clientWidth)),
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          };
        }""",
        GRID,
    )


@pytest.mark.parametrize("width, height", [(1440, 900), (1366, 768)])
def test_the_inbox_fits_without_sideways_scrolling(server, seeded, dashboard_url, width, height):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height}, locale="fr-CA")
        try:
            _signed_in(page, dashboard_url)
            settle(page)
            page.screenshot(path=ARTIFACTS / f"inbox-layout-{width}.png")
            seen = _overflow(page)
            assert seen["grid"] <= 1, seen
            assert seen["grid_box"] <= 1, seen
            assert seen["labels"] <= 1, seen
            assert seen["page"] <= 1, seen
        except Exception:
            page.screenshot(path=ARTIFACTS / f"inbox-layout-{width}-failure.png")
            raise


def test_a_click_on_a_row_opens_its_ticket(server, seeded, dashboard_url):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-CA")
        try:
            _signed_in(page, dashboard_url)
            box = page.locator(GRID).bounding_box()
            # The first row's subject cell (the grid is a canvas: click where it is drawn).
            page.mouse.click(box["x"] + 200, box["y"] + 35 + 17)
            expect(page.get_by_role("heading", name="Échange de taille")).to_be_visible(
                timeout=WAIT
            )
            assert "ref=" in page.url
        except Exception:
            page.screenshot(path=ARTIFACTS / "inbox-row-click-failure.png")
            raise


def test_on_a_phone_the_tickets_come_before_the_views(server, seeded, dashboard_url):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-CA")
        try:
            _signed_in(page, dashboard_url)
            settle(page)
            page.screenshot(path=ARTIFACTS / "inbox-layout-phone.png", full_page=True)
            grid_top = page.locator(GRID).bounding_box()["y"]
            picker = page.locator(".st-key-inbox_view_picker")
            assert picker.is_visible()
            assert picker.bounding_box()["y"] < grid_top
            assert not page.locator(".st-key-inbox_nav").is_visible()
            assert grid_top < 844  # the tickets start on the first screen
        except Exception:
            page.screenshot(path=ARTIFACTS / "inbox-layout-phone-failure.png", full_page=True)
            raise


def test_keys_move_through_the_view_and_focus_the_reply_box(server, seeded, dashboard_url):
    """In the inbox J opens the view's first ticket; in a ticket J opens the next one of the
    view, K the previous one, E focuses the reply box, and letters typed there stay text."""
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-CA")
        try:
            _signed_in(page, dashboard_url)
            expect(page.locator(".st-key-inbox_keys")).to_be_visible(timeout=WAIT)
            page.evaluate("document.activeElement && document.activeElement.blur()")  # no field
            page.keyboard.press("j")  # the inbox: the view's first ticket
            expect(page.get_by_text("Billet 1 sur")).to_be_visible(timeout=WAIT)
            first = page.url
            page.evaluate("document.activeElement && document.activeElement.blur()")
            page.keyboard.press("j")
            expect(page.get_by_text("Billet 2 sur")).to_be_visible(timeout=WAIT)
            assert page.url != first
            page.keyboard.press("k")
            expect(page.get_by_text("Billet 1 sur")).to_be_visible(timeout=WAIT)
            page.keyboard.press("e")
            ref = re.search(r"ref=(\w+)", first).group(1)
            reply_box = page.locator(f".st-key-ticket_draft_{ref} textarea")
            expect(reply_box).to_be_focused(timeout=WAIT)
            page.keyboard.type("je")
            expect(reply_box).to_have_value("je")
            settle(page)
            expect(page.get_by_text("Billet 1 sur")).to_be_visible()
            assert page.url == first
            page.screenshot(path=ARTIFACTS / "ticket-keys.png")
        except Exception:
            page.screenshot(path=ARTIFACTS / "ticket-keys-failure.png")
            raise
