"""domain/ticket_creation.py: the one function every channel opens a ticket with."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime

import duckdb
import pytest

from widget_api.domain.auto_typing import AutoTyper
from widget_api.domain.ticket_creation import (
    ORDER_MISMATCH_TAG,
    NewInbound,
    OpenedTicket,
    create_ticket,
    open_ticket,
)
from widget_api.i18n import t
from widget_api.listeners.auto_typing import AutoTyping
from widget_api.storage import Database, customers, events, orders, tickets

AT = datetime(2026, 11, 3, 14, 0)


@pytest.fixture
def db() -> Iterator[Database]:
    """A fresh migrated database in memory with one order (ND-300001, marie@example.com)."""
    with Database(":memory:") as database:
        database.write(_order)
        yield database


def _order(w) -> int:
    customer_id, _ = customers.find_or_create(
        w, email="marie@example.com", name="Marie", language="fr", at=AT
    )
    return orders.insert(
        w,
        {
            "number": "ND-300001", "customer_id": customer_id, "placed_at": AT,
            "subtotal_cents": 1000, "shipping_cents": 0, "gst_cents": 0, "qst_cents": 0,
            "total_cents": 1000, "fulfillment_status": "in_transit",
        },
        [{"sku": "TQ-1", "title": "Tuque", "quantity": 1, "unit_price_cents": 1000}],
    )  # fmt: skip


def _open(db: Database, inbound: NewInbound, *, with_order: bool = False) -> OpenedTicket:
    order = db.read(lambda cur: orders.find_by_number(cur, "ND-300001")) if with_order else None
    return db.write(lambda w: create_ticket(w, inbound, default_language="fr", order=order, at=AT))


def _ticket(db: Database, opened: OpenedTicket, *names: str) -> tuple:
    return db.read(lambda cur: tickets.fields(cur, opened.ticket_id, *names))


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("web", "Where is my parka?"), ("chat", "Where is my parka?"), ("email", None)],
)
def test_a_message_without_subject_is_named_by_its_first_line_except_a_mail(db, channel, expected):
    inbound = NewInbound(channel, "Where is my parka?\nOrdered last week.", "leo@example.com")
    opened = _open(db, inbound)
    assert opened.language == "en"
    wanted = expected or t("mail.no_subject", "en")
    assert (opened.subject, _ticket(db, opened, "subject")) == (wanted, (wanted,))


def test_someone_elses_order_typed_in_a_form_is_linked_and_tagged(db):
    opened = _open(db, NewInbound("web", "Ma commande?", "autre@example.com",
                                  order_number="ND-300001"), with_order=True)  # fmt: skip
    order_id, tags = _ticket(db, opened, "order_id", "tags")
    assert order_id is not None
    assert tags == [ORDER_MISMATCH_TAG]


def test_a_relayed_mail_is_tagged_with_its_marketplace_and_never_as_a_mismatch(db):
    inbound = NewInbound("amazon", "Bonjour, ma commande?", "x1@marketplace.amazon.ca",
                         marketplace="amazon", order_number="ND-300001",
                         body_html="<p>Bonjour</p>",
                         message_meta={"mail": {"id": "<a@b>"}})  # fmt: skip
    opened = _open(db, inbound, with_order=True)
    assert _ticket(db, opened, "tags") == (["amazon"],)
    (first,) = db.read(lambda cur: tickets.messages(cur, opened.ticket_id))
    assert first["id"] == opened.message_id
    assert first["body_html"] == "<p>Bonjour</p>"
    assert first["meta"] == {"mail": {"id": "<a@b>"}}


def test_the_sender_becomes_one_customer_whose_missing_name_is_filled_in(db):
    first = _open(db, NewInbound("web", "Allo", "Leo@Example.com"))
    second = _open(db, NewInbound("web", "Encore", "leo@example.com", sender_name=" Léo "))
    assert first.customer_id == second.customer_id
    customer = db.read(lambda cur: customers.by_id(cur, first.customer_id))
    assert (customer["email"], customer["name"]) == ("leo@example.com", "Léo")


def test_a_known_problem_type_is_set_by_the_system_and_never_sent_to_the_typer(db):
    owner = db.read(lambda cur: orders.find_by_number(cur, "ND-300001"))["customer_id"]
    inbound = NewInbound("web", "Retour: 1 tuque", None, customer_id=owner, language="fr",
                         subject="Retour", problem_type="return_request", tags=("return",),
                         status="pending")  # fmt: skip
    opened = _open(db, inbound, with_order=True)
    assert _ticket(db, opened, "problem_type", "status", "tags") == (
        "return_request", "pending", ["return"],
    )  # fmt: skip
    log = db.read(lambda cur: events.for_ticket(cur, opened.ticket_id))
    assert [(e["name"], e["actor_type"]) for e in log] == [
        ("ticket.created", "customer"), ("message.created", "customer"),
        ("ticket.problem_type_changed", "system"), ("ticket.updated", "system"),
    ]  # fmt: skip
    plain = _open(db, NewInbound("web", "Allo", "leo@example.com"))
    typing = AutoTyping(db, AutoTyper(db))
    created = {
        e.ticket_id: e
        for e in db.read(lambda cur: events.after_id(cur, 0, events.last_id(cur)))
        if e.name == "ticket.created"
    }
    assert not typing.wants(created[opened.ticket_id])  # its type is known: never guessed
    assert typing.wants(created[plain.ticket_id])


@pytest.mark.parametrize(
    "inbound",
    [
        NewInbound("amazon", "Ma commande?", "x1@marketplace.amazon.ca", marketplace="amazon",
                   order_number="ND-300001", source={"marketplace": "amazon", "relay": "x"}),
        NewInbound("web", "Allo", "leo@example.com", tags=("vip",), status="open"),
        NewInbound("web", "Retour", None, customer_id=1, problem_type="return_request"),
    ],
    ids=["marketplace-and-order", "tags-and-status", "type-set-after-insert"],
)  # fmt: skip
def test_the_creating_jobs_event_snapshots_are_the_tickets_row(db, inbound):
    opened = _open(db, inbound, with_order=inbound.order_number is not None)
    logged = [e for e in db.read(lambda cur: events.after_id(cur, 0, events.last_id(cur)))
              if e.ticket_id == opened.ticket_id]  # fmt: skip
    row = db.read(lambda cur: events.snapshots(cur, [opened.ticket_id]))[opened.ticket_id]
    assert logged and all(e.snapshot == row for e in logged)


def _burst(db: Database, inbounds: list[NewInbound]) -> list:
    """Open the tickets of ``inbounds`` as requests would, all arriving while the writer is
    busy; answers each OpenedTicket or the exception it got."""
    gate = threading.Event()
    busy = db.submit(lambda w: gate.wait(30))

    async def burst() -> list:
        tasks = [asyncio.create_task(open_ticket(db, i, default_language="fr")) for i in inbounds]
        await asyncio.sleep(0)  # each task runs up to its wait for the writer
        gate.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    answers = asyncio.run(burst())
    busy.result()
    return answers


def test_intakes_arriving_while_the_writer_is_busy_are_created_together(db, monkeypatch):
    calls = []
    real = tickets.create_many
    monkeypatch.setattr(tickets, "create_many", lambda w, items: calls.append(len(items))
                        or real(w, items))  # fmt: skip
    inbounds = [NewInbound("web", f"Message {i}", "leo@example.com") for i in range(3)]
    opened = _burst(db, [*inbounds, NewInbound("chat", "Allo?", None)])
    assert calls == [4]
    assert len({o.ref for o in opened}) == 4
    assert len({o.customer_id for o in opened[:3]}) == 1  # one address, one customer
    assert opened[3].customer_id != opened[0].customer_id
    subjects = [db.read(lambda cur, o=o: tickets.fields(cur, o.ticket_id, "subject")[0])
                for o in opened]  # fmt: skip
    assert subjects == ["Message 0", "Message 1", "Message 2", "Allo?"]


def test_one_bad_intake_in_a_burst_fails_alone(db):
    good = NewInbound("web", "Bonjour", "leo@example.com")
    bad = NewInbound("web", "Bonjour", "zoe@example.com", status="bogus")  # refused by a CHECK
    answers = _burst(db, [good, bad, good])
    assert isinstance(answers[1], duckdb.ConstraintException)
    assert all(isinstance(a, OpenedTicket) for a in (answers[0], answers[2]))
    assert db.read(tickets.count) == 2
