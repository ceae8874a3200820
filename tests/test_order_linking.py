"""Tickets find their order as customers write its number (#1001, 1001, ND-1001, nd 1001), on
every platform's way of storing it, in a form's field or in the text, or, when no number is
given, by the customer's e-mail; tickets written before their order reached Comptoir are found
when it arrives; the customer's history lists their orders."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from widget_api import clock
from widget_api.contracts.tickets import TicketCreate
from widget_api.domain import ticket_creation
from widget_api.domain.intake import open_ticket
from widget_api.domain.tickets import customer_profile, get_ticket
from widget_api.storage import Database, customers, orders
from widget_api.storage.events import SYSTEM
from widget_api.storage.order_links import link_waiting_tickets
from widget_api.storage.tickets import update

AT = datetime(2026, 11, 2, 15, 0)


@pytest.fixture
def db(tmp_path):
    clock.set_now(AT)  # tickets are written "now": the day after the orders are placed
    try:
        with Database(tmp_path / "linking.duckdb") as database:
            yield database
    finally:
        clock.set_now(None)


def _order(db: Database, number: str, email: str, *, days: int = 0, guest: str | None = None,
           name: str | None = None) -> int:  # fmt: skip
    def write(w) -> int:
        customer_id, _ = customers.find_or_create(w, email=email, name=name, language="fr", at=AT)
        return orders.insert(w, {
            "number": number, "customer_id": customer_id, "placed_at": AT.replace(day=1 + days),
            "subtotal_cents": 1000, "total_cents": 1150, "email": guest or email,
        }, [{"sku": "TQ-1", "title": "Tuque", "quantity": 1,
             "unit_price_cents": 1000}])  # fmt: skip

    return db.write(write)


@pytest.mark.parametrize("stored", ["#1001", "1001", "ND-1001"])
@pytest.mark.parametrize("typed", ["#1001", "1001", "# 1001", " 1001 "])
def test_a_number_typed_with_or_without_hash_finds_every_stored_form(db, stored, typed):
    order_id = _order(db, stored, "a@example.com")
    _order(db, "#10010", "b@example.com")  # a longer number that merely starts the same
    found = db.read(lambda cur: orders.find_by_number(cur, typed))
    assert found is not None and (found["id"], found["number"]) == (order_id, stored)


@pytest.mark.parametrize("typed", ["ND-1001", "nd 1001", "nd-1001", "ND1001", "#ND-1001"])
def test_a_prefixed_number_finds_the_stores_prefixed_order(db, typed):
    order_id = _order(db, "ND-1001", "a@example.com")
    assert db.read(lambda cur: orders.find_by_number(cur, typed))["id"] == order_id


def test_the_exact_stored_form_wins_over_a_prefixed_one(db):
    _order(db, "ND-1001", "a@example.com")
    shopify = _order(db, "#1001", "b@example.com")
    assert db.read(lambda cur: orders.find_by_number(cur, "1001"))["id"] == shopify
    assert db.read(lambda cur: orders.find_by_number(cur, "2002")) is None
    assert db.read(lambda cur: orders.find_by_number(cur, "###")) is None


def _web_ticket(db: Database, email: str, number: str | None = None,
                body: str = "Où est mon colis?"):  # fmt: skip
    data = TicketCreate(email=email, body=body, order_number=number)
    created = asyncio.run(open_ticket(db, data, channel="web", default_language="fr"))
    return get_ticket(db, created.ticket_ref)


def test_a_form_without_a_number_links_the_customers_most_recent_order(db):
    _order(db, "ND-1001", "marie@example.ca", days=1)
    latest = _order(db, "ND-1002", "marie@example.ca", days=5)
    _order(db, "ND-1003", "other@example.ca", days=9)
    ticket = _web_ticket(db, "Marie@Example.ca")
    assert ticket.order is not None and ticket.order.id == latest
    assert "order-email-mismatch" not in ticket.tags


def test_a_guest_order_is_linked_by_the_e_mail_it_was_placed_with(db):
    # The order belongs to another customer record, but was placed with this e-mail.
    guest = _order(db, "#2001", "owner@example.ca", guest="guest@example.ca")
    ticket = _web_ticket(db, "guest@example.ca")
    assert ticket.order is not None and ticket.order.id == guest
    assert "order-email-mismatch" not in ticket.tags


def test_a_given_number_is_used_and_an_unknown_one_is_not_replaced_by_a_guess(db):
    first = _order(db, "#3001", "paul@example.ca", days=1)
    _order(db, "#3002", "paul@example.ca", days=4)
    assert _web_ticket(db, "paul@example.ca", "3001").order.id == first
    unknown = _web_ticket(db, "paul@example.ca", "9999")
    assert unknown.order is None and unknown.order_number == "9999"


def test_a_mail_without_a_number_is_linked_by_its_sender(db):
    order_id = _order(db, "ND-4001", "luc@example.ca")
    inbound = ticket_creation.NewInbound(
        channel="email",
        body_text="Bonjour, un souci.",
        sender_email="luc@example.ca",
        subject="Souci",
    )
    opened = db.write(lambda w: ticket_creation.create_ticket(w, inbound, default_language="fr"))
    assert get_ticket(db, opened.ref).order.id == order_id


def test_someone_without_orders_gets_no_order(db):
    _order(db, "ND-5001", "someone@example.ca")
    assert _web_ticket(db, "nobody@example.ca").order is None


def test_the_customers_history_lists_their_orders_newest_first(db):
    _order(db, "ND-6001", "eve@example.ca", days=1)
    _order(db, "ND-6002", "eve@example.ca", days=3)
    ticket = _web_ticket(db, "eve@example.ca")
    profile = customer_profile(db, ticket.customer.id)
    assert [o.number for o in profile.orders] == ["ND-6002", "ND-6001"]
    assert profile.orders[0].line_count == 1 and profile.orders[0].total_cents == 1150
    assert ticket.order.lines[0].id is not None


def test_a_number_written_in_the_message_beats_the_latest_order_by_e_mail(db):
    named = _order(db, "#7001", "jade@example.ca", days=1)
    _order(db, "#7002", "jade@example.ca", days=6)
    ticket = _web_ticket(db, "jade@example.ca", body="La commande #7001 est arrivée brisée")
    assert ticket.order.id == named and ticket.order_number == "7001"
    # Someone else's number in the text is a mention, not a claim: linked, not flagged.
    other = _order(db, "#7003", "zoe@example.ca")
    mention = _web_ticket(db, "jade@example.ca", body="Mon amie a la commande #7003, et moi?")
    assert mention.order.id == other and "order-email-mismatch" not in mention.tags


def _link_later(db: Database, order_id: int, now: datetime = AT) -> list[int]:
    return db.write(lambda w: link_waiting_tickets(w, order_id, SYSTEM, now))


def test_an_order_arriving_late_is_linked_to_the_tickets_waiting_for_it(db):
    _order(db, "#8000", "vieux@example.ca")  # gives the customers an id before the tickets
    by_number = _web_ticket(db, "ines@example.ca", body="Ma commande #8001, reçue?")
    hashless = _web_ticket(db, "ines@example.ca", number="8001")
    by_email = _web_ticket(db, "yan@example.ca", body="Tout est beau avec mon achat?")
    stranger = _web_ticket(db, "autre@example.ca", body="La commande #8001 est à moi")
    assert {t.order for t in (by_number, hashless, by_email, stranger)} == {None}

    # Placed before the tickets were written (the 1st; the clock says the 2nd).
    first = _order(db, "#8001", "ines@example.ca")
    second = _order(db, "#8002", "yan@example.ca")
    assert _link_later(db, first) == sorted(
        db.read(lambda cur: [orders_ticket_id(cur, t.ref) for t in (by_number, hashless)])
    )
    assert _link_later(db, second) == [db.read(lambda cur: orders_ticket_id(cur, by_email.ref))]
    assert get_ticket(db, by_number.ref).order.id == first
    assert get_ticket(db, hashless.ref).order.id == first
    assert get_ticket(db, by_email.ref).order.id == second
    assert get_ticket(db, stranger.ref).order is None
    assert _link_later(db, first) == []  # once linked, never again


def test_solved_tickets_and_tickets_older_than_the_order_wait_for_nothing(db):
    solved = _web_ticket(db, "rose@example.ca", body="Commande #8101?")
    db.write(lambda w: update(w, orders_ticket_id(w.cur, solved.ref), {"status": "solved"},
                              SYSTEM, AT))  # fmt: skip
    late = _order(db, "#8101", "rose@example.ca")
    assert _link_later(db, late) == []
    # An order placed long after a ticket that names none is not what the ticket is about.
    _web_ticket(db, "max@example.ca", body="Question sur les tailles")
    placed_later = _order(db, "#8102", "max@example.ca", days=20)
    assert _link_later(db, placed_later, AT.replace(day=21)) == []


def orders_ticket_id(cur, ref: str) -> int:
    from widget_api.storage.tickets import ref_to_id

    return ref_to_id(cur, ref)
