"""The agent knows without watching the inbox: in real Chromium, an assignment, a customer's
answer and an @mention each raise the count in the tab's title and show a desktop notification
(the browser's Notifications API, hooked to record calls); opening the ticket clears them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS, CHROMIUM, chromium, streamlit_dashboard
from tests.conftest import RunningServer, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
]

MARC = {"email": "marc@notify-browser.example", "name": "Marc-André Pelletier",
        "password": "marc-andre-1"}  # fmt: skip
WAIT = 60_000
# Every Notification the page creates is recorded (and still shown when the browser can).
RECORD = """
window.__notified = [];
const Real = window.Notification;
class Recorded extends Real {
  constructor(title, options) {
    window.__notified.push({title, body: (options || {}).body});
    super(title, options);
  }
}
Object.defineProperty(window, "Notification", {value: Recorded, configurable: true});
"""


@pytest.fixture(scope="module")
def dashboard_url(server: RunningServer) -> Iterator[str]:
    with streamlit_dashboard(server.url, "dashboard-notifications.log") as url:
        yield url


@pytest.fixture(scope="module")
def marc(server: RunningServer) -> dict:
    with httpx.Client(base_url=server.url, timeout=10) as admin:
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        return admin.post("/api/v1/agents", json=MARC).json()


def notified(page) -> list[dict]:
    return page.evaluate("window.__notified")


def test_assignment_answer_and_mention_show_in_the_title_and_on_the_desktop(
    server, dashboard_url, marc, api, admin_api
):
    from playwright.sync_api import expect

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-CA")
        context.grant_permissions(["notifications"], origin=dashboard_url)
        context.add_init_script(RECORD)
        page = context.new_page()
        try:
            page.goto(dashboard_url)
            page.get_by_label("Courriel").fill(MARC["email"])
            page.get_by_label("Mot de passe").fill(MARC["password"])
            page.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_text("Notifications", exact=True)).to_be_visible(timeout=WAIT)
            page.wait_for_function("window.__comptoirUnread === 0", timeout=WAIT)
            assert not page.title().startswith("(")

            opened = api.post(
                "/api/v1/tickets",
                json={"email": "chloe@example.com", "name": "Chloé Client",
                      "subject": "Mitaines trouées", "body": "Bonjour, mes mitaines sont trouées."},
            ).json()  # fmt: skip
            ref = opened["ticket_ref"]

            admin_api.patch(f"/api/v1/tickets/{ref}", json={"assignee_id": marc["id"]})
            expect(page).to_have_title(re.compile(r"^\(1\) "), timeout=WAIT)
            page.wait_for_function("window.__notified.length === 1", timeout=WAIT)
            assert notified(page)[0] == {
                "title": "Comptoir",
                "body": f"Alice Admin vous a assigné le billet {ref} : Mitaines trouées",
            }

            token = opened["conversation_token"]
            api.post(f"/api/v1/conversations/{token}/messages", json={"body": "Et alors?"})
            expect(page).to_have_title(re.compile(r"^\(2\) "), timeout=WAIT)
            page.wait_for_function("window.__notified.length === 2", timeout=WAIT)
            assert notified(page)[1]["body"] == (
                f"Chloé Client a répondu sur le billet {ref} : Mitaines trouées"
            )

            admin_api.post(
                f"/api/v1/tickets/{ref}/messages",
                json={"kind": "note", "body": "@Marc-André tu peux regarder?"},
            )
            expect(page).to_have_title(re.compile(r"^\(3\) "), timeout=WAIT)
            page.wait_for_function("window.__notified.length === 3", timeout=WAIT)
            assert notified(page)[2]["body"].startswith("Alice Admin vous a mentionné")

            with httpx.Client(base_url=server.url, timeout=10) as as_marc:
                as_marc.headers["Authorization"] = (
                    f"Bearer {login(as_marc, MARC['email'], MARC['password'])}"
                )
                assert as_marc.get("/api/v1/me/notifications/summary").json()["unread"] == 3

            # A reload keeps the count and does not pop the same notifications up again.
            page.reload()
            expect(page).to_have_title(re.compile(r"^\(3\) "), timeout=WAIT)
            page.get_by_text("Notifications (3)").click()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / "notifications-sidebar.png")
            assert notified(page) == []

            # Opening the ticket from a notification reads them: the count goes away.
            page.get_by_role("button", name=f"Ouvrir {ref}").first.click()
            expect(page.get_by_role("heading", name="Mitaines trouées")).to_be_visible(timeout=WAIT)
            expect(page).not_to_have_title(re.compile(r"^\("), timeout=WAIT)
        except Exception:
            page.screenshot(path=ARTIFACTS / "notifications-failure.png")
            raise
        finally:
            context.close()
