"""The commerce settings API (``/api/v1/settings/commerce``) against a real server: admins only,
secrets write-only (masked in answers, sealed on disk, absent from the event log), kept when
sent as null, required for a new platform, the webhook URL, the sync status, the last webhook
deliveries, and the connection test."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.test_secrets_at_rest import _clear_texts_in_database
from widget_api.domain import secret_box
from widget_api.settings import Settings
from widget_api.storage import Database, commerce_inbox, settings_store

URL = "/api/v1/settings/commerce"
TOKEN = "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"
HOOK_SECRET = "whsec_5c9a0b7e1d2f3a4b5c6d7e8f9a0b1c2d"
SHOPIFY = {
    "platform": "shopify", "shop_domain": "boutique-nordique.myshopify.com",
    "access_token": TOKEN, "webhook_secret": HOOK_SECRET, "api_version": "2025-10",
    "api_base_url": "http://127.0.0.1:9",  # nothing leaves the machine: a closed port
}  # fmt: skip
WOO = {
    "platform": "woocommerce", "store_url": "https://boutique.example",
    "consumer_key": "ck_4b1f9e2a7c3d5e6f8a9b0c1d2e3f4a5b6c7d8e9f",
    "consumer_secret": "cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
    "webhook_secret": "woo-hook-secret-7f3a91",
}  # fmt: skip


def _agent_client(server: RunningServer, admin_api: httpx.Client, email: str) -> httpx.Client:
    created = admin_api.post(
        "/api/v1/agents", json={"email": email, "name": "Agathe Agent", "password": "agent-pw-123"}
    )
    assert created.status_code == 201, created.text
    client = httpx.Client(base_url=server.url, timeout=10)
    client.headers["Authorization"] = f"Bearer {login(client, email, 'agent-pw-123')}"
    return client


def test_only_admins_see_or_change_the_commerce_settings(server, admin_api, api):
    agent = _agent_client(server, admin_api, "agathe.commerce@shop.test")
    try:
        assert agent.get(URL).status_code == 403
        assert agent.put(URL, json=SHOPIFY).status_code == 403
        assert agent.post(f"{URL}/test").status_code == 403
        assert agent.get(f"{URL}/deliveries").status_code == 403
    finally:
        agent.close()
    assert api.get(URL).status_code == 401


def test_saved_shopify_settings_come_back_masked_with_the_webhook_url(server, admin_api):
    saved = admin_api.put(URL, json=SHOPIFY)
    assert saved.status_code == 200, saved.text
    shown = admin_api.get(URL)
    assert shown.status_code == 200
    body = shown.json()
    assert body["platform"] == "shopify"
    assert body["shop_domain"] == "boutique-nordique.myshopify.com"
    assert body["api_version"] == "2025-10"
    assert body["secrets"] == {"access_token": "…e1f0", "webhook_secret": "…1c2d"}
    assert body["webhook_url"] == f"{server.url}/webhooks/shopify"
    for answer in (saved, shown):
        for secret in (TOKEN, HOOK_SECRET, TOKEN[:-4], secret_box.PREFIX):
            assert secret not in answer.text


def test_woocommerce_webhook_url_and_masked_keys(server, admin_api):
    body = admin_api.put(URL, json=WOO).json()
    assert body["webhook_url"] == f"{server.url}/webhooks/woocommerce"
    assert body["store_url"] == "https://boutique.example"
    assert body["secrets"] == {
        "consumer_key": "…8e9f", "consumer_secret": "…1e0d", "webhook_secret": "…3a91"
    }  # fmt: skip
    assert all(WOO[name] not in json.dumps(body) for name in body["secrets"])


def test_a_null_secret_keeps_the_saved_one(admin_api):
    assert admin_api.put(URL, json=SHOPIFY).status_code == 200
    changed = {**SHOPIFY, "access_token": None, "api_version": "2026-01"}
    del changed["webhook_secret"]  # left out: kept too
    answer = admin_api.put(URL, json=changed)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["api_version"] == "2026-01"
    assert body["secrets"] == {"access_token": "…e1f0", "webhook_secret": "…1c2d"}
    # A new token replaces the old one.
    renewed = admin_api.put(URL, json={**changed, "access_token": "shpat_new_token_9999"})
    assert renewed.json()["secrets"]["access_token"] == "…9999"


@pytest.mark.parametrize(
    ("body", "lang", "words"),
    [
        ({"platform": "woocommerce", "store_url": "https://boutique.example"}, "fr",
         ["WooCommerce demande", "consumer_key", "consumer_secret", "webhook_secret"]),
        ({**SHOPIFY, "webhook_secret": None}, "en", ["Shopify needs", "Missing: webhook_secret"]),
    ],
)  # fmt: skip
def test_a_new_platform_without_its_secrets_is_refused(admin_api, body, lang, words):
    assert admin_api.put(URL, json={"platform": "local"}).status_code == 200
    refused = admin_api.put(URL, json=body, headers={"Accept-Language": lang})
    assert refused.status_code == 400
    assert all(word in refused.json()["detail"] for word in words), refused.text
    assert admin_api.get(URL).json()["platform"] == "local"  # nothing saved


def test_switching_platform_does_not_reuse_the_other_platforms_secret(admin_api):
    assert admin_api.put(URL, json=SHOPIFY).status_code == 200
    woo_without_hook = {**WOO, "webhook_secret": None}
    refused = admin_api.put(URL, json=woo_without_hook, headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    assert "Missing: webhook_secret" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"shop_domain": "boutique-nordique.com"}, "shop_domain"),
        ({"shop_domain": "<script>.myshopify.com"}, "shop_domain"),
        ({"api_version": "2025-13"}, "api_version"),
        ({"api_base_url": "ftp://proxy"}, "api_base_url"),
        ({"platform": "magento"}, "platform"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_values_are_refused_with_a_message(admin_api, change, field):
    refused = admin_api.put(URL, json={**SHOPIFY, **change})
    assert refused.status_code == 400, refused.text
    detail = refused.json()["detail"]
    assert detail.startswith("Données invalides") and field in detail, detail


def test_a_woocommerce_store_address_must_be_http(admin_api):
    refused = admin_api.put(URL, json={**WOO, "store_url": "boutique.example"})
    assert refused.status_code == 400
    assert "store_url" in refused.json()["detail"]


def test_the_connection_test_of_the_built_in_store(admin_api):
    assert admin_api.put(URL, json={"platform": "local"}).status_code == 200
    tested = admin_api.post(f"{URL}/test")
    assert tested.status_code == 200, tested.text
    assert tested.json()["ok"] is True
    assert tested.json()["message"].startswith("Boutique intégrée")
    # With a body (nothing saved by it), in the admin's language: Alice Admin speaks French.
    tested = admin_api.post(f"{URL}/test", json={"platform": "local"})
    assert tested.json() == {
        "ok": True, "shop_name": None,
        "message": "Boutique intégrée : aucune plateforme à joindre, tout est prêt.",
    }  # fmt: skip


def test_the_connection_test_needs_the_secrets_of_a_new_platform(admin_api):
    assert admin_api.put(URL, json={"platform": "local"}).status_code == 200
    tested = admin_api.post(f"{URL}/test", json={**SHOPIFY, "access_token": None})
    assert tested.status_code == 400
    assert "access_token" in tested.json()["detail"]
    assert admin_api.get(URL).json()["platform"] == "local"  # a test saves nothing


def test_the_connection_test_says_why_it_cannot_run(admin_api):
    """Whatever the connector does (not installed: 503 with a message), never a bare 500."""
    assert admin_api.put(URL, json=SHOPIFY).status_code == 200
    tested = admin_api.post(f"{URL}/test", json={**SHOPIFY, "api_base_url": "http://127.0.0.1:9"})
    assert tested.status_code in (200, 503), tested.text
    if tested.status_code == 200:
        assert tested.json()["ok"] is False and tested.json()["message"]
    else:
        assert "Shopify" in tested.json()["detail"]


def _prepare(db_path: Path) -> None:
    """The admin, a sync the runner left half-way, and two Shopify deliveries."""
    make_database(db_path)
    at = datetime(2026, 12, 1, 15, 30)
    sync = {
        "state": "running", "orders_imported": 240, "customers_imported": 90,
        "started_at": "2026-12-01T15:00:00", "error": None, "cursor": "eyJsYXN0IjoxMjN9",
    }  # fmt: skip

    def job(w):
        settings_store.remember(w, "commerce_sync", sync, at)
        commerce_inbox.receive(w, "shopify", "b54557e4-1", "orders/updated", "{}", at)
        commerce_inbox.receive(w, "shopify", "b54557e4-2", "orders/create", "{}", at)
        commerce_inbox.receive(w, "woocommerce", "77", "order.created", "{}", at)

    with Database(db_path) as db:
        db.write(job)
        box = db.read(lambda cur: commerce_inbox.due(cur, datetime(2026, 12, 2)))
        db.write(lambda w: commerce_inbox.finish(w, box[0]["id"], "failed", at, "unknown order 42"))


def test_sync_deliveries_and_secrets_sealed_on_disk_never_in_the_event_log(tmp_path):
    db_path = tmp_path / "comptoir.duckdb"
    _prepare(db_path)
    running = start_server(db_path)
    try:
        with httpx.Client(base_url=running.url, timeout=10) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            before = client.get(URL).json(), client.get(f"{URL}/deliveries").json()
            assert client.put(URL, json=SHOPIFY).status_code == 200
            body = client.get(URL).json()
            deliveries = client.get(f"{URL}/deliveries").json()
    finally:
        running.stop()
    # Nothing saved: the built-in store, which receives no webhooks.
    assert before[0]["platform"] == "local" and before[0]["webhook_url"] is None
    assert before[0]["secrets"] == {} and before[1] == []
    # The sync as the runner wrote it (read before saving: once Shopify is saved the runner
    # starts again), and the configured platform's deliveries, newest first; the one still
    # waiting may already have been processed (an empty body: ignored) by then.
    assert before[0]["sync"]["state"] == "running" and before[0]["sync"]["orders_imported"] == 240
    assert before[0]["sync"]["started_at"] == "2026-12-01T15:00:00Z"
    assert body["platform"] == "shopify" and body["sync"]["state"] in ("running", "failed", "done")
    assert [(d["delivery_id"], d["topic"]) for d in deliveries] == [
        ("b54557e4-2", "orders/create"),
        ("b54557e4-1", "orders/updated"),
    ]
    assert deliveries[0]["status"] in ("received", "ignored")
    assert deliveries[1]["status"] == "failed"
    assert deliveries[1]["error"] == "unknown order 42"
    assert deliveries[0]["received_at"] == "2026-12-01T15:30:00Z"

    assert _clear_texts_in_database(db_path, [TOKEN, HOOK_SECRET]) == []
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        query = "SELECT value FROM store_settings WHERE key = 'commerce'"
        (stored,) = con.execute(query).fetchone()
        changes = con.execute(
            "SELECT CAST(after AS VARCHAR) FROM events WHERE name = 'settings.changed'"
            " AND json_extract_string(after, '$.key') = 'commerce'"
        ).fetchall()
    finally:
        con.close()
    stored = json.loads(stored)
    assert secret_box.is_sealed(stored["access_token"])
    assert secret_box.is_sealed(stored["webhook_secret"])
    assert len(changes) == 1
    event = json.loads(changes[0][0])
    assert event["access_token"] == "***" and event["webhook_secret"] == "***"
    assert event["shop_domain"] == "boutique-nordique.myshopify.com"
    assert secret_box.PREFIX not in changes[0][0]
    # The seal opens with the server's key file: the token is kept, not lost.
    box = secret_box.load(Settings(), db_path, create=False)
    assert box.open(stored["access_token"], "any") == TOKEN
