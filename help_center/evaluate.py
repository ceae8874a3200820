"""Measure search quality on labelled queries: MRR and recall@3, per language and overall.

Run it with `python -m help_center.evaluate`. It evaluates two collections:

- the Nordet starter content (`help_center/content`) with our labelled queries
  (`tests/fixtures/help_center/queries.jsonl`);
- the Boutique Laurentide help center in the shared test data
  (`../shared/data/help_center_fixture`, beside the project), with our own labelled queries
  for it (`tests/fixtures/help_center/fixture_queries.jsonl`; the fixture ships none). When
  the shared folder is absent this part is skipped with a message.

A labelled query is one JSON line: `{"id", "query", "lang", "relevant": [slug, ...]}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import click
from pydantic import BaseModel, Field, ValidationError

from help_center.articles import load_articles
from help_center.search import SearchIndex

__all__ = (
    "CONTENT_DIR",
    "FIXTURE_QUERIES",
    "OWN_QUERIES",
    "Collection",
    "LabelledQuery",
    "Metrics",
    "QueryResult",
    "default_collections",
    "evaluate",
    "load_queries",
    "main",
    "shared_fixture_dir",
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = Path(__file__).resolve().parent / "content"
OWN_QUERIES = PROJECT_ROOT / "tests" / "fixtures" / "help_center" / "queries.jsonl"
FIXTURE_QUERIES = PROJECT_ROOT / "tests" / "fixtures" / "help_center" / "fixture_queries.jsonl"
RECALL_AT = 3
DEPTH = 10
"""How many results are looked at for the reciprocal rank."""


def shared_fixture_dir(project_root: Path | None = None) -> Path:
    """Where the shared Boutique Laurentide help center lives: `../shared` from the project."""
    return (project_root or PROJECT_ROOT).parent / "shared" / "data" / "help_center_fixture"


class LabelledQuery(BaseModel):
    """A query and the slugs of the articles that answer it."""

    id: str
    query: str = Field(min_length=1)
    lang: Literal["fr", "en"]
    relevant: list[str] = Field(min_length=1)


@dataclass(frozen=True)
class QueryResult:
    """How one labelled query ranked."""

    query: LabelledQuery
    results: list[str]

    @property
    def rank(self) -> int | None:
        """1-based rank of the first relevant article, None if not in the results."""
        return next(
            (i for i, slug in enumerate(self.results, 1) if slug in self.query.relevant), None
        )

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0

    @property
    def recall(self) -> float:
        """Share of the relevant articles found in the first `RECALL_AT` results."""
        top = set(self.results[:RECALL_AT])
        return len(top & set(self.query.relevant)) / len(set(self.query.relevant))


@dataclass(frozen=True)
class Metrics:
    """Averages over a set of queries."""

    queries: int
    mrr: float
    recall_at_3: float

    @classmethod
    def of(cls, results: Sequence[QueryResult]) -> Metrics:
        n = len(results)
        if not n:
            return cls(0, 0.0, 0.0)
        return cls(
            n,
            sum(r.reciprocal_rank for r in results) / n,
            sum(r.recall for r in results) / n,
        )


@dataclass(frozen=True)
class Collection:
    """A folder of articles and the labelled queries over it."""

    name: str
    articles: Path
    queries: Path


def load_queries(path: Path) -> list[LabelledQuery]:
    """Read labelled queries from a JSON-lines file.

    Raises:
        ValueError: a line is not valid JSON or not a labelled query (the message names it).
    """
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            queries.append(LabelledQuery.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ValueError(f"{path}:{number}: not a labelled query ({exc})") from exc
    return queries


def evaluate(index: SearchIndex, queries: Iterable[LabelledQuery]) -> list[QueryResult]:
    """Run each query in its language and keep the ranked slugs."""
    return [
        QueryResult(q, [hit.slug for hit in index.search(q.query, q.lang, limit=DEPTH)])
        for q in queries
    ]


def metrics_by_language(results: Sequence[QueryResult]) -> dict[str, Metrics]:
    """Metrics for each language, then "all"."""
    langs = sorted({r.query.lang for r in results}, reverse=True)
    table = {lang: Metrics.of([r for r in results if r.query.lang == lang]) for lang in langs}
    table["all"] = Metrics.of(results)
    return table


def default_collections(project_root: Path | None = None) -> list[Collection | str]:
    """The collections to evaluate; a string explains why one is skipped."""
    collections: list[Collection | str] = [
        Collection("Nordet starter content", CONTENT_DIR, OWN_QUERIES)
    ]
    fixture = shared_fixture_dir(project_root)
    if fixture.is_dir():
        collections.append(Collection("Boutique Laurentide fixture", fixture, FIXTURE_QUERIES))
    else:
        collections.append(
            f"Skipping the Boutique Laurentide fixture: {fixture} not found "
            "(the shared folder is not beside the project)."
        )
    return collections


def _report(collection: Collection, show_failures: bool) -> dict[str, Metrics]:
    articles = load_articles(collection.articles, strict=False, on_error=lambda _: None)
    queries = load_queries(collection.queries)
    results = evaluate(SearchIndex.build(articles), queries)
    table = metrics_by_language(results)
    click.echo(
        f"{collection.name} ({collection.articles}): {len(articles)} articles, "
        f"{len(queries)} queries"
    )
    click.echo(f"  {'lang':<5} {'queries':>7} {'MRR':>6} {'recall@3':>9}")
    for lang, m in table.items():
        click.echo(f"  {lang:<5} {m.queries:>7} {m.mrr:>6.3f} {m.recall_at_3:>9.3f}")
    if show_failures:
        for r in results:
            if r.rank != 1:
                click.echo(
                    f"    {r.query.id} rank={r.rank} {r.query.query!r} "
                    f"want={r.query.relevant} got={r.results[:3]}"
                )
    return table


@click.command()
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Evaluate only this folder of articles (with --queries).",
)
@click.option(
    "--queries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Labelled queries (JSON lines) for --articles.",
)
@click.option("--show-failures", is_flag=True, help="List queries whose best answer is not first.")
def main(articles: Path | None, queries: Path | None, show_failures: bool) -> None:
    """Print MRR and recall@3 of help-center search, per language and overall."""
    if (articles is None) != (queries is None):
        raise click.UsageError("--articles and --queries go together.")
    collections: list[Collection | str] = (
        [Collection("Custom", articles, queries)]
        if articles is not None and queries is not None
        else default_collections()
    )
    for collection in collections:
        if isinstance(collection, str):
            click.echo(collection)
        else:
            _report(collection, show_failures)


if __name__ == "__main__":
    main()
