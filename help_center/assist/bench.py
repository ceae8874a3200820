"""Answer-engine benchmark: 1,000 synthetic articles, the time of one question.

Run `python -m help_center.assist.bench [--articles 1000] [--questions 300]`. The articles
are `help_center.bench.synthetic_articles` (starter paragraphs reshuffled with extra words,
each with its own slug); the questions are the assist tuning and held-out questions, each
answered once (nothing cached for it). It prints the build time (embedding every header,
tag and section once), the time per question in milliseconds (p50, p95, max) and the
process's peak memory. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import resource
import time

import click

from help_center.assist.engine import AssistEngine
from help_center.assist.evaluate import FIXTURES, load_questions
from help_center.bench import percentile, synthetic_articles

__all__ = ("main",)


@click.command()
@click.option("--articles", "count", default=1000, show_default=True, type=click.IntRange(1))
@click.option("--questions", "limit", default=300, show_default=True, type=click.IntRange(1))
def main(count: int, limit: int) -> None:
    """Time `AssistEngine.answer` over COUNT synthetic articles."""
    articles = synthetic_articles(count)
    started = time.perf_counter()
    engine = AssistEngine(articles)
    built = time.perf_counter() - started
    questions = [
        q
        for name in ("tuning.jsonl", "heldout.jsonl", "heldout_laurentide.jsonl")
        for q in load_questions(FIXTURES / name)
    ][:limit]
    timings = []
    handoffs = 0
    for q in questions:
        started = time.perf_counter()
        handoffs += engine.answer(q.query, q.lang).handoff
        timings.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(
        f"{count} articles, {len(engine.ranker.unit_article)} embedded units, "
        f"built in {built:.1f} s"
    )
    click.echo(
        f"{len(timings)} questions: p50 {percentile(timings, 50):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms "
        f"({handoffs} hand-offs)"
    )
    click.echo(f"peak memory (RSS) {peak:.0f} MB")


if __name__ == "__main__":
    main()
