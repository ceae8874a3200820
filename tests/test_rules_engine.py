"""Rules acting on tickets (widget_api/domain/rules/engine.py and actions.py): each action, in
position order, loop safety, the hourly cap, the history lines. Rules are created through the
API and triggered by a real intake on a real server; the mail cases go through the real mail
pipeline and outbox on a database of their own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from email import message_from_bytes, policy

import httpx
import pytest

from tests.conftest import login
from tests.test_mail_pipeline import SECRET, make_mail
from tests.waiting import wait_until
from widget_api.contracts.rules import RuleCreate
from widget_api.domain.rules import service
from widget_api.domain.rules.engine import RulesEngine
from widget_api.listeners.rules import RulesListener
from widget_api.mail.compose import Composer, StoreIdentity
from widget_api.mail.outbox import Outbox
from widget_api.mail.pipeline import Pipeline
from widget_api.storage import Database, macros, tickets
from widget_api.storage import mail as mail_store
from widget_api.storage import rules as rule_store
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import utcnow

_marker = itertools.count(1)


def _active_rule(admin_api: httpx.Client, marker: str, actions: list[dict], **extra) -> dict:
    """An active rule on new tickets whose subject starts with ``marker``."""
    body = {
        "name": f"Règle {marker}",
        "trigger": {"event": "ticket.created"},
        "conditions": {"all": [{"field": "subject", "operator": "starts_with", "value": marker}]},
        "actions": actions,
        "active": True,
        **extra,
    }
    answer = admin_api.post("/api/v1/rules", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _open(api: httpx.Client, subject: str, language: str = "fr", name: str = "Marie Tremblay"):
    answer = api.post(
        "/api/v1/tickets",
        json={
            "email": f"{next(_marker)}.client@example.com",
            "name": name,
            "subject": subject,
            "body": "Bonjour, pouvez-vous m'aider?",
            "language": language,
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["ticket_ref"]


def _ticket(admin_api: httpx.Client, ref: str) -> dict:
    return admin_api.get(f"/api/v1/tickets/{ref}").json()


def _runs(admin_api: httpx.Client, ref: str, rule_id: int | None = None) -> list[dict]:
    runs = admin_api.get("/api/v1/rule-runs", params={"ticket": ref}).json()
    return [r for r in runs if rule_id is None or r["rule_id"] == rule_id]


def _done(admin_api: httpx.Client, ref: str, rule_id: int) -> dict:
    return wait_until(lambda: _runs(admin_api, ref, rule_id), f"rule {rule_id} run on {ref}")[0]


def test_field_actions_change_the_ticket_as_the_rule(api, admin_api):
    me = admin_api.get("/api/v1/me").json()
    rule = _active_rule(
        admin_api,
        "Champs",
        [
            {"kind": "add_tags", "params": {"tags": ["VIP", "à-voir"]}},
            {"kind": "remove_tags", "params": {"tags": ["à-voir"]}},
            {"kind": "set_priority", "params": {"priority": "urgent"}},
            {"kind": "set_status", "params": {"status": "on_hold"}},
            {"kind": "set_problem_type", "params": {"problem_type": "billing"}},
            {"kind": "assign_agent", "params": {"agent_id": me["id"]}},
            {"kind": "snooze", "params": {"hours": 2}},
        ],
    )
    ref = _open(api, "Champs: facture")
    run = _done(admin_api, ref, rule["id"])
    assert run["outcome"] == "matched", run
    ticket = _ticket(admin_api, ref)
    assert ticket["tags"] == ["vip"] and ticket["priority"] == "urgent"
    assert ticket["status"] == "on_hold" and ticket["problem_type"] == "billing"
    assert ticket["assignee_id"] == me["id"] and ticket["snoozed_until"]
    events = admin_api.get(f"/api/v1/tickets/{ref}/events").json()
    by_rule = [e for e in events if e["actor_type"] == "rule"]
    assert {e["actor_id"] for e in by_rule} == {rule["id"]}
    assert {e["name"] for e in by_rule} >= {
        "ticket.tags_changed",
        "ticket.priority_changed",
        "ticket.status_changed",
        "ticket.assigned",
    }
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_a_macro_reply_is_in_the_customers_language_with_placeholders_filled(api, admin_api):
    macro = admin_api.post(
        "/api/v1/macros",
        json={
            "name_fr": "Accusé",
            "name_en": "Ack",
            "body_fr": "Bonjour {customer_first_name} ({ticket_ref})",
            "body_en": "Hi {customer_first_name} ({ticket_ref})",
        },
    ).json()
    rule = _active_rule(
        admin_api, "Macro", [{"kind": "reply_macro", "params": {"macro_id": macro["id"]}}]
    )
    french = _open(api, "Macro: bonjour", "fr", "Marie Tremblay")
    english = _open(api, "Macro: hello", "en", "John Smith")
    for ref, text in ((french, f"Bonjour Marie ({french})"), (english, f"Hi John ({english})")):
        _done(admin_api, ref, rule["id"])
        replies = [m for m in _ticket(admin_api, ref)["messages"] if m["kind"] == "outbound"]
        assert [m["body_text"] for m in replies] == [text]
        assert replies[0]["author_type"] == "system" and replies[0]["author_id"] is None
        # An automatic reply is no agent's first reply: the SLA clock still runs.
        assert _ticket(admin_api, ref)["first_response_at"] is None
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_a_note_mentions_agents_and_a_notification_reaches_the_agent(api, admin_api):
    me = admin_api.get("/api/v1/me").json()
    rule = _active_rule(
        admin_api,
        "Note",
        [
            {"kind": "note", "params": {"body": "À regarder, @Alice"}},
            {"kind": "notify_agent", "params": {"agent_id": me["id"]}},
        ],
    )
    ref = _open(api, "Note: client fâché")
    assert _done(admin_api, ref, rule["id"])["outcome"] == "matched"
    notes = [m for m in _ticket(admin_api, ref)["messages"] if m["kind"] == "note"]
    assert notes[0]["body_text"] == "À regarder, @Alice" and notes[0]["mentions"] == [me["id"]]
    notices = admin_api.get("/api/v1/me/notifications").json()
    assert any(n["ticket_ref"] == ref and n["rule_id"] == rule["id"] for n in notices)
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_an_action_that_cannot_run_is_recorded_and_the_others_still_run(api, admin_api):
    rule = _active_rule(
        admin_api,
        "Équipe",
        [
            {"kind": "assign_team", "params": {"team_name": "returns"}},
            {"kind": "webhook", "params": {"url": "https://hooks.example/rules", "secret": "k"}},
            {"kind": "add_tags", "params": {"tags": ["exceptions"]}},
        ],
    )
    ref = _open(api, "Équipe: mauvais article")
    run = _done(admin_api, ref, rule["id"])
    assert run["outcome"] == "error" and run["matched"] is True
    assert [a["ok"] for a in run["actions"]] == [False, True, True]  # the webhook is queued
    assert run["actions"][0]["error_code"] == "no_team"
    assert run["actions"][0]["error"] == "aucune équipe 'returns'"  # the admin reads French
    assert _ticket(admin_api, ref)["tags"] == ["exceptions"]
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_rules_run_in_position_order_each_seeing_the_previous(api, admin_api):
    second = _active_rule(
        admin_api,
        "Ordre",
        [{"kind": "add_tags", "params": {"tags": ["deux"]}}],
        conditions={
            "all": [
                {"field": "subject", "operator": "starts_with", "value": "Ordre"},
                {"field": "tags", "operator": "contains", "value": "un"},
            ]
        },
    )
    first = _active_rule(
        admin_api, "Ordre", [{"kind": "add_tags", "params": {"tags": ["un"]}}], position=0
    )
    ref = _open(api, "Ordre: test")
    _done(admin_api, ref, second["id"])
    assert _ticket(admin_api, ref)["tags"] == ["un", "deux"]
    for rule in (first, second):
        admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_a_rules_change_triggers_no_rule_and_nothing_loops(api, admin_api):
    def on_tags(marker_tag: str, add: str) -> dict:
        return _active_rule(
            admin_api,
            "Boucle",
            [{"kind": "add_tags", "params": {"tags": [add]}}],
            trigger={"event": "ticket.tags_changed"},
            conditions={"all": [{"field": "tags", "operator": "contains", "value": marker_tag}]},
        )

    rule_a = on_tags("go", "a")  # an agent's "go" → a
    rule_b = on_tags("a", "b")  # reacts to the tag A adds (in the same pass, as rule 2)
    ref = _open(api, "Boucle: test")
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"add_tags": ["go"]})
    wait_until(lambda: "b" in _ticket(admin_api, ref)["tags"], "rule B's tag")
    # A later agent change is handled after everything before it: once its runs are recorded,
    # any run a rule's own change could have caused would be recorded too.
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"remove_tags": ["go"]})
    wait_until(lambda: len(_runs(admin_api, ref, rule_b["id"])) == 2, "the second pass")
    for rule in (rule_a, rule_b):
        runs = _runs(admin_api, ref, rule["id"])
        assert len(runs) == 2 and len({r["event_id"] for r in runs}) == 2  # one per agent change
    assert [r["outcome"] for r in _runs(admin_api, ref, rule_a["id"])] == ["not_matched", "matched"]
    assert _ticket(admin_api, ref)["tags"] == ["a", "b"]
    for rule in (rule_a, rule_b):
        admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_the_history_tells_what_a_rule_did_in_french_and_english(server, api, admin_api):
    rule = _active_rule(admin_api, "Histoire", [{"kind": "add_tags", "params": {"tags": ["vip"]}}])
    ref = _open(api, "Histoire: test")
    _done(admin_api, ref, rule["id"])
    french = [
        e["rule_line"]
        for e in admin_api.get(f"/api/v1/tickets/{ref}/events").json()
        if e["rule_line"]
    ]
    assert french == ["Règle « Règle Histoire » : étiquette ajoutée : vip"]
    with httpx.Client(base_url=server.url, timeout=10) as english:
        english.headers["Authorization"] = f"Bearer {login(english)}"
        admin_api.post(
            "/api/v1/agents",
            json={
                "email": "en@shop.test",
                "name": "Ella English",
                "password": "english-password",
                "language": "en",
            },
        )
        english.headers["Authorization"] = (
            f"Bearer {login(english, 'en@shop.test', 'english-password')}"
        )
        lines = [
            e["rule_line"]
            for e in english.get(f"/api/v1/tickets/{ref}/events").json()
            if e["rule_line"]
        ]
    assert lines == ['Rule "Règle Histoire": tag added: vip']
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


# -- in-process, with the real mail pipeline ------------------------------------------------------
class Harness:
    """A database with a support mailbox, the rules listener fed every committed event."""

    def __init__(self, db: Database, cap: int):
        self.db = db
        self.engine = RulesEngine(
            db, timezone="America/Toronto", max_runs_per_hour=cap, store_name=lambda: "Nordet"
        )
        self.listener = RulesListener(self.engine)
        self.seen: list = []
        db.changes.listen(lambda e: self.seen.append(e) if self.listener.wants(e) else None)
        self.pipeline = Pipeline(db, SECRET)

    def rule(self, **fields) -> int:
        body = {"name": "r", "active": True, "trigger": {"event": "ticket.created"}, **fields}
        return service.create(self.db, RuleCreate.model_validate(body), SYSTEM).id

    def drain(self) -> None:
        """Hand every event committed so far to the listener, as the dispatcher would."""
        while self.seen:
            batch, self.seen[:] = list(self.seen), []
            self.listener.handle(batch)

    def runs(self, ticket_id: int | None = None) -> list[dict]:
        return self.db.read(lambda cur: rule_store.runs(cur, ticket_id=ticket_id, limit=1000))


@pytest.fixture
def harness(tmp_path) -> Iterator[Harness]:
    with Database(tmp_path / "rules.duckdb") as db:
        db.write(
            lambda w: mail_store.insert_mailbox(
                w,
                {
                    "name": "Support",
                    "address": "support@nordet.example",
                    "inbound": "smtp",
                    "smtp_host": "127.0.0.1",
                },
                SYSTEM,
                utcnow(),
            )
        )
        yield Harness(db, cap=3)


TAG = [{"kind": "add_tags", "params": {"tags": ["vu"]}}]


def test_auto_submitted_mail_triggers_nothing(harness):
    harness.rule(actions=TAG)
    person = harness.pipeline.ingest(make_mail(subject="Ma commande"), source="smtp")
    robot = harness.pipeline.ingest(
        make_mail(subject="Réponse automatique", headers={"Auto-Submitted": "auto-replied"}),
        source="smtp",
    )
    harness.drain()
    assert person.outcome == "ticket" and robot.outcome == "ignored"
    assert [r["ticket_ref"] for r in harness.runs()] == [person.ticket_ref]


def test_a_macro_reply_on_a_mail_ticket_leaves_through_the_outbox(harness):
    texts = {
        "name_fr": "A",
        "name_en": "A",
        "body_fr": "Bonjour {customer_first_name}, bien reçu.",
        "body_en": "Hi {customer_first_name}",
    }
    macro = harness.db.write(lambda w: macros.create(w, texts, SYSTEM, utcnow()))
    harness.rule(actions=[{"kind": "reply_macro", "params": {"macro_id": macro}}])
    outcome = harness.pipeline.ingest(make_mail(subject="Bonjour"), source="smtp")
    harness.drain()
    composer = Composer(
        harness.db, SECRET, lambda: StoreIdentity("Nordet", "support@nordet.example")
    )
    assert Outbox(harness.db, composer).enqueue_replies() == 1
    raw = harness.db.read(lambda c: c.execute("SELECT raw FROM mail_outbox").fetchone()[0])
    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["To"] == "marie.tremblay@videotron.ca"
    assert "Bonjour Marie, bien reçu." in sent.get_body(("plain",)).get_content()
    assert f"[#{outcome.ticket_ref}]" in sent["Subject"]


def test_past_the_hourly_cap_runs_are_recorded_as_skipped(harness):
    harness.rule(trigger={"event": "message.created"}, actions=TAG)
    first = harness.pipeline.ingest(make_mail(message_id="<cap@videotron.ca>"), source="smtp")
    ticket_id = harness.db.read(lambda cur: tickets.ref_to_id(cur, first.ticket_ref))
    for n in range(4):
        harness.db.write(
            lambda w, n=n: tickets.add_message(
                w,
                tickets.NewMessage(
                    ticket_id=ticket_id,
                    kind="inbound",
                    author_type="customer",
                    author_id=None,
                    author_name="Marie",
                    channel="email",
                    body_text=f"Relance {n}",
                    body_html=None,
                    meta=None,
                    at=utcnow(),
                ),
                Actor("customer", None),
            )
        )
    harness.drain()
    outcomes = [r["outcome"] for r in reversed(harness.runs(ticket_id))]
    assert outcomes == ["matched", "matched", "matched", "skipped", "skipped"]
    newest = harness.runs(ticket_id)[0]
    assert newest["error"] == "hourly cap reached" and newest["error_code"] == "hourly_cap"


def test_an_event_seen_twice_runs_its_rules_once(harness):
    harness.rule(actions=TAG)
    replayed = []
    harness.db.changes.listen(replayed.append)
    harness.pipeline.ingest(make_mail(subject="Deux fois"), source="smtp")
    harness.drain()
    harness.listener.handle([e for e in replayed if harness.listener.wants(e)])  # a replay
    assert len(harness.runs()) == 1
