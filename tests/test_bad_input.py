"""Bad input on the public and agent surfaces gets a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import make_database, start_server

JSON = {"Content-Type": "application/json"}
VALID = b'{"email": "a@example.com", "body": "hello"}'


@pytest.mark.parametrize(
    ("case", "content", "headers", "status", "words"),
    [
        ("invalid email", b'{"email": "nope", "body": "x"}', JSON, 400, "email"),
        ("empty body", b'{"email": "a@example.com", "body": ""}', JSON, 400, "body"),
        ("blank body", b'{"email": "a@example.com", "body": "   "}', JSON, 400, "body"),
        ("missing body", b'{"email": "a@example.com"}', JSON, 400, "body"),
        ("unknown field", b'{"email": "a@example.com", "body": "x", "admin": true}', JSON, 400,
         "admin"),
        ("bad language", b'{"email": "a@example.com", "body": "x", "language": "de"}', JSON, 400,
         "language"),
        ("malformed JSON", b'{"email": ', JSON, 400, ""),
        ("not an object", b'["a@example.com"]', JSON, 400, ""),
        ("invalid UTF-8", b'{"email": "a@example.com", "body": "\xff\xfe"}', JSON, 400, "UTF-8"),
        ("wrong content type", VALID, {"Content-Type": "text/plain"}, 415, "JSON"),
        ("form encoded", b"email=a@example.com&body=x",
         {"Content-Type": "application/x-www-form-urlencoded"}, 415, "JSON"),
        ("over 1 MB", b'{"email": "a@example.com", "body": "' + b"x" * 1_100_000 + b'"}', JSON,
         413, "1000000"),
    ],
)  # fmt: skip
def test_bad_intake_gets_a_readable_4xx(api, case, content, headers, status, words):
    response = api.post(
        "/api/v1/tickets", content=content, headers={**headers, "Accept-Language": "en"}
    )
    assert response.status_code == status, (case, response.text)
    detail = response.json()["detail"]
    assert detail and words in detail


def test_overlong_message_text_is_refused(api):
    response = api.post("/api/v1/tickets", json={"email": "a@example.com", "body": "x" * 20_001})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/tickets/C999999", None, 404),
        ("/api/v1/tickets/not-a-ref", None, 404),
        ("/api/v1/tickets", {"sort": "sideways"}, 400),
        ("/api/v1/tickets", {"status": "deleted"}, 400),
        ("/api/v1/tickets", {"limit": "100000"}, 400),
        ("/api/v1/tickets", {"limit": "many"}, 400),
        ("/api/v1/tickets", {"cursor": "garbage!!"}, 400),
        ("/api/v1/tickets", {"cursor": "WzEsMl0"}, 400),  # valid base64, wrong shape
        ("/no/such/page", None, 404),
    ],
)
def test_bad_agent_requests_get_4xx(admin_api, path, params, status):
    response = admin_api.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "archived"},
        {"priority": "asap"},
        {"assignee_id": 987654},
        {"tags": [""]},
        {"unknown": 1},
    ],
)
def test_bad_ticket_changes_get_400(api, admin_api, payload):
    ref = api.post("/api/v1/tickets", json={"email": "b@example.com", "body": "x"}).json()[
        "ticket_ref"
    ]
    response = admin_api.patch(f"/api/v1/tickets/{ref}", json=payload)
    assert response.status_code == 400, response.text


def test_reply_to_unknown_ticket_is_404(admin_api):
    response = admin_api.post("/api/v1/tickets/C999999/messages", json={"body": "hi"})
    assert response.status_code == 404
    assert "C999999" in response.json()["detail"]


def test_public_intake_is_rate_limited_with_retry_after(tmp_path):
    db_path = tmp_path / "limited.duckdb"
    make_database(db_path)
    server = start_server(db_path, rate_limit=3)
    try:
        import httpx

        with httpx.Client(base_url=server.url) as client:
            answers = [
                client.post("/api/v1/tickets", json={"email": "c@example.com", "body": "hi"})
                for _ in range(4)
            ]
            assert [a.status_code for a in answers] == [201, 201, 201, 429]
            retry_after = int(answers[-1].headers["Retry-After"])
            assert 1 <= retry_after <= 60
            # Agents are not throttled by the public budget.
            assert client.get("/health").status_code == 200
    finally:
        server.stop()
