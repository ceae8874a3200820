"""The answer engine's contract: `comptoir assist` on a small article folder, and
`POST /api/v1/widget/assist` over real HTTP (answers, hand-off, bad body, rate limit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from help_center.articles import load_articles
from help_center.assist.passages import plain_text
from tests.conftest import ROOT, make_database, start_server

ARTICLES = {
    "en/track-my-parcel.md": """---
title: Track my parcel
slug: track-my-parcel
lang: en
category: Shipping
tags: [tracking, where is my order]
---

## Where is my tracking number?

Your tracking number is in the shipping confirmation e-mail we send when the parcel leaves
our warehouse in Laval.

## The tracking has not moved

If nothing changed for 5 business days, write to us with your order number.
""",
    "fr/suivre-mon-colis.md": """---
title: Suivre mon colis
slug: suivre-mon-colis
lang: fr
category: Livraison
tags: [suivi, où est ma commande]
---

## Où est mon numéro de suivi?

Votre numéro de suivi est dans le courriel de confirmation d'expédition envoyé quand le colis
quitte notre entrepôt de Laval.

## Le suivi ne bouge plus

Si rien n'a changé depuis 5 jours ouvrables, écrivez-nous avec votre numéro de commande.
""",
    "en/refunds.md": """---
title: Refunds
slug: refunds
lang: en
category: Returns
tags: [refund, money back]
---

We refund your card within 5 business days after your return reaches our warehouse.
""",
    "fr/remboursements.md": """---
title: Remboursements
slug: remboursements
lang: fr
category: Retours
tags: [remboursement]
---

Nous remboursons votre carte dans les 5 jours ouvrables suivant la réception de votre retour.
""",
}
QUESTIONS = [
    {"id": "q-en", "query": "Where can I find my tracking number?", "lang": "en"},
    {"id": "q-fr", "query": "Où trouver mon numéro de suivi?", "lang": "fr"},
    {"id": "q-refund", "query": "When do I get my money back?", "lang": "en"},
    {"id": "q-out", "query": "Do you sell gift cards for birthdays?", "lang": "en"},
    {"id": "q-out-fr", "query": "Quelle est la météo à Montréal demain?", "lang": "fr"},
]


@pytest.fixture(scope="module")
def articles_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def answers(articles_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    questions = tmp_path_factory.mktemp("q") / "questions.jsonl"
    lines = [json.dumps(q, ensure_ascii=False) for q in QUESTIONS]
    questions.write_text("\n".join([*lines, "not json"]) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "widget_api.cli", "assist", "--articles", str(articles_dir),
         "--jsonl", str(questions)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=True,
    )  # fmt: skip
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == len(QUESTIONS) + 1
    assert rows[-1]["error"].startswith("line 6")
    assert "line 6" in done.stderr
    return {row["id"]: row for row in rows[:-1]}


def _article_text(articles_dir: Path, slug: str, lang: str) -> tuple[str, str]:
    article = next(a for a in load_articles(articles_dir) if a.slug == slug and a.lang == lang)
    return article.title, plain_text(article.body_markdown)


def test_every_answer_has_the_contract_fields(answers):
    for row in answers.values():
        assert set(row) == {"id", "answer", "citations", "handoff", "confidence"}
        assert isinstance(row["answer"], str) and row["answer"]
        assert isinstance(row["handoff"], bool)
        assert 0.0 <= row["confidence"] <= 1.0


def test_citations_are_real_slugs_and_the_answer_quotes_the_cited_passage(answers, articles_dir):
    row = answers["q-en"]
    assert row["handoff"] is False
    assert row["citations"] == ["track-my-parcel"]
    title, body = _article_text(articles_dir, "track-my-parcel", "en")
    assert row["answer"].startswith(f'From our article "{title}": ')
    quoted = row["answer"].split(": ", 1)[1].rsplit("\n\n", 1)[0]
    assert quoted in body
    assert "shipping confirmation e-mail" in quoted
    assert row["answer"].endswith("/help/en/track-my-parcel")


def test_a_french_question_gets_a_french_answer_from_the_french_article(answers, articles_dir):
    row = answers["q-fr"]
    assert row["handoff"] is False
    assert row["citations"] == ["suivre-mon-colis"]
    title, body = _article_text(articles_dir, "suivre-mon-colis", "fr")
    assert row["answer"].startswith(f"D'après notre article « {title} » : ")
    quoted = row["answer"].split(" : ", 1)[1].rsplit("\n\n", 1)[0]
    assert quoted in body and "courriel de confirmation" in quoted


def test_a_paraphrase_finds_its_article(answers):
    assert answers["q-refund"]["citations"] == ["refunds"]


def test_out_of_scope_questions_are_handed_off_in_their_language(answers):
    english, french = answers["q-out"], answers["q-out-fr"]
    assert english["handoff"] is True and english["citations"] == []
    assert "person" in english["answer"]
    assert french["handoff"] is True and french["citations"] == []
    assert "personne" in french["answer"]
    assert english["confidence"] < answers["q-en"]["confidence"]


# -- the endpoint --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory):
    db_path = tmp_path_factory.mktemp("assist") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path, rate_limit=4)
    yield running
    running.stop()


def test_the_endpoint_answers_from_the_server_help_center_then_rate_limits(limited_server):
    with httpx.Client(base_url=limited_server.url, timeout=120) as client:
        answered = client.post(
            "/api/v1/widget/assist", json={"query": "Comment annuler ma commande?", "lang": "fr"}
        )
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["handoff"] is False
        assert body["citations"] == ["annuler-ma-commande"]
        assert body["lang"] == "fr"
        assert body["links"] == [f"{limited_server.url}/help/fr/annuler-ma-commande"]
        assert body["answer"].startswith("D'après notre article « ")

        out = client.post(
            "/api/v1/widget/assist", json={"query": "Who won the hockey game last night?"}
        )
        assert out.status_code == 200
        assert out.json()["handoff"] is True and out.json()["lang"] == "en"

        bad = client.post("/api/v1/widget/assist", json={"query": "", "lang": "de"})
        assert bad.status_code == 400
        assert bad.json()["detail"]

        statuses = [
            client.post("/api/v1/widget/assist", json={"query": "hello"}).status_code
            for _ in range(3)
        ]
        assert 429 in statuses
        limited = client.post("/api/v1/widget/assist", json={"query": "hello"})
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1


def test_a_large_help_center_answers_at_once_then_with_embeddings(tmp_path):
    """Over 200 articles the embeddings are built in the background: BM25F answers meanwhile,
    and the hybrid engine takes over once built."""
    from help_center.bench import synthetic_articles
    from tests.waiting import wait_until
    from widget_api.domain.help import HelpCenter
    from widget_api.storage import Database
    from widget_api.storage.events import SYSTEM

    with Database(tmp_path / "comptoir.duckdb") as db:
        help_center = HelpCenter(db, "https://shop.test")
        items = synthetic_articles(210)
        help_center.import_articles(items, SYSTEM)
        first = help_center.assist(f"{items[0].title}?", items[0].lang)
        assert first.handoff is False
        assert first.citations and first.links[0].startswith("https://shop.test/help/")
        engine = wait_until(lambda: help_center._assist, "the embedded engine", timeout=900)
        assert engine.ranker.mode == "hybrid" and len(engine) == 210
        assert help_center.assist("Do you sell gift cards?", "en").handoff is True
