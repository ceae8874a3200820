"""Order actions from a ticket on the built-in store, over real HTTP: each action's result, its
event, the internal note and the customer's message in their language; idempotent retries;
refusals by the order's state (409) and by the request (400)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from widget_api.commerce.local_platform import LocalPlatform
from widget_api.commerce.platform import PlatformError, PlatformTimeout
from widget_api.contracts.auth import Agent
from widget_api.contracts.commerce import RefundAction
from widget_api.contracts.tickets import TicketCreate
from widget_api.domain import order_actions as service
from widget_api.domain.intake import open_ticket
from widget_api.domain.tickets import events as ticket_events
from widget_api.domain.tickets import get_ticket
from widget_api.storage import Database, customers, orders
from widget_api.storage import returns as store

_numbers = itertools.count(300001)
_AT = datetime(2026, 11, 20, 14, 0)
PRODUCTS = [
    {"sku": "TQ-BORA-M-GRIS", "style": "BORA", "name_fr": "Tuque Bora", "name_en": "Bora toque",
     "category": "accessoires", "size": "M", "color_fr": "Gris", "color_en": "Grey",
     "price_cents": 3500, "stock": 10, "final_sale": False},
    {"sku": "MT-NORD-S-BLEU", "style": "NORD", "name_fr": "Mitaines Nord", "name_en": "Nord mitts",
     "category": "accessoires", "size": "S", "color_fr": "Bleu", "color_en": "Blue",
     "price_cents": 4500, "stock": 4, "final_sale": False},
]  # fmt: skip


def _order(w, email: str, name: str, language: str, status: str = "unfulfilled") -> str:
    """An order of two lines (2 toques at 35 $, 1 pair of mitts at 45 $), 10 $ shipping, QC
    taxes: subtotal 115 $, GST 6.25 $, QST 12.47 $, total 143.72 $."""
    customer_id, _ = customers.find_or_create(w, email=email, name=name, language=language,
                                              at=_AT)  # fmt: skip
    number = f"ND-{next(_numbers)}"
    orders.insert(
        w,
        {
            "number": number, "customer_id": customer_id, "placed_at": _AT,
            "subtotal_cents": 11500, "shipping_cents": 1000, "gst_cents": 625,
            "qst_cents": 1247, "total_cents": 14372, "fulfillment_status": status,
            "ship_name": name, "ship_address1": "4520 rue Saint-Denis", "ship_city": "Montréal",
            "ship_province": "QC", "ship_postal_code": "H2J 2L3", "email": email,
        },
        [
            {"sku": "TQ-BORA-M-GRIS", "title": "Tuque Bora", "quantity": 2,
             "unit_price_cents": 3500},
            {"sku": "MT-NORD-S-BLEU", "title": "Mitaines Nord", "quantity": 1,
             "unit_price_cents": 4500},
        ],
    )  # fmt: skip
    return number


ORDERS = {  # name → (customer e-mail, name, language, fulfilment status)
    "refund_fr": ("lea.gagnon@example.ca", "Léa Gagnon", "fr", "unfulfilled"),
    "refund_en": ("john.smith@example.com", "John Smith", "en", "delivered"),
    "cancel": ("martin.roy@example.ca", "Martin Roy", "fr", "processing"),
    "shipped": ("sophie.cote@example.ca", "Sophie Côté", "fr", "in_transit"),
    "address": ("emma.brown@example.com", "Emma Brown", "en", "unfulfilled"),
    "replacement": ("luc.pare@example.ca", "Luc Paré", "fr", "delivered"),
    "discount": ("ava.wilson@example.com", "Ava Wilson", "en", "delivered"),
    "replay": ("noah.tremblay@example.ca", "Noah Tremblay", "fr", "delivered"),
    "checks": ("chloe.roy@example.ca", "Chloé Roy", "fr", "delivered"),
}


@dataclass
class Shop:
    server: RunningServer
    numbers: dict[str, str]

    def ticket(self, name: str) -> str:
        """A ticket from the order's customer, in their language, naming the order."""
        email, _, language, _ = ORDERS[name]
        with httpx.Client(base_url=self.server.url, timeout=20) as client:
            made = client.post("/api/v1/tickets", json={
                "email": email, "body": "Bonjour, au sujet de ma commande.",
                "order_number": self.numbers[name], "language": language})  # fmt: skip
            assert made.status_code == 201, made.text
            return made.json()["ticket_ref"]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """A server whose store has the two products and one order per test (added before the
    server opens the database)."""
    db_path = tmp_path_factory.mktemp("order_actions") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:

        def write(w) -> dict[str, str]:
            store.bulk_insert(w, "products",
                              [{"id": w.next_id("products"), **p} for p in PRODUCTS])  # fmt: skip
            return {name: _order(w, *spec) for name, spec in ORDERS.items()}

        numbers = db.write(write)
    running = start_server(db_path)
    yield Shop(running, numbers)
    running.stop()


@pytest.fixture
def agent_api(shop: Shop) -> Iterator[httpx.Client]:
    """The admin, an agent reading French."""
    with httpx.Client(base_url=shop.server.url, timeout=20) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def _detail(api: httpx.Client, ref: str) -> dict:
    got = api.get(f"/api/v1/tickets/{ref}")
    assert got.status_code == 200, got.text
    return got.json()


def _line_ids(api: httpx.Client, ref: str) -> dict[str, int]:
    return {ln["sku"]: ln["id"] for ln in _detail(api, ref)["order"]["lines"]}


def _notes(api: httpx.Client, ref: str) -> list[str]:
    return [m["body_text"] for m in _detail(api, ref)["messages"] if m["kind"] == "note"]


def _customer_messages(api: httpx.Client, ref: str) -> list[dict]:
    return [m for m in _detail(api, ref)["messages"]
            if m["kind"] == "outbound" and m["author_type"] == "system"]  # fmt: skip


def _event_names(api: httpx.Client, ref: str) -> list[str]:
    return [e["name"] for e in api.get(f"/api/v1/tickets/{ref}/events").json()]


def _act(api: httpx.Client, ref: str, body: dict) -> httpx.Response:
    return api.post(f"/api/v1/tickets/{ref}/order-actions", json=body)


def test_a_refund_of_lines_gives_their_taxed_value_back_restocks_notes_and_tells_in_french(
    shop, agent_api
):
    ref = shop.ticket("refund_fr")
    lines = _line_ids(agent_api, ref)
    body = {"action": "refund", "lines": [{"line_id": lines["TQ-BORA-M-GRIS"], "quantity": 1}],
            "restock": True, "reason": "Trop petite", "notify_customer": True}  # fmt: skip
    preview = agent_api.post(f"/api/v1/tickets/{ref}/order-actions/preview", json=body)
    assert preview.status_code == 200, preview.text
    # 35 $ of 115 $ taxed: GST 625 × 3500/12500 = 175, QST 1247 × 3500/12500 = 349.
    assert preview.json()["amount"] == "40.24"
    assert preview.json()["amount_text"] == "40,24\xa0$"
    done = _act(agent_api, ref, body)
    assert done.status_code == 200, done.text
    result = done.json()
    assert (result["state"], result["amount"], result["replayed"]) == ("done", "40.24", False)
    assert result["reference"].startswith("refund-")
    assert "40,24" in result["message"]
    assert "order.action_taken" in _event_names(agent_api, ref)
    (note,) = _notes(agent_api, ref)
    assert "40,24\xa0$" in note and "1 × Tuque Bora (TQ-BORA-M-GRIS" in note
    assert "Remis en stock : oui" in note and "Trop petite" in note
    (told,) = _customer_messages(agent_api, ref)
    assert told["body_text"].startswith("Bonjour Léa,")
    assert (
        "Nous avons remboursé 40,24\xa0$ sur votre commande " + shop.numbers["refund_fr"]
        in told["body_text"]
    )
    order = _detail(agent_api, ref)["order"]
    assert order["financial_status"] == "partially_refunded"


def test_an_english_customer_is_told_in_english_with_the_amount_as_written(shop, agent_api):
    ref = shop.ticket("refund_en")
    done = _act(agent_api, ref, {"action": "refund", "amount": "25.00", "notify_customer": True})
    assert done.status_code == 200, done.text
    assert done.json()["amount"] == "25.00"
    (told,) = _customer_messages(agent_api, ref)
    assert told["body_text"].startswith("Hello John,")
    assert "We have refunded $25.00 on your order" in told["body_text"]
    # The agent reads French: the note is theirs.
    (note,) = _notes(agent_api, ref)
    assert "Remboursement de 25,00\xa0$" in note and "Le client est avisé" in note


def test_a_retry_with_the_same_key_answers_the_first_outcome_and_refunds_once(shop, agent_api):
    ref = shop.ticket("replay")
    body = {"action": "refund", "amount": "10.00", "idempotency_key": "retry-key-0001"}
    first = _act(agent_api, ref, body)
    second = _act(agent_api, ref, body)
    assert first.status_code == second.status_code == 200, second.text
    assert second.json()["replayed"] is True
    assert second.json()["reference"] == first.json()["reference"]
    assert second.json()["id"] == first.json()["id"]
    assert _event_names(agent_api, ref).count("order.action_taken") == 1
    assert len(_notes(agent_api, ref)) == 1
    history = agent_api.get(f"/api/v1/tickets/{ref}/order-actions").json()
    assert [(h["action"], h["state"], h["amount"]) for h in history] == [
        ("refund", "done", "10.00")
    ]
    # The same key for another action is refused, not replayed.
    other = _act(agent_api, ref, {"action": "cancel", "idempotency_key": "retry-key-0001"})
    assert other.status_code == 409
    assert "clé" in other.json()["detail"]


def test_cancel_refunds_what_is_left_restocks_and_refuses_a_second_time(shop, agent_api):
    ref = shop.ticket("cancel")
    done = _act(agent_api, ref, {"action": "cancel", "reason": "customer", "refund": True,
                                 "restock": True, "notify_customer": True})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["amount"] == "143.72"
    order = _detail(agent_api, ref)["order"]
    assert (order["fulfillment_status"], order["financial_status"]) == ("cancelled", "refunded")
    (note,) = _notes(agent_api, ref)
    assert "Annulation de la commande" in note and "143,72\xa0$" in note
    assert "à la demande du client" in note and "Remis en stock : oui" in note
    (told,) = _customer_messages(agent_api, ref)
    assert "a été annulée" in told["body_text"]
    again = _act(agent_api, ref, {"action": "cancel"})
    assert again.status_code == 409
    assert again.json()["detail"] == "La commande est déjà annulée."


def test_once_shipped_cancel_and_address_change_are_refused_with_the_reason(shop, agent_api):
    ref = shop.ticket("shipped")
    cancel = _act(agent_api, ref, {"action": "cancel"})
    assert cancel.status_code == 409
    assert "déjà expédiée" in cancel.json()["detail"]
    address = _act(agent_api, ref, {"action": "update_shipping_address", "address": {
        "name": "Sophie Côté", "address1": "1 rue Ailleurs", "city": "Québec",
        "province_code": "QC", "zip": "G1R 4S9"}})  # fmt: skip
    assert address.status_code == 409
    assert "adresse ne peut plus être changée" in address.json()["detail"]
    english = agent_api.post(f"/api/v1/tickets/{ref}/order-actions", json={"action": "cancel"},
                             headers={"Accept-Language": "en"})  # fmt: skip
    assert "already shipped" in english.json()["detail"]
    assert _detail(agent_api, ref)["order"]["fulfillment_status"] == "in_transit"
    assert agent_api.get(f"/api/v1/tickets/{ref}/order-actions").json() == []


def test_an_address_change_rewrites_the_shipping_address(shop, agent_api):
    ref = shop.ticket("address")
    done = _act(agent_api, ref, {"action": "update_shipping_address", "notify_customer": True,
                                 "address": {"name": "Emma Brown", "address1": "88 Queen St",
                                             "address2": "Apt 4", "city": "Ottawa",
                                             "province_code": "on", "zip": "k1p 1j9"}})  # fmt: skip
    assert done.status_code == 200, done.text
    order = _detail(agent_api, ref)["order"]
    assert (order["ship_address1"], order["ship_address2"], order["ship_city"]) == (
        "88 Queen St",
        "Apt 4",
        "Ottawa",
    )
    assert (order["ship_province"], order["ship_postal_code"]) == ("ON", "K1P 1J9")
    (told,) = _customer_messages(agent_api, ref)
    assert "88 Queen St" in told["body_text"] and told["body_text"].startswith("Hello Emma,")


def test_a_replacement_is_a_free_order_with_the_same_lines(shop, agent_api):
    ref = shop.ticket("replacement")
    done = _act(agent_api, ref, {"action": "replacement"})
    assert done.status_code == 200, done.text
    number = done.json()["reference"]
    assert number == f"{shop.numbers['replacement']}-R1"
    (note,) = _notes(agent_api, ref)
    assert "Remplacement sans frais" in note and "2 × Tuque Bora" in note
    assert "order.action_taken" in _event_names(agent_api, ref)


def test_a_goodwill_code_is_given_to_the_customer_in_their_language(shop, agent_api):
    ref = shop.ticket("discount")
    done = _act(agent_api, ref, {"action": "discount_code", "percent": "15",
                                 "notify_customer": True})  # fmt: skip
    assert done.status_code == 200, done.text
    code = done.json()["code"]
    assert code and code in done.json()["message"]
    (told,) = _customer_messages(agent_api, ref)
    assert f"a 15 % discount code for your next order: {code}" in told["body_text"]
    both = _act(agent_api, ref, {"action": "discount_code", "percent": "10", "amount": "5.00"})
    assert both.status_code == 400


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"action": "refund", "amount": "500.00"}, "dépasse ce qu'il reste à rembourser"),
        ({"action": "refund", "lines": [{"line_id": 999999, "quantity": 1}]},
         "n'est pas une ligne de cette commande"),
        ({"action": "refund", "lines": "first"}, ""),
        ({"action": "refund"}, "Rien à rembourser"),
    ],
)  # fmt: skip
def test_bad_refunds_are_400_with_a_message_and_nothing_is_done(shop, agent_api, body, words):
    ref = shop.ticket("checks")
    refused = _act(agent_api, ref, body)
    assert refused.status_code == 400, refused.text
    assert words in refused.json()["detail"]
    assert _notes(agent_api, ref) == []
    assert _detail(agent_api, ref)["order"]["financial_status"] == "paid"


def test_a_ticket_without_an_order_gets_a_409_that_says_so(shop, agent_api):
    with httpx.Client(base_url=shop.server.url, timeout=20) as client:
        made = client.post("/api/v1/tickets", json={"email": "nobody@example.org",
                                                    "body": "Question"})  # fmt: skip
    ref = made.json()["ticket_ref"]
    refused = _act(agent_api, ref, {"action": "refund", "amount": "1.00"})
    assert refused.status_code == 409
    assert "aucune commande" in refused.json()["detail"]
    missing = _act(agent_api, "T-NOPE", {"action": "refund", "amount": "1.00"})
    assert missing.status_code == 404


# -- the service with a platform whose answer gets lost ----------------------------------------
class _LostAnswer(LocalPlatform):
    """The built-in store, whose first refund happens but whose answer never arrives (as a
    platform timing out after acting)."""

    def __init__(self, db):
        super().__init__(db)
        self.calls = 0

    def refund(self, order, req, key):
        self.calls += 1
        super().refund(order, req, key)
        raise PlatformTimeout("read timed out")


class _Refusing(LocalPlatform):
    platform = "shopify"

    def refund(self, order, req, key):
        raise PlatformError("commerce.error.user_errors", detail="Refund amount is too high")


@pytest.fixture
def service_db(tmp_path):
    with Database(tmp_path / "service.duckdb") as db:
        db.write(lambda w: store.bulk_insert(
            w, "products", [{"id": w.next_id("products"), **p} for p in PRODUCTS]))  # fmt: skip
        yield db


AGENT = Agent(id=1, email="a@shop.test", name="Alice Admin", role="admin", language="fr",
              active=True)  # fmt: skip


def _service_ticket(db) -> str:
    number = db.write(lambda w: _order(w, "zoe@example.ca", "Zoé Roy", "fr", "delivered"))
    data = TicketCreate(email="zoe@example.ca", body="Remboursement?", order_number=number)
    return asyncio.run(open_ticket(db, data, channel="web", default_language="fr")).ticket_ref


def _refund(amount: str, key: str) -> RefundAction:
    return RefundAction(action="refund", amount=Decimal(amount), idempotency_key=key)


def test_after_a_timeout_the_retry_asks_first_and_never_refunds_twice(service_db):
    db = service_db
    ref = _service_ticket(db)
    lost = _LostAnswer(db)
    first = service.take(db, lost, ref, AGENT, _refund("30.00", "lost-answer-1"), "Nordet")
    assert (first.status, first.result.state) == (202, "unknown")
    assert "n'a pas répondu" in first.result.message
    retry = service.take(db, lost, ref, AGENT, _refund("30.00", "lost-answer-1"), "Nordet")
    assert (retry.status, retry.result.state, retry.result.amount) == (200, "done", "30.00")
    assert lost.calls == 1  # found at the platform: not refunded again
    order_id = db.read(lambda cur: orders.find_by_number(cur, _order_number(db, ref)))["id"]
    assert db.read(lambda cur: store.refunded_total(cur, order_id)) == 3000
    again = service.take(db, lost, ref, AGENT, _refund("30.00", "lost-answer-1"), "Nordet")
    assert again.result.replayed and lost.calls == 1


def test_a_platform_refusal_is_a_502_with_its_words_and_a_note_saying_not_done(service_db):
    db = service_db
    ref = _service_ticket(db)
    failed = service.take(db, _Refusing(db), ref, AGENT, _refund("5.00", "refused-key-1"), "N")
    assert (failed.status, failed.result.state) == (502, "failed")
    assert "Refund amount is too high" in failed.result.message
    detail = get_ticket(db, ref)
    (note,) = [m.body_text for m in detail.messages if m.kind == "note"]
    assert "NON faite" in note and "Refund amount is too high" in note
    names = [e.name for e in ticket_events(db, ref, "fr")]
    assert "order.action_failed" in names and "order.action_taken" not in names


def _order_number(db, ref: str) -> str:
    return get_ticket(db, ref).order.number
