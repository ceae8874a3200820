"""Keyboard navigation in the ticket workspace (AppTest against the shared dashboard server):
the next and previous ticket of the inbox view the agent came from, "assign to me", the reply
key that puts the composer in reply mode, the keys on the buttons and the line that names them,
in French and in English. That a key press works in a real browser is checked in
tests/test_dashboard_inbox_layout_browser.py."""

from __future__ import annotations

import httpx
import pytest

from dashboard import ticket_keys
from tests.conftest import RunningServer, login
from tests.test_dashboard import new_ticket, open_page, shared_server, signed_in, token_for

WORD = "Pergélisol"  # only these tests' tickets carry it, so the view holds them alone


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture(scope="module")
def made(server) -> list[str]:
    return [new_ticket(server.url, subject=f"{WORD} {i}") for i in range(3)]


def _from_the_inbox(server, token: str, lang: str, opened: int = 0):
    """An agent who searched the inbox for this module's tickets and opened one of them."""
    at = signed_in(server.url, token, lang)
    at = open_page(at, "inbox")
    at.text_input(key="inbox_q").set_value(WORD).run()
    refs = at.session_state["inbox_refs"]
    assert len(refs) == 3, refs
    at.session_state["ticket_ref"] = refs[opened]
    at = open_page(at, "ticket")
    assert not at.exception
    return at, refs


def _title(at) -> str:
    return at.title[0].value


def test_next_and_previous_follow_the_inbox_order(server, admin_token, made):
    at, refs = _from_the_inbox(server, admin_token, "fr")
    assert at.button(key="ticket_key_previous").disabled  # the first of the view
    at.button(key="ticket_key_next").click().run()
    assert at.session_state["ticket_ref"] == refs[1]
    assert at.query_params["ref"] in (refs[1], [refs[1]])
    shown = httpx.get(f"{server.url}/api/v1/tickets/{refs[1]}",
                      headers={"Authorization": f"Bearer {admin_token}"}).json()  # fmt: skip
    assert shown["subject"] in _title(at)
    at.button(key="ticket_key_next").click().run()
    assert at.session_state["ticket_ref"] == refs[2]
    assert at.button(key="ticket_key_next").disabled  # the last of the view
    at.button(key="ticket_key_previous").click().run()
    assert at.session_state["ticket_ref"] == refs[1]
    assert not at.exception


def test_assign_to_me_assigns_the_open_ticket(server, admin_token, made):
    at, refs = _from_the_inbox(server, admin_token, "en", opened=2)
    with httpx.Client(base_url=server.url, timeout=10) as api:
        api.headers["Authorization"] = f"Bearer {login(api)}"
        me = api.get("/api/v1/me").json()
        assert api.get(f"/api/v1/tickets/{refs[2]}").json()["assignee_id"] != me["id"]
        assert not at.button(key="ticket_key_assign").disabled
        at.button(key="ticket_key_assign").click().run()
        assert api.get(f"/api/v1/tickets/{refs[2]}").json()["assignee_id"] == me["id"]
    assert at.button(key="ticket_key_assign").disabled  # already mine
    assert any(me["name"] in c.value for c in at.caption)  # "opened … assigned to <me>"


def test_reply_key_switches_the_composer_to_reply(server, admin_token, made):
    at, _ = _from_the_inbox(server, admin_token, "fr", opened=1)
    at.button_group(key="ticket_mode").set_value("note").run()
    assert at.button(key="ticket_add_note")
    at.button(key="ticket_key_reply").click().run()
    assert at.button_group(key="ticket_mode").value == "reply"
    assert at.button(key="ticket_send")
    assert not at.exception


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Billet 1 sur 3 de la vue", "Raccourcis clavier : J suivant, K précédent, "
                "E répondre, A m'assigner"]),
        ("en", ["Ticket 1 of 3 in the view", "Keyboard shortcuts: J next, K previous, E reply, "
                "A assign to me"]),
    ],
)  # fmt: skip
def test_the_buttons_carry_their_keys_and_say_so(server, admin_token, made, lang, words):
    at, _ = _from_the_inbox(server, admin_token, lang)
    keys = {
        name: at.button(key=f"ticket_key_{name}").proto.shortcut
        for name in ("previous", "next", "reply", "assign")
    }
    assert keys == {name: key.lower() for name, key in ticket_keys.KEYS.items()}
    shown = "\n".join(c.value for c in at.caption)
    for line in words:
        assert line in shown


def test_a_ticket_opened_outside_the_view_has_no_neighbours(server, admin_token, made):
    at = signed_in(server.url, admin_token, "en")
    at.session_state["ticket_ref"] = made[0]
    at.session_state["inbox_refs"] = []
    at = open_page(at, "ticket")
    assert at.button(key="ticket_key_next").disabled
    assert at.button(key="ticket_key_previous").disabled
    assert any("not in the inbox view" in c.value for c in at.caption)


def test_neighbour_stops_at_both_ends():
    refs = ["C1", "C2", "C3"]
    assert ticket_keys.neighbour(refs, "C2", 1) == "C3"
    assert ticket_keys.neighbour(refs, "C2", -1) == "C1"
    assert ticket_keys.neighbour(refs, "C3", 1) is None
    assert ticket_keys.neighbour(refs, "C1", -1) is None
    assert ticket_keys.neighbour(refs, "C9", 1) is None


def test_j_in_the_inbox_opens_the_first_ticket_of_the_view(server, admin_token, made):
    at = signed_in(server.url, admin_token, "fr")
    at = open_page(at, "inbox")
    at.text_input(key="inbox_q").set_value(WORD).run()
    refs = at.session_state["inbox_refs"]
    first = at.button(key="inbox_key_first")
    assert first.proto.shortcut == ticket_keys.KEYS["next"].lower()
    assert any("Raccourcis clavier" in c.value for c in at.caption)
    first.click().run()
    assert at.session_state["ticket_ref"] == refs[0]
    assert any("Billet 1 sur 3 de la vue" in c.value for c in at.caption)  # on the ticket page
