"""Erasure (widget_api/storage/privacy.py) driven by Shopify's mandatory privacy webhooks:
``customers/redact`` removes the customer's personal data from every table and from search while
tickets, messages and their counts stay; ``shop/redact`` erases every customer that came from
the platform and nobody else. The customer writes through the public API, an agent answers
through the agent API, the webhooks are signed; the stand-in client of tests/commerce_standin.py
maps them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.commerce_standin import (
    App,
    StandInShop,
    connect_shopify,
    shopify_order,
    sign,
    stand_in,  # noqa: F401 (a fixture)
    start_app,
)
from tests.conftest import make_database
from tests.waiting import wait_until
from widget_api.storage.privacy import REDACTED

SECRET = "shpss-redact-test"
AT = datetime(2026, 11, 20, 15, 0)
# Not conftest's seeded customer (Marie Tremblay): only the erased customer's data may go.
ELODIE = "elodie.bergeron@exemple.ca"
# What identifies Élodie: none of it may be left anywhere once she is erased.
ELODIE_TRACES = (ELODIE, "bergeron", "avenue cartier", "+14185550199", "g1r 2s5", "zorglub")
JEAN = "jean.gagnon@exemple.ca"


@pytest.fixture
def app(tmp_path: Path, stand_in: StandInShop) -> Iterator[App]:  # noqa: F811
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    running = start_app(db_path, now=AT)
    connect_shopify(running, SECRET)
    yield running
    running.stop()


def _webhook(app: App, topic: str, delivery: str, payload: dict) -> None:
    body = json.dumps(payload).encode()
    answer = httpx.post(
        app.url + "/webhooks/shopify", content=body, timeout=20,
        headers={"Content-Type": "application/json", "X-Shopify-Topic": topic,
                 "X-Shopify-Webhook-Id": delivery, "X-Shopify-Hmac-Sha256": sign(SECRET, body)},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    wait_until(
        lambda: app.read("SELECT status FROM commerce_webhooks WHERE delivery_id = ?", [delivery])
        == [("processed",)],
        f"the {topic} webhook",
    )  # fmt: skip


def _customer_writes(
    app: App, email: str, name: str, order: str, words: str, street: str, phone: str
) -> str:
    with httpx.Client(base_url=app.url, timeout=20) as public:
        created = public.post("/api/v1/tickets", json={
            "email": email, "name": name, "subject": f"Ma parka, commande {order}",
            "order_number": order, "language": "fr",
            "body": f"Bonjour, c'est {name}, {words}. Livrez au {street}.",
        })  # fmt: skip
        assert created.status_code == 201, created.text
        token = created.json()["conversation_token"]
        again = public.post(f"/api/v1/conversations/{token}/messages",
                            json={"body": f"Mon numéro : {phone} ({words})"})  # fmt: skip
        assert again.status_code == 201, again.text
    ref = created.json()["ticket_ref"]
    with app.api() as api:
        for kind, body in (("reply", f"Bonjour {name}, nous regardons."),
                           ("note", f"{name} habite au {street}")):  # fmt: skip
            sent = api.post(f"/api/v1/tickets/{ref}/messages", json={"kind": kind, "body": body})
            assert sent.status_code == 201, sent.text
    return ref


def _setup(app: App) -> tuple[str, str]:
    _webhook(app, "orders/create", "o-1", shopify_order(
        450789469, 1001, AT, email=ELODIE, first="Élodie", last="Bergeron",
        street="1200 avenue Cartier", phone="+14185550199", postal="G1R 2S5"))  # fmt: skip
    _webhook(app, "orders/create", "o-2", shopify_order(
        450789470, 1002, AT, email=JEAN, customer_id=207119552, first="Jean", last="Gagnon",
        street="88 boulevard Charest"))  # fmt: skip
    elodie = _customer_writes(app, ELODIE, "Élodie Bergeron", "#1001", "zorglub parka",
                              "1200 avenue Cartier, G1R 2S5", "+14185550199")  # fmt: skip
    jean = _customer_writes(app, JEAN, "Jean Gagnon", "#1002", "zigouigoui",
                            "88 boulevard Charest", "+14185550777")  # fmt: skip
    return elodie, jean


def _traces(app: App, needles: tuple[str, ...]) -> list[str]:
    """Every table.column (text, JSON, lists, blobs) holding one of ``needles``."""
    columns = app.read(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'main' AND (data_type IN ('VARCHAR', 'JSON', 'BLOB')"
        " OR data_type LIKE '%[]')"
    )
    found = []
    for table, column in columns:
        for needle in needles:
            hits = app.read(
                f'SELECT count(*) FROM "{table}" WHERE contains(lower(CAST("{column}" AS VARCHAR)),'
                " ?)",
                [needle.lower()],
            )[0][0]
            if hits:
                found.append(f"{table}.{column}: {needle}")
    return found


def _counts(app: App, upto: int) -> dict:
    return {
        "tickets": app.read("SELECT ref, message_count FROM tickets ORDER BY ref"),
        "messages": app.read("SELECT ticket_id, kind, author_type FROM messages ORDER BY id"),
        "orders": app.read("SELECT number, total_cents FROM orders ORDER BY number"),
        # Listeners (typing, SLA) may still add events: none of the earlier ones may go.
        "events": app.read("SELECT id, name FROM events WHERE id <= ? ORDER BY id", [upto]),
    }


def _search(app: App, words: str) -> list[str]:
    with app.api() as api:
        page = api.get("/api/v1/tickets", params={"q": words}).json()
    return [t["ref"] for t in page["items"]]


def test_customers_redact_erases_the_customer_everywhere_and_keeps_the_counts(app: App):
    elodie, jean = _setup(app)
    assert len(_traces(app, ELODIE_TRACES)) > 10  # the check sees the data before
    assert _search(app, "zorglub") == [elodie] and _search(app, "Bergeron") == [elodie]
    upto = app.read("SELECT max(id) FROM events")[0][0]
    before = _counts(app, upto)

    _webhook(app, "customers/redact", "r-1", {
        "shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com",
        "customer": {"id": 207119551, "email": ELODIE, "phone": "+14185550199"},
        "orders_to_redact": [450789469],
    })  # fmt: skip

    assert _traces(app, ELODIE_TRACES) == []
    assert _counts(app, upto) == before
    assert _search(app, "zorglub") == [] and _search(app, "Bergeron") == []
    assert _search(app, elodie) == [elodie]  # the reference still finds the ticket
    assert _search(app, "zigouigoui") == [jean] and _search(app, "Gagnon") == [jean]
    # Jean is untouched, even where he shares a city with Élodie (Montréal).
    [(jean_body,)] = app.read("SELECT body FROM commerce_webhooks WHERE delivery_id = 'o-2'")
    assert JEAN in jean_body and "Montr" in jean_body
    with app.api() as api:
        ticket = api.get(f"/api/v1/tickets/{elodie}").json()
    assert ticket["subject"] == REDACTED
    [(after,)] = app.read("SELECT after FROM events WHERE name = 'customer.redacted'")
    assert json.loads(after) == {"reason": "customers/redact", "tickets": 1, "messages": 4,
                                 "orders": 1}  # fmt: skip
    [order] = app.read(
        "SELECT ship_province, ship_country, total_cents, financial_status FROM orders"
        " WHERE number = '#1001'"
    )
    assert order == ("QC", "CA", 22880, "paid")  # what the reports need stays


def test_shop_redact_erases_the_platform_customers_and_nobody_else(app: App):
    _setup(app)
    with httpx.Client(base_url=app.url, timeout=20) as public:
        other = public.post("/api/v1/tickets", json={
            "email": "luc.roy@exemple.ca", "name": "Luc Roy", "body": "Question sur les tailles",
        })  # fmt: skip
    assert other.status_code == 201
    upto = app.read("SELECT max(id) FROM events")[0][0]
    before = _counts(app, upto)

    _webhook(
        app,
        "shop/redact",
        "s-1",
        {"shop_id": 954889, "shop_domain": "boutique-nordique.myshopify.com"},
    )

    assert _traces(app, (*ELODIE_TRACES, JEAN, "gagnon", "charest", "zigouigoui")) == []
    assert _counts(app, upto) == before
    assert _traces(app, ("luc.roy@exemple.ca",)) != []  # not a Shopify customer: kept
    assert app.read("SELECT count(*) FROM events WHERE name = 'customer.redacted'") == [(2,)]
