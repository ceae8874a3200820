"""Applying a macro inside a write, as automation rules do: its reply in the customer's language
with the placeholders filled, and its actions logged under whoever applies it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from widget_api.contracts.inbox import MacroActions
from widget_api.contracts.tickets import TicketCreate
from widget_api.domain import macros
from widget_api.domain.intake import open_ticket
from widget_api.storage import Database
from widget_api.storage import events as event_log
from widget_api.storage import macros as macro_store
from widget_api.storage import tickets as ticket_store
from widget_api.storage.events import SYSTEM, Actor

# Rules will act as Actor("rule", id) once the event log accepts that type; until then a
# customer actor (non-agent, with an id) stands in: "assign: me" must not read its id as an agent.
NOT_AN_AGENT = Actor("customer", 1)
AT = datetime(2026, 2, 16, 15, tzinfo=UTC).replace(tzinfo=None)


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "macros.duckdb") as database:
        yield database


def _ticket(db: Database, language: str, name: str = "Jane Doe") -> int:
    data = TicketCreate(email=f"{language}@example.com", name=name, body="Where is my parcel?",
                        language=language)  # fmt: skip
    created = asyncio.run(open_ticket(db, data, channel="web", default_language="fr"))
    return db.read(lambda cur: ticket_store.ref_to_id(cur, created.ticket_ref))


def _macro(db: Database, actions: dict | None = None) -> dict:
    fields = {
        "name_fr": "Suivi",
        "name_en": "Tracking",
        "body_fr": "Bonjour {customer_first_name}, ici {agent_first_name} de {store_name}.",
        "body_en": "Hi {customer_first_name}, {agent_first_name} from {store_name} here.",
        "actions": actions,
    }
    macro_id = db.write(lambda w: macro_store.create(w, fields, SYSTEM, AT))
    return macros.get(db, macro_id)


def test_reply_inside_a_write_is_in_the_customers_language_with_placeholders_filled(db):
    ticket_id = _ticket(db, "en")
    macro = _macro(db)
    rendered = db.write(
        lambda w: macros.reply_for(
            w.cur, macro, ticket_id, signer="Nordet bot", store_name="Nordet"
        )
    )
    assert rendered.language == "en"
    assert rendered.body == "Hi Jane, Nordet from Nordet here."


def test_a_non_agent_applies_status_and_tags_under_its_own_name_and_assigns_no_one(db):
    ticket_id = _ticket(db, "fr")
    macro = _macro(db, {"status": "solved", "add_tags": ["WISMO"], "assign": "me"})
    changed = db.write(
        lambda w: macros.apply_actions(w, ticket_id, macro["actions"], NOT_AN_AGENT, AT)
    )
    assert set(changed) == {"status", "tags"}
    status, tags, assignee = db.read(
        lambda cur: ticket_store.fields(cur, ticket_id, "status", "tags", "assignee_id")
    )
    assert (status, tags, assignee) == ("solved", ["wismo"], None)
    logged = db.read(lambda cur: event_log.for_ticket(cur, ticket_id))
    changes = [e for e in logged if e["name"] in ("ticket.status_changed", "ticket.tags_changed")]
    assert len(changes) == 2
    assert {(e["actor_type"], e["actor_id"]) for e in changes} == {("customer", 1)}


def test_assign_me_gives_the_ticket_to_the_agent_applying_it(db):
    ticket_id = _ticket(db, "fr")
    actions = MacroActions(assign="me")
    changed = db.write(lambda w: macros.apply_actions(w, ticket_id, actions, Actor("agent", 3), AT))
    assert changed == {"assignee_id": (None, 3)}


def test_actions_already_in_place_change_nothing(db):
    ticket_id = _ticket(db, "fr")
    actions = {"add_tags": ["wismo"]}
    db.write(lambda w: macros.apply_actions(w, ticket_id, actions, NOT_AN_AGENT, AT))
    assert db.write(lambda w: macros.apply_actions(w, ticket_id, actions, NOT_AN_AGENT, AT)) == {}
