"""Help-center articles (`help_center.articles`) and the Nordet starter content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from help_center.articles import (
    Article,
    ArticleError,
    dump_article,
    load_article,
    load_articles,
    parse_article,
    translation_problems,
)
from help_center.render import render_markdown

CONTENT_DIR = Path(__file__).resolve().parents[1] / "help_center" / "content"
FIXTURE_ARTICLES = Path(__file__).parent / "fixtures" / "help_center" / "articles"

GOOD_FRONT_MATTER = """\
title: Suivre ma commande
slug: suivre-ma-commande
lang: fr
category: Livraison
tags: [suivi, colis]
translation: track-my-order
"""

# fr slug, en slug: every topic the starter help center must cover, in both languages.
STARTER_TOPICS = {
    "delais-et-frais-de-livraison": "shipping-times-and-costs",
    "suivre-ma-commande": "track-my-order",
    "colis-perdu-ou-vole": "lost-or-stolen-parcel",
    "faire-un-retour": "how-to-return-an-item",
    "delai-de-remboursement": "refund-timing",
    "echanger-taille-ou-couleur": "exchange-size-or-colour",
    "article-endommage-ou-defectueux": "damaged-or-defective-item",
    "changer-adresse-de-livraison": "change-shipping-address",
    "annuler-ma-commande": "cancel-my-order",
    "modes-de-paiement-et-taxes": "payment-methods-and-taxes",
    "codes-promo": "promo-codes",
    "guide-des-tailles": "size-guide",
    "entretien-des-vetements": "product-care",
    "nous-joindre": "contact-us",
}
CATEGORIES = {
    "fr": {"Livraison", "Retours et remboursements", "Commandes", "Paiement", "Produits"},
    "en": {"Shipping", "Returns and refunds", "Orders", "Payment", "Products"},
}


@pytest.fixture(scope="module")
def starter_articles() -> list[Article]:
    """The Nordet starter content, loaded strictly."""
    return load_articles(CONTENT_DIR)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- loading -----------------------------------------------------------------------------------


def test_parse_article_reads_front_matter_and_body():
    article = parse_article(f"---\n{GOOD_FRONT_MATTER}---\n\n## Où est mon colis?\n")
    assert article.title == "Suivre ma commande"
    assert article.lang == "fr"
    assert article.tags == ["suivi", "colis"]
    assert article.translation == "track-my-order"
    assert article.summary is None
    assert article.body_markdown == "## Où est mon colis?"


def test_optional_front_matter_keys_may_be_left_out():
    article = parse_article("---\ntitle: T\nslug: t\nlang: en\ncategory: c\n---\nBody")
    assert (article.tags, article.translation, article.summary) == ([], None, None)


def test_load_article_records_its_path(tmp_path):
    path = write(tmp_path, "a.md", f"---\n{GOOD_FRONT_MATTER}---\nBody")
    assert load_article(path).path == path


def test_load_articles_reads_subfolders_and_skips_readme(tmp_path):
    write(tmp_path, "fr/a.md", f"---\n{GOOD_FRONT_MATTER}---\nCorps")
    write(
        tmp_path,
        "en/deep/b.md",
        "---\ntitle: Track my order\nslug: track-my-order\nlang: en\ncategory: Shipping\n---\nBody",
    )
    write(tmp_path, "README.md", "# Content folder\nNo front matter here.")
    articles = load_articles(tmp_path)
    assert [(a.lang, a.slug) for a in articles] == [
        ("en", "track-my-order"),
        ("fr", "suivre-ma-commande"),
    ]


HEAD = "---\ntitle: T\nslug: t\nlang: fr\ncategory: c\n"
"""Valid front matter, not closed: each bad case below adds to it or replaces it."""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# Just Markdown\n", "missing front matter"),
        ("---\ntitle: [oops\n---\nBody", "not valid YAML"),
        ("---\ntitle: A: B\n---\nBody", "not valid YAML: mapping values are not allowed"),
        ("---\n- a\n- b\n---\nBody", "front matter is empty, is not a mapping"),
        ("---\ntitle: Never closed\nslug: x\n\nBody", "not closed"),
        ("---\ntitle: T\nslug: t\n---\nBody", "missing front matter key(s): lang, category"),
        (HEAD.replace("lang: fr", "lang: de") + "---\nB", "lang: Input should be 'fr' or 'en'"),
        (HEAD.replace("slug: t", "slug: Not A Slug") + "---\nB", "slug: String should match"),
        (HEAD + "tags: a, b\n---\nB", "tags: Input should be a valid list"),
        (HEAD + "author: me\n---\nB", "unknown front matter key(s): author"),
        (HEAD + "---\n  \n", "body is empty"),
    ],
)
def test_bad_article_file_raises_error_naming_file_and_problem(tmp_path, text, problem):
    write(tmp_path, "bad-article.md", text)
    with pytest.raises(ArticleError) as caught:
        load_articles(tmp_path)
    message = str(caught.value)
    assert "bad-article.md" in message
    assert problem in message
    assert caught.value.source.endswith("bad-article.md")


def test_front_matter_is_read_with_the_safe_yaml_loader():
    text = "---\ntitle: !!python/object/apply:os.getcwd []\nslug: a\nlang: fr\ncategory: c\n---\nB"
    with pytest.raises(ArticleError, match="could not determine a constructor"):
        parse_article(text)


def test_blank_title_is_refused():
    with pytest.raises(ArticleError, match="title: String should have at least 1 character"):
        parse_article('---\ntitle: "   "\nslug: a\nlang: fr\ncategory: c\n---\nBody')


def test_yaml_error_gives_the_line_number_in_the_file(tmp_path):
    write(tmp_path, "a.md", "---\ntitle: T\nslug: t\nsummary: a: b\n---\nBody")
    with pytest.raises(ArticleError, match=r"\(line 4, column \d+\)"):
        load_articles(tmp_path)


def test_duplicate_slug_in_one_language_is_an_error(tmp_path):
    write(tmp_path, "a.md", f"---\n{GOOD_FRONT_MATTER}---\nUn")
    write(tmp_path, "b.md", f"---\n{GOOD_FRONT_MATTER}---\nDeux")
    with pytest.raises(
        ArticleError, match=r"b\.md: slug 'suivre-ma-commande' \(fr\) is already used"
    ):
        load_articles(tmp_path)


def test_non_strict_loading_skips_bad_files_and_reports_them():
    reported: list[ArticleError] = []
    articles = load_articles(FIXTURE_ARTICLES, strict=False, on_error=reported.append)
    assert len(articles) == 6
    assert [Path(error.source).name for error in reported] == ["broken.md"]
    assert "not valid YAML" in reported[0].problem


def test_strict_loading_stops_at_the_first_bad_file():
    with pytest.raises(ArticleError, match=r"broken\.md"):
        load_articles(FIXTURE_ARTICLES)


def test_non_strict_loading_logs_skipped_files_by_default(caplog):
    load_articles(FIXTURE_ARTICLES, strict=False)
    assert "broken.md" in caplog.text


def test_missing_folder_raises_even_when_not_strict(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        load_articles(tmp_path / "nope", strict=False)


# -- export ------------------------------------------------------------------------------------


def test_dump_then_parse_gives_back_every_starter_article(starter_articles):
    for article in starter_articles:
        assert parse_article(dump_article(article)) == article.model_copy(update={"path": None})


def test_dump_writes_keys_in_a_stable_order_and_skips_empty_ones():
    article = Article(
        title="Retours: comment faire",
        slug="retours",
        lang="fr",
        category="Retours",
        tags=["retour", "étiquette"],
        body_markdown="Corps « accentué ».",
    )
    text = dump_article(article)
    assert text.startswith("---\ntitle: 'Retours: comment faire'\nslug: retours\nlang: fr\n")
    assert "tags: [retour, étiquette]" in text
    assert "translation" not in text and "summary" not in text
    assert parse_article(text) == article


def test_exported_file_loads_back_from_disk(tmp_path, starter_articles):
    for article in starter_articles[:3]:
        write(tmp_path, f"{article.lang}/{article.slug}.md", dump_article(article))
    reloaded = load_articles(tmp_path)
    assert [a.model_copy(update={"path": None}) for a in reloaded] == [
        a.model_copy(update={"path": None}) for a in starter_articles[:3]
    ]


def test_translation_problems_finds_missing_and_one_way_links():
    def make(slug: str, lang: str, translation: str | None) -> Article:
        return Article(
            title=slug,
            slug=slug,
            lang=lang,
            category="c",
            translation=translation,
            body_markdown="b",
        )

    problems = translation_problems(
        [make("a", "fr", "b"), make("b", "en", None), make("c", "fr", "nowhere")]
    )
    assert problems == [
        "fr/a: translation en/b does not link back",
        "fr/c: translation 'nowhere' not found",
    ]


# -- starter content ---------------------------------------------------------------------------


def test_starter_content_covers_every_topic_in_both_languages(starter_articles):
    by_lang = {lang: {a.slug for a in starter_articles if a.lang == lang} for lang in ("fr", "en")}
    assert by_lang["fr"] == set(STARTER_TOPICS)
    assert by_lang["en"] == set(STARTER_TOPICS.values())


def test_starter_translations_link_both_ways(starter_articles):
    assert translation_problems(starter_articles) == []
    for article in starter_articles:
        if article.lang == "fr":
            assert article.translation == STARTER_TOPICS[article.slug]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_starter_categories_are_the_known_ones(starter_articles, lang):
    used = {a.category for a in starter_articles if a.lang == lang}
    assert used == CATEGORIES[lang]


def test_starter_articles_are_120_to_350_words(starter_articles):
    for article in starter_articles:
        text = re.sub(r"\]\([^)]*\)", "]", article.body_markdown)
        words = len(re.findall(r"[^\W\d_]+", text))
        assert 120 <= words <= 350, f"{article.lang}/{article.slug}: {words} words"


def test_starter_articles_have_tags_and_a_summary(starter_articles):
    for article in starter_articles:
        assert len(article.tags) >= 5, article.slug
        assert article.summary, article.slug


def test_starter_links_point_to_articles_in_the_same_language(starter_articles):
    slugs = {(a.lang, a.slug) for a in starter_articles}
    for article in starter_articles:
        for target in re.findall(r"\]\(([^)]+)\)", article.body_markdown):
            assert (article.lang, target) in slugs, f"{article.slug} links to {target}"


def test_starter_articles_render_with_their_tables(starter_articles):
    by_slug = {a.slug: a for a in starter_articles}
    html = render_markdown(by_slug["guide-des-tailles"].body_markdown)
    assert html.count("<table>") == 2
    assert "<th>Tour de main (cm)</th>" in html
    for article in starter_articles:
        assert "<h2>" in render_markdown(article.body_markdown)
