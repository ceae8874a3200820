"""The rules agent API over real HTTP (widget_api/routes/rules.py): starter rules, create, read,
change, reorder, enable, disable, delete; clear 400s for invalid rules; the vocabulary; write-only
webhook secrets; the dry run (which writes nothing, and names each ticket's subject); runs, each
rule's last run, and run errors said in the reader's language."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import login
from tests.waiting import wait_until
from widget_api.domain.rules import run_text


def _rule(**overrides) -> dict:
    rule = {
        "name": "Colis perdus",
        "trigger": {"event": "ticket.created"},
        "conditions": {"all": [{"field": "subject", "operator": "contains", "value": "colis"}]},
        "actions": [{"kind": "add_tags", "params": {"tags": ["livraison"]}}],
    }
    return {**rule, **overrides}


@pytest.fixture(scope="module")
def agent_token(server) -> str:
    """A plain (non-administrator) agent's token."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        client.post("/api/v1/agents", json={"email": "agent@shop.test", "name": "Paul Agent",
                                            "password": "agent-password-1"})  # fmt: skip
        return login(client, "agent@shop.test", "agent-password-1")


def test_a_fresh_database_has_the_starter_rules_all_inactive(admin_api):
    rules = admin_api.get("/api/v1/rules").json()
    starters = [r for r in rules if r["starter"]]
    assert {r["starter"] for r in starters} == {
        "after_hours_ack", "amazon_high", "exceptions_to_returns", "vip_high", "pending_close",
    }  # fmt: skip
    assert not any(r["active"] for r in starters)
    closing = next(r for r in starters if r["starter"] == "pending_close")
    assert closing["trigger"]["schedule"] == {"status": "pending", "hours": 120.0,
                                              "clock": "calendar"}  # fmt: skip


def test_create_read_change_and_delete_a_rule(admin_api):
    created = admin_api.post("/api/v1/rules", json=_rule())
    assert created.status_code == 201, created.text
    rule = created.json()
    assert (
        rule["active"] is False
        and rule["position"] == len(admin_api.get("/api/v1/rules").json()) - 1
    )
    assert admin_api.get(f"/api/v1/rules/{rule['id']}").json()["name"] == "Colis perdus"

    changed = admin_api.patch(f"/api/v1/rules/{rule['id']}", json={"name": "Colis"})
    assert changed.status_code == 200 and changed.json()["name"] == "Colis"
    assert changed.json()["actions"] == rule["actions"]  # what was not sent stays
    assert admin_api.post(f"/api/v1/rules/{rule['id']}/enable").json()["active"] is True
    assert admin_api.post(f"/api/v1/rules/{rule['id']}/disable").json()["active"] is False

    assert admin_api.delete(f"/api/v1/rules/{rule['id']}").status_code == 204
    assert admin_api.get(f"/api/v1/rules/{rule['id']}").status_code == 404
    assert admin_api.patch(f"/api/v1/rules/{rule['id']}", json={"name": "x"}).status_code == 404


def test_reorder_sets_the_order_rules_run_in(admin_api):
    ids = [r["id"] for r in admin_api.get("/api/v1/rules").json()]
    reordered = admin_api.post("/api/v1/rules/reorder", json={"ids": list(reversed(ids))})
    assert reordered.status_code == 200, reordered.text
    assert [r["id"] for r in reordered.json()] == list(reversed(ids))
    assert [r["position"] for r in reordered.json()] == list(range(len(ids)))
    assert [r["id"] for r in admin_api.get("/api/v1/rules").json()] == list(reversed(ids))
    missing_one = admin_api.post("/api/v1/rules/reorder", json={"ids": ids[1:]})
    assert missing_one.status_code == 400
    admin_api.post("/api/v1/rules/reorder", json={"ids": ids})


def test_only_administrators_change_rules(server, agent_token):
    with httpx.Client(base_url=server.url, timeout=10) as agent:
        agent.headers["Authorization"] = f"Bearer {agent_token}"
        assert agent.get("/api/v1/rules").status_code == 200
        assert agent.post("/api/v1/rules", json=_rule()).status_code == 403
        first = agent.get("/api/v1/rules").json()[0]["id"]
        assert agent.post(f"/api/v1/rules/{first}/enable").status_code == 403
        assert agent.delete(f"/api/v1/rules/{first}").status_code == 403
    assert httpx.get(f"{server.url}/api/v1/rules").status_code == 401


def _cond(field: str, operator: str, value=None) -> dict:
    return {"conditions": {"all": [{"field": field, "operator": operator, "value": value}]}}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_cond("shoe_size", "equals", "9"), "Unknown field in a condition: shoe_size"),
        (_cond("channel", "greater_than", "email"), "Operator greater_than does not apply"),
        (_cond("customer_order_count", "greater_than", "3"), "expected a number"),
        (_cond("priority", "equals", "extreme"), "expected one of low, normal, high, urgent"),
        (_cond("channel", "in", []), "a non-empty list"),
        (_cond("tags", "is_empty", "vip"), "expected no value"),
        ({"trigger": {"event": "ticket.exploded"}}, "Unknown trigger: ticket.exploded"),
        (
            {"actions": [{"kind": "webhook", "params": {"url": "ftp://hooks.example/x"}}]},
            "must start with http:// or https://",
        ),
        (
            {"actions": [{"kind": "reply_macro", "params": {"macro_id": 999_999}}]},
            "Unknown macro: 999999",
        ),
        (
            {"actions": [{"kind": "assign_agent", "params": {"agent_id": 999_999}}]},
            "Unknown or inactive agent: 999999",
        ),
        ({"actions": [{"kind": "add_tags", "params": {}}]}, "missing its parameter tags"),
        ({"actions": [{"kind": "snooze", "params": {"hours": -2}}]}, "Invalid parameter hours"),
        (
            {"actions": [{"kind": "set_status", "params": {"status": "done", "x": 1}}]},
            "Unknown parameter x",
        ),
    ],
)
def test_an_invalid_rule_gets_a_clear_400(admin_api, change, words):
    before = len(admin_api.get("/api/v1/rules").json())
    answer = admin_api.post("/api/v1/rules", json=_rule(**change),
                            headers={"Accept-Language": "en"})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert words in answer.json()["detail"]
    assert len(admin_api.get("/api/v1/rules").json()) == before


def test_invalid_rules_are_explained_in_french_too(admin_api):
    answer = admin_api.post("/api/v1/rules", json=_rule(**_cond("shoe_size", "equals", "9")),
                            headers={"Accept-Language": "fr"})  # fmt: skip
    assert answer.status_code == 400
    assert "Champ inconnu dans une condition : shoe_size" in answer.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "trigger": {}, "actions": [{"kind": "add_tags", "params": {"tags": ["a"]}}]},
        {"name": "x", "trigger": {"event": "ticket.created"}, "actions": []},
        {
            "name": "",
            "trigger": {"event": "ticket.created"},
            "actions": [{"kind": "add_tags", "params": {"tags": ["a"]}}],
        },
        {**_rule(), "actions": [{"kind": "teleport", "params": {}}]},
        {**_rule(), "trigger": {"schedule": {"status": "pending", "hours": 0}}},
    ],
)
def test_a_malformed_rule_is_a_400(admin_api, body):
    assert admin_api.post("/api/v1/rules", json=body).status_code == 400


def test_the_vocabulary_describes_fields_operators_and_actions(admin_api):
    vocabulary = admin_api.get("/api/v1/rules/vocabulary").json()
    fields = {f["name"]: f for f in vocabulary["fields"]}
    assert fields["tags"]["type"] == "list" and "contains" in fields["tags"]["operators"]
    assert "greater_than" not in fields["channel"]["operators"]
    assert {"value": "amazon", "label_fr": "Amazon", "label_en": "Amazon"} in fields["channel"][
        "values"
    ]
    assert fields["customer_lifetime_value_cents"]["type"] == "number"
    assert fields["business_hours"]["label"] == {"fr": "Pendant les heures d'ouverture",
                                                 "en": "Inside business hours"}  # fmt: skip
    assert vocabulary["operators_by_type"]["boolean"] == ["equals"]
    operators = {o["name"]: o for o in vocabulary["operators"]}
    assert operators["in"]["value"] == "list" and operators["is_empty"]["value"] == "none"
    actions = {a["kind"]: a for a in vocabulary["actions"]}
    assert {p["name"]: p["type"] for p in actions["webhook"]["params"]} == {
        "url": "text", "secret": "secret"}  # fmt: skip
    assert actions["reply_macro"]["label"]["fr"] == "Répondre avec une macro"
    triggers = {t["event"] for t in vocabulary["triggers"]}
    assert {"ticket.created", "message.created", "ticket.solved", "sla.breached"} <= triggers


@pytest.mark.parametrize(
    ("field", "value", "label_fr", "label_en"),
    [
        ("channel", "web", "Formulaire web", "Web form"),
        ("status", "pending", "En attente du client", "Waiting on customer"),
        ("priority", "high", "Haute", "High"),
        ("problem_type", "delivery_problem", "Problème de livraison", "Delivery problem"),
        ("sla_state", "breached", "Dépassé", "Breached"),
        ("fulfillment_status", "in_transit", "En transit", "In transit"),
        ("language", "en", "Anglais", "English"),
    ],
)
def test_the_vocabulary_labels_each_enum_value(admin_api, field, value, label_fr, label_en):
    fields = {f["name"]: f for f in admin_api.get("/api/v1/rules/vocabulary").json()["fields"]}
    values = {v["value"]: v for v in fields[field]["values"]}
    assert values[value] == {"value": value, "label_fr": label_fr, "label_en": label_en}
    assert all(fields[name]["values"] is None for name in ("subject", "tags", "assignee_id"))


def test_the_vocabulary_labels_enum_parameters_too(admin_api):
    actions = {a["kind"]: a for a in admin_api.get("/api/v1/rules/vocabulary").json()["actions"]}
    strategy = next(p for p in actions["assign_team"]["params"] if p["name"] == "strategy")
    assert strategy["values"][0] == {"value": "round_robin", "label_fr": "Tour de rôle",
                                     "label_en": "Round robin"}  # fmt: skip


def test_a_webhook_secret_is_never_returned(admin_api):
    body = _rule(actions=[{"kind": "webhook", "params": {"url": "https://hooks.example/in",
                                                         "secret": "s3cr3t-value"}}])  # fmt: skip
    created = admin_api.post("/api/v1/rules", json=body)
    assert created.status_code == 201, created.text
    assert "s3cr3t-value" not in created.text
    params = created.json()["actions"][0]["params"]
    assert params == {"url": "https://hooks.example/in", "secret_set": True}
    rule_id = created.json()["id"]
    # An edit cannot send back what it never saw: the secret stays.
    edited = admin_api.patch(
        f"/api/v1/rules/{rule_id}", json={"actions": created.json()["actions"]}
    )
    assert edited.json()["actions"][0]["params"]["secret_set"] is True
    assert "s3cr3t-value" not in admin_api.get(f"/api/v1/rules/{rule_id}").text
    assert "s3cr3t-value" not in admin_api.get("/api/v1/rules").text
    admin_api.delete(f"/api/v1/rules/{rule_id}")


def _open(api: httpx.Client, subject: str, email: str = "client@example.com") -> str:
    body = {"email": email, "subject": subject, "body": f"{subject}, merci", "language": "fr"}
    answer = api.post("/api/v1/tickets", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["ticket_ref"]


def _footprint(admin_api: httpx.Client) -> dict:
    """What a rule could have written, as the API shows it (the server owns the file)."""
    page = admin_api.get("/api/v1/tickets", params={"limit": 200}).json()
    refs = [t["ref"] for t in page["items"]]
    return {
        "tickets": page["total"],
        "events": sum(len(admin_api.get(f"/api/v1/tickets/{r}/events").json()) for r in refs),
        "runs": sum(len(admin_api.get("/api/v1/rule-runs", params={"ticket": r}).json())
                    for r in refs),
        "tickets_seen": sorted((t["ref"], t["status"], t["priority"], tuple(t["tags"]))
                               for t in page["items"]),
    }  # fmt: skip


def test_a_dry_run_answers_per_ticket_and_writes_nothing(api, admin_api):
    lost = _open(api, "Mon colis est perdu")
    other = _open(api, "Question sur une taille")
    # Every event of these tickets (typing included) is in before the footprint is taken.
    wait_until(lambda: all(t["problem_type"] for t in admin_api.get(
        "/api/v1/tickets", params={"limit": 200}).json()["items"] if t["ref"] in (lost, other)),
        "both tickets typed")  # fmt: skip
    before = _footprint(admin_api)
    rule = _rule(actions=[{"kind": "add_tags", "params": {"tags": ["livraison"]}},
                          {"kind": "set_priority", "params": {"priority": "urgent"}}])  # fmt: skip
    answer = admin_api.post("/api/v1/rules/dry-run", json={"rule": rule, "limit": 50})
    assert answer.status_code == 200, answer.text
    result = {t["ticket_ref"]: t for t in answer.json()["tickets"]}
    assert result[lost]["matched"] is True
    assert result[lost]["actions"] == ["add_tags", "set_priority"]
    assert result[lost]["conditions"][0]["actual"] == "Mon colis est perdu"
    assert result[lost]["subject"] == "Mon colis est perdu"
    assert result[other]["subject"] == "Question sur une taille"
    assert result[other]["matched"] is False and result[other]["actions"] == []
    assert result[other]["conditions"][0]["result"] is False
    assert _footprint(admin_api) == before


def test_a_dry_run_of_a_saved_rule_and_its_bounds(admin_api):
    saved = admin_api.post("/api/v1/rules", json=_rule()).json()
    answer = admin_api.post("/api/v1/rules/dry-run", json={"rule_id": saved["id"], "limit": 5})
    assert answer.status_code == 200 and len(answer.json()["tickets"]) <= 5
    too_many = admin_api.post("/api/v1/rules/dry-run", json={"rule_id": saved["id"],
                                                             "limit": 1001})  # fmt: skip
    assert too_many.status_code == 400
    assert admin_api.post("/api/v1/rules/dry-run", json={"rule_id": 999_999}).status_code == 404
    bad = admin_api.post("/api/v1/rules/dry-run", json={"rule": _rule(**_cond("x", "equals", 1))})
    assert bad.status_code == 400
    admin_api.delete(f"/api/v1/rules/{saved['id']}")


def test_runs_are_listed_by_rule_and_by_ticket(api, admin_api):
    rule = admin_api.post("/api/v1/rules", json=_rule(
        name="Runs", active=True, conditions={"all": [
            {"field": "subject", "operator": "starts_with", "value": "Runs check"}]},
    )).json()  # fmt: skip
    ref = _open(api, "Runs check: mon colis")
    runs = wait_until(lambda: admin_api.get(f"/api/v1/rules/{rule['id']}/runs").json(),
                      "the rule's run")  # fmt: skip
    assert runs[0]["ticket_ref"] == ref and runs[0]["outcome"] == "matched"
    assert runs[0]["rule_name"] == "Runs" and runs[0]["event_id"]
    assert runs[0]["actions"] == [{"kind": "add_tags", "ok": True, "detail": "tags: ['livraison']",
                                   "error": None, "error_code": None,
                                   "error_params": None}]  # fmt: skip
    by_ticket = admin_api.get("/api/v1/rule-runs", params={"ticket": ref}).json()
    assert rule["id"] in {r["rule_id"] for r in by_ticket}
    assert admin_api.get("/api/v1/rule-runs", params={"ticket": "C999999"}).status_code == 404
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")


def test_a_dry_runs_note_follows_accept_language(admin_api):
    body = {"rule": _rule(), "limit": 1}
    en = admin_api.post("/api/v1/rules/dry-run", json=body, headers={"Accept-Language": "en"})
    fr = admin_api.post("/api/v1/rules/dry-run", json=body, headers={"Accept-Language": "fr"})
    assert en.json()["note"].startswith("The dry run evaluates")
    assert fr.json()["note"] != en.json()["note"] and fr.json()["note"]


def test_a_rule_carries_its_last_run(api, admin_api):
    rule = admin_api.post("/api/v1/rules", json=_rule(
        name="Dernier passage", active=True, conditions={"all": [
            {"field": "subject", "operator": "starts_with", "value": "Last run check"}]},
    )).json()  # fmt: skip
    try:
        assert rule["last_run_at"] is None and rule["last_outcome"] is None
        _open(api, "Last run check: mon colis")
        runs = wait_until(lambda: admin_api.get(f"/api/v1/rules/{rule['id']}/runs").json(),
                          "the rule's run")  # fmt: skip
        listed = {r["id"]: r for r in admin_api.get("/api/v1/rules").json()}[rule["id"]]
        one = admin_api.get(f"/api/v1/rules/{rule['id']}").json()
        for answer in (listed, one):
            assert answer["last_run_at"] == runs[0]["ran_at"]
            assert answer["last_outcome"] == "matched" and answer["last_error"] is None
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


def test_run_errors_are_said_in_the_readers_language(api, admin_api):
    rule = admin_api.post("/api/v1/rules", json=_rule(
        name="Équipe absente", active=True,
        conditions={"all": [{"field": "subject", "operator": "starts_with",
                             "value": "Error language check"}]},
        actions=[{"kind": "add_tags", "params": {"tags": ["essai"]}},
                 {"kind": "assign_team", "params": {"team_name": "absente"}}],
    )).json()  # fmt: skip
    try:
        _open(api, "Error language check: ma commande")
        path = f"/api/v1/rules/{rule['id']}/runs"
        wait_until(lambda: admin_api.get(path).json(), "the rule's run")
        en = admin_api.get(path, headers={"Accept-Language": "en"}).json()[0]
        fr = admin_api.get(path, headers={"Accept-Language": "fr-CA"}).json()[0]
        assert en["outcome"] == "error" and en["error_code"] == "actions_failed"
        failed = en["actions"][1]
        assert failed["error_code"] == "no_team" and failed["error_params"] == {"team": "'absente'"}
        assert failed["error"] == "no team 'absente'"
        assert fr["actions"][1]["error"] == "aucune équipe 'absente'"
        assert en["error"] == "Assign to a team: no team 'absente'"
        assert fr["error"] == "Assigner à une équipe : aucune équipe 'absente'"
        # Without Accept-Language: the agent's saved language (the administrator's is French).
        assert admin_api.get(path).json()[0]["error"] == fr["error"]
        listed = {r["id"]: r for r in admin_api.get(
            "/api/v1/rules", headers={"Accept-Language": "en"}).json()}  # fmt: skip
        assert listed[rule["id"]]["last_outcome"] == "error"
        assert listed[rule["id"]]["last_error"] == en["error"]
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


@pytest.mark.parametrize(
    ("run", "lang", "said"),
    [
        ({"outcome": "skipped", "error": "hourly cap reached", "error_code": "hourly_cap"}, "fr",
         "plafond horaire atteint"),
        ({"outcome": "skipped", "error": "hourly cap reached"}, "fr", "hourly cap reached"),
        ({"outcome": "error", "error": "reply_macro: unknown macro 3", "actions": [
            {"kind": "reply_macro", "ok": False, "error": "unknown macro 3"}]}, "fr",
         "reply_macro: unknown macro 3"),
        ({"outcome": "error", "error": "x", "error_code": "actions_failed", "actions": [
            {"kind": "reply_macro", "ok": False, "error": "unknown macro 3",
             "error_code": "unknown_macro", "error_params": {"macro_id": 3}}]}, "en",
         "Reply with a macro: unknown macro 3"),
        ({"outcome": "error", "error": "kept", "error_code": "no_such_code"}, "fr", "kept"),
    ],
)  # fmt: skip
def test_old_runs_without_a_code_show_their_stored_text(run, lang, said):
    assert run_text.localized(run, lang)["error"] == said
