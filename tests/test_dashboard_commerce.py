"""The dashboard's online store page and the ticket's order panel for a platform order, with
Streamlit's AppTest against a real server (its own: saving a platform must not change the other
dashboard tests' store), in French and English; and their logic modules on their own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from dashboard import commerce_view as cv
from dashboard import order_view as ov
from tests.conftest import RunningServer, make_database, start_server
from tests.test_dashboard import new_ticket, open_page, signed_in, submit, texts, token_for
from widget_api.contracts.commerce import CommerceSettingsView, SyncStatus
from widget_api.contracts.commerce_admin import CommerceDelivery
from widget_api.contracts.tickets import Order, OrderLine
from widget_api.storage import Database, commerce_mirror

SHOP_EMAIL = "eloise.gagnon@example.ca"
SHOP_ORDER = "1001"
TOKEN = "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"
HOOK_SECRET = "whsec_5c9a0b7e1d2f3a4b5c6d7e8f9a0b1c2d"
# Nothing leaves the machine: the "proxy" is a closed loopback port.
DEAD_API = "http://127.0.0.1:9"


def _shopify_order(w) -> None:
    """An order as the Shopify sync stores it: the platform's own status words, a variant, a
    gateway code, a partial refund and a partial fulfilment."""
    at = datetime(2026, 11, 20, 14, 0)
    customer_id = commerce_mirror.upsert_customer(
        w, "shopify", {"external_id": "gid://shopify/Customer/207119551", "email": SHOP_EMAIL,
                       "name": "Éloïse Gagnon", "language": "fr"}, at,
    )  # fmt: skip
    order = {
        "external_id": "gid://shopify/Order/450789469", "number": SHOP_ORDER, "placed_at": at,
        "platform_updated_at": at, "currency": "CAD", "subtotal_cents": 15998,
        "shipping_cents": 1500, "discount_cents": 2000, "gst_cents": 775, "qst_cents": 1546,
        "total_cents": 17819, "financial_status": "partially_refunded",
        "fulfillment_status": "shipped", "platform_financial_status": "PARTIALLY_REFUNDED",
        "platform_fulfillment_status": "PARTIALLY_FULFILLED", "email": SHOP_EMAIL,
        "payment_method": "shopify_payments", "carrier": "Purolator",
        "tracking_number": "335072349877", "tracking_url": None, "ship_name": "Éloïse Gagnon",
        "ship_address1": "1200 avenue Cartier", "ship_city": "Québec", "ship_province": "QC",
        "ship_postal_code": "G1R 2S7", "ship_country": "CA",
    }  # fmt: skip
    lines = [
        {"external_id": "gid://shopify/LineItem/1", "sku": "TQ-NORDET-NOIR",
         "title": "Tuque Nordet",
         "variant_title": "Unique / Noir", "quantity": 2, "unit_price_cents": 3999,
         "tax_cents": 1197},
        {"external_id": "gid://shopify/LineItem/2", "sku": "CH-LAINE-M", "title": "Chandail laine",
         "variant_title": "M / Gris chiné", "quantity": 1, "unit_price_cents": 8000,
         "tax_cents": 1197},
    ]  # fmt: skip
    commerce_mirror.upsert_order(w, "shopify", order, lines, customer_id, at)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> RunningServer:
    db_path: Path = tmp_path_factory.mktemp("dash-commerce") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        db.write(_shopify_order)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


def _page(server, token, lang):
    return open_page(signed_in(server.url, token, lang), "commerce")


def _input(at, name: str):
    """The form's text input for ``name`` (its key carries the form's version)."""
    platform = at.segmented_control(key="commerce_platform").value
    (found,) = [w for w in at.text_input if str(w.key).startswith(f"commerce_{platform}_{name}_")]
    return found


def _put(server, token, body) -> None:
    answer = httpx.put(f"{server.url}/api/v1/settings/commerce", json=body,
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
    assert answer.status_code == 200, answer.text


def _speak(server, token, lang: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    me = httpx.get(f"{server.url}/api/v1/me", headers=headers, timeout=10).json()
    answer = httpx.patch(f"{server.url}/api/v1/agents/{me['id']}", json={"language": lang},
                         headers=headers, timeout=10)  # fmt: skip
    assert answer.status_code == 200, answer.text


# -- the online store page ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", {"title": "Boutique en ligne", "save": "Enregistrer", "saved": "enregistrés",
                "hint": "enregistré …e1f0 — laissez vide pour le garder",
                "states": ("En attente", "En cours", "En échec", "Terminée"),
                "test": "Tester la connexion", "local": "Boutique intégrée"}),
        ("en", {"title": "Online store", "save": "Save", "saved": "settings saved",
                "hint": "saved …e1f0 — leave empty to keep it",
                "states": ("Idle", "Running", "Failed", "Done"),
                "test": "Test the connection", "local": "Built-in store"}),
    ],
)  # fmt: skip
def test_admin_saves_shopify_sees_masked_secret_and_webhook_url(server, admin_token, lang, words):
    _put(server, admin_token, {"platform": "local"})
    _speak(server, admin_token, lang)  # the test's message is in the admin's own language
    at = _page(server, admin_token, lang)
    assert not at.exception
    assert words["title"] in [t.value for t in at.title]
    assert "dash." not in texts(at)

    at.segmented_control(key="commerce_platform").set_value("shopify").run()
    assert _input(at, "access_token").placeholder != words["hint"]  # nothing saved yet
    _input(at, "shop_domain").input("boutique-nordique.myshopify.com")
    _input(at, "access_token").input(TOKEN)
    _input(at, "webhook_secret").input(HOOK_SECRET)
    _input(at, "api_base_url").input(DEAD_API)
    at = submit(at, words["save"])
    assert not at.exception
    assert any(words["saved"] in t.value for t in at.toast), [t.value for t in at.toast]

    # Saved: the secrets show only their end, the inputs are empty, the clear token is nowhere.
    assert _input(at, "access_token").placeholder == words["hint"]
    assert _input(at, "access_token").value == ""
    assert _input(at, "shop_domain").value == "boutique-nordique.myshopify.com"
    assert TOKEN not in texts(at) and HOOK_SECRET not in texts(at)
    assert [c.value for c in at.code] == [f"{server.url}/webhooks/shopify"]
    shown = texts(at)
    for topic in ("orders/create", "orders/updated", "refunds/create", "customers/redact"):
        assert f"`{topic}`" in shown
    # The sync starts once a platform is saved: its state is one of the runner's, by name.
    state = {m.label: m.value for m in at.metric}["État" if lang == "fr" else "State"]
    assert state in words["states"]

    # Saved again with the secrets left empty: they are kept.
    at = submit(at, words["save"])
    assert _input(at, "webhook_secret").placeholder.endswith(
        ("…1c2d — laissez vide pour le garder", "…1c2d — leave empty to keep it")
    )

    # The built-in store: no webhook to paste, and its connection test answers at once.
    at.segmented_control(key="commerce_platform").set_value("local").run()
    at = submit(at, words["save"])
    assert not at.exception and not at.code
    at = at.button(key="commerce_test").click().run()
    assert not at.exception
    assert any(s.value.startswith(words["local"]) for s in at.success)


def test_a_bad_shop_domain_shows_the_api_message(server, admin_token):
    _put(server, admin_token, {"platform": "local"})
    at = _page(server, admin_token, "fr")
    at.segmented_control(key="commerce_platform").set_value("shopify").run()
    _input(at, "shop_domain").input("boutique-nordique.com")
    _input(at, "access_token").input(TOKEN)
    _input(at, "webhook_secret").input(HOOK_SECRET)
    at = submit(at, "Enregistrer")
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "Données invalides" in error and "shop\\_domain" in error and "myshopify" in error


def test_a_missing_secret_shows_which_one(server, admin_token):
    _put(server, admin_token, {"platform": "local"})
    at = _page(server, admin_token, "en")
    at.segmented_control(key="commerce_platform").set_value("woocommerce").run()
    _input(at, "store_url").input("https://boutique.example")
    _input(at, "consumer_key").input("ck_4b1f9e2a7c3d5e6f8a9b0c1d2e3f4a5b")
    at = submit(at, "Save")
    (error,) = [e.value for e in at.error]
    assert "WooCommerce needs" in error and "consumer\\_secret, webhook\\_secret" in error


def test_sync_status_and_deliveries_of_a_connected_store(server, admin_token):
    _put(server, admin_token, {"platform": "shopify", "shop_domain": "nordet.myshopify.com",
                               "access_token": TOKEN, "webhook_secret": HOOK_SECRET,
                               "api_base_url": DEAD_API})  # fmt: skip
    at = _page(server, admin_token, "en")
    assert not at.exception
    shown = texts(at)
    assert "Sync" in [s.value for s in at.subheader]
    assert "No webhook received yet." in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Orders imported"] == "0" and metrics["Last reconciliation"] == "never"
    _put(server, admin_token, {"platform": "local"})


# -- the order panel of a platform order ----------------------------------------------------------
def test_the_workspace_api_gives_the_platform_fields(server, admin_token):
    ref = new_ticket(server.url, email=SHOP_EMAIL, order_number=SHOP_ORDER, body="Ma tuque?")
    ticket = httpx.get(f"{server.url}/api/v1/tickets/{ref}",
                       headers={"Authorization": f"Bearer {admin_token}"}).json()  # fmt: skip
    order = ticket["order"]
    assert order["source"] == "shopify" and order["email"] == SHOP_EMAIL
    assert order["platform_financial_status"] == "PARTIALLY_REFUNDED"
    assert order["platform_fulfillment_status"] == "PARTIALLY_FULFILLED"
    assert order["payment_method"] == "shopify_payments" and order["cancelled_at"] is None
    assert [(line["variant_title"], line["tax_cents"]) for line in order["lines"]] == [
        ("Unique / Noir", 1197), ("M / Gris chiné", 1197),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        ("fr", ["Commande 1001", "Remboursée en partie", "Expédiée en partie",
                "Mode de paiement : Shopify Payments", "Plateforme : Shopify",
                "**2 × Tuque Nordet**  \n:small[Unique / Noir · TQ-NORDET-NOIR]",
                "39,99\xa0$ ch. · 79,98\xa0$", "Rabais", "TPS", "7,75\xa0$", "TVQ", "15,46\xa0$",
                "**178,19\xa0$**", "Transporteur : Purolator", "1200 avenue Cartier"],
         ["GST", "QST"]),
        ("en", ["Order 1001", "Partially refunded", "Partially fulfilled",
                "Payment method: Shopify Payments", "Platform: Shopify",
                "**1 × Chandail laine**  \n:small[M / Gris chiné · CH-LAINE-M]", "$80.00",
                "Discount", "-$20.00", "GST", "$7.75", "QST", "$15.46", "**$178.19**",
                "Carrier: Purolator", "Canada"],
         ["TPS", "TVQ"]),
    ],
)  # fmt: skip
def test_the_order_panel_shows_the_platform_order_in_words(
    server, admin_token, lang, expected, absent
):
    ref = new_ticket(server.url, email=SHOP_EMAIL, order_number=SHOP_ORDER, body="Mon chandail?")
    at = signed_in(server.url, admin_token, lang)
    at.session_state["ticket_ref"] = ref
    at = open_page(at, "ticket")
    assert not at.exception
    shown = texts(at) + "\n" + "\n".join(str(b.proto.label) for b in at.get("badge"))
    for text in expected:
        assert text in shown, text
    for code in ("None", "partially_refunded", "PARTIALLY", "shopify_payments", *absent):
        assert code not in shown, code
    links = [b.proto.url for b in at.get("link_button")]
    assert "https://www.purolator.com/" + lang + "/shipping/tracker?pin=335072349877" in links


# -- logic on its own -----------------------------------------------------------------------------
def _order(**fields) -> Order:
    base = {
        "id": 1, "number": "1001", "customer_id": 1, "placed_at": datetime(2026, 11, 2, tzinfo=UTC),
        "currency": "CAD", "subtotal_cents": 10000, "shipping_cents": 0, "discount_cents": 0,
        "gst_cents": 500, "qst_cents": 998, "total_cents": 11498, "financial_status": "paid",
        "fulfillment_status": "processing", "warehouse": None, "carrier": None,
        "tracking_number": None, "tracking_url": None, "shipped_at": None, "delivered_at": None,
        "ship_name": "Luc", "ship_address1": "1 rue A", "ship_address2": None,
        "ship_city": "Québec", "ship_province": "QC", "ship_postal_code": "G1R 1A1",
        "ship_country": "CA", "ship_phone": None,
        "lines": [OrderLine(sku="S1", title="Mitaines", size="M", color="Gris", quantity=1,
                            unit_price_cents=10000)],
    }  # fmt: skip
    return Order(**{**base, **fields})


@pytest.mark.parametrize(
    ("source", "code", "lang", "expected"),
    [
        ("shopify", "AUTHORIZED", "fr", "Paiement autorisé"),
        ("shopify", "partially_refunded", "en", "Partially refunded"),
        ("woocommerce", "on-hold", "fr", "En attente"),
        ("woocommerce", "processing", "en", "Paid, to ship"),
        ("woocommerce", "pending", "fr", "En attente de paiement"),
        ("shopify", "pending", "fr", "Paiement en attente"),
        ("shopify", "STORE_PICKUP_READY", "en", "Store pickup ready"),  # not in the catalogue
        ("shopify", None, "fr", None),
        ("shopify", " ", "fr", None),
    ],
)
def test_platform_status_words(source, code, lang, expected):
    assert ov.platform_status(source, code, lang) == expected


def test_statuses_fall_back_to_the_mapped_vocabulary():
    order = _order()
    assert (ov.payment_status(order, "fr"), ov.fulfilment_status(order, "en")) == (
        "Payée", "Processing",
    )  # fmt: skip
    woo = _order(source="woocommerce", platform_financial_status="completed")
    assert ov.payment_status(woo, "en") == "Completed"


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("shopify_payments", "fr", "Shopify Payments"),
        ("bacs", "fr", "Virement bancaire"),
        ("cod", "en", "Cash on delivery"),
        ("Direct Bank Transfer", "fr", "Direct Bank Transfer"),  # a title already
        ("klarna_pay_later", "en", "Klarna pay later"),
        (None, "fr", None),
    ],
)
def test_payment_method_names(code, lang, expected):
    assert ov.payment_method(code, lang) == expected


def test_lines_prefer_the_platform_variant_and_show_the_line_total():
    lines = [
        OrderLine(sku="S1", title="Tuque", size="U", color="Noir", quantity=3,
                  unit_price_cents=2500, variant_title="Unique / Noir"),
        OrderLine(sku="S2", title="Bas", size=None, color=None, quantity=1, unit_price_cents=900),
    ]  # fmt: skip
    shown = ov.lines(_order(lines=lines), "en")
    assert [(v.title, v.detail, v.price) for v in shown] == [
        ("3 × Tuque", "Unique / Noir · S1", "$25.00 each · $75.00"),
        ("1 × Bas", "S2", "$9.00"),
    ]


def test_facts_name_the_platform_email_and_cancellation():
    order = _order(source="woocommerce", email="a@b.ca", payment_method="cheque",
                   cancelled_at=datetime(2026, 11, 3, 15, 30, tzinfo=UTC))  # fmt: skip
    assert ov.facts(order, "fr", "America/Toronto") == [
        ("Mode de paiement", "Chèque"), ("Plateforme", "WooCommerce"),
        ("Courriel de la commande", "a@b.ca"), ("Annulée le", "3 nov., 10:30"),
    ]  # fmt: skip
    assert ov.facts(_order(), "fr", "America/Toronto") == []  # a local order says nothing more
    # The customer's own address is already in the customer panel.
    assert ("Order e-mail", "a@b.ca") not in ov.facts(order, "en", "America/Toronto", "A@b.ca")


def test_the_address_names_the_country():
    assert ov.address_lines(_order(), "fr")[-1] == "Canada"
    assert ov.address_lines(_order(ship_country="US"), "en")[-1] == "United States"


def test_settings_body_sends_empty_secrets_as_null():
    body = cv.settings_body("shopify", {
        "shop_domain": " boutique.myshopify.com ", "access_token": "", "webhook_secret": "s3",
        "api_version": "2025-10", "sync_days": 30, "api_base_url": "",
    })  # fmt: skip
    assert body == {
        "platform": "shopify", "shop_domain": "boutique.myshopify.com", "access_token": None,
        "webhook_secret": "s3", "api_version": "2025-10", "sync_days": 30, "api_base_url": None,
    }  # fmt: skip
    assert cv.settings_body("local", {"shop_domain": "x"}) == {"platform": "local"}


def test_secret_hints_belong_to_the_saved_platform():
    view = CommerceSettingsView(platform="shopify", secrets={"access_token": "…e1f0",
                                                             "webhook_secret": None})  # fmt: skip
    assert cv.secret_hint(view, "shopify", "access_token", "fr") == (
        "enregistré …e1f0 — laissez vide pour le garder"
    )
    assert cv.secret_hint(view, "shopify", "webhook_secret", "en") == "not saved yet"
    assert cv.secret_hint(view, "woocommerce", "webhook_secret", "en") == "not saved yet"
    assert cv.current_values(view, "woocommerce") == {"store_url": "", "sync_days": 90}


def test_sync_rows_and_deliveries_in_words():
    sync = SyncStatus(state="done", orders_imported=1234, customers_imported=56,
                      started_at=datetime(2026, 11, 2, 14, tzinfo=UTC),
                      finished_at=datetime(2026, 11, 2, 14, 5, tzinfo=UTC))  # fmt: skip
    rows = dict(cv.sync_rows(sync, "fr", "America/Toronto"))
    assert rows["État"] == "Terminée" and rows["Commandes importées"] == "1\xa0234"
    assert rows["Commencée"] == "2 nov., 09:00" and rows["Dernière réconciliation"] == "jamais"
    delivery = CommerceDelivery(id=1, delivery_id="d1", topic="orders/updated", status="failed",
                                received_at=datetime(2026, 11, 2, 14, tzinfo=UTC), attempts=3,
                                error="unknown order")  # fmt: skip
    frame = cv.delivery_rows([delivery], "en", "America/Toronto")
    assert frame.to_dict("records") == [{
        "Topic": "orders/updated", "Received": "Nov 2, 9:00 a.m.", "Status": "Failed",
        "Attempts": 3, "Error": "unknown order",
    }]  # fmt: skip


def test_webhook_topics_to_subscribe_to():
    assert cv.TOPICS["woocommerce"] == (
        "order.created", "order.updated", "order.deleted", "customer.updated",
    )  # fmt: skip
    assert "refunds/create" in cv.TOPICS["shopify"]
    assert cv.PRIVACY_TOPICS["shopify"] == ("customers/data_request", "customers/redact",
                                            "shop/redact")  # fmt: skip
