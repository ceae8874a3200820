"""The widget's Return tab in a real Chromium: order lookup, items, reason and outcome, the RMA
and its label, and the policy's refusals, on a store page of another loopback origin.

The database gets the returns tests' delivered orders (``tests/fixtures/returns/shop.json``):
ND-310001 of marie.tremblay@videotron.ca, delivered 5 days ago, is returnable; ND-200001 of
``make_database`` is still in transit. Screenshots go to ``test-artifacts/widget/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS as BROWSER_ARTIFACTS
from tests.browser import CHROMIUM, chromium, settle
from tests.conftest import (
    ORDER_EMAIL,
    ORDER_NUMBER,
    make_database,
)
from tests.fixtures.returns import shop
from tests.widget_stack import ALWAYS_OPEN, Stack, isolated_tab, running_stack, widget_settings
from widget_api.storage import Database
from widget_api.storage.rows import utcnow

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"
)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ARTIFACTS = BROWSER_ARTIFACTS / "widget"
DELIVERED = "ND-310001"
MARIE = "marie.tremblay@videotron.ca"
PARKA = "PK-ALIZE-M-NOIR"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Comptoir (with delivered orders, always open) and the store page on two origins."""
    folder = tmp_path_factory.mktemp("widget-returns")
    db_path = folder / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        shop.load(db, utcnow())
    with running_stack(db_path) as running:
        widget_settings(running.admin, business_hours=ALWAYS_OPEN)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, stack) -> Iterator:
    with isolated_tab(browser, 1280, 900) as tab:
        yield tab


def return_tab(page, stack: Stack):
    """The widget opened on the French store page, on its Return tab."""
    page.goto(stack.store_url + "/index.html")
    page.locator("comptoir-widget .launcher").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("tab", name="Retour").click()
    return dialog, dialog.get_by_role("tabpanel")


def look_up(pane, order: str, email: str) -> None:
    pane.get_by_label("Numéro de commande").fill(order)
    pane.get_by_label("Courriel").fill(email)
    pane.get_by_role("button", name="Trouver ma commande").click()


def test_a_customer_starts_a_return_and_gets_the_rma_and_label(page, stack):
    _, pane = return_tab(page, stack)
    look_up(pane, DELIVERED, MARIE)
    expect(pane).to_contain_text(f"Commande {DELIVERED}")
    expect(pane).to_contain_text("vente finale")  # the final-sale mittens, explained
    quantity = pane.get_by_role("combobox", name="Quantité à retourner : Parka Alizé")
    quantity.select_option("1")
    pane.get_by_role("combobox", name="Quantité à retourner : Tuque Nord").select_option("0")
    pane.get_by_label("Raison").select_option("wrong_size")
    pane.get_by_label("Ce que vous souhaitez").select_option("refund")
    pane.get_by_label("Qu'est-ce qui ne va pas?").fill("Trop petit aux épaules.")
    pane.get_by_role("button", name="Commencer le retour").click()

    card = pane.locator("[data-rma]")
    expect(card).to_contain_text("Retour RMA-")
    rma = card.get_attribute("data-rma")
    assert rma and rma.startswith("RMA-")
    link = pane.get_by_role("link", name="Télécharger l'étiquette")
    expect(link).to_be_visible()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "return-fr.png"))

    detail = stack.admin.get(f"/api/v1/returns/{rma}")
    assert detail.status_code == 200, detail.text
    ret = detail.json()
    assert ret["order_number"] == DELIVERED
    assert ret["reason"] == "wrong_size" and ret["outcome"] == "refund"
    assert [(line["sku"], line["quantity"]) for line in ret["lines"]] == [(PARKA, 1)]
    assert ret["comment"] == "Trop petit aux épaules."
    assert ret["language"] == "fr"
    expect(card.locator("[data-status]")).to_have_attribute("data-status", ret["state"])

    href = link.get_attribute("href")
    assert href.startswith(f"{stack.comptoir.url}/api/v1/returns/{rma}/label.pdf?token=")
    label = httpx.get(href)
    assert label.status_code == 200 and label.content.startswith(b"%PDF")


def test_a_wrong_email_shows_the_apis_not_found_message(page, stack):
    expected = httpx.post(
        f"{stack.comptoir.url}/api/v1/returns/lookup",
        json={"order_number": DELIVERED, "email": "personne@example.com"},
        headers={"Accept-Language": "fr-CA"},
    )
    assert expected.status_code == 404
    _, pane = return_tab(page, stack)
    look_up(pane, DELIVERED, "personne@example.com")
    expect(pane.get_by_role("alert").filter(has_text=expected.json()["detail"])).to_be_visible()
    expect(pane.get_by_label("Raison")).to_be_hidden()


def test_a_refusal_explains_and_offers_a_prefilled_return_chat(page, stack):
    dialog, pane = return_tab(page, stack)
    look_up(pane, ORDER_NUMBER, ORDER_EMAIL)  # in transit: not returnable yet
    refusal = pane.get_by_role("alert").filter(has_text="pas encore livrée")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("clavardage")
    refusal.get_by_role("button", name="Écrire à un membre de l'équipe").click()
    message = dialog.get_by_role("tabpanel").get_by_role("textbox", name="Votre message")
    expect(dialog.get_by_role("tab", name="Clavarder")).to_have_attribute("aria-selected", "true")
    expect(message).to_have_value(f"Demande de retour pour la commande {ORDER_NUMBER}. ")
    message.press("End")
    message.type("Le colis tarde.")
    dialog.get_by_role("button", name="Envoyer", exact=True).click()
    expect(dialog.get_by_role("log")).to_contain_text("Le colis tarde.")
    token = page.evaluate(
        "key => localStorage.getItem(key)", f"comptoir:{stack.comptoir.url}:token"
    )
    ref = httpx.get(f"{stack.comptoir.url}/api/v1/conversations/{token}").json()["ticket_ref"]
    ticket = stack.admin.get(f"/api/v1/tickets/{ref}").json()
    assert ticket["source"]["widget_kind"] == "return"
    assert ticket["customer"]["email"] == ORDER_EMAIL
