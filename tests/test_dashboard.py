"""The dashboard, driven with Streamlit's AppTest against a real server over loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")


@pytest.fixture
def dashboard(server) -> AppTest:
    """The dashboard pointed at the test server, before its first run."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["api_url"] = server.url
    return at


def _sign_in(at: AppTest, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> AppTest:
    at.run()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def test_sign_in_then_the_inbox_lists_tickets(server, dashboard):
    created = httpx.post(
        f"{server.url}/api/v1/tickets",
        json={"email": "inbox@example.com", "body": "Ma tuque est trouée", "subject": "Tuque"},
    ).json()
    at = _sign_in(dashboard)
    assert not at.exception
    assert at.session_state["token"]
    table = at.dataframe[0].value
    assert created["ticket_ref"] in set(table.iloc[:, 0])
    assert "Boîte de réception" in [t.value for t in at.title]


def test_wrong_password_shows_the_api_message(dashboard):
    at = _sign_in(dashboard, password="wrong password")
    assert not at.exception
    assert at.session_state["token"] is None
    assert "Courriel ou mot de passe incorrect" in at.error[0].value


def test_expired_token_goes_back_to_sign_in_with_a_message(dashboard):
    at = _sign_in(dashboard)
    at.session_state["token"] = "revoked-or-expired"
    at.run()
    assert not at.exception
    assert at.session_state["token"] is None
    assert "session a expiré" in at.warning[0].value


def test_dashboard_never_imports_duckdb_or_storage():
    code = (
        "import sys, dashboard.api_client, dashboard.session, dashboard.i18n;"
        "bad = [m for m in sys.modules if m == 'duckdb' or m.startswith('widget_api.storage')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
