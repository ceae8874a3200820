"""The demo store's SMS, WhatsApp, Messenger and Instagram conversations, through a real
server started on a demo prepared as ``comptoir demo`` prepares it (its clock pinned): tickets
on the four channels in both languages, customers known by their phone or page-scoped ids,
delivered agent replies, an SMS opt-out, WhatsApp's 24-hour window, and the inbox's channel
views listing exactly each channel's tickets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from data.demo_store.chat_channels import CONVERSATIONS, IDENTITY, seed_demo_channels
from data.demo_store.prepare import prepare_demo
from tests.conftest import RunningServer, login, start_server
from tests.test_dashboard import signed_in
from widget_api.i18n import t
from widget_api.storage import Database
from widget_api.storage import tickets as ticket_store

ADMIN = ("admin@nordet.example", "comptoir-demo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CHANNELS = ("sms", "whatsapp", "facebook", "instagram")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[RunningServer]:
    path = tmp_path_factory.mktemp("demo-channels") / "demo.duckdb"
    prepare_demo(path, *ADMIN, tickets=150, now=NOW.replace(tzinfo=None))
    running = start_server(path, env={"COMPTOIR_CLOCK__NOW": NOW.isoformat()})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def token(demo) -> str:
    with httpx.Client(base_url=demo.url, timeout=30) as client:
        return login(client, *ADMIN)


@pytest.fixture
def api(demo, token) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=demo.url, timeout=60, headers=headers) as client:
        yield client


def channel_tickets(api: httpx.Client, channel: str, **params) -> list[dict]:
    found, cursor = [], None
    while True:
        query = {
            "channel": channel,
            "limit": 200,
            **params,
            **({"cursor": cursor} if cursor else {}),
        }
        page = api.get("/api/v1/tickets", params=query).json()
        found += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def detail_by_identity(api: httpx.Client, channel: str) -> dict[str, dict]:
    """The channel's demo tickets by the customer's identity value (phone, PSID, IGSID)."""
    kind = IDENTITY[channel]
    found = {}
    for item in channel_tickets(api, channel):
        detail = api.get(f"/api/v1/tickets/{item['ref']}").json()
        for identity in detail["customer_detail"]["identities"]:
            if identity["kind"] == kind:
                found[identity["value"]] = detail
    return found


def conversation(name: str):
    return next(c for c in CONVERSATIONS if c.name == name)


@pytest.mark.parametrize("channel", CHANNELS)
def test_each_channel_has_demo_conversations_in_both_languages(api, channel):
    by_handle = detail_by_identity(api, channel)
    written = [c for c in CONVERSATIONS if c.channel == channel]
    assert {c.handle for c in written} <= set(by_handle)
    assert {by_handle[c.handle]["language"] for c in written} == {"fr", "en"}
    for c in written:
        detail = by_handle[c.handle]
        assert detail["status"] == c.status
        assert detail["customer_detail"]["name"] == c.name
        shown = [(m["kind"], m["body_text"]) for m in detail["messages"] if m["kind"] != "note"]
        assert shown == [("inbound" if line.agent is None else "outbound", line.text)
                         for line in c.lines]  # fmt: skip
        replies = [m for m in detail["messages"] if m["kind"] == "outbound"]
        assert all(m["delivery"] == "sent" and m["author_type"] == "agent" for m in replies)
        assert all(m["author_name"] for m in replies)  # a demo agent, by name


def test_the_sms_opt_out_shows_on_the_customer(api):
    emma = conversation("Emma Wilson")
    detail = detail_by_identity(api, "sms")[emma.handle]
    (phone,) = [i for i in detail["customer_detail"]["identities"] if i["kind"] == "phone"]
    assert phone["opted_out_at"] is not None
    others = [c for c in CONVERSATIONS if c.channel == "sms" and not c.opted_out]
    for c in others:
        identity = next(i for i in detail_by_identity(api, "sms")[c.handle]["customer_detail"]
                        ["identities"] if i["kind"] == "phone")  # fmt: skip
        assert identity["opted_out_at"] is None


def test_whatsapp_window_applies_to_the_demo_conversations(api):
    by_handle = detail_by_identity(api, "whatsapp")
    late = by_handle[conversation("Steve Gauthier").handle]  # last wrote 30 hours ago
    refused = api.post(f"/api/v1/tickets/{late['ref']}/messages",
                       json={"kind": "reply", "body": "Avez-vous pu poster le colis?"},
                       headers={"Accept-Language": "fr"})  # fmt: skip
    assert refused.status_code in (400, 409, 422), refused.text
    assert "24" in refused.json()["detail"]
    recent = by_handle[conversation("Isabelle Côté").handle]  # wrote 100 minutes ago
    answer = api.post(f"/api/v1/tickets/{recent['ref']}/messages",
                      json={"kind": "reply", "body": "Jusqu'à -30 °C!"})  # fmt: skip
    assert answer.status_code == 201, answer.text


def test_seeding_twice_adds_nothing(tmp_path):
    """prepare_demo seeded the conversations already (the served demo is locked by its server,
    so a small demo of its own is made); a second seeding finds them and writes nothing."""
    path = tmp_path / "again.duckdb"
    prepare_demo(path, *ADMIN, tickets=60, now=NOW.replace(tzinfo=None))
    with Database(path) as db:
        count = db.read(ticket_store.count)
        assert count > 60  # the generated tickets and the conversations
        assert seed_demo_channels(db, NOW.replace(tzinfo=None)) == 0
        assert db.read(ticket_store.count) == count


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_inbox_channel_view_lists_that_channels_open_tickets(demo, token, api, channel):
    active = ["new", "open", "pending", "on_hold"]
    expected = {t["ref"] for t in channel_tickets(api, channel, status=active)}
    assert expected
    at = signed_in(demo.url, token, "en")
    button = at.button(key=f"inbox_view_channel_{channel}")
    assert button.label.startswith(t(f"channel.{channel}", "en"))
    assert button.icon and button.icon.startswith(":material/")
    at = button.click().run()
    assert not at.exception, at.exception
    shown = set(at.dataframe[0].value["ref"])
    assert shown == expected


def test_rules_can_target_the_new_channels(api):
    vocabulary = api.get("/api/v1/rules/vocabulary").json()
    channel = next(f for f in vocabulary["fields"] if f["name"] == "channel")
    labels = {v["value"]: (v["label_fr"], v["label_en"]) for v in channel["values"]}
    for name in CHANNELS:
        assert labels[name] == (t(f"channel.{name}", "fr"), t(f"channel.{name}", "en"))
    assert labels["facebook"][1] == "Messenger (Facebook)"
    rule = {"name": "Messagerie", "trigger": {"event": "ticket.created"},
            "conditions": {"any": [{"field": "channel", "operator": "equals", "value": c}
                                   for c in ("whatsapp", "instagram")]},
            "actions": [{"kind": "add_tags", "params": {"tags": ["messagerie"]}}]}  # fmt: skip
    answer = api.post("/api/v1/rules/dry-run", json={"rule": rule, "limit": 1000})
    assert answer.status_code == 200, answer.text
    matched = {r["ticket_ref"] for r in answer.json()["tickets"] if r["matched"]}
    wanted = {t["ref"] for c in ("whatsapp", "instagram") for t in channel_tickets(api, c)}
    tried = {r["ticket_ref"] for r in answer.json()["tickets"]}
    assert matched == wanted & tried and matched


def test_sla_policies_can_target_the_new_channels(api):
    current = api.get("/api/v1/settings/sla").json()
    policy = {"name": "Messagerie", "channels": list(CHANNELS), "hours": "calendar",
              "targets": {"first_reply_minutes": 30}}  # fmt: skip
    body = {**current, "policies": [policy, *current["policies"]]}
    saved = api.put("/api/v1/settings/sla", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["policies"][0]["channels"] == list(CHANNELS)
