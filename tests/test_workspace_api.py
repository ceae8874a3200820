"""The agent API behind the inbox and the ticket workspace, over real HTTP on loopback."""

from __future__ import annotations

import itertools
from typing import get_args

import httpx
import pytest

from tests.conftest import ORDER_EMAIL, ORDER_NUMBER, login
from widget_api.contracts.tickets import View

_emails = itertools.count()


def _ticket(api: httpx.Client, **fields) -> str:
    body = {"email": f"ws{next(_emails)}@example.com", "body": "Bonjour, ma commande?", **fields}
    response = api.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.text
    return response.json()["ticket_ref"]


@pytest.fixture(scope="module")
def agent_paul(server) -> dict:
    """A second agent (role agent), created once by the admin; returns id and password."""
    with httpx.Client(base_url=server.url) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        created = client.post(
            "/api/v1/agents",
            json={"email": "paul.roy@shop.test", "name": "Paul Roy", "password": "paul-secret"},
        )
        assert created.status_code == 201, created.text
        return {**created.json(), "password": "paul-secret"}


@pytest.fixture
def paul_api(server, agent_paul):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        token = login(client, agent_paul["email"], agent_paul["password"])
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def _refs(page: dict) -> list[str]:
    return [t["ref"] for t in page["items"]]


def test_views_count_and_list_the_same_tickets(api, admin_api):
    me = admin_api.get("/api/v1/me").json()
    ref = _ticket(api)
    before = admin_api.get("/api/v1/views").json()["views"]
    assert ref in _refs(admin_api.get("/api/v1/tickets", params={"view": "unassigned"}).json())
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"assignee_id": me["id"], "status": "open"})
    after = admin_api.get("/api/v1/views").json()["views"]
    assert after["unassigned"] == before["unassigned"] - 1
    assert after["mine"] == before["mine"] + 1
    assert sorted(after) == sorted(get_args(View))
    for view in get_args(View):
        listed = admin_api.get("/api/v1/tickets", params={"view": view, "limit": 1}).json()
        assert listed["total"] == after[view], view


def test_exceptions_view_holds_address_and_wrong_item_problems(api, admin_api):
    wrong = _ticket(api, body="Reçu la mauvaise taille")
    other = _ticket(api, body="Question sur les tuques")
    admin_api.patch(f"/api/v1/tickets/{wrong}", json={"problem_type": "wrong_item"})
    admin_api.patch(f"/api/v1/tickets/{other}", json={"problem_type": "product_question"})
    listed = _refs(admin_api.get("/api/v1/tickets", params={"view": "exceptions"}).json())
    assert wrong in listed and other not in listed
    counts = admin_api.get("/api/v1/views").json()
    assert counts["by_problem_type"]["wrong_item"] >= 1
    assert counts["by_channel"]["web"] >= 2


def test_snoozed_ticket_leaves_open_views_until_its_time(api, admin_api):
    ref = _ticket(api)
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"snoozed_until": "2099-01-01T09:00:00Z"})
    assert ref in _refs(admin_api.get("/api/v1/tickets", params={"view": "snoozed"}).json())
    assert ref not in _refs(
        admin_api.get("/api/v1/tickets", params={"view": "all_open", "limit": 200}).json()
    )
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"snoozed_until": "2001-01-01T09:00:00Z"})
    assert ref in _refs(
        admin_api.get("/api/v1/tickets", params={"view": "all_open", "limit": 200}).json()
    )


def test_bulk_assigns_tags_and_reports_unknown_refs(api, admin_api, agent_paul):
    refs = [_ticket(api) for _ in range(3)]
    answer = admin_api.post(
        "/api/v1/tickets/bulk",
        json={
            "refs": [*refs, "C999999"],
            "changes": {"assignee_id": agent_paul["id"], "add_tags": ["vague-froid"],
                        "priority": "high"},
        },
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"updated": refs, "not_found": ["C999999"]}
    for ref in refs:
        ticket = admin_api.get(f"/api/v1/tickets/{ref}").json()
        assert ticket["assignee_name"] == "Paul Roy"
        assert ticket["tags"] == ["vague-froid"] and ticket["priority"] == "high"
    events = admin_api.get(f"/api/v1/tickets/{refs[0]}/events").json()
    me = admin_api.get("/api/v1/me").json()
    assigned = [e for e in events if e["name"] == "ticket.assigned"]
    assert assigned and assigned[-1]["actor_id"] == me["id"]
    assert assigned[-1]["after"] == {"assignee_id": agent_paul["id"]}


def test_merge_folds_duplicates_of_one_customer(api, admin_api):
    email = "double@example.com"
    target = _ticket(api, email=email, body="Ma parka est trop petite")
    source = _ticket(api, email=email, body="Je renvoie mon message: parka trop petite!")
    merged = admin_api.post(f"/api/v1/tickets/{target}/merge", json={"source_refs": [source]})
    assert merged.status_code == 200, merged.text
    bodies = [m["body_text"] for m in merged.json()["messages"]]
    assert "Je renvoie mon message: parka trop petite!" in bodies
    assert any(source in b for b in bodies)  # the system note names the merged ticket
    old = admin_api.get(f"/api/v1/tickets/{source}").json()
    assert old["status"] == "closed" and "merged" in old["tags"]
    assert old["merged_into"] == target and old["messages"][-1]["author_type"] == "system"


def test_merge_refuses_tickets_of_another_customer(api, admin_api):
    target = _ticket(api, email="one@example.com")
    source = _ticket(api, email="two@example.com")
    refused = admin_api.post(f"/api/v1/tickets/{target}/merge", json={"source_refs": [source]})
    assert refused.status_code == 400
    assert admin_api.get(f"/api/v1/tickets/{source}").json()["status"] == "new"


def test_presence_shows_who_else_views_and_types(api, admin_api, paul_api):
    ref = _ticket(api)
    assert admin_api.post(f"/api/v1/tickets/{ref}/presence", json={}).json() == []
    seen_by_paul = paul_api.post(f"/api/v1/tickets/{ref}/presence", json={"typing": True}).json()
    assert [v["name"] for v in seen_by_paul] == ["Alice Admin"]
    seen_by_alice = admin_api.post(f"/api/v1/tickets/{ref}/presence", json={}).json()
    assert [(v["name"], v["typing"]) for v in seen_by_alice] == [("Paul Roy", True)]
    paul_api.post(f"/api/v1/tickets/{ref}/presence", json={"leaving": True})
    assert admin_api.post(f"/api/v1/tickets/{ref}/presence", json={}).json() == []


def test_second_agent_replying_blind_gets_a_collision(api, admin_api, paul_api):
    ref = _ticket(api)
    seen = admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"][-1]["id"]
    paul_seen = paul_api.get(f"/api/v1/tickets/{ref}").json()["messages"][-1]["id"]
    assert seen == paul_seen
    first = paul_api.post(
        f"/api/v1/tickets/{ref}/messages", json={"body": "Je m'en occupe.", "seen_message_id": seen}
    )
    assert first.status_code == 201
    blind = admin_api.post(
        f"/api/v1/tickets/{ref}/messages", json={"body": "Bonjour!", "seen_message_id": seen}
    )
    assert blind.status_code == 409
    assert "nouveau message" in blind.json()["detail"]
    replies = [m for m in admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"]
               if m["kind"] == "outbound"]  # fmt: skip
    assert len(replies) == 1
    confirmed = admin_api.post(
        f"/api/v1/tickets/{ref}/messages",
        json={"body": "Bonjour!", "seen_message_id": seen, "force": True},
    )
    assert confirmed.status_code == 201


def test_note_mentions_fill_the_mentioned_agents_view(api, admin_api, paul_api):
    ref = _ticket(api)
    note = admin_api.post(
        f"/api/v1/tickets/{ref}/messages",
        json={"kind": "note", "body": "@Paul peux-tu vérifier avec LogiPro?"},
    )
    assert note.status_code == 201
    assert note.json()["mentions"] == [paul_api.get("/api/v1/me").json()["id"]]
    assert ref in _refs(paul_api.get("/api/v1/tickets", params={"view": "mentions"}).json())
    assert ref not in _refs(admin_api.get("/api/v1/tickets", params={"view": "mentions"}).json())


def test_macros_fill_placeholders_in_the_ticket_language_and_run_actions(api, admin_api, paul_api):
    macro = admin_api.post(
        "/api/v1/macros",
        json={
            "name_fr": "Où est ma commande", "name_en": "Where is my order",
            "body_fr": "Bonjour {customer_first_name}, votre commande {order_number} est chez "
                       "{carrier} ({tracking_number}). — {agent_first_name}",
            "body_en": "Hi {customer_first_name}, order {order_number} is with {carrier}.",
            "actions": {"add_tags": ["wismo"], "status": "solved"},
        },
    )  # fmt: skip
    assert macro.status_code == 201, macro.text
    macro_id = macro.json()["id"]
    assert paul_api.post("/api/v1/macros", json=macro.json()).status_code in (400, 403)
    found = paul_api.get("/api/v1/macros", params={"q": "commande"}).json()
    assert macro_id in [m["id"] for m in found]

    ref = _ticket(api, email=ORDER_EMAIL, name="Marie Tremblay", order_number=ORDER_NUMBER,
                  body="Bonjour, où est mon colis?")  # fmt: skip
    rendered = paul_api.get(f"/api/v1/tickets/{ref}/macros/{macro_id}").json()
    assert rendered["body"] == (
        "Bonjour Marie, votre commande ND-200001 est chez Postes Canada (7023210039414604). — Paul"
    )
    applied = paul_api.post(f"/api/v1/tickets/{ref}/macros/{macro_id}/apply")
    assert applied.status_code == 200, applied.text
    ticket = applied.json()
    assert ticket["status"] == "solved" and "wismo" in ticket["tags"]
    replies = [m for m in ticket["messages"] if m["author_type"] == "agent"]
    assert replies[-1]["body_text"] == rendered["body"]

    assert admin_api.delete(f"/api/v1/macros/{macro_id}").status_code == 204
    assert paul_api.get(f"/api/v1/tickets/{ref}/macros/{macro_id}").status_code == 404


def test_applying_a_macro_assigns_the_agent_and_moves_the_status_once(api, admin_api, paul_api):
    macro = admin_api.post(
        "/api/v1/macros",
        json={"name_fr": "Prise", "name_en": "Taken", "body_fr": "Je m'en occupe.",
              "body_en": "On it.", "actions": {"status": "on_hold", "assign": "me"}},
    ).json()  # fmt: skip
    ref = _ticket(api)
    applied = paul_api.post(f"/api/v1/tickets/{ref}/macros/{macro['id']}/apply", json={
        "body": "Je m'en occupe, Marie."})  # fmt: skip
    assert applied.status_code == 200, applied.text
    paul = paul_api.get("/api/v1/me").json()
    assert applied.json()["assignee_id"] == paul["id"]
    assert applied.json()["messages"][-1]["body_text"] == "Je m'en occupe, Marie."
    events = admin_api.get(f"/api/v1/tickets/{ref}/events").json()
    statuses = [e["after"]["status"] for e in events if e["name"] == "ticket.status_changed"]
    assert statuses == ["on_hold"]


def test_a_macro_tag_too_long_is_refused_when_the_macro_is_saved(admin_api):
    macro = {"name_fr": "x", "name_en": "x", "body_fr": "x", "body_en": "x",
             "actions": {"add_tags": ["t" * 65]}}  # fmt: skip
    assert admin_api.post("/api/v1/macros", json=macro).status_code == 400


def test_merge_plan_targets_the_oldest_ticket_of_one_customer(api, admin_api):
    oldest, middle, newest = (_ticket(api, email="fusion@example.com") for _ in range(3))
    plan = admin_api.post("/api/v1/tickets/merge-plan", json={"refs": [newest, oldest, middle]})
    assert plan.status_code == 200, plan.text
    assert plan.json() == {"target_ref": oldest, "source_refs": [middle, newest]}
    other = _ticket(api)
    mixed = admin_api.post("/api/v1/tickets/merge-plan", json={"refs": [oldest, other]})
    assert mixed.status_code == 400 and other in mixed.json()["detail"]
    alone = admin_api.post("/api/v1/tickets/merge-plan", json={"refs": [oldest, oldest.lower()]})
    assert alone.status_code == 400
    unknown = admin_api.post("/api/v1/tickets/merge-plan", json={"refs": [oldest, "C999999"]})
    assert unknown.status_code == 404


def test_customer_profile_has_orders_value_and_past_tickets(api, admin_api):
    ref = _ticket(api, email=ORDER_EMAIL, body="Encore une question")
    customer_id = admin_api.get(f"/api/v1/tickets/{ref}").json()["customer"]["id"]
    profile = admin_api.get(f"/api/v1/customers/{customer_id}").json()
    assert profile["order_count"] == 1 and profile["lifetime_value_cents"] == 33342
    assert ref in [t["ref"] for t in profile["tickets"]]


def test_agents_change_their_language_but_not_their_role(paul_api, agent_paul):
    own = paul_api.patch(f"/api/v1/agents/{agent_paul['id']}", json={"language": "en"})
    assert own.status_code == 200 and own.json()["language"] == "en"
    assert paul_api.get("/api/v1/me").json()["language"] == "en"
    promote = paul_api.patch(f"/api/v1/agents/{agent_paul['id']}", json={"role": "admin"})
    assert promote.status_code == 403


def test_deactivating_an_agent_ends_their_sessions(server, admin_api):
    created = admin_api.post(
        "/api/v1/agents", json={"email": "temp@shop.test", "name": "Temp", "password": "temp-pass"}
    ).json()
    with httpx.Client(base_url=server.url) as temp:
        temp.headers["Authorization"] = f"Bearer {login(temp, 'temp@shop.test', 'temp-pass')}"
        assert temp.get("/api/v1/me").status_code == 200
        admin_api.patch(f"/api/v1/agents/{created['id']}", json={"active": False})
        assert temp.get("/api/v1/me").status_code == 401
    reset = admin_api.patch(
        f"/api/v1/agents/{created['id']}", json={"active": True, "password": "new-password"}
    )
    assert reset.status_code == 200
    with httpx.Client(base_url=server.url) as temp:
        assert login(temp, "temp@shop.test", "new-password")


def test_the_last_admin_cannot_be_demoted(admin_api):
    me = admin_api.get("/api/v1/me").json()
    refused = admin_api.patch(f"/api/v1/agents/{me['id']}", json={"role": "agent"})
    assert refused.status_code == 400


def test_store_settings_are_admin_only_and_validated(admin_api, paul_api):
    current = admin_api.get("/api/v1/settings/store").json()
    assert current["timezone"] == "America/Toronto"
    changed = {**current, "name": "Nordet Laval", "support_email": "aide@nordet.example"}
    assert admin_api.put("/api/v1/settings/store", json=changed).status_code == 200
    assert paul_api.get("/api/v1/settings/store").json()["name"] == "Nordet Laval"
    assert paul_api.put("/api/v1/settings/store", json=changed).status_code == 403
    bad = admin_api.put("/api/v1/settings/store", json={**changed, "timezone": "Mars/Olympus"})
    assert bad.status_code == 400
