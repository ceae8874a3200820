"""The Privacy page (find a customer, download their data, erase with a confirmation) and the
Store page's export button, through Streamlit AppTest against the real server."""

from __future__ import annotations

import httpx

from tests.conftest import ORDER_EMAIL, ORDER_NUMBER, login
from tests.test_dashboard import open_page, signed_in


def test_privacy_page_finds_downloads_and_erases(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        token = login(client)
    at = open_page(signed_in(server.url, token, "en"), "privacy")
    assert not at.exception
    at.text_input(key="privacy_q").input(ORDER_NUMBER)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert any(ORDER_EMAIL in t.value for t in at.text)
    at.button(key=next(b.key for b in at.button if b.key.startswith("privacy_prepare_"))).click()
    at.run()
    assert not at.exception
    erase = next(b for b in at.button if b.key.startswith("privacy_erase_"))
    assert erase.disabled  # not before the confirmation
    at.checkbox(key=erase.key.replace("erase", "sure")).check()
    at.run()
    at.button(key=erase.key).click()
    at.run()
    assert not at.exception
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        assert client.get("/api/v1/customers/lookup", params={"q": ORDER_EMAIL}).json() == []


def test_store_page_prepares_the_export(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        token = login(client)
    at = open_page(signed_in(server.url, token, "fr"), "store")
    at.button(key="store_export_prepare").click()
    at.run()
    assert not at.exception
    assert at.session_state["store_export"][:2] == b"PK"
