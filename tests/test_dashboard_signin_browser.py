"""Signed in across reloads and tabs, deep links after sign-in, sign-out everywhere: the real
dashboard (``streamlit run dashboard/serve.py``) against a real server, in real Chromium."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS, CHROMIUM, chromium, streamlit_dashboard
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, RunningServer, login
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
]

COOKIE = "comptoir_session"
WAIT = 30_000


@pytest.fixture(scope="module")
def dashboard_url(server: RunningServer) -> Iterator[str]:
    with streamlit_dashboard(server.url, "dashboard-signin.log") as url:
        yield url


@pytest.fixture(scope="module")
def ticket_ref(server: RunningServer) -> str:
    answer = httpx.post(
        f"{server.url}/api/v1/tickets",
        json={"email": "lien@example.com", "name": "Lina Lien", "subject": "Lien direct",
              "body": "Bonjour, où en est ma commande?"},
    )  # fmt: skip
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["ticket_ref"]


@pytest.fixture
def browser() -> Iterator:
    with chromium() as running:
        yield running


def new_context(browser):
    return browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-CA")


def sign_in_form(page):
    from playwright.sync_api import expect

    # One form: while Streamlit reruns, the page being replaced may still show its own.
    expect(page.get_by_label("Courriel")).to_have_count(1, timeout=WAIT)
    expect(page.get_by_label("Courriel")).to_be_visible(timeout=WAIT)


def submit_sign_in(page) -> None:
    sign_in_form(page)
    page.get_by_label("Courriel").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def signed_in(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible(timeout=WAIT)


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def kept(context) -> dict:
    return wait_until(lambda: session_cookie(context), "the session cookie", timeout=60)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"signin-{name}.png")


def test_reload_and_new_tab_stay_signed_in_with_an_httponly_cookie(browser, dashboard_url):
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(dashboard_url)
        submit_sign_in(page)
        signed_in(page)
        cookie = kept(context)
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["expires"] > 0  # lives as long as the token, not only the tab
        assert COOKIE not in page.evaluate("document.cookie")  # scripts cannot read it
        assert cookie["value"] not in page.url

        page.reload()
        signed_in(page)
        assert page.get_by_label("Courriel").count() == 0

        second = context.new_page()
        second.goto(dashboard_url)
        signed_in(second)
        shot(second, "second-tab")
    except Exception:
        shot(page, "reload-failure")
        raise
    finally:
        context.close()


def test_analytics_deep_link_opens_analytics_after_sign_in(browser, dashboard_url):
    from playwright.sync_api import expect

    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(f"{dashboard_url}/analytics")
        submit_sign_in(page)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Analytique")).to_be_visible(timeout=WAIT)
        assert page.url.rstrip("/").endswith("/analytics")
        kept(context)
        page.reload()  # signed in now: the deep link opens straight away
        expect(main.get_by_role("heading", name="Analytique")).to_be_visible(timeout=WAIT)
        shot(page, "analytics-deep-link")
    except Exception:
        shot(page, "analytics-failure")
        raise
    finally:
        context.close()


def test_ticket_deep_link_opens_the_ticket_after_sign_in(browser, dashboard_url, ticket_ref):
    from playwright.sync_api import expect

    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(f"{dashboard_url}/ticket?ref={ticket_ref}")
        submit_sign_in(page)
        heading = page.get_by_role("heading", name="Lien direct")
        expect(heading).to_be_visible(timeout=WAIT)
        assert f"ref={ticket_ref}" in page.url
        kept(context)
        other = context.new_page()  # a shared link, in a tab already signed in
        other.goto(f"{dashboard_url}/ticket?ref={ticket_ref}")
        expect(other.get_by_role("heading", name="Lien direct")).to_be_visible(timeout=WAIT)
        shot(other, "ticket-deep-link")
    except Exception:
        shot(page, "ticket-failure")
        raise
    finally:
        context.close()


def test_sign_out_in_one_tab_signs_the_other_out_at_its_next_action(browser, dashboard_url, server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    context = new_context(browser)
    first = context.new_page()
    try:
        first.goto(dashboard_url)
        submit_sign_in(first)
        signed_in(first)
        token = kept(context)["value"]
        second = context.new_page()
        second.goto(dashboard_url)
        signed_in(second)

        first.get_by_role("button", name="Se déconnecter").click()
        sign_in_form(first)
        wait_until(lambda: session_cookie(context) is None, "the cookie cleared", timeout=60)
        # Revoked on the server, not only forgotten by this browser.
        me = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401

        # Its next action (a click, or the notification poll, whichever comes first).
        with contextlib.suppress(PlaywrightTimeout):
            second.get_by_role("link", name="Billet").click(timeout=5_000)
        sign_in_form(second)
        expect(second.get_by_text("Votre session a expiré")).to_be_visible()
        shot(second, "other-tab-signed-out")
        second.reload()
        sign_in_form(second)
    except Exception:
        shot(first, "sign-out-failure")
        raise
    finally:
        context.close()


@pytest.mark.parametrize("how", ["revoked", "unknown"])
def test_a_revoked_or_unknown_session_cookie_shows_the_sign_in_form(
    browser, dashboard_url, server, how
):
    from playwright.sync_api import expect

    context = new_context(browser)
    page = context.new_page()
    try:
        if how == "revoked":
            with httpx.Client(base_url=server.url) as api:
                token = login(api)
                api.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
        else:
            token = "not-a-token-the-server-ever-gave"
        dead = {"name": COOKIE, "value": token, "url": dashboard_url, "httpOnly": True}
        context.add_cookies([{**dead, "sameSite": "Strict"}])
        page.goto(f"{dashboard_url}/analytics")
        sign_in_form(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        # The dead cookie is cleared, and signing in still lands where the link pointed.
        wait_until(lambda: session_cookie(context) is None, "the dead cookie cleared", timeout=60)
        submit_sign_in(page)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Analytique")).to_be_visible(timeout=WAIT)
    except Exception:
        shot(page, f"{how}-failure")
        raise
    finally:
        context.close()
