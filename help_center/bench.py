"""Search benchmark: build an index of synthetic articles and time queries.

Run `python -m help_center.bench [--articles 1000] [--repeat 3]`. The synthetic articles
are made from the starter content: each one takes a starter article's paragraphs in a new
order, adds a few real words from other articles and made-up words (so the vocabulary, and
the typo-correction work, grows as it would with more content), and gets its own slug. The
queries are the labelled evaluation queries plus typo variants. It prints the build time and
the per-query time in milliseconds (p50, p95, max), for the first run of each query (nothing
cached) and for all runs.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import click

from help_center.articles import Article, load_articles
from help_center.evaluate import CONTENT_DIR, OWN_QUERIES, load_queries
from help_center.search import SearchIndex

__all__ = ("main", "percentile", "synthetic_articles", "time_queries")

_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "bre", "chan", "dor", "fleu", "gri")


def synthetic_articles(count: int, *, seed: int = 7, source: Path = CONTENT_DIR) -> list[Article]:
    """`count` articles built from the starter content, deterministic for a seed."""
    rng = random.Random(seed)
    base = load_articles(source)
    words = sorted({w for a in base for w in a.body_markdown.split() if w.isalpha()})
    made_up = sorted(
        {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
    )
    articles = []
    for i in range(count):
        model = base[i % len(base)]
        paragraphs = model.body_markdown.split("\n\n")
        rng.shuffle(paragraphs)
        extra = " ".join(rng.choices(words, k=30) + rng.choices(made_up, k=30))
        articles.append(
            model.model_copy(
                update={
                    "slug": f"{model.slug}-{i}",
                    "title": f"{model.title} {' '.join(rng.choices(made_up, k=2))}",
                    "translation": None,
                    "body_markdown": "\n\n".join([*paragraphs, extra]),
                    "path": None,
                }
            )
        )
    return articles


def _typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters in the longest word."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) > 4:
        i = rng.randrange(1, len(word) - 2)
        words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def time_queries(index: SearchIndex, queries: list[tuple[str, str]], repeat: int) -> list[float]:
    """Milliseconds per query, each query run `repeat` times."""
    timings = []
    for _ in range(repeat):
        for text, lang in queries:
            start = time.perf_counter()
            index.search(text, lang)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


@click.command()
@click.option("--articles", "count", default=1000, show_default=True, help="Synthetic articles.")
@click.option("--repeat", default=3, show_default=True, help="Runs of each query.")
def main(count: int, repeat: int) -> None:
    """Time index build and queries on synthetic articles."""
    rng = random.Random(11)
    start = time.perf_counter()
    articles = synthetic_articles(count)
    made = time.perf_counter() - start
    start = time.perf_counter()
    index = SearchIndex.build(articles)
    built = time.perf_counter() - start
    labelled = [(q.query, q.lang) for q in load_queries(OWN_QUERIES)]
    queries = labelled + [(_typo(text, rng), lang) for text, lang in labelled]
    timings = time_queries(index, queries, repeat)
    click.echo(f"{len(articles)} synthetic articles made in {made:.2f} s, indexed in {built:.2f} s")
    for label, sample in (("first run", timings[: len(queries)]), ("all runs", timings)):
        click.echo(
            f"{label}: {len(sample)} queries, per query p50 {percentile(sample, 50):.2f} ms, "
            f"p95 {percentile(sample, 95):.2f} ms, max {max(sample):.2f} ms, "
            f"mean {statistics.fmean(sample):.2f} ms"
        )


if __name__ == "__main__":
    main()
