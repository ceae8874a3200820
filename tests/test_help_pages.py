"""The help center as customers and merchants use it: pages without JavaScript, the JSON API,
editing, import/export, content gaps, and Markdown that can never run script."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest

XSS_MARKDOWN = """Bonjour.

<script>window.__xss = 1</script>
<img src="x" onerror="window.__xss = 2">
[clique](javascript:window.__xss=3)
<svg onload="window.__xss=4"></svg>
<a href="#" onclick="window.__xss=5">lien</a>
"""


def test_home_lists_categories_in_each_language(api):
    french = api.get("/help/fr")
    english = api.get("/help/en")
    assert french.status_code == english.status_code == 200
    assert "Retours et remboursements" in french.text and "Faire un retour" in french.text
    assert "Returns and refunds" in english.text
    assert "<script" not in french.text


def test_article_page_links_its_translation_and_forbids_scripts(api):
    page = api.get("/help/fr/faire-un-retour")
    assert page.status_code == 200
    assert 'hreflang="en-CA" href="/help/en/how-to-return-an-item"' in page.text
    assert 'hreflang="fr-CA" href="/help/fr/faire-un-retour"' in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert '<html lang="fr-CA">' in page.text


def test_search_page_tolerates_typos_without_javascript(api):
    page = api.get("/help/fr/search", params={"q": "remboursment"})
    assert page.status_code == 200
    first = re.search(r'<li><a href="/help/fr/([a-z0-9-]+)', page.text)
    assert first and first[1] == "delai-de-remboursement"
    empty = api.get("/help/en/search", params={"q": "zzqxv"})
    assert "No article for" in empty.text


def test_feedback_form_counts_votes(api, admin_api):
    before = _article(admin_api, "fr", "suivre-ma-commande")
    answer = api.post(
        "/help/fr/suivre-ma-commande/feedback", data={"helpful": "yes"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("?thanks=true")
    assert "Merci de votre avis" in api.get(answer.headers["location"]).text
    after = _article(admin_api, "fr", "suivre-ma-commande")
    assert after["helpful"] == before["helpful"] + 1
    assert after["views"] >= before["views"] + 1


def _article(admin_api, lang: str, slug: str) -> dict:
    return next(
        a for a in admin_api.get("/api/v1/help/admin/articles").json()
        if a["lang"] == lang and a["slug"] == slug
    )  # fmt: skip


def test_widget_search_api_finds_synonyms_and_records_gaps(api, admin_api):
    found = api.get("/api/v1/help/search", params={"q": "mon paquet est perdu", "lang": "fr"})
    assert found.json()["results"][0]["slug"] == "colis-perdu-ou-vole"
    nothing = api.get("/api/v1/help/search", params={"q": "zzqxv wqpty", "lang": "fr"})
    assert nothing.json()["results"] == []
    clicked = api.get("/api/v1/help/search", params={"q": "retour", "lang": "fr"}).json()
    api.post(f"/api/v1/help/searches/{clicked['query_id']}/click", json={"slug": "faire-un-retour"})
    unhelpful = api.get("/api/v1/help/search", params={"q": "garantie a vie", "lang": "fr"}).json()
    api.post("/api/v1/widget/conversations",
             json={"body": "Garantie?", "email": "g@example.com",
                   "search_query_id": unhelpful["query_id"]})  # fmt: skip
    gaps = {g["query"]: g for g in admin_api.get("/api/v1/help/admin/gaps").json()}
    assert gaps["zzqxv wqpty"]["no_result"] == 1
    assert gaps["garantie a vie"]["opened_chat"] == 1
    assert "retour" not in gaps or gaps["retour"]["no_click"] < gaps["retour"]["searches"]


def test_article_markdown_is_sanitised_on_the_page_and_in_the_api(api, admin_api):
    created = admin_api.post(
        "/api/v1/help/admin/articles",
        json={"title": "Piège", "slug": "piege", "lang": "fr", "category": "Tests",
              "body_markdown": XSS_MARKDOWN, "status": "published"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    page = api.get("/help/fr/piege").text
    html = api.get("/api/v1/help/articles/fr/piege").json()["html"]
    for text in (page, html):
        body = text.split("<article", 1)[-1]
        assert "<script" not in body and "onerror" not in body and "onload" not in body
        assert "onclick" not in body and 'href="javascript:' not in body


@pytest.mark.browser
def test_article_markdown_never_executes_in_chromium(server, admin_api):
    from tests.browser import chromium

    admin_api.post(
        "/api/v1/help/admin/articles",
        json={"title": "Piège 2", "slug": "piege-2", "lang": "fr", "category": "Tests",
              "body_markdown": XSS_MARKDOWN, "status": "published"},
    )  # fmt: skip
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{server.url}/help/fr/piege-2")
        for link in page.locator("article a").all():
            link.click(no_wait_after=True)
        assert page.evaluate("window.__xss") is None
        assert "Bonjour." in page.inner_text("article")


def test_drafts_are_hidden_until_published(api, admin_api):
    draft = admin_api.post(
        "/api/v1/help/admin/articles",
        json={"title": "Soldes d'hiver", "slug": "soldes-hiver", "lang": "fr",
              "category": "Paiement", "body_markdown": "Jusqu'à 40 %.", "status": "draft"},
    ).json()  # fmt: skip
    assert api.get("/help/fr/soldes-hiver").status_code == 404
    published = admin_api.put(
        f"/api/v1/help/admin/articles/{draft['id']}",
        json={**{k: draft[k] for k in ("title", "slug", "lang", "category", "tags",
                                       "translation", "summary", "body_markdown")},
              "status": "published"},
    )  # fmt: skip
    assert published.status_code == 200
    assert api.get("/help/fr/soldes-hiver").status_code == 200
    found = api.get("/api/v1/help/search", params={"q": "soldes", "lang": "fr"}).json()
    assert "soldes-hiver" in [r["slug"] for r in found["results"]]


def test_preview_renders_safely(admin_api):
    preview = admin_api.post(
        "/api/v1/help/admin/preview", json={"body_markdown": "**Gras** <script>x()</script>"}
    )
    assert preview.json()["html"].strip() == "<p><strong>Gras</strong> </p>"


def test_export_then_import_round_trips_articles(admin_api, tmp_path: Path):
    exported = admin_api.get("/api/v1/help/admin/export")
    assert exported.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(exported.content)) as tar:
        names = tar.getnames()
        text = tar.extractfile("fr/faire-un-retour.md").read().decode()
    assert "en/how-to-return-an-item.md" in names
    assert text.startswith("---") and "translation: how-to-return-an-item" in text
    changed = text.replace("title: Faire un retour", "title: Faire un retour (mis à jour)")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in (("fr/faire-un-retour.md", changed), ("fr/bad.md", "no front matter")):
            data = content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    report = admin_api.post(
        "/api/v1/help/admin/import", files={"data": ("hc.tar.gz", buffer.getvalue())}
    )
    assert report.status_code == 200, report.text
    assert report.json()["imported"] == 1 and len(report.json()["errors"]) == 1
    assert "bad.md" in report.json()["errors"][0]
    assert _article(admin_api, "fr", "faire-un-retour")["title"] == "Faire un retour (mis à jour)"
