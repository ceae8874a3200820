"""The chat widget's server side: config, starting chats, identity, attachments, spam blocks."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

ALWAYS_OPEN = {d: [{"start": "00:00", "end": "23:59"}]
               for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}  # fmt: skip
NEVER_OPEN = {d: [] for d in ALWAYS_OPEN}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake but typed right\n"


def _widget_settings(admin_api: httpx.Client, **changes) -> dict:
    current = admin_api.get("/api/v1/settings/widget").json()
    current.pop("identity_secret_set")
    answer = admin_api.put("/api/v1/settings/widget", json={**current, **changes})
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def open_hours(admin_api):
    _widget_settings(admin_api, business_hours=ALWAYS_OPEN, enforce_identity=False)
    admin_api.get("/api/v1/me")  # an agent is online
    yield
    _widget_settings(admin_api, business_hours=ALWAYS_OPEN, enforce_identity=False)


def test_config_speaks_the_visitors_language(api, admin_api, open_hours):
    french = api.get("/api/v1/widget/config", headers={"Accept-Language": "fr-CA"}).json()
    english = api.get("/api/v1/widget/config", params={"lang": "en"}).json()
    assert french["language"] == "fr" and french["welcome"].startswith("Bonjour")
    assert english["language"] == "en" and english["welcome"] == "Hi! How can we help?"
    assert french["online"] is True


def test_anonymous_chat_opens_a_chat_ticket_with_page_and_locale(api, admin_api, open_hours):
    started = api.post(
        "/api/v1/widget/conversations",
        json={"body": "Allo! Vos bottes Mistassini taillent-tu grand?",
              "page_url": "https://nordet.example/bottes", "locale": "fr-CA"},
    )  # fmt: skip
    assert started.status_code == 201, started.text
    ticket = admin_api.get(f"/api/v1/tickets/{started.json()['ticket_ref']}").json()
    assert ticket["channel"] == "chat" and ticket["language"] == "fr"
    assert ticket["source"]["page_url"] == "https://nordet.example/bottes"
    assert ticket["source"]["locale"] == "fr-CA"
    assert ticket["customer"]["email"] is None


def test_offline_chat_requires_an_email(api, admin_api):
    _widget_settings(admin_api, business_hours=NEVER_OPEN)
    try:
        assert api.get("/api/v1/widget/config").json()["online"] is False
        refused = api.post("/api/v1/widget/conversations", json={"body": "Bonsoir"})
        assert refused.status_code == 400 and "courriel" in refused.json()["detail"]
        kept = api.post(
            "/api/v1/widget/conversations",
            json={"body": "Bonsoir, une question", "email": "soir@example.com"},
        )
        assert kept.status_code == 201
        ticket = admin_api.get(f"/api/v1/tickets/{kept.json()['ticket_ref']}").json()
        assert ticket["source"]["offline"] is True
    finally:
        _widget_settings(admin_api, business_hours=ALWAYS_OPEN)


def test_enforced_identity_refuses_unsigned_and_forged_chats(api, admin_api, open_hours):
    secret = "store-shared-secret-0123456789"
    view = _widget_settings(admin_api, identity_secret=secret, enforce_identity=True)
    assert view["identity_secret_set"] is True and secret not in str(view)
    email = "signed.in@example.com"
    good = hmac.new(secret.encode(), email.encode(), hashlib.sha256).hexdigest()
    body = {"body": "Bonjour", "email": email}
    assert api.post("/api/v1/widget/conversations", json=body).status_code == 403
    forged = {**body, "identity": {"email": email, "signature": "0" * 64}}
    assert api.post("/api/v1/widget/conversations", json=forged).status_code == 403
    other = {**body, "identity": {"email": "victim@example.com", "signature": good}}
    assert api.post("/api/v1/widget/conversations", json=other).status_code == 403
    signed = {"body": "Bonjour", "identity": {"email": email, "signature": good}}
    accepted = api.post("/api/v1/widget/conversations", json=signed)
    assert accepted.status_code == 201
    ticket = admin_api.get(f"/api/v1/tickets/{accepted.json()['ticket_ref']}").json()
    assert ticket["customer"]["email"] == email and ticket["source"]["identity_verified"]


def test_attachments_are_type_checked_from_content(api, admin_api, open_hours):
    token = api.post("/api/v1/widget/conversations", json={"body": "Voici la photo"}).json()[
        "conversation_token"
    ]
    upload = api.post(
        f"/api/v1/conversations/{token}/attachments",
        files={"data": ("trou.png", PNG, "image/png")},
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["content_type"] == "image/png"
    got = api.get(f"/api/v1/conversations/{token}/attachments/{upload.json()['id']}")
    assert got.content == PNG and got.headers["x-content-type-options"] == "nosniff"
    assert (
        api.post(
            f"/api/v1/conversations/{token}/attachments",
            files={"data": ("f.pdf", PDF, "image/png")},
        ).json()["content_type"]
        == "application/pdf"
    )
    disguised = api.post(
        f"/api/v1/conversations/{token}/attachments",
        files={"data": ("evil.png", b"<script>alert(1)</script>", "image/png")},
    )
    assert disguised.status_code == 415
    too_big = api.post(
        f"/api/v1/conversations/{token}/attachments",
        files={"data": ("big.png", PNG + b"\x00" * 5_000_001, "image/png")},
    )
    assert too_big.status_code == 413


def test_blocked_conversation_and_email_are_refused(api, admin_api, open_hours):
    started = api.post(
        "/api/v1/widget/conversations",
        json={"body": "Achetez des montres", "email": "spam@spammer.example.com"},
    ).json()
    ref, token = started["ticket_ref"], started["conversation_token"]
    block = admin_api.post("/api/v1/blocks", json={"kind": "conversation", "value": ref})
    assert block.status_code == 201
    ticket = admin_api.get(f"/api/v1/tickets/{ref}").json()
    assert ticket["status"] == "closed" and "spam" in ticket["tags"]
    again = api.post(f"/api/v1/conversations/{token}/messages", json={"body": "encore"})
    assert again.status_code == 403
    admin_api.post("/api/v1/blocks", json={"kind": "email", "value": "SPAM@spammer.example.com"})
    new = api.post(
        "/api/v1/widget/conversations", json={"body": "re", "email": "spam@spammer.example.com"}
    )
    assert new.status_code == 403
    blocks = admin_api.get("/api/v1/blocks").json()
    assert {(b["kind"], b["value"]) for b in blocks} >= {
        ("email", "spam@spammer.example.com"),
        ("conversation", ref),
    }
