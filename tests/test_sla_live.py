"""Live SLA state on tickets: the worker recomputes on change, advances with time, escalates
breaches, and the inbox's "SLA at risk" view lists them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx

from tests.conftest import login, make_database, start_server
from tests.waiting import wait_until
from widget_api.contracts.sla import SlaPolicy, SlaSettings, SlaTargets
from widget_api.contracts.tickets import TicketCreate
from widget_api.domain.intake import open_ticket
from widget_api.domain.sla.worker import SlaWorker
from widget_api.listeners.dispatcher import Dispatcher
from widget_api.listeners.sla import SlaClock
from widget_api.storage import Database, settings_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

FAST = SlaSettings(
    at_risk_ratio=0.05,
    policies=[SlaPolicy(name="Instant", hours="calendar", escalate_to="urgent",
                        targets=SlaTargets(first_reply_minutes=1, resolution_minutes=600))],
)  # fmt: skip


@contextmanager
def _listening_worker(db: Database) -> Iterator[SlaWorker]:
    """The worker as the server runs it: the SLA listener marks every ticket an event names."""
    worker = SlaWorker(db, "America/Toronto")
    dispatcher = Dispatcher(db, [SlaClock(worker)])
    dispatcher.start()
    worker.settle = lambda: (wait_until(dispatcher.idle, "the SLA listener"), worker.flush())
    try:
        yield worker
    finally:
        dispatcher.stop()


def _ticket(db: Database, body: str = "Où est ma commande?") -> int:
    created = asyncio.run(
        open_ticket(db, TicketCreate(email="sla@example.com", body=body), channel="web",
                    default_language="fr")
    )  # fmt: skip
    return int(created.ticket_ref[1:]) - 100_000


def _sla(db: Database, ticket_id: int) -> tuple:
    return db.read(
        lambda c: c.execute(
            "SELECT sla_policy, sla_metric, sla_state, sla_due_at, priority FROM tickets"
            " WHERE id = ?",
            [ticket_id],
        ).fetchone()
    )


def test_worker_sets_the_running_target_and_escalates_a_breach(tmp_path):
    with Database(tmp_path / "sla.duckdb") as db:
        db.write(lambda w: settings_store.put(w, "sla", FAST.model_dump(mode="json"), SYSTEM,
                                              utcnow()))  # fmt: skip
        with _listening_worker(db) as worker:
            ticket_id = _ticket(db)
            worker.settle()
        policy, metric, state, due_at, priority = _sla(db, ticket_id)
        assert (policy, metric, priority) == ("Instant", "first_reply", "normal")
        assert state in ("ok", "at_risk")
        (created_at,) = db.read(lambda c: c.execute(
            "SELECT created_at FROM tickets WHERE id = ?", [ticket_id]).fetchone())  # fmt: skip
        assert due_at == created_at + timedelta(minutes=1)  # from the ticket, not the test's pace
        # Time passes: pretend the due time is behind us.
        past = utcnow() - timedelta(seconds=1)
        db.write(lambda w: w.cur.execute(
            "UPDATE tickets SET sla_due_at = ?, sla_warn_at = ? WHERE id = ?",
            [past, past, ticket_id]))  # fmt: skip
        assert worker.tick() == [ticket_id]
        assert _sla(db, ticket_id)[2] == "breached" and _sla(db, ticket_id)[4] == "urgent"
        events = db.read(lambda c: c.execute(
            "SELECT name, actor_type FROM events WHERE ticket_id = ? ORDER BY id", [ticket_id]
        ).fetchall())  # fmt: skip
        assert ("ticket.sla_breached", "system") in events
        assert ("ticket.priority_changed", "system") in events
        assert worker.tick() == []  # a breach is reported once


def test_reply_moves_the_clock_to_resolution_and_solving_clears_it(tmp_path):
    from widget_api.contracts.auth import Agent
    from widget_api.contracts.tickets import MessageCreate, TicketUpdate
    from widget_api.domain import tickets as ticket_domain

    with Database(tmp_path / "sla2.duckdb") as db, _listening_worker(db) as worker:
        ticket_id = _ticket(db)
        ref = f"C{ticket_id + 100_000}"
        agent = Agent(id=0, email="a@b.c", name="Agent", role="agent", language="fr", active=True)
        asyncio.run(ticket_domain.add_agent_message(db, ref, agent, MessageCreate(body="Bonjour",
                    status="open")))  # fmt: skip
        worker.settle()
        assert _sla(db, ticket_id)[1] == "resolution"
        asyncio.run(ticket_domain.update_ticket(db, ref, agent, TicketUpdate(status="pending")))
        worker.settle()
        assert _sla(db, ticket_id)[2] == "paused"
        asyncio.run(ticket_domain.update_ticket(db, ref, agent, TicketUpdate(status="solved")))
        worker.settle()
        assert _sla(db, ticket_id)[1:4] == (None, None, None)


def test_at_risk_tickets_fill_the_inbox_view(tmp_path):
    db_path = tmp_path / "view.duckdb"
    make_database(db_path)
    server = start_server(db_path, env={"COMPTOIR_SLA__TICK_SECONDS": "0.5"})
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            assert client.put("/api/v1/settings/sla", json=FAST.model_dump(mode="json")).is_success
            ref = client.post(
                "/api/v1/tickets", json={"email": "late@example.com", "body": "Allo?"}
            ).json()["ticket_ref"]

            def at_risk() -> bool:
                page = client.get("/api/v1/tickets", params={"view": "sla_at_risk"}).json()
                return ref in [t["ref"] for t in page["items"]]

            wait_until(at_risk, "the ticket in the SLA-at-risk view", log=server.log_path)
            ticket = client.get(f"/api/v1/tickets/{ref}").json()
            assert ticket["sla_state"] == "at_risk" and ticket["sla_due_at"]
            assert client.get("/api/v1/views").json()["views"]["sla_at_risk"] >= 1
    finally:
        server.stop()


def test_a_restart_keeps_the_stored_states_and_a_settings_change_recomputes_them(tmp_path):
    with Database(tmp_path / "sla.duckdb") as db:
        ids = [_ticket(db) for _ in range(3)]
        first = SlaWorker(db, "America/Toronto")
        assert first.flush() == 3  # no states were ever computed
        assert first.flush() == 0
        restarted = SlaWorker(db, "America/Toronto")
        assert restarted.flush() == 0  # same settings: the stored states stand
        db.write(lambda w: settings_store.put(w, "sla", FAST.model_dump(mode="json"), SYSTEM,
                                              utcnow()))  # fmt: skip
        restarted.reload()
        assert restarted.flush() == 3
        assert {_sla(db, i)[0] for i in ids} == {"Instant"}
        assert SlaWorker(db, "America/Montreal").flush() == 3  # another time zone, other hours
