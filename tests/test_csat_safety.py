"""CSAT links are safe to prefetch: a GET shows the rating page (score preselected) and records
nothing, only the page's POST rates, and only a solved ticket can be rated. Every HTML page (CSAT,
help center, the API reference at /schema) carries the same security headers, and /schema works
in a real browser under them."""

from __future__ import annotations

import re

import httpx

from tests.browser import chromium
from tests.waiting import wait_until
from widget_api.domain.csat import survey_token

SECRET = "test-secret"  # what tests.conftest.start_server gives the server
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def _ticket(api: httpx.Client, email: str, language: str = "fr") -> dict:
    answer = api.post(
        "/api/v1/tickets", json={"email": email, "body": "Bonjour", "language": language}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _solve(admin_api: httpx.Client, ref: str) -> None:
    answer = admin_api.post(
        f"/api/v1/tickets/{ref}/messages", json={"body": "Réglé!", "status": "solved"}
    )
    assert answer.status_code == 201, answer.text


def _token(created: dict) -> str:
    return survey_token(SECRET, int(created["ticket_ref"][1:]) - 100_000)


def _survey_path(api: httpx.Client, created: dict, score: int) -> str:
    """The path of the e-mailed/chat link for ``score``, as the customer receives it."""

    def survey() -> str | None:
        messages = api.get(f"/api/v1/conversations/{created['conversation_token']}").json()
        return next((m["body_text"] for m in messages["messages"] if m["author"] == "system"), None)

    text = wait_until(survey, "the survey offered")
    link = next(line.split(" : ")[1] for line in text.splitlines() if line.startswith(f"{score} "))
    return "/csat/" + link.split("/csat/", 1)[1]


def _ratings(admin_api: httpx.Client, ref: str) -> list[int]:
    events = admin_api.get(f"/api/v1/tickets/{ref}/events").json()
    return [e["after"]["score"] for e in events if e["name"] == "csat.rated"]


def test_a_get_on_the_link_preselects_the_score_and_records_nothing(api, admin_api):
    created = _ticket(api, "prefetch@example.com")
    _solve(admin_api, created["ticket_ref"])
    path = _survey_path(api, created, 4)
    for _ in range(3):  # a mail scanner, a link preview, then the customer
        page = api.get(path)
        assert page.status_code == 200
    assert re.search(r'value="4"\s+checked', page.text)
    assert "Vérifiez la note choisie" in page.text and "Votre note" not in page.text
    assert _ratings(admin_api, created["ticket_ref"]) == []
    conversation = api.get(f"/api/v1/conversations/{created['conversation_token']}").json()
    assert conversation["csat_score"] is None

    token = path.split("/csat/")[1].split("?")[0]
    sent = api.post(f"/csat/{token}/rate", data={"score": "4", "comment": "Rapide"})
    assert sent.status_code == 200 and "Merci! Votre note : 4/5." in sent.text
    assert _ratings(admin_api, created["ticket_ref"]) == [4]


def test_a_link_score_out_of_range_preselects_nothing(api, admin_api):
    created = _ticket(api, "range@example.com", "en")
    _solve(admin_api, created["ticket_ref"])
    page = api.get(f"/csat/{_token(created)}?score=9")
    assert page.status_code == 200 and "checked" not in page.text
    assert _ratings(admin_api, created["ticket_ref"]) == []


def test_an_unsolved_ticket_cannot_be_rated(api, admin_api):
    created = _ticket(api, "open@example.com")
    token = _token(created)
    page = api.get(f"/csat/{token}?score=5")
    assert page.status_code == 409
    assert "est pas résolue" in page.text and "<form" not in page.text
    form = api.post(f"/csat/{token}/rate", data={"score": "5"})
    assert form.status_code == 409 and "est pas résolue" in form.text
    widget = api.post(
        f"/api/v1/conversations/{created['conversation_token']}/csat",
        json={"score": 5},
        headers={"Accept-Language": "en"},
    )
    assert widget.status_code == 409
    assert widget.json()["detail"].startswith("This request is not solved")
    assert _ratings(admin_api, created["ticket_ref"]) == []


def test_a_reopened_ticket_cannot_be_rated_any_more(api, admin_api):
    created = _ticket(api, "reopened@example.com")
    _solve(admin_api, created["ticket_ref"])
    path = _survey_path(api, created, 2)
    assert api.get(path).status_code == 200
    reply = api.post(
        f"/api/v1/conversations/{created['conversation_token']}/messages",
        json={"body": "En fait, non, ça ne marche pas."},
    )
    assert reply.status_code == 201, reply.text
    token = path.split("/csat/")[1].split("?")[0]
    sent = api.post(f"/csat/{token}/rate", data={"score": "2"})
    assert sent.status_code == 409 and "rouverte" in sent.text
    assert _ratings(admin_api, created["ticket_ref"]) == []


def test_every_html_page_has_the_security_headers(api, admin_api):
    created = _ticket(api, "headers@example.com")
    _solve(admin_api, created["ticket_ref"])
    token = _token(created)
    pages = {
        "csat": api.get(f"/csat/{token}?score=3"),
        "csat form": api.post(f"/csat/{token}/rate", data={"score": "3"}),
        "csat unsolved": api.get(f"/csat/{_token(_ticket(api, 'h2@example.com'))}"),
        "help": api.get("/help/fr"),
        "schema": api.get("/schema"),
        "schema 404": api.get("/schema/nothing-here"),
    }
    for name, page in pages.items():
        assert page.headers["content-type"].startswith("text/html"), name
        for header, value in HEADERS.items():
            assert page.headers.get(header) == value, (name, header)
        csp = page.headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, name
    assert api.get("/health").headers["x-content-type-options"] == "nosniff"


def _error(message) -> bool:
    """A console error (a CSP violation, a failed load), except the browser's own favicon try."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def test_the_api_reference_renders_in_chromium_under_its_csp(server):
    with chromium() as browser:
        page = browser.new_page(locale="fr-CA")
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if _error(m) else None)
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        outside: list[str] = []
        page.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None
        )
        answer = page.goto(f"{server.url}/schema")
        assert answer is not None and answer.status == 200
        assert page.title().startswith("Comptoir API")
        login = page.locator("summary", has_text="/api/v1/auth/login")
        login.click()
        details = page.locator("details", has=login)
        assert details.get_attribute("open") is not None
        assert details.get_by_text("Réponses").is_visible()
        assert details.get_by_text("429").is_visible()
        assert page.locator("details > summary").count() > 90
        assert problems == [] and outside == []


def test_the_csat_page_rates_from_chromium(server, api, admin_api):
    created = _ticket(api, "browser@example.com")
    _solve(admin_api, created["ticket_ref"])
    path = _survey_path(api, created, 5)
    with chromium() as browser:
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if _error(m) else None)
        page.goto(f"{server.url}{path}")
        assert page.get_by_role("radio", name="5").is_checked()
        assert _ratings(admin_api, created["ticket_ref"]) == []
        page.get_by_label("Un commentaire? (facultatif)").fill("Parfait")
        page.get_by_role("button", name="Envoyer").click()
        page.get_by_text("Merci! Votre note : 5/5.").wait_for()
        assert problems == []
    assert _ratings(admin_api, created["ticket_ref"]) == [5]
