"""The Import page (administrators): a Zendesk import started from the form (against the fake
Zendesk on loopback) runs in the server, and the page shows its progress until it is done;
the token typed is never shown back."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.zendesk import FakeZendesk
from tests.test_dashboard import open_page, shared_server, signed_in, token_for
from tests.waiting import wait_until
from widget_api.i18n import t


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    return shared_server(request, tmp_path_factory)


def test_a_zendesk_import_started_from_the_page_shows_its_progress(server):
    token = token_for(server.url)
    with FakeZendesk(120, email="owner@boutique.example", token="zd-secret-123") as fake:
        at = open_page(signed_in(server.url, token, "en"), "imports")
        assert not at.exception
        assert t("im.title", "en") in [x.value for x in at.title]
        at.text_input(key="imports_subdomain").input("boutique")
        at.text_input(key="imports_email").input("owner@boutique.example")
        at.text_input(key="imports_token").input("zd-secret-123")
        at.text_input(key="imports_api_url").input(fake.url)
        at.button[0].click()
        at.run()
        assert not at.exception

        def done():
            page = at.run()
            shown = [x.value for x in page.text]
            return any("boutique · done" in s for s in shown) and shown

        shown = wait_until(done, "the import to show as done on the page")
    assert not any("zd-secret-123" in s for s in shown)
    (bar,) = at.get("progress")
    assert bar.proto.value == 100
    assert bar.proto.text.startswith("120 tickets (120 new), 204 messages, 0 rows left out")

    # The ticket page says where an imported ticket comes from, with its number there.
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        found = client.get("/api/v1/tickets", params={"q": "#117"}).json()["items"]
    (hit,) = found  # the number it had in Zendesk finds it
    assert hit["subject"] == "Commande 117 : question"
    page = signed_in(server.url, token, "en")
    page.session_state["ticket_ref"] = hit["ref"]
    page = open_page(page, "ticket")
    assert not page.exception
    captions = [c.value for c in page.caption]
    assert "Imported from zendesk, where its number was 117." in captions
