"""The analytics, incidents, help-center and e-mail pages on the demo store: AppTest renders
each with real numbers, and real Chromium takes screenshots of the reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from data.demo_store import seed_demo
from tests.browser import ARTIFACTS, charts_drawn, chromium, sign_in, streamlit_dashboard
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login, start_server
from widget_api.domain.setup import create_admin
from widget_api.storage import Database

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
# The demo's "now", and the server's clock (the dashboard's "today" follows the server): the
# day spike detection once flagged another warehouse than the planted one.
NOW = datetime(2026, 12, 3, 8)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A server on the seeded demo store (seed 7, 3,000 tickets over the 90 days to NOW), its
    clock set to NOW."""
    db_path = tmp_path_factory.mktemp("reports") / "demo.duckdb"
    with Database(db_path) as db:
        create_admin(db, ADMIN_EMAIL, ADMIN_PASSWORD, "Alice Admin", "fr")
        seed_demo(db, seed=7, tickets=3000, now=NOW)
    server = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": NOW.isoformat()})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def token(demo_server) -> str:
    with httpx.Client(base_url=demo_server.url, timeout=30) as client:
        return login(client)


def _page(demo_server, token: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["api_url"] = demo_server.url
    at.session_state["token"] = token
    at.session_state["agent"] = {"id": 1, "role": "admin", "name": "Alice Admin",
                                 "language": "fr", "email": ADMIN_EMAIL}  # fmt: skip
    at.run()
    at.switch_page(page)
    return at.run()


def test_analytics_page_shows_the_demo_numbers(demo_server, token):
    at = _page(demo_server, token, "app_pages/analytics.py")
    assert not at.exception
    total = next(m for m in at.metric if m.label == "Billets reçus")
    assert int("".join(ch for ch in total.value if ch.isdigit())) > 500  # "1 106" in fr-CA
    assert any(d.value is not None and len(d.value) > 0 for d in at.dataframe)


def test_incidents_page_lists_the_planted_parka_incident(demo_server, token):
    at = _page(demo_server, token, "app_pages/incidents.py")
    assert not at.exception
    planted = ("PK-ALIZE-M-NOIR", "LogiPro 3PL (Laval)", "Intelcom")
    texts = [w.value.replace("\\", "") for w in at.warning]  # customer text is escaped
    assert all(any(key in text for text in texts) for key in planted), texts
    assert all(any(key in text for key in planted) for text in texts), texts  # and only they


def test_help_center_page_lists_articles_and_views(demo_server, token):
    at = _page(demo_server, token, "app_pages/help_center.py")
    assert not at.exception
    titles = set(at.dataframe[0].value["Titre"])
    assert "Faire un retour" in titles and "How to return an item" in titles


def test_mail_page_renders_for_admins(demo_server, token):
    at = _page(demo_server, token, "app_pages/mail.py")
    assert not at.exception
    assert at.title[0].value == "Courriel"


@pytest.fixture(scope="module")
def dashboard_url(demo_server) -> Iterator[str]:
    with streamlit_dashboard(demo_server.url, "reports-dashboard.log") as url:
        yield url


@pytest.mark.browser
def test_screenshots_of_the_analytics_pages(dashboard_url):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1300}, locale="fr-CA")
        sign_in(page, dashboard_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        page.get_by_role("link", name="Analytique").click()
        expect(page.get_by_text("Billets reçus")).to_be_visible(timeout=60_000)
        charts_drawn(page, minimum=3)
        page.screenshot(path=ARTIFACTS / "analytics-fr.png", full_page=True)
        page.get_by_role("link", name="Incidents récurrents").click()
        expect(page.get_by_text("PK-ALIZE-M-NOIR").first).to_be_visible(timeout=60_000)
        charts_drawn(page)
        page.screenshot(path=ARTIFACTS / "incidents-fr.png", full_page=True)
    assert (ARTIFACTS / "analytics-fr.png").stat().st_size > 50_000
