"""`comptoir help-center` command group (search and evaluation of the articles).

`help-center search --articles DIR --jsonl FILE [--out FILE]` indexes every `*.md` article under
DIR and answers each input line `{"id": ..., "query": ..., "lang": ...}` with an output line
`{"id": ..., "results": [slug, ...]}`, best first. A bad input line gets an output line
`{"id": ..., "error": ...}` and a message on stderr naming its line number; the run goes on and
exits 0. Only an unreadable articles folder stops it (exit code 1).

`help-center evaluate` prints search quality (MRR, recall@3) on the labelled queries; see
`help_center.evaluate`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Protocol

import click

from help_center.articles import ArticleError, load_articles
from help_center.evaluate import main as evaluate_command
from help_center.search import SearchIndex, normalize_lang

__all__ = ("help_center_group",)


@click.group(name="help-center")
def help_center_group() -> None:
    """Help-center articles: search and evaluation."""


help_center_group.add_command(evaluate_command, name="evaluate")


class _Ranking(Protocol):
    def slugs(self, query: str, lang: str | None, limit: int) -> list[str]: ...


class _Lexical:
    def __init__(self, articles: list) -> None:
        self.index = SearchIndex.build(articles)

    def slugs(self, query: str, lang: str | None, limit: int) -> list[str]:
        # Both languages may use the same slug: fetch more, then keep each slug once.
        hits = self.index.search(query, normalize_lang(lang), limit=2 * limit)
        return list(dict.fromkeys(hit.slug for hit in hits))[:limit]


class _Hybrid:
    """BM25F fused with multilingual sentence embeddings (`help_center.assist.ranking`)."""

    def __init__(self, articles: list) -> None:
        from help_center.assist.ranking import HybridRanker

        self.ranker = HybridRanker(articles)

    def slugs(self, query: str, lang: str | None, limit: int) -> list[str]:
        normalize_lang(lang)  # an unsupported language is still a bad line
        hits = self.ranker.rank(query, lang, limit=2 * limit)
        return list(dict.fromkeys(hit.slug for hit in hits))[:limit]


def _answer(index: _Ranking, line: str, limit: int) -> dict[str, Any]:
    """Answer one input line; raise ValueError with a readable message if it is bad."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(request, dict):
        raise ValueError("expected a JSON object with id, query and lang")
    query = request.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ValueError('"query" must be a non-empty string')
    lang = request.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise ValueError('"lang" must be a string such as "fr" or "en"')
    return {"id": request.get("id"), "results": index.slugs(query, lang, limit)}


def request_id(line: str) -> Any:
    """The ``id`` of a JSON Lines request, even a malformed one (for its error line)."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError:
        return None
    return request.get("id") if isinstance(request, dict) else None


@help_center_group.command("search")
@click.option(
    "--articles",
    "articles_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of Markdown articles with front matter (read recursively).",
)
@click.option(
    "--jsonl",
    "queries",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help='Queries, one JSON object a line: {"id", "query", "lang"} ("-" for stdin).',
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write the answers, one JSON object a line (default: stdout).",
)
@click.option(
    "--limit", default=5, show_default=True, type=click.IntRange(1, 100), help="Results per query."
)
@click.option(
    "--ranking",
    type=click.Choice(["hybrid", "lexical"]),
    default="hybrid",
    show_default=True,
    help="hybrid: BM25F fused with offline multilingual embeddings; lexical: BM25F only.",
)
def search_command(
    articles_dir: Path, queries: IO[str], out: IO[str], limit: int, ranking: str
) -> None:
    """Answer each query line with the slugs of the best articles, best first."""

    def skipped(error: ArticleError) -> None:
        click.echo(f"warning: skipped article {error}", err=True)

    try:
        articles = load_articles(articles_dir, strict=False, on_error=skipped)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(f"cannot read articles folder {articles_dir}: {reason}") from exc
    if not articles:
        click.echo(f"warning: no articles found under {articles_dir}", err=True)
    index: _Ranking = _Hybrid(articles) if ranking == "hybrid" else _Lexical(articles)
    for number, line in enumerate(queries, 1):
        if not line.strip():
            continue
        try:
            answer = _answer(index, line, limit)
        except ValueError as exc:
            click.echo(f"error: line {number}: {exc}", err=True)
            answer = {"id": request_id(line), "error": f"line {number}: {exc}"}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
