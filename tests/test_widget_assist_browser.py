"""The widget's chat answers first from the help center (issue 15 §2), in a real Chromium.

A French question gets a French answer with its source; "Ça répond" is recorded; a question the
help center does not cover, or "Parler à une personne", opens the ticket with the bot's whole
transcript and the hand-off reason as an internal note (checked through the agent API); an
article holding ``<img onerror>`` is shown as text. Screenshots go to
``test-artifacts/widget-assist/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS as BROWSER_ARTIFACTS
from tests.browser import CHROMIUM, chromium, settle
from tests.conftest import make_database
from tests.widget_stack import ALWAYS_OPEN, Stack, isolated_tab, running_stack, widget_settings

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"
)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ARTIFACTS = BROWSER_ARTIFACTS / "widget-assist"
# The engine quotes an article's plain text: raw tags are dropped, an escaped one stays as
# written. Drawn with innerHTML it would become "<img …>" (or an element); as text it stays.
XSS = '&lt;img src=x onerror="window.xss=1"&gt;'
XSS_ARTICLE = {
    "title": "Cartes-cadeaux Nordet",
    "slug": "cartes-cadeaux-nordet",
    "lang": "fr",
    "category": "Paiement",
    "tags": ["carte-cadeau"],
    "body_markdown": "Les cartes-cadeaux Nordet n'expirent jamais. Code de démonstration : "
    f'{XSS} <img src=x onerror="window.xss=2"> sur le reçu.',
    "status": "published",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("widget-assist")
    make_database(folder / "comptoir.duckdb")
    with running_stack(folder / "comptoir.duckdb") as running:
        widget_settings(running.admin, business_hours=ALWAYS_OPEN)
        created = running.admin.post("/api/v1/help/admin/articles", json=XSS_ARTICLE)
        assert created.status_code == 201, created.text
        # The engine is built on the first question (it loads the embedding model): warm it.
        warm = running.admin.post("/api/v1/widget/assist", json={"query": "retour"}, timeout=600)
        assert warm.status_code == 200, warm.text
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


def ask(page, stack: Stack, lang: str, question: str):
    page.goto(stack.store_url + ("/index.html" if lang == "fr" else "/en.html"))
    page.locator("comptoir-widget .launcher").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("tab", name={"fr": "Clavarder", "en": "Chat"}[lang]).click()
    label = {"fr": "Votre message", "en": "Your message"}[lang]
    dialog.get_by_role("tabpanel").get_by_label(label).first.fill(question)
    dialog.get_by_role("button", name={"fr": "Envoyer", "en": "Send"}[lang], exact=True).click()
    expect(dialog.locator(".bot .msg.customer")).to_contain_text(question)
    return dialog


def shot(page, name: str) -> None:
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_a_french_question_gets_a_french_answer_with_its_source_and_helpful_is_recorded(
    page, stack
):
    dialog = ask(page, stack, "fr", "Comment annuler ma commande?")
    answer = dialog.locator(".msg.bot-answer")
    expect(answer.locator(".bubble")).to_contain_text("D'après notre article « ")
    source = answer.locator(".sources a")
    expect(source).to_have_count(1)
    assert source.get_attribute("href") == f"{stack.comptoir.url}/help/fr/annuler-ma-commande"
    assert source.inner_text() not in ("", "annuler-ma-commande")  # the article's title
    # The link is only in the sources, not repeated as text in the bubble.
    assert "/help/fr/" not in answer.locator(".bubble").inner_text()
    expect(answer.get_by_role("button", name="Parler à une personne")).to_be_visible()
    shot(page, "answer-fr")
    with page.expect_response(lambda r: r.url.endswith("/assist/feedback")) as feedback:
        answer.get_by_role("button", name="Ça répond à ma question").click()
    assert feedback.value.status == 204
    expect(answer).to_contain_text("Tant mieux!")
    shot(page, "answer-helpful-fr")
    assert token(page, stack) is None  # no ticket: the bot's answer was enough

    # A follow-up, then a person: the note shows both exchanges and the helpful mark (stored).
    dialog.get_by_role("tabpanel").get_by_label("Votre message").first.fill(
        "Et pour changer l'adresse de livraison?"
    )
    dialog.get_by_role("button", name="Envoyer", exact=True).click()
    expect(dialog.locator(".msg.bot-answer")).to_have_count(2)
    dialog.locator(".msg.bot-answer").last.get_by_role(
        "button", name="Parler à une personne"
    ).click()
    expect(dialog.locator(".ref")).to_be_visible()
    ticket = ticket_of(page, stack)
    [note] = notes(ticket)
    assert "Raison du transfert : le client a demandé une personne" in note
    assert "Client : Comment annuler ma commande?" in note
    assert "Client : Et pour changer l'adresse de livraison?" in note
    assert note.count("Assistant : D'après notre article « ") >= 1
    assert "(le client a indiqué que cette réponse l'a aidé)" in note


def test_unknown_answer_feedback_is_a_404_and_a_bad_body_a_400(stack):
    unknown = httpx.post(f"{stack.comptoir.url}/api/v1/widget/assist/feedback",
                         json={"answer_id": 999_999, "helpful": True})  # fmt: skip
    assert unknown.status_code == 404 and unknown.json()["detail"]
    bad = httpx.post(f"{stack.comptoir.url}/api/v1/widget/assist/feedback",
                     json={"answer_id": "x"})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["detail"]


def test_a_question_the_help_center_does_not_cover_hands_off_with_the_transcript(page, stack):
    question = "Quelle est la météo à Chibougamau demain matin?"
    dialog = ask(page, stack, "fr", question)
    expect(dialog.locator(".ref")).to_be_visible()  # handed off at once, no button to press
    log = dialog.get_by_role("log")
    expect(log).to_contain_text(question)
    shot(page, "handoff-no-answer-fr")
    ticket = ticket_of(page, stack)
    assert ticket["channel"] == "chat"
    [note] = notes(ticket)
    assert "Raison du transfert : aucune réponse dans le centre d'aide" in note
    assert f"Client : {question}" in note
    assert "Assistant : " in note and "personne" in note


def test_talk_to_a_person_opens_the_ticket_at_once_in_english(page, stack):
    dialog = ask(page, stack, "en", "How do I cancel my order?")
    answer = dialog.locator(".msg.bot-answer")
    expect(answer.get_by_role("button", name="That answers my question")).to_be_visible()
    shot(page, "answer-en")
    answer.get_by_role("button", name="Talk to a person").click()
    expect(dialog.locator(".ref")).to_be_visible()
    expect(dialog.get_by_role("log")).to_contain_text("How do I cancel my order?")
    shot(page, "handoff-asked-en")
    [note] = notes(ticket_of(page, stack))
    assert "Hand-off reason: the customer asked for a person" in note
    assert "Customer: How do I cancel my order?" in note


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Je veux parler à un agent", "le client a demandé une personne"),
        ("Je vais demander une rétrofacturation à ma banque", "sujet délicat"),
    ],
)
def test_asking_for_a_person_or_a_sensitive_topic_hands_off(page, stack, question, reason):
    dialog = ask(page, stack, "fr", question)
    expect(dialog.locator(".ref")).to_be_visible()
    [note] = notes(ticket_of(page, stack))
    assert f"Raison du transfert : {reason}" in note


def test_an_article_holding_html_is_shown_as_text_and_never_runs(page, stack):
    dialog = ask(page, stack, "fr", "Est-ce que les cartes-cadeaux Nordet expirent?")
    answer = dialog.locator(".msg.bot-answer")
    expect(answer.locator(".sources a")).to_have_text("Cartes-cadeaux Nordet")
    bubble = answer.locator(".bubble")
    expect(bubble).to_contain_text("n'expirent jamais")
    shot(page, "answer-escaped-fr")
    assert page.evaluate("typeof window.xss") == "undefined"
    assert answer.locator("img, script").count() == 0
    assert XSS in bubble.inner_text()


def token(page, stack: Stack) -> str | None:
    return page.evaluate("key => localStorage.getItem(key)", f"comptoir:{stack.comptoir.url}:token")


def ticket_of(page, stack: Stack) -> dict:
    found = token(page, stack)
    assert found, "no conversation token: no ticket was opened"
    ref = httpx.get(f"{stack.comptoir.url}/api/v1/conversations/{found}").json()["ticket_ref"]
    return stack.admin.get(f"/api/v1/tickets/{ref}").json()


def notes(ticket: dict) -> list[str]:
    return [m["body_text"] for m in ticket["messages"] if m["kind"] == "note"]
