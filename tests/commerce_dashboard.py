"""Order actions from the dashboard (Streamlit AppTest) against a server connected to a fake
platform: open a ticket's action form, review, check nothing reached the shop, confirm."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from streamlit.testing.v1 import AppTest

from dashboard.safe import WORD_JOINER
from tests.conftest import RunningServer
from tests.test_dashboard import open_page, signed_in, submit, texts, token_for
from tests.waiting import wait_until


def plain(markdown: str) -> str:
    """Shown text without Markdown escapes and word joiners."""
    return markdown.replace("\\", "").replace(WORD_JOINER, "")


def open_action(
    server: RunningServer, admin_api: httpx.Client, ticket: dict, number: str, action: str
) -> tuple[str, AppTest]:
    """A ticket (``ticket``: the intake body) that gets order ``number``, open in the
    workspace with ``action``'s form shown."""
    made = httpx.post(f"{server.url}/api/v1/tickets", timeout=20, json=ticket)
    assert made.status_code == 201, made.text
    ref = made.json()["ticket_ref"]
    wait_until(lambda: (admin_api.get(f"/api/v1/tickets/{ref}").json().get("order") or {})
               .get("number") == number, f"order {number} on the ticket")  # fmt: skip
    at = signed_in(server.url, token_for(server.url))
    at.session_state["ticket_ref"] = ref
    at = open_page(at, "ticket")
    assert not at.exception
    at.button_group(key="ticket_oa_pick").set_value(action).run()
    return ref, at


def confirm(at: AppTest, admin_api: httpx.Client, ref: str, calls: Callable[[], int]) -> str:
    """Review (nothing reaches the shop: ``calls`` stays 0), confirm (one call); the success
    text shown."""
    at = submit(at, "Vérifier")
    assert not at.exception
    assert at.button(key="ticket_oa_go"), texts(at)
    assert calls() == 0
    at = at.button(key="ticket_oa_go").click().run()
    assert not at.exception
    (done,) = at.success
    assert calls() == 1
    (taken,) = admin_api.get(f"/api/v1/tickets/{ref}/order-actions").json()
    assert taken["state"] == "done", taken
    return plain(done.value)
