"""CSAT: solving a ticket offers a one-click bilingual rating; the score attaches to the ticket
and the agent; links are signed so they cannot be forged."""

from __future__ import annotations

import httpx

from tests.waiting import wait_until


def _solved_ticket(api: httpx.Client, admin_api: httpx.Client, language: str) -> dict:
    created = api.post(
        "/api/v1/tickets",
        json={"email": f"csat-{language}@example.com", "body": "Merci!", "language": language},
    ).json()
    ref = created["ticket_ref"]
    admin_api.post(f"/api/v1/tickets/{ref}/messages", json={"body": "Réglé!", "status": "solved"})
    return created


def _survey_link(api: httpx.Client, token: str) -> str:
    def system_messages() -> list[dict]:
        messages = api.get(f"/api/v1/conversations/{token}").json()["messages"]
        return [m for m in messages if m["author"] == "system"]

    return wait_until(system_messages, "the survey offered")[0]["body_text"]


def test_solving_offers_a_survey_in_the_customers_language(api, admin_api):
    french = _solved_ticket(api, admin_api, "fr")
    english = _solved_ticket(api, admin_api, "en")
    assert "Comment avons-nous fait?" in _survey_link(api, french["conversation_token"])
    assert "How did we do?" in _survey_link(api, english["conversation_token"])


def test_the_link_opens_the_form_and_sending_it_rates(server, api, admin_api):
    created = _solved_ticket(api, admin_api, "fr")
    text = _survey_link(api, created["conversation_token"])
    link = next(line.split(" : ")[1] for line in text.splitlines() if line.startswith("4 "))
    path = link.replace(server.url, "") if link.startswith(server.url) else link.split("8700")[-1]
    page = api.get(path)  # opening the link records nothing (tests/test_csat_safety.py)
    assert page.status_code == 200 and 'value="4" checked' in page.text
    token = path.split("/csat/")[1].split("?")[0]
    sent = api.post(f"/csat/{token}/rate", data={"score": "4"})
    assert sent.status_code == 200 and "Merci! Votre note : 4/5." in sent.text
    api.post(f"/csat/{token}/rate", data={"score": "5", "comment": "Super rapide"})
    events = admin_api.get(f"/api/v1/tickets/{created['ticket_ref']}/events").json()
    rated = [e for e in events if e["name"] == "csat.rated"]
    assert [e["after"]["score"] for e in rated] == [4, 5]
    assert rated[-1]["after"]["comment"] == "Super rapide"
    assert rated[-1]["after"]["agent_id"] == admin_api.get("/api/v1/me").json()["id"]
    conversation = api.get(f"/api/v1/conversations/{created['conversation_token']}").json()
    assert conversation["csat_score"] == 5


def test_a_forged_survey_link_is_refused(api, admin_api):
    created = _solved_ticket(api, admin_api, "en")
    ticket_id = int(created["ticket_ref"][1:]) - 100_000
    assert api.get(f"/csat/{ticket_id}.{'0' * 32}?score=1").status_code == 404
    assert api.get(f"/csat/{ticket_id + 1}.{'a' * 32}?score=1").status_code == 404


def test_widget_rates_with_the_conversation_token(api, admin_api):
    created = _solved_ticket(api, admin_api, "fr")
    token = created["conversation_token"]
    answer = api.post(f"/api/v1/conversations/{token}/csat", json={"score": 2, "comment": "Lent"})
    assert answer.status_code == 204
    assert api.post(f"/api/v1/conversations/{token}/csat", json={"score": 9}).status_code == 400
    assert api.get(f"/api/v1/conversations/{token}").json()["csat_score"] == 2
