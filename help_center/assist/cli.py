"""`comptoir assist --articles DIR --jsonl FILE`: answer questions from a folder of articles.

Each input line `{"id", "query", "lang"}` gets one output line
`{"id", "answer", "citations": [slug, ...], "handoff": bool, "confidence"}` (see
`help_center.assist.engine`). A missing or unknown `lang` is guessed from the question. A bad
line gets `{"id", "error"}` and a message on stderr naming its line number; the run goes on
and exits 0. Only an unreadable articles folder stops it (exit code 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import click

from help_center.articles import ArticleError, load_articles
from help_center.assist.engine import AssistEngine
from help_center.cli import request_id

__all__ = ("assist_command",)


def _answer(engine: AssistEngine, line: str) -> dict[str, Any]:
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
    answer = engine.answer(query[:2000], lang)
    return {
        "id": request.get("id"),
        "answer": answer.answer,
        "citations": answer.citations,
        "handoff": answer.handoff,
        "confidence": answer.confidence,
    }


@click.command("assist")
@click.option(
    "--articles",
    "articles_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of Markdown articles with front matter (read recursively).",
)
@click.option(
    "--jsonl",
    "questions",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help='Questions, one JSON object a line: {"id", "query", "lang"} ("-" for stdin).',
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write the answers, one JSON object a line (default: stdout).",
)
@click.option(
    "--base-url",
    default="/help",
    show_default=True,
    help="Article links are BASE-URL/LANG/SLUG.",
)
def assist_command(articles_dir: Path, questions: IO[str], out: IO[str], base_url: str) -> None:
    """Answer each question from the articles only, or hand it off to a person."""

    def skipped(error: ArticleError) -> None:
        click.echo(f"warning: skipped article {error}", err=True)

    try:
        articles = load_articles(articles_dir, strict=False, on_error=skipped)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(f"cannot read articles folder {articles_dir}: {reason}") from exc
    if not articles:
        click.echo(f"warning: no articles found under {articles_dir}", err=True)
    base = base_url.rstrip("/")
    engine = AssistEngine(articles, link=lambda lang, slug: f"{base}/{lang}/{slug}")
    for number, line in enumerate(questions, 1):
        if not line.strip():
            continue
        try:
            answer = _answer(engine, line)
        except ValueError as exc:
            click.echo(f"error: line {number}: {exc}", err=True)
            answer = {"id": request_id(line), "error": f"line {number}: {exc}"}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()
