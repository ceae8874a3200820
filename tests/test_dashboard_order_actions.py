"""The order panel's actions in the ticket workspace (Streamlit AppTest against a real server):
a refund chosen line by line shows its confirmation with the exact amount, is taken once with
the key made when the confirmation opened, and its result is shown; a refusal shows its reason;
and the form helpers of ``dashboard.order_actions_view`` on their own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from dashboard import order_actions_view as oa
from dashboard.safe import WORD_JOINER
from tests.conftest import RunningServer, login, make_database, start_server
from tests.test_dashboard import open_page, signed_in, submit, texts, token_for
from widget_api.storage import Database, customers, orders

EMAIL = "gabrielle.leduc@example.ca"
NUMBER = "ND-410001"


def _add_order(w) -> None:
    """2 toques at 35 $ and mitts at 45 $, 10 $ shipping, QC taxes: 143,72 $ in all."""
    at = datetime(2026, 11, 20, 14, 0)
    customer_id, _ = customers.find_or_create(w, email=EMAIL, name="Gabrielle Leduc",
                                              language="fr", at=at)  # fmt: skip
    orders.insert(
        w,
        {"number": NUMBER, "customer_id": customer_id, "placed_at": at, "subtotal_cents": 11500,
         "shipping_cents": 1000, "gst_cents": 625, "qst_cents": 1247, "total_cents": 14372,
         "fulfillment_status": "in_transit", "ship_name": "Gabrielle Leduc",
         "ship_address1": "12 rue King", "ship_city": "Sherbrooke", "ship_province": "QC",
         "ship_postal_code": "J1H 1N8"},
        [{"sku": "TQ-BORA-M-GRIS", "title": "Tuque Bora", "quantity": 2, "unit_price_cents": 3500},
         {"sku": "MT-NORD-S-BLEU", "title": "Mitaines Nord", "quantity": 1,
          "unit_price_cents": 4500}],
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("dash_order_actions") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        db.write(_add_order)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture
def admin_api(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=20) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def _ticket(server: RunningServer) -> str:
    made = httpx.post(f"{server.url}/api/v1/tickets", timeout=20, json={
        "email": EMAIL, "body": "Une tuque de trop", "order_number": "410001"})  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()["ticket_ref"]


def _plain(markdown: str) -> str:
    """Shown text without the escapes that keep values literal in Markdown."""
    return markdown.replace("\\", "").replace(WORD_JOINER, "")


def _open(server: RunningServer, ref: str):
    at = signed_in(server.url, token_for(server.url))
    at.session_state["ticket_ref"] = ref
    return open_page(at, "ticket")


def test_a_refund_is_confirmed_with_its_exact_amount_then_done_once(server, admin_api):
    ref = _ticket(server)
    lines = {ln["sku"]: ln["id"] for ln in admin_api.get(f"/api/v1/tickets/{ref}").json()
             ["order"]["lines"]}  # fmt: skip
    at = _open(server, ref)
    assert not at.exception
    # The customer's history lists the order beside the panel's actions.
    history = _plain("\n".join(m.value for m in at.markdown if "ND-410001 · " in m.value))
    assert "ND-410001 · " in history and "143,72\u00a0$ · En transit" in history
    at.button_group(key="ticket_oa_pick").set_value("refund").run()
    at.number_input(key=f"ticket_oa_qty_{lines['TQ-BORA-M-GRIS']}").set_value(1)
    at.checkbox(key="ticket_oa_restock").check()
    at.text_input(key="ticket_oa_reason").input("Commandée en double")
    at = submit(at, "Vérifier")
    assert not at.exception
    # The confirmation: the exact amount (35 $ + its share of GST and QST) in French money.
    shown = _plain(texts(at))
    assert "Montant : **40,24\u00a0$**" in shown
    assert "Remboursement de 40,24\u00a0$ sur la commande ND-410001" in shown
    assert "Articles : 1 × Tuque Bora (TQ-BORA-M-GRIS, 35,00\u00a0$ l'unité)" in shown
    assert "Remis en stock : oui" in shown
    key = at.session_state[oa.CONFIRM]["key"]
    assert admin_api.get(f"/api/v1/tickets/{ref}/order-actions").json() == []  # nothing yet

    at = at.button(key="ticket_oa_go").click().run()
    assert not at.exception
    (done,) = at.success
    expected = "Remboursement de 40,24\u00a0$ sur la commande ND-410001 : fait"
    assert _plain(done.value).startswith(expected)
    (taken,) = admin_api.get(f"/api/v1/tickets/{ref}/order-actions").json()
    assert (taken["idempotency_key"], taken["state"], taken["amount"]) == (key, "done", "40.24")
    notes = [m["body_text"] for m in admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"]
             if m["kind"] == "note"]  # fmt: skip
    assert len(notes) == 1 and "Commandée en double" in notes[0]


def test_a_refusal_shows_the_reason_and_nothing_is_done(server, admin_api):
    ref = _ticket(server)
    at = _open(server, ref)
    at.button_group(key="ticket_oa_pick").set_value("cancel").run()
    at = submit(at, "Vérifier")
    assert not at.exception
    # In transit: the preview already refuses, with the reason, and no confirmation opens.
    assert any("déjà expédiée" in _plain(e.value) for e in at.error)
    assert oa.CONFIRM not in at.session_state
    assert admin_api.get(f"/api/v1/tickets/{ref}/order-actions").json() == []


def test_the_refund_body_keeps_chosen_lines_and_reads_amounts_as_typed():
    body = oa.refund_body({7: 1, 8: 0}, "25,5", shipping=True, restock=True, reason=" x ",
                          notify_customer=False)  # fmt: skip
    assert body == {"action": "refund", "lines": [{"line_id": 7, "quantity": 1}],
                    "amount": "25.50", "shipping": True, "restock": True, "reason": "x",
                    "notify_customer": False}  # fmt: skip
    assert oa.refund_body({}, "", shipping=False, restock=True, reason="",
                          notify_customer=True)["restock"] is False  # fmt: skip
    assert oa.dollars("12,00 $") == "12.00"
    for bad in ("douze", "-3", "0"):
        with pytest.raises(ValueError):
            oa.dollars(bad)
