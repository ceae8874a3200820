"""Agents' problem-type corrections are kept in the event log and teach the typer."""

from __future__ import annotations

import asyncio

from widget_api.contracts.auth import Agent
from widget_api.contracts.tickets import TicketCreate, TicketUpdate
from widget_api.domain import tickets as ticket_domain
from widget_api.domain.auto_typing import AutoTyper
from widget_api.domain.intake import open_ticket
from widget_api.storage import Database, events
from widget_api.storage import tickets as store

AGENT = Agent(id=1, email="a@b.c", name="Julie", role="agent", language="fr", active=True)
ODD = "Le cossin bleu fait un drôle de bruit quand je le brasse"  # no type would guess this


def test_corrections_are_read_back_and_change_the_prediction(tmp_path):
    with Database(tmp_path / "c.duckdb") as db:
        typer = AutoTyper(db)
        before = typer.model().predict(None, ODD)
        for i in range(6):
            data = TicketCreate(email=f"c{i}@example.com", body=ODD)
            created = asyncio.run(open_ticket(db, data, channel="web", default_language="fr"))
            fix = TicketUpdate(problem_type="defective_product")
            asyncio.run(ticket_domain.update_ticket(db, created.ticket_ref, AGENT, fix))
        corrections = db.read(store.type_corrections)
        assert len(corrections) == 6 and {c[2] for c in corrections} == {"defective_product"}
        after = typer._train().predict(None, ODD)
        assert after.scores["defective_product"] > before.scores["defective_product"]
        assert after.best == "defective_product"


def test_a_batch_is_typed_in_one_write_keeping_a_type_an_agent_already_set(tmp_path):
    with Database(tmp_path / "b.duckdb") as db:
        refs = []
        for i in range(3):
            data = TicketCreate(email=f"b{i}@example.com", body="Mon colis n'est jamais arrivé")
            refs.append(asyncio.run(open_ticket(db, data, channel="web", default_language="fr")))
        ids = [db.read(lambda cur, r=r: store.ref_to_id(cur, r.ticket_ref)) for r in refs]
        typer = AutoTyper(db)
        typer.model()  # trained before the agent's correction, which would teach it this text
        fix = TicketUpdate(problem_type="defective_product")
        asyncio.run(ticket_domain.update_ticket(db, refs[2].ticket_ref, AGENT, fix))
        labels = typer.type_tickets(ids)
        assert set(labels.values()) == {"delivery_problem"}
        rows = [db.read(lambda cur, i=i: store.fields(cur, i, "problem_type", "problem_confidence"))
                for i in ids]  # fmt: skip
        assert [r[0] for r in rows] == ["delivery_problem", "delivery_problem", "defective_product"]
        assert all(r[1] is not None for r in rows)
        for ticket_id, by in zip(ids, ("system", "system", "agent"), strict=True):
            logged = db.read(lambda cur, t=ticket_id: events.for_ticket(cur, t))
            names = [e["name"] for e in logged]  # the agent's ticket: its change only
            assert names[-2:] == ["ticket.problem_type_changed", "ticket.updated"]
            assert names.count("ticket.updated") == 1
            assert {e["actor_type"] for e in logged[-2:]} == {by}
        summary = db.read(lambda cur: events.for_ticket(cur, ids[0]))[-1]["after"]
        assert summary == {"changes": {"problem_type": [None, "delivery_problem"]}}
