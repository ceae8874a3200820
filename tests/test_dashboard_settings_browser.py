"""The widget settings page in real Chromium, in French at 1440×900: the preview draws the
chosen colour, the week view and "open now" show, and screenshots are saved in
``test-artifacts/`` (1440×900, then a taller window for the whole page)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from tests.browser import ARTIFACTS, chromium, settle, streamlit_dashboard
from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    RunningServer,
    login,
    make_database,
    start_server,
)

# Tuesday 24 November 2026, 10:30 in Toronto: open by the default hours.
PINNED = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("settings-browser") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": PINNED.isoformat()})
    with httpx.Client(base_url=running.url, timeout=20) as admin:
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        current = admin.get("/api/v1/settings/widget").json()
        body = {k: v for k, v in current.items() if k != "identity_secret_set"}
        body |= {"color": "#b5452b", "welcome_fr": "Bonjour! Une question sur une commande?"}
        assert admin.put("/api/v1/settings/widget", json=body).status_code == 200
    yield running
    running.stop()


def test_widget_settings_page_with_its_preview_in_french(server):
    from playwright.sync_api import expect

    with streamlit_dashboard(server.url, "dashboard-settings-browser.log") as url, chromium() as b:
        page = b.new_page(viewport={"width": 1440, "height": 900}, locale="fr-CA")
        try:
            page.goto(url)
            expect(page.get_by_label("Courriel")).to_be_visible(timeout=20_000)
            page.get_by_label("Courriel").fill(ADMIN_EMAIL)
            page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            link = page.get_by_role("link", name="Widget de clavardage")
            store = page.get_by_role("link", name="Boutique", exact=True)
            expect(store).to_be_visible(timeout=20_000)
            if not link.is_visible():  # the sidebar folds long lists ("View 5 more")
                page.get_by_test_id("stSidebarNavViewButton").click()
            link.click()
            main = page.get_by_test_id("stMain")
            expect(main).to_contain_text("Aperçu", timeout=20_000)
            expect(main).to_contain_text("Ouvert en ce moment")
            expect(main).to_contain_text("Bonjour! Une question sur une commande?")
            expect(main).to_contain_text(f'<script src="{server.url}/widget.js" defer></script>')
            # The preview's header and launcher are drawn in the chosen colour.
            header = page.locator(".cwp .head").first
            expect(header).to_have_css("background-color", "rgb(181, 69, 43)")
            expect(page.locator(".cwp .launcher").first).to_have_css(
                "background-color", "rgb(181, 69, 43)"
            )
            page.mouse.move(1430, 890)
            settle(page)
            page.screenshot(path=ARTIFACTS / "dashboard-widget-settings.png")
            # The rest of the page (hours, identity, embed tag): Streamlit scrolls inside its
            # own container, so a taller window shows it.
            page.set_viewport_size({"width": 1440, "height": 2300})
            page.mouse.move(1430, 2290)
            settle(page)
            page.screenshot(path=ARTIFACTS / "dashboard-widget-settings-tall.png")
            shown = main.inner_text()
            for leak in ("None", "set.widget", "welcome_fr", "business_hours", "Preview"):
                assert leak not in shown, leak

            # The SLA and return policy screens, for a look at the whole of each.
            for link_name, heading, picture in (
                ("Délais de service (SLA)", "Politiques", "dashboard-sla-settings.png"),
                ("Politique de retour", "Adresse de retour", "dashboard-return-policy.png"),
            ):
                page.get_by_role("link", name=link_name).click()
                expect(main).to_contain_text(heading, timeout=20_000)
                settle(page)
                page.screenshot(path=ARTIFACTS / picture)
                shown = main.inner_text()
                for leak in ("None", "set.", "first_reply", "original_payment", "calendar"):
                    assert leak not in shown, (picture, leak)
        except Exception:
            page.screenshot(path=ARTIFACTS / "dashboard-widget-settings-failure.png")
            raise
    assert (ARTIFACTS / "dashboard-widget-settings.png").stat().st_size > 20_000
