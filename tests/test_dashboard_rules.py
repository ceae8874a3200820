"""The Automations page (``dashboard/app_pages/rules.py``) against a real server: the ordered
list of rules in French and English, the editor (create, the API's refusals), the active switch,
the dry run (which changes nothing), the last runs, text typed by the merchant shown literally;
and its logic module ``dashboard.rules_view`` on its own."""

from __future__ import annotations

import itertools
import re

import httpx
import pytest

from dashboard import rules_view as rv
from dashboard.safe import WORD_JOINER, md
from tests.conftest import RunningServer
from tests.test_dashboard import (
    make_agent,
    new_ticket,
    open_page,
    shared_server,
    signed_in,
    texts,
    token_for,
)
from tests.waiting import wait_until
from widget_api.contracts.rules import Action, Condition, DryRun, Rule, Vocabulary
from widget_api.domain.rules.vocabulary import vocabulary
from widget_api.i18n import catalog

_marks = itertools.count()


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture
def admin_api(server, admin_token):
    """A client signed in as the administrator (the module's token)."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {admin_token}"
        yield client


def rules_page(server, token: str, lang: str = "fr"):
    at = open_page(signed_in(server.url, token, lang), "rules")
    assert not at.exception, at.exception
    return at


def prefix(at) -> str:
    """The editor's widget-key prefix (it changes each time a rule is loaded)."""
    return f"rules_e{at.session_state['rules_gen']}"


def rows(at, group: str) -> list[int]:
    return list(at.session_state["rules_rows"][group])


def marker(word: str) -> str:
    """A word no other test's ticket or rule contains."""
    return f"{word}{next(_marks)}zq"


def plain(markdown: str) -> str:
    """Escaped Markdown as the reader sees it."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def table(at, column: str):
    """The first table of the page with ``column`` (AppTest does not keep a table's key)."""
    for element in at.dataframe:
        frame = element.value if hasattr(element.value, "columns") else element.value.data
        if column in frame.columns:
            return frame
    raise AssertionError(f"no table with a column {column!r}")


def shown(at) -> str:
    """What the page shows: texts, widget labels and options, table headers and cells."""
    parts = [texts(at)]
    for group in (at.button, at.toggle, at.text_input, at.number_input, at.text_area):
        parts += [w.label for w in group]
    for group in (at.selectbox, at.radio, at.multiselect):
        parts += [w.label for w in group] + [str(o) for w in group for o in w.options]
    for table in at.dataframe:
        frame = table.value if hasattr(table.value, "columns") else table.value.data
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.to_numpy().ravel()]
    parts += [t.label for t in at.tabs]
    return "\n".join(parts)


def other_language_texts(lang: str) -> list[str]:
    """Long texts of the page's catalogues in the other language only (not shared words)."""
    other = "en" if lang == "fr" else "fr"
    mine, theirs = catalog(lang), catalog(other)
    prefixes = ("dash.rules.", "rules.trigger.", "rules.field.", "rules.operator.",
                "rules.action.", "rules.param.", "rules.starter.")  # fmt: skip
    return [
        text
        for key, text in theirs.items()
        if key.startswith(prefixes)
        and "{" not in text
        and len(text) >= 10
        and text != mine.get(key)
        and "macro." not in key
    ]


def rule_body(name: str, word: str, **overrides) -> dict:
    body = {
        "name": name,
        "trigger": {"event": "ticket.created"},
        "conditions": {"all": [{"field": "subject", "operator": "contains", "value": word}]},
        "actions": [{"kind": "add_tags", "params": {"tags": ["dash-rules"]}}],
    }
    return {**body, **overrides}


# -- the list -------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_list_shows_the_rules_in_order_in_the_agents_language(
    server, admin_token, admin_api, lang
):
    at = rules_page(server, admin_token, lang)
    rules = [Rule.model_validate(r) for r in admin_api.get("/api/v1/rules").json()]
    assert {r.starter for r in rules} >= {
        "after_hours_ack", "amazon_high", "exceptions_to_returns", "vip_high", "pending_close",
    }  # fmt: skip
    names = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    expected = [f"**{md(rv.rule_name(r, lang))}**" for r in rules]
    assert names[: len(expected)] == expected
    page = shown(at)
    closing = catalog(lang)["rules.starter.pending_close"]
    assert md(closing) in page
    if lang == "fr":
        assert "Au statut « En attente du client » depuis 120 heures calendaires" in page
        assert "Billet créé" in page and "Automatisations" in [t.value for t in at.title]
    else:
        assert "In status “Waiting on customer” for 120 calendar hours" in page
        assert "Ticket created" in page and "Automations" in [t.value for t in at.title]
    assert "None" not in page and "dash." not in page and "rules." not in page
    assert [t for t in other_language_texts(lang) if t in page] == []


def test_moving_a_rule_down_reorders_it_through_the_api(server, admin_token, admin_api):
    before = [r["id"] for r in admin_api.get("/api/v1/rules").json()]
    at = rules_page(server, admin_token)
    assert at.button(key=f"rules_up_{before[0]}").disabled
    at = at.button(key=f"rules_down_{before[0]}").click().run()
    assert not at.exception
    after = [r["id"] for r in admin_api.get("/api/v1/rules").json()]
    assert after == [before[1], before[0], *before[2:]]
    at.button(key=f"rules_up_{before[0]}").click().run()
    assert [r["id"] for r in admin_api.get("/api/v1/rules").json()] == before


def test_the_active_switch_turns_a_rule_on_and_off(server, admin_token, admin_api):
    rule = admin_api.get("/api/v1/rules").json()[0]
    assert rule["active"] is False
    at = rules_page(server, admin_token)
    at = at.toggle(key=f"rules_active_{rule['id']}").set_value(True).run()
    assert not at.exception
    assert admin_api.get(f"/api/v1/rules/{rule['id']}").json()["active"] is True
    assert at.toggle(key=f"rules_active_{rule['id']}").value is True
    at = at.toggle(key=f"rules_active_{rule['id']}").set_value(False).run()
    assert admin_api.get(f"/api/v1/rules/{rule['id']}").json()["active"] is False


def test_deleting_asks_first(server, admin_token, admin_api):
    word = marker("supprimer")
    rule = admin_api.post("/api/v1/rules", json=rule_body("À supprimer", word)).json()
    at = rules_page(server, admin_token)
    at = at.button(key=f"rules_delete_{rule['id']}").click().run()
    assert admin_api.get(f"/api/v1/rules/{rule['id']}").status_code == 200  # only asked
    assert "Supprimer la règle « À supprimer »" in texts(at)
    at = at.button(key=f"rules_delete_yes_{rule['id']}").click().run()
    assert not at.exception
    assert admin_api.get(f"/api/v1/rules/{rule['id']}").status_code == 404
    assert "Règle supprimée." in [t.value for t in at.toast]


def test_a_rule_name_with_markdown_and_html_is_shown_literally(server, admin_token, admin_api):
    name = "**x** <img src=x>"
    rule = admin_api.post("/api/v1/rules", json=rule_body(name, marker("md"))).json()
    try:
        at = rules_page(server, admin_token)
        values = [m.value for m in at.markdown]
        assert f"**{md(name)}**" in values
        assert not [v for v in values if "<img" in v.replace("\\<", "") or "**x**" in v]
        assert name in at.selectbox(key="rules_pick").options[-1]  # plain text: not Markdown
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


# -- the editor -----------------------------------------------------------------------------------
def fill_new_rule(at, name: str, word: str):
    """Name, trigger "ticket created", condition "subject contains ``word``", action "add
    tags", set through the editor's widgets as an administrator would."""
    p = prefix(at)
    at.text_input(key=f"{p}_name").input(name)
    at.selectbox(key=f"{p}_event").set_value("ticket.created")
    at = at.button(key=f"{p}_add_all").click().run()
    uid = rows(at, "all")[0]
    at = at.selectbox(key=f"{p}_c{uid}_field").set_value("subject").run()
    at = at.selectbox(key=f"{p}_c{uid}_op_subject").set_value("contains").run()
    at.text_input(key=f"{p}_c{uid}_val_subject_contains").input(word)
    action = rows(at, "actions")[0]
    at = at.selectbox(key=f"{p}_a{action}_kind").set_value("add_tags").run()
    at.text_input(key=f"{p}_a{action}_add_tags_tags").input("livraison, perdu")
    return at.run()


def test_creating_a_rule_through_the_editor(server, admin_token, admin_api):
    word = marker("colis")
    at = fill_new_rule(rules_page(server, admin_token), "Colis perdus (tableau)", word)
    at = at.button(key="rules_save").click().run()
    assert not at.exception
    made = [
        r for r in admin_api.get("/api/v1/rules").json() if r["name"] == "Colis perdus (tableau)"
    ]
    assert len(made) == 1
    rule = made[0]
    assert rule["trigger"] == {"event": "ticket.created", "schedule": None}
    assert rule["conditions"] == {
        "all": [{"field": "subject", "operator": "contains", "value": word}],
        "any": [],
    }
    assert rule["actions"] == [{"kind": "add_tags", "params": {"tags": ["livraison", "perdu"]}}]
    assert rule["active"] is False
    assert "Règle « Colis perdus (tableau) » créée." in [t.value for t in at.toast]
    assert at.session_state["rules_pick"] == rule["id"]  # the editor now edits it
    admin_api.delete(f"/api/v1/rules/{rule['id']}")


def test_editing_a_schedule_rule_keeps_its_trigger_and_changes_the_hours(
    server, admin_token, admin_api
):
    body = rule_body(
        "Relance (tableau)",
        marker("relance"),
        trigger={"schedule": {"status": "pending", "hours": 48, "clock": "business"}},
    )
    rule = admin_api.post("/api/v1/rules", json=body).json()
    try:
        at = rules_page(server, admin_token)
        at = at.button(key=f"rules_edit_{rule['id']}").click().run()
        p = prefix(at)
        assert at.radio(key=f"{p}_kind").value == "schedule"
        assert at.number_input(key=f"{p}_sched_hours").value == 48.0
        at.number_input(key=f"{p}_sched_hours").set_value(72.0)
        at = at.run().button(key="rules_save").click().run()
        assert not at.exception
        saved = admin_api.get(f"/api/v1/rules/{rule['id']}").json()
        assert saved["trigger"]["schedule"] == {"status": "pending", "hours": 72.0,
                                                "clock": "business"}  # fmt: skip
        assert saved["conditions"] == rule["conditions"] and saved["actions"] == rule["actions"]
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


@pytest.mark.parametrize(
    ("lang", "in_box", "typed"), [("fr", "25,00", "1 250,50 $"), ("en", "25.00", "$1,250.50")]
)
def test_a_money_threshold_is_edited_in_dollars_and_saved_in_cents(
    server, admin_token, admin_api, lang, in_box, typed
):
    body = rule_body(
        f"Gros panier ({lang})",
        marker("panier"),
        conditions={"all": [{"field": "order_value_cents", "operator": "greater_than",
                             "value": 2500}]},
    )  # fmt: skip
    rule = admin_api.post("/api/v1/rules", json=body).json()
    try:
        at = rules_page(server, admin_token, lang)
        listed = "25,00\xa0$" if lang == "fr" else "$25.00"
        assert listed in plain(shown(at))  # the list says the condition in dollars
        at = at.button(key=f"rules_edit_{rule['id']}").click().run()
        p = prefix(at)
        uid = rows(at, "all")[0]
        box = at.text_input(key=f"{p}_c{uid}_val_order_value_cents_greater_than")
        assert box.value == in_box
        box.input(typed)
        at = at.run().button(key="rules_save").click().run()
        assert not at.exception
        saved = admin_api.get(f"/api/v1/rules/{rule['id']}").json()
        assert saved["conditions"]["all"] == [
            {"field": "order_value_cents", "operator": "greater_than", "value": 125050}
        ]
        p, uid = prefix(at), rows(at, "all")[0]  # the editor reloaded the saved rule
        box = at.text_input(key=f"{p}_c{uid}_val_order_value_cents_greater_than")
        assert box.value == ("1250,50" if lang == "fr" else "1250.50")
        box.input("douze")
        at = at.run().button(key="rules_save").click().run()
        refusal = "n'est pas un montant" if lang == "fr" else "is not an amount"
        assert any(refusal in plain(e.value) for e in at.error)
        assert admin_api.get(f"/api/v1/rules/{rule['id']}").json()["conditions"] == saved[
            "conditions"]  # fmt: skip
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


def test_a_refusal_of_the_api_is_shown_as_a_message(server, admin_token, admin_api):
    count = len(admin_api.get("/api/v1/rules").json())
    at = rules_page(server, admin_token)
    p = prefix(at)
    at.text_input(key=f"{p}_name").input("Webhook mal formé")
    action = rows(at, "actions")[0]
    at = at.selectbox(key=f"{p}_a{action}_kind").set_value("webhook").run()
    at.text_input(key=f"{p}_a{action}_webhook_url").input("ftp://boutique.example/hook")
    at = at.run().button(key="rules_save").click().run()
    assert not at.exception
    assert any(
        "doit commencer par http:// ou https:// : ftp://boutique.example/hook" in plain(e.value)
        for e in at.error
    )
    assert len(admin_api.get("/api/v1/rules").json()) == count


def test_a_webhook_secret_is_never_shown_only_that_it_is_set(server, admin_token, admin_api):
    body = rule_body(
        "Webhook signé",
        marker("hook"),
        actions=[{"kind": "webhook",
                  "params": {"url": "https://hooks.example/x", "secret": "s3cr3t-value"}}],
    )  # fmt: skip
    rule = admin_api.post("/api/v1/rules", json=body).json()
    try:
        at = rules_page(server, admin_token)
        at = at.button(key=f"rules_edit_{rule['id']}").click().run()
        p = prefix(at)
        action = rows(at, "actions")[0]
        assert at.text_input(key=f"{p}_a{action}_webhook_secret").value == ""
        assert "s3cr3t" not in shown(at)
        assert "Un secret est enregistré" in texts(at)
        at = at.button(key="rules_save").click().run()  # saved without retyping it
        assert not at.exception
        saved = admin_api.get(f"/api/v1/rules/{rule['id']}").json()
        assert saved["actions"][0]["params"]["secret_set"] is True
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


# -- dry run --------------------------------------------------------------------------------------
def _tickets(admin_api) -> dict:
    page = admin_api.get("/api/v1/tickets", params={"limit": 200, "sort": "newest"}).json()
    return {"total": page["total"], "updated": {t["ref"]: t["updated_at"] for t in page["items"]}}


def typed(admin_api, word: str) -> bool:
    """Whether the ticket found by ``word`` was typed (the server does it just after intake)."""
    items = admin_api.get("/api/v1/tickets", params={"q": word}).json()["items"]
    return bool(items) and items[0]["problem_confidence"] is not None


def test_a_dry_run_shows_the_matches_and_changes_nothing(server, admin_token, admin_api):
    word = marker("essai")
    subject = f"{word} **gras** <b>x</b>"
    ref = new_ticket(server.url, subject=subject, body="Mon colis n'est jamais arrivé.")
    wait_until(lambda: typed(admin_api, word), "the new ticket typed")
    rules_before = admin_api.get("/api/v1/rules").json()
    before = _tickets(admin_api)
    at = fill_new_rule(rules_page(server, admin_token), "Essai seulement", word)
    at.selectbox(key="rules_dry_limit").set_value(50)
    at = at.button(key="rules_dry_run").click().run()
    assert not at.exception
    assert re.search(r"\*\*1\*\* billet\(s\) sur \d+ correspondent aux conditions", texts(at))
    assert any("aucun billet n'a été modifié" in i.value for i in at.info)
    matches = table(at, "Billet")
    assert list(matches["Billet"]) == [ref]
    assert list(matches["Objet"]) == [subject]  # a table cell: literal text
    assert list(matches.iloc[0, 2:-1]) == ["✓"]
    assert list(matches["Actions qui s'exécuteraient"]) == ["Ajouter des étiquettes"]
    assert _tickets(admin_api) == before
    assert admin_api.get(f"/api/v1/tickets/{ref}").json()["tags"] == []
    assert admin_api.get("/api/v1/rules").json() == rules_before


# -- last runs ------------------------------------------------------------------------------------
def test_last_runs_show_outcomes_and_highlight_errors(server, admin_token, admin_api):
    word = marker("equipe")
    body = rule_body(
        "Vers une équipe absente",
        word,
        actions=[{"kind": "add_tags", "params": {"tags": ["dash-runs"]}},
                 {"kind": "assign_team", "params": {"team_name": "nulle-part"}}],
        active=True,
    )  # fmt: skip
    rule = admin_api.post("/api/v1/rules", json=body).json()
    try:
        ref = new_ticket(server.url, subject=f"{word} question")
        runs = wait_until(
            lambda: admin_api.get(f"/api/v1/rules/{rule['id']}/runs").json(), "the rule's run"
        )
        assert runs[0]["outcome"] == "error"
        at = rules_page(server, admin_token)
        at = at.selectbox(key="rules_runs_pick").set_value(rule["id"]).run()
        assert not at.exception
        frame = table(at, "Résultat")
        assert list(frame["Billet"]) == [ref]
        assert list(frame["Résultat"]) == ["⚠ Erreur"]
        assert "✓ Ajouter des étiquettes" in frame["Actions faites"].iloc[0]
        assert frame["Erreur"].iloc[0]
        assert any("1 exécution(s) en erreur" in e.value for e in at.error)
        assert "Dernière erreur" in texts(at)  # on the rule's card in the list
    finally:
        admin_api.delete(f"/api/v1/rules/{rule['id']}")


# -- agents ---------------------------------------------------------------------------------------
def test_an_agent_sees_the_rules_but_cannot_change_them(server):
    make_agent(server.url, "lea.rules@shop.test", "Léa Règles", "lea-secret-1")
    token = token_for(server.url, "lea.rules@shop.test", "lea-secret-1")
    at = rules_page(server, token)
    assert "Consultation seulement" in texts(at)
    assert all(t.disabled for t in at.toggle if not t.key.startswith("sidebar_"))
    keys = {b.key for b in at.button}
    assert "rules_save" not in keys and not [k for k in keys if k.startswith("rules_delete")]
    assert "rules_dry_run" in keys


# -- the logic module -----------------------------------------------------------------------------
VOCAB = Vocabulary.model_validate(vocabulary().model_dump())


def test_a_schedule_trigger_in_words():
    rule = Rule.model_validate(
        {"id": 1, "name": "x", "position": 0, "active": False,
         "trigger": {"schedule": {"status": "pending", "hours": 1.5, "clock": "business"}},
         "conditions": {}, "actions": [{"kind": "note", "params": {"body": "x"}}],
         "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    )  # fmt: skip
    assert rv.trigger_text(rule.trigger, VOCAB, "fr") == (
        "Au statut « En attente du client » depuis 1,5 heures ouvrables"
    )
    assert rv.trigger_text(rule.trigger, VOCAB, "en") == (
        "In status “Waiting on customer” for 1.5 business hours"
    )


def test_condition_values_become_what_the_api_wants():
    fields = {f.name: f for f in VOCAB.fields}
    assert rv.condition_value(fields["subject"], "in", "a, b;a", "fr") == ["a", "b"]
    assert rv.condition_value(fields["problem_confidence"], "in", "1, 0.5", "fr") == [1, 0.5]
    assert rv.condition_value(fields["problem_confidence"], "greater_than", 0.8, "fr") == 0.8
    assert rv.condition_value(fields["channel"], "in", ["amazon"], "fr") == ["amazon"]
    assert rv.condition_value(fields["subject"], "is_empty", "ignored", "fr") is None
    with pytest.raises(rv.FormError, match="douze"):
        rv.condition_value(fields["problem_confidence"], "in", "douze", "fr")


@pytest.mark.parametrize(
    ("lang", "typed", "cents"),
    [
        ("fr", "25,00 $", 2500), ("fr", "25,5", 2550), ("fr", "1 000,50 $", 100050),
        ("fr", "1\xa0000,50", 100050), ("fr", "40", 4000), ("fr", "12.34", 1234),
        ("en", "$25.00", 2500), ("en", "1,000.50", 100050), ("en", "40", 4000),
        ("en", "CAD 19.99", 1999),
    ],
)  # fmt: skip
def test_money_thresholds_are_typed_in_dollars_and_sent_in_cents(lang, typed, cents):
    fields = {f.name: f for f in VOCAB.fields}
    for name in ("order_value_cents", "customer_lifetime_value_cents"):
        assert fields[name].unit == "cents"
        assert rv.condition_value(fields[name], "greater_than", typed, lang) == cents


def test_money_lists_are_separated_by_semicolons_and_bad_amounts_refused():
    order = next(f for f in VOCAB.fields if f.name == "order_value_cents")
    assert rv.condition_value(order, "in", "25,00 $; 100,5", "fr") == [2500, 10050]
    assert rv.condition_value(order, "in", "$25.00; $1,000", "en") == [2500, 100000]
    for lang, typed in (("fr", "douze"), ("en", "25,00"), ("fr", "-5"), ("fr", ""),
                        ("en", "1e400"), ("en", "-5"), ("fr", "2 000 000 000")):  # fmt: skip
        with pytest.raises(rv.FormError):
            rv.condition_value(order, "greater_than", typed, lang)
    with pytest.raises(rv.FormError, match="« douze » n'est pas un montant en dollars"):
        rv.condition_value(order, "in", "25; douze", "fr")


def test_money_conditions_are_shown_in_dollars_in_the_readers_format():
    cond = Condition(field="customer_lifetime_value_cents", operator="greater_than", value=2500)
    assert (
        rv.condition_text(cond, VOCAB, "fr")
        == "Valeur vie client ($) est plus grand que 25,00\xa0$"
    )
    assert (
        rv.condition_text(cond, VOCAB, "en") == "Customer lifetime value ($) is greater than $25.00"
    )
    listed = Condition(field="order_value_cents", operator="in", value=[2500, 100050])
    assert rv.condition_text(listed, VOCAB, "fr").endswith("25,00\xa0$, 1\xa0000,50\xa0$")
    assert rv.dollars_text(2500, "fr") == "25,00" and rv.dollars_text(2500, "en") == "25.00"


def test_action_params_leave_out_blanks_and_a_blank_secret():
    webhook = next(a for a in VOCAB.actions if a.kind == "webhook")
    assert rv.action_params(webhook, {"url": " https://x.example ", "secret": ""}) == {
        "url": "https://x.example"
    }
    tags = next(a for a in VOCAB.actions if a.kind == "add_tags")
    assert rv.action_params(tags, {"tags": "vip, rappel, vip"}) == {"tags": ["vip", "rappel"]}


def test_conditions_and_actions_in_words_escape_only_the_merchants_values():
    cond = Condition(field="subject", operator="contains", value="*x*")
    assert rv.condition_text(cond, VOCAB, "fr", esc=md) == "Objet contient \\*x\\*"
    action = Action(kind="set_priority", params={"priority": "high"})
    assert rv.action_text(action, VOCAB, "en", rv.Names()) == "Set priority: High"


def test_moving_stays_within_the_list():
    assert rv.moved([1, 2, 3], 1, -1) == [1, 2, 3]
    assert rv.moved([1, 2, 3], 1, 1) == [2, 1, 3]
    assert rv.moved([1, 2, 3], 3, 1) == [1, 2, 3]


def test_the_dry_run_table_takes_subjects_from_the_dry_run():
    result = DryRun.model_validate(
        {"matched": 1, "tickets": [
            {"ticket_id": 1, "ticket_ref": "C1", "subject": "Mon *colis*", "matched": True,
             "conditions": [{"group": "all", "field": "channel", "operator": "equals",
                             "value": "web", "actual": "web", "result": True}],
             "actions": ["add_tags"]},
            {"ticket_id": 2, "ticket_ref": "C2", "subject": "Autre", "matched": False,
             "conditions": [], "actions": []},
        ]}
    )  # fmt: skip
    rows = rv.dry_run_rows(result, VOCAB, "fr")
    assert list(rows["Billet"]) == ["C1"] and list(rows["Objet"]) == ["Mon *colis*"]
    assert list(rows.columns)[2] == "1. Si tout : Canal est Formulaire web"


@pytest.mark.parametrize(
    ("name", "value", "lang", "shown"),
    [
        ("channel", "web", "fr", "Formulaire web"),
        ("sla_state", "at_risk", "en", "At risk"),
        ("strategy", "least_loaded", "fr", "Agent le moins chargé"),
        ("subject", "libre", "fr", "libre"),
    ],
)
def test_enum_values_are_shown_with_the_vocabularys_labels(name, value, lang, shown):
    assert rv.value_label(name, value, lang, VOCAB) == shown
