"""The customer's side: the conversation token, live updates over SSE, and order tracking."""

from __future__ import annotations

import json
import threading

import httpx

from tests.conftest import ORDER_EMAIL, ORDER_NUMBER, make_database, start_server


def _open(api: httpx.Client, **fields) -> dict:
    body = {
        "email": "chat@example.com",
        "body": "Bonjour! Ma tuque est arrivée déchirée.",
        **fields,
    }
    response = api.post("/api/v1/tickets", json=body)
    assert response.status_code == 201
    return response.json()


def test_token_opens_the_public_thread_without_notes(api, admin_api):
    created = _open(api)
    ref, token = created["ticket_ref"], created["conversation_token"]
    admin_api.post(f"/api/v1/tickets/{ref}/messages", json={"kind": "note", "body": "secret"})
    admin_api.post(
        f"/api/v1/tickets/{ref}/messages", json={"body": "Désolée! On vous la remplace."}
    )
    conversation = api.get(f"/api/v1/conversations/{token}").json()
    assert conversation["ticket_ref"] == ref
    assert [m["author"] for m in conversation["messages"]] == ["customer", "agent"]
    assert conversation["messages"][1]["author_name"] == "Alice"  # first name only
    assert "secret" not in json.dumps(conversation)


def test_unknown_token_is_a_plain_404(api):
    response = api.get("/api/v1/conversations/not-a-real-token", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Conversation not found" in response.json()["detail"]


def test_customer_reply_reopens_a_solved_ticket(api, admin_api):
    created = _open(api)
    admin_api.patch(f"/api/v1/tickets/{created['ticket_ref']}", json={"status": "solved"})
    answer = api.post(
        f"/api/v1/conversations/{created['conversation_token']}/messages",
        json={"body": "Finalement, c'est encore brisé."},
    )
    assert answer.status_code == 201 and answer.json()["author"] == "customer"
    ticket = admin_api.get(f"/api/v1/tickets/{created['ticket_ref']}").json()
    inbound = [m for m in ticket["messages"] if m["kind"] == "inbound"]
    assert ticket["status"] == "open" and len(inbound) == 2


def test_agent_reply_arrives_on_the_event_stream(server, api, admin_api):
    created = _open(api)
    token, ref = created["conversation_token"], created["ticket_ref"]
    first_id = api.get(f"/api/v1/conversations/{token}").json()["messages"][-1]["id"]
    received: list[dict] = []
    connected = threading.Event()

    def listen() -> None:
        url = f"{server.url}/api/v1/conversations/{token}/stream?after={first_id}"
        with httpx.stream("GET", url, timeout=15) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            event = None
            for line in response.iter_lines():
                connected.set()
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event == "message":
                    received.append(json.loads(line.split(":", 1)[1]))
                    return

    listener = threading.Thread(target=listen)
    listener.start()
    assert connected.wait(10)
    admin_api.post(f"/api/v1/tickets/{ref}/messages", json={"body": "Un instant, je regarde."})
    listener.join(timeout=15)
    assert [m["body_text"] for m in received] == ["Un instant, je regarde."]


def test_agent_typing_shows_in_the_conversation(api, admin_api):
    created = _open(api)
    token, ref = created["conversation_token"], created["ticket_ref"]
    assert api.get(f"/api/v1/conversations/{token}").json()["agent_typing"] is False
    admin_api.post(f"/api/v1/tickets/{ref}/presence", json={"typing": True})
    assert api.get(f"/api/v1/conversations/{token}").json()["agent_typing"] is True


def test_a_merged_ticket_token_leads_to_the_merged_conversation(api, admin_api):
    target = _open(api, email="merge-chat@example.com")
    source = _open(api, email="merge-chat@example.com", body="Deuxième message")
    admin_api.post(
        f"/api/v1/tickets/{target['ticket_ref']}/merge",
        json={"source_refs": [source["ticket_ref"]]},
    )
    seen = api.get(f"/api/v1/conversations/{source['conversation_token']}").json()
    assert seen["ticket_ref"] == target["ticket_ref"]
    assert "Deuxième message" in [m["body_text"] for m in seen["messages"]]


def test_order_lookup_needs_the_matching_email(api):
    found = api.post(
        "/api/v1/orders/lookup", json={"order_number": "nd200001", "email": ORDER_EMAIL.upper()}
    )
    assert found.status_code == 200, found.text
    order = found.json()
    assert order["number"] == ORDER_NUMBER and order["carrier"] == "Postes Canada"
    assert order["items"][0]["title"] == "Parka Alizé"
    assert "ship_address1" not in order
    wrong_email = api.post(
        "/api/v1/orders/lookup", json={"order_number": ORDER_NUMBER, "email": "x@example.com"}
    )
    unknown = api.post(
        "/api/v1/orders/lookup", json={"order_number": "ND-999999", "email": ORDER_EMAIL}
    )
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.json() == unknown.json()


def test_order_lookups_are_rate_limited(tmp_path):
    db_path = tmp_path / "lookups.duckdb"
    make_database(db_path)
    server = start_server(db_path, rate_limit=30)
    try:
        with httpx.Client(base_url=server.url) as client:
            codes = [
                client.post(
                    "/api/v1/orders/lookup",
                    json={"order_number": f"ND-{100000 + i}", "email": "probe@example.com"},
                ).status_code
                for i in range(11)
            ]
        assert codes == [404] * 10 + [429]
    finally:
        server.stop()
