"""What a customer sees, in a real Chromium at phone (390×844) and desktop (1440×900) sizes, in
French and English: the help center's "page not found", its header's search, and the widget's
order and return cards (one language per line, one word for where the parcel is, what an exchange
gives, a status badge that fits). Screenshots go to ``test-artifacts/customer/``.

The database holds ``make_database``'s order in transit (ND-200001, bought in French) and the
returns tests' delivered orders (``tests/fixtures/returns/shop.json``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS as BROWSER_ARTIFACTS
from tests.browser import CHROMIUM, chromium, settle
from tests.conftest import ORDER_EMAIL, ORDER_NUMBER, make_database
from tests.fixtures.returns import shop
from tests.widget_stack import ALWAYS_OPEN, Stack, isolated_tab, running_stack, widget_settings
from widget_api.storage import Database
from widget_api.storage.rows import utcnow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ARTIFACTS = BROWSER_ARTIFACTS / "customer"
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
PAGES = {"fr": "/index.html", "en": "/en.html"}
TEXT = {
    "fr": {"not_found": "Cette page n'existe pas", "home": "Retour au centre d'aide",
           "other": "This page does not exist.", "search": "Rechercher", "order": "Commande",
           "return": "Retour", "number": "Numéro de commande", "email": "Courriel",
           "track": "Suivre ma commande", "find": "Trouver ma commande", "reason": "Raison",
           "outcome": "Ce que vous souhaitez", "start": "Commencer le retour",
           "parka": "1 × Parka Alizé — M, noir", "gives": "Vous recevrez en échange",
           "refund": "Remboursement estimé"},
    "en": {"not_found": "This page does not exist", "home": "Back to the help center",
           "other": "Cette page n'existe pas.", "search": "Search", "order": "My order",
           "return": "Return", "number": "Order number", "email": "Email",
           "track": "Track my order", "find": "Find my order", "reason": "Reason",
           "outcome": "What you would like", "start": "Start my return",
           "parka": "1 × Alizé Parka — M, black", "gives": "You will receive in exchange",
           "refund": "Estimated refund"},
}  # fmt: skip
# Words of the other language that must not show in a line of this one.
FOREIGN = {"fr": ("black", "Alizé Parka", "Toque"), "en": ("noir", "Parka Alizé", "Tuque")}
CASES = [(lang, size) for lang in ("fr", "en") for size in SIZES]


def _id(case) -> str:
    return "-".join(case)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("customer")
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


def _tab(browser, size: str):
    return isolated_tab(browser, *SIZES[size])


def _shot(page, name: str) -> None:
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


# -- the help center ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_an_unknown_help_page_is_a_page_in_the_addresss_language(browser, stack, case):
    lang, size = case
    with _tab(browser, size) as page:
        for path in (f"/help/{lang}/no-such-article", f"/help/{lang}/c/nothing/at/all"):
            answer = page.goto(stack.comptoir.url + path)
            assert answer.status == 404 and "text/html" in answer.headers["content-type"], path
            expect(page.get_by_role("heading", level=1)).to_have_text(TEXT[lang]["not_found"])
            expect(page.locator("html")).to_have_attribute("lang", f"{lang}-CA")
            text = page.locator("body").inner_text()
            assert "status_code" not in text and "{" not in text, text
            other = page.locator("[data-not-found] .other")
            expect(other).to_contain_text(TEXT[lang]["other"])
            expect(page.get_by_role("link", name=TEXT[lang]["home"])).to_have_attribute(
                "href", f"/help/{lang}"
            )
        _shot(page, f"help-404-{lang}-{size}")
    # API clients keep their JSON: an address under /help asked for as JSON, an API address.
    json_404 = httpx.get(f"{stack.comptoir.url}/help/{lang}/no-such-article",
                         headers={"Accept": "application/json"})  # fmt: skip
    assert json_404.status_code == 404 and json_404.json()["status_code"] == 404
    api_404 = httpx.get(f"{stack.comptoir.url}/api/v1/no-such-thing",
                        headers={"Accept": "text/html"})  # fmt: skip
    assert api_404.status_code == 404 and json.loads(api_404.text)["status_code"] == 404


def test_an_unknown_language_gets_the_browsers_language(browser, stack):
    asks = {"Accept": "text/html", "Accept-Language": "en-CA,en;q=0.8"}
    answer = httpx.get(f"{stack.comptoir.url}/help/de/artikel", headers=asks)
    assert answer.status_code == 404 and TEXT["en"]["not_found"] in answer.text


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_the_help_headers_search_stays_in_its_box(browser, stack, case):
    lang, size = case
    with _tab(browser, size) as page:
        page.goto(f"{stack.comptoir.url}/help/{lang}")
        hero = page.locator(".hero .wrap").bounding_box()
        header = page.locator("header.top .wrap").bounding_box()
        button = page.get_by_role("button", name=TEXT[lang]["search"], exact=True)
        field = page.get_by_role("searchbox")
        assert _inside(button.bounding_box(), hero), (button.bounding_box(), hero)
        assert _inside(field.bounding_box(), hero)
        assert _inside(page.locator("header.top .lang").bounding_box(), header)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size][0], width  # no sideways scrolling
        _shot(page, f"help-home-{lang}-{size}")


# -- the widget ---------------------------------------------------------------------------------
def _widget_tab(page, stack: Stack, lang: str, tab: str):
    page.goto(stack.store_url + PAGES[lang])
    page.locator("comptoir-widget .launcher").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("tab", name=TEXT[lang][tab], exact=True).click()
    return dialog.get_by_role("tabpanel")


def _look_up(pane, lang: str, number: str, email: str, button: str) -> None:
    pane.get_by_label(TEXT[lang]["number"]).fill(number)
    pane.get_by_label(TEXT[lang]["email"]).fill(email)
    pane.get_by_role("button", name=TEXT[lang][button]).click()


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_an_order_reads_in_one_language_and_its_badge_matches_its_step(browser, stack, case):
    lang, size = case
    with _tab(browser, size) as page:
        pane = _widget_tab(page, stack, lang, "order")
        _look_up(pane, lang, ORDER_NUMBER, ORDER_EMAIL, "track")
        card = pane.locator(".card.order")
        expect(card).to_be_visible()
        items = card.locator(".items li").all_inner_texts()
        assert items == [TEXT[lang]["parka"]], items
        assert not any(word in line for line in items for word in FOREIGN[lang]), items
        badge = card.locator("[data-status]")
        expect(badge).to_have_attribute("data-status", "in_transit")
        reached = card.locator(".steps li.done").all_inner_texts()
        assert len(reached) == 3 and badge.inner_text() == reached[-1], (
            badge.inner_text(),
            reached,
        )
        _shot(page, f"order-{lang}-{size}")


# (language, size, order, e-mail, outcome): each order can be returned once.
RETURNS = [
    ("fr", "phone", "ND-310001", "marie.tremblay@videotron.ca", "exchange"),
    ("en", "phone", "ND-310003", "jean.gagnon@example.ca", "exchange"),
    ("en", "desktop", "ND-310010", "emma.gauthier@example.ca", "exchange"),
    ("fr", "desktop", "ND-310005", "sophie.roy@example.ca", "refund"),
]


@pytest.mark.parametrize("case", RETURNS, ids=lambda c: "-".join(c[:2] + c[4:]))
def test_a_return_confirms_what_it_gives_with_a_badge_that_fits(browser, stack, case):
    lang, size, number, email, outcome = case
    with _tab(browser, size) as page:
        pane = _widget_tab(page, stack, lang, "return")
        _look_up(pane, lang, number, email, "find")
        sku = "PK-ALIZE-M-NOIR" if outcome == "exchange" else "TQ-NORD-U-ROUGE"
        line = pane.locator(f".card:has(select[name=quantity][data-sku='{sku}'])")
        name = line.locator("p").first.inner_text()
        assert not any(word in name for word in FOREIGN[lang]), name
        for select in pane.locator("select[name=quantity]").all():
            select.select_option("1" if select.get_attribute("data-sku") == sku else "0")
        pane.get_by_label(TEXT[lang]["reason"]).select_option("wrong_size")
        pane.get_by_label(TEXT[lang]["outcome"]).select_option(outcome)
        if outcome == "exchange":
            pane.locator(f"select[name=exchange_sku][data-sku='{sku}']").select_option(
                "PK-ALIZE-L-NOIR"
            )
        pane.get_by_role("button", name=TEXT[lang]["start"]).click()
        card = pane.locator("[data-rma]")
        expect(card).to_be_visible()
        text = card.inner_text()
        if outcome == "exchange":
            assert TEXT[lang]["gives"] in text and TEXT[lang]["refund"] not in text, text
            assert "L" in text.split(TEXT[lang]["gives"], 1)[1], text  # the size it sends
        else:
            assert TEXT[lang]["refund"] in text and TEXT[lang]["gives"] not in text, text
        badge = card.locator("[data-status]")
        fits = badge.evaluate("b => b.scrollWidth <= b.clientWidth && b.offsetWidth > 0")
        assert fits, badge.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert _inside(badge.bounding_box(), card.bounding_box()), (
            badge.bounding_box(),
            card.bounding_box(),
        )
        _shot(page, f"return-{outcome}-{lang}-{size}")
