"""Agents' problem-type corrections are kept in the event log and teach the typer."""

from __future__ import annotations

import asyncio

from widget_api.contracts.auth import Agent
from widget_api.contracts.tickets import TicketCreate, TicketUpdate
from widget_api.domain import tickets as ticket_domain
from widget_api.domain.auto_typing import AutoTyper
from widget_api.domain.intake import open_ticket
from widget_api.storage import Database
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
