"""Agent notifications (the AgentNotifier listener and /api/v1/me/notifications/...): a ticket
assigned to an agent, a customer answering one of their tickets and an @mention each leave one
notification for that agent, in their language; marking read; nobody is told about their own
doing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, login
from tests.waiting import wait_until

PASSWORD = "notifie-moi-1"


@pytest.fixture(scope="module")
def marc(server: RunningServer) -> Iterator[tuple[httpx.Client, dict]]:
    """A second agent, Marc-André, signed in with his own client (French)."""
    with httpx.Client(base_url=server.url, timeout=10) as admin:
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        agent = admin.post(
            "/api/v1/agents",
            json={"email": "marc@notif.example", "name": "Marc-André Pelletier",
                  "password": PASSWORD},
        ).json()  # fmt: skip
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client, agent['email'], PASSWORD)}"
        yield client, agent


def _open(api: httpx.Client, subject: str) -> dict:
    created = api.post(
        "/api/v1/tickets",
        json={"email": "client@notif.example", "name": "Chloé Client", "subject": subject,
              "body": "Bonjour, j'ai une question."},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    return created.json()


def _summary(client: httpx.Client) -> dict:
    answer = client.get("/api/v1/me/notifications/summary")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _kinds_after(client: httpx.Client, newest: int | None, count: int) -> list[dict]:
    """Wait for ``count`` notifications newer than ``newest`` (the listener runs after commit)."""

    def fresh() -> list[dict]:
        seen = [n for n in client.get("/api/v1/me/notifications").json()
                if newest is None or n["id"] > newest]  # fmt: skip
        return seen if len(seen) >= count else []

    return wait_until(fresh, f"{count} new notification(s)")


def test_assignment_customer_answer_and_mention_notify_the_agent(api, admin_api, marc):
    client, agent = marc
    before = _summary(client)
    opened = _open(api, "Parka trop petite")
    ref = opened["ticket_ref"]

    assert admin_api.patch(f"/api/v1/tickets/{ref}", json={"assignee_id": agent["id"]}).is_success
    [assigned] = _kinds_after(client, before["newest_id"], 1)
    assert assigned["kind"] == "assigned" and assigned["ticket_ref"] == ref
    assert assigned["body"] == f"Alice Admin vous a assigné le billet {ref} : Parka trop petite"

    token = opened["conversation_token"]
    answered = api.post(f"/api/v1/conversations/{token}/messages", json={"body": "Des nouvelles?"})
    assert answered.is_success, answered.text
    replied = _kinds_after(client, assigned["id"], 1)
    assert [n["kind"] for n in replied] == ["customer_reply"]
    assert replied[0]["body"] == f"Chloé Client a répondu sur le billet {ref} : Parka trop petite"

    note = admin_api.post(
        f"/api/v1/tickets/{ref}/messages",
        json={"kind": "note", "body": "@Marc-André peux-tu appeler la cliente?"},
    )
    assert note.is_success, note.text
    mentioned = _kinds_after(client, replied[0]["id"], 1)
    assert [n["kind"] for n in mentioned] == ["mention"]
    assert mentioned[0]["body"].startswith("Alice Admin vous a mentionné sur le billet")

    summary = _summary(client)
    assert summary["unread"] == before["unread"] + 3
    assert summary["newest_id"] == mentioned[0]["id"]
    assert [n["kind"] for n in summary["latest"][:3]] == ["mention", "customer_reply", "assigned"]

    english = client.get("/api/v1/me/notifications/summary", headers={"Accept-Language": "en"})
    assert english.json()["latest"][0]["body"].startswith("Alice Admin mentioned you on ticket")

    # Opening the ticket marks its notifications read; the others stay unread.
    marked = client.post("/api/v1/me/notifications/read", json={"ticket_ref": ref})
    assert marked.json() == {"marked": 3}
    assert _summary(client)["unread"] == before["unread"]


def test_nobody_is_notified_of_their_own_doing(api, admin_api, marc):
    client, agent = marc
    me = admin_api.get("/api/v1/me").json()
    before_admin = _summary(admin_api)["newest_id"]
    ref = _open(api, "Pour moi-même")["ticket_ref"]
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"assignee_id": me["id"]})
    admin_api.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "note", "body": "@Alice ok"})
    # A later notification for Marc proves the listener went past both events.
    before_marc = _summary(client)["newest_id"]
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"assignee_id": agent["id"]})
    _kinds_after(client, before_marc, 1)
    assert _summary(admin_api)["newest_id"] == before_admin


def test_mark_read_refuses_an_unknown_field_and_marks_all_with_an_empty_body(marc):
    client, _ = marc
    refused = client.post("/api/v1/me/notifications/read", json={"everything": True})
    assert refused.status_code == 400
    assert client.post("/api/v1/me/notifications/read", json={}).status_code == 200
    assert _summary(client)["unread"] == 0


def test_the_summary_needs_a_signed_in_agent(api):
    assert api.get("/api/v1/me/notifications/summary").status_code == 401
