"""Quality of the answer engine and of help-center search, on questions written apart.

Run `python -m help_center.assist.evaluate` (add `--mode lexical|semantic|hybrid` to compare
rankings, `--show-failures` to list misses). For each question set it prints, per language:

- `cite@1 plain` / `cite@1 para`: share of in-scope questions answered (no hand-off) whose
  first citation is a right article, on plain questions and on paraphrases (questions that
  share no content word with their article; `overlap` counts those that still do);
- `answered OOS`: share of out-of-scope questions that got an answer instead of a hand-off
  (the target is ≤ 5 %);
- `search top-1 plain` / `para`: share whose first search result is right (ranking only).

The sets (see `tests/fixtures/assist/README.md`):

- `tuning.jsonl`: own questions over the Nordet starter content; the only set the weights
  and thresholds were chosen on;
- `heldout.jsonl` (Nordet) and `heldout_laurentide.jsonl` (the shared Boutique Laurentide
  fixture): held out, never tuned on;
- derived at run time from `../shared/data` over the Laurentide fixture, never copied into
  the project and never tuned on: Bitext customer-support utterances (English) by intent,
  and HINT3 real chatbot messages (English), whose FAQ labels map to the fixture's articles
  and whose other labels (another store's products, `NO_NODES_DETECTED`) are out of scope.
  They are skipped with a message when `../shared` is absent.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import click
from pydantic import BaseModel, Field

from help_center.articles import Article, load_articles
from help_center.assist.engine import AssistEngine

__all__ = (
    "AssistQuestion",
    "QuestionSet",
    "Scores",
    "default_sets",
    "load_questions",
    "main",
    "score",
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "assist"
CONTENT_DIR = PROJECT_ROOT / "help_center" / "content"
Kind = Literal["plain", "paraphrase", "out_of_scope"]


def shared_data(project_root: Path | None = None) -> Path:
    return (project_root or PROJECT_ROOT).parent / "shared" / "data"


class AssistQuestion(BaseModel):
    """A question, its kind, and the slugs that answer it (none when out of scope)."""

    id: str
    query: str = Field(min_length=1)
    lang: Literal["fr", "en"]
    kind: Kind
    relevant: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class QuestionSet:
    name: str
    articles: Path
    questions: list[AssistQuestion]
    held_out: bool


@dataclass(frozen=True)
class Outcome:
    question: AssistQuestion
    citations: list[str]
    handoff: bool
    top1: str | None
    seconds: float


def load_questions(path: Path) -> list[AssistQuestion]:
    return [
        AssistQuestion.model_validate_json(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


# -- sets derived from ../shared/data ------------------------------------------------------
BITEXT_TO_ARTICLE: dict[str, list[str]] = {
    "track_order": ["order-tracking"],
    "delivery_period": ["shipping-times-and-costs", "order-tracking"],
    "delivery_options": ["shipping-times-and-costs"],
    "cancel_order": ["cancel-an-order"],
    "change_order": ["cancel-an-order"],
    "check_cancellation_fee": ["cancel-an-order"],
    "change_shipping_address": ["change-shipping-address"],
    "set_up_shipping_address": ["change-shipping-address"],
    "check_refund_policy": ["return-policy", "refund-timing"],
    "get_refund": ["refund-timing", "how-to-start-a-return", "return-policy"],
    "track_refund": ["refund-timing"],
    "check_payment_methods": ["payment-methods-and-declined-payments"],
    "payment_issue": ["payment-methods-and-declined-payments"],
}
BITEXT_OUT_OF_SCOPE = (
    "create_account", "delete_account", "edit_account", "switch_account", "recover_password",
    "registration_problems", "newsletter_subscription", "review",
)  # fmt: skip
HINT3_TO_ARTICLE: dict[str, list[str]] = {
    "ORDER_STATUS": ["order-tracking"],
    "DELAY_IN_DELIVERY": ["order-tracking", "shipping-times-and-costs", "lost-or-stolen-parcels"],
    "DELAY_IN_PARCEL": ["order-tracking", "shipping-times-and-costs", "lost-or-stolen-parcels"],
    "CANCEL_ORDER": ["cancel-an-order"],
    "RETURN_EXCHANGE": ["return-policy", "how-to-start-a-return", "size-exchanges"],
    "REFUNDS_RETURNS_REPLACEMENTS": [
        "return-policy", "how-to-start-a-return", "refund-timing", "damaged-or-defective-items",
    ],
    "MODIFY_ADDRESS": ["change-shipping-address"],
    "MODES_OF_PAYMENTS": ["payment-methods-and-declined-payments"],
}  # fmt: skip
HINT3_OUT_OF_SCOPE = (
    "NO_NODES_DETECTED", "MATTRESS_COST", "ERGO_FEATURES", "ORTHO_FEATURES", "PILLOWS",
    "DISTRIBUTORS", "FRANCHISE", "IMMUNITY", "SIDE_EFFECT", "WORK_FROM_HOME", "REFER_EARN",
    "EXPIRY_DATE", "CONSULT_START", "ABOUT_SOF_MATTRESS", "WARRANTY", "CHECK_PINCODE",
)  # fmt: skip
_PER_LABEL = 12


def _sample(rows: list[tuple[str, str]], per_label: int, seed: int) -> list[tuple[str, str]]:
    by_label: dict[str, list[str]] = {}
    for text, label in rows:
        by_label.setdefault(label, []).append(text)
    rng = random.Random(seed)
    picked = []
    for label in sorted(by_label):
        texts = sorted(set(by_label[label]))
        rng.shuffle(texts)
        picked += [(text, label) for text in texts[:per_label]]
    return picked


def bitext_questions(data: Path) -> list[AssistQuestion]:
    path = data / "bitext-customer-support" / "bitext_customer_support_v2_2023-08-18.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            (r["instruction"], r["intent"])
            for r in csv.DictReader(handle)
            if r["intent"] in BITEXT_TO_ARTICLE or r["intent"] in BITEXT_OUT_OF_SCOPE
        ]
    questions = []
    for n, (text, intent) in enumerate(_sample(rows, _PER_LABEL, seed=15)):
        relevant = BITEXT_TO_ARTICLE.get(intent, [])
        kind: Kind = "plain" if relevant else "out_of_scope"
        questions.append(
            AssistQuestion(id=f"bitext-{n}", query=text, lang="en", kind=kind, relevant=relevant)
        )
    return questions


def hint3_questions(data: Path) -> list[AssistQuestion]:
    rows = []
    for name in ("sofmattress_test.csv", "curekart_test.csv"):
        path = data / "hint3-ecommerce-intents" / "v2" / "test" / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows += [
                (r["sentence"], r["label"])
                for r in csv.DictReader(handle)
                if r["label"] in HINT3_TO_ARTICLE or r["label"] in HINT3_OUT_OF_SCOPE
            ]
    questions = []
    for n, (text, label) in enumerate(_sample(rows, _PER_LABEL, seed=15)):
        relevant = HINT3_TO_ARTICLE.get(label, [])
        kind: Kind = "plain" if relevant else "out_of_scope"
        questions.append(
            AssistQuestion(id=f"hint3-{n}", query=text, lang="en", kind=kind, relevant=relevant)
        )
    return questions


def default_sets(project_root: Path | None = None) -> list[QuestionSet | str]:
    """Every set to evaluate; a string says why one is skipped."""
    sets: list[QuestionSet | str] = [
        QuestionSet(
            "tuning (Nordet)", CONTENT_DIR, load_questions(FIXTURES / "tuning.jsonl"), False
        ),
        QuestionSet(
            "held-out (Nordet)", CONTENT_DIR, load_questions(FIXTURES / "heldout.jsonl"), True
        ),
    ]
    data = shared_data(project_root)
    fixture = data / "help_center_fixture"
    if not fixture.is_dir():
        sets.append(f"Skipping the Laurentide, Bitext and HINT3 sets: {data} not found.")
        return sets
    sets.append(
        QuestionSet(
            "held-out (Laurentide)", fixture,
            load_questions(FIXTURES / "heldout_laurentide.jsonl"), True,
        )
    )  # fmt: skip
    sets.append(QuestionSet("derived: Bitext (en)", fixture, bitext_questions(data), True))
    sets.append(QuestionSet("derived: HINT3 (en)", fixture, hint3_questions(data), True))
    return sets


# -- scoring -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scores:
    """Figures for one group of outcomes; None where the group has no such question."""

    cite_plain: float | None
    cite_para: float | None
    answered_oos: float | None
    top1_plain: float | None
    top1_para: float | None
    counts: tuple[int, int, int]

    def as_dict(self) -> dict[str, float | None]:
        return {
            "cite_plain": self.cite_plain, "cite_para": self.cite_para,
            "answered_oos": self.answered_oos, "top1_plain": self.top1_plain,
            "top1_para": self.top1_para,
        }  # fmt: skip


def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def score(outcomes: Iterable[Outcome]) -> Scores:
    outcomes = list(outcomes)
    plain = [o for o in outcomes if o.question.kind == "plain"]
    para = [o for o in outcomes if o.question.kind == "paraphrase"]
    oos = [o for o in outcomes if o.question.kind == "out_of_scope"]

    def cited(o: Outcome) -> bool:
        return not o.handoff and bool(o.citations) and o.citations[0] in o.question.relevant

    def top(o: Outcome) -> bool:
        return o.top1 in o.question.relevant

    return Scores(
        cite_plain=_share([cited(o) for o in plain]),
        cite_para=_share([cited(o) for o in para]),
        answered_oos=_share([not o.handoff for o in oos]),
        top1_plain=_share([top(o) for o in plain]),
        top1_para=_share([top(o) for o in para]),
        counts=(len(plain), len(para), len(oos)),
    )


def run(engine: AssistEngine, questions: Iterable[AssistQuestion]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        started = time.perf_counter()
        answer = engine.answer(q.query, q.lang)
        ranked = engine.rank(q.query, q.lang, limit=1)
        outcomes.append(
            Outcome(
                q, answer.citations, answer.handoff, ranked[0].slug if ranked else None,
                time.perf_counter() - started,
            )
        )  # fmt: skip
    return outcomes


def word_overlap(articles: Sequence[Article], questions: Iterable[AssistQuestion]) -> list[str]:
    """Paraphrases that share a content word (stemmed, accents folded) with their article."""
    from help_center.search import SearchIndex

    index = SearchIndex.build(articles)
    by_key = {(a.lang, a.slug): a for a in articles}
    shared = []
    for q in questions:
        if q.kind != "paraphrase":
            continue
        article = by_key.get((q.lang, q.relevant[0]))
        if article is None:
            continue
        fields = [article.title, article.summary or "", *article.tags, article.body_markdown]
        text = " ".join(fields)
        common = set(index.terms(q.query, q.lang)) & set(index.terms(text, q.lang))
        if common:
            shared.append(f"{q.id}: {sorted(common)}")
    return shared


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _print_table(name: str, outcomes: list[Outcome]) -> dict[str, Scores]:
    table = {}
    for lang in ("fr", "en", "all"):
        group = [o for o in outcomes if lang == "all" or o.question.lang == lang]
        if group:
            table[lang] = score(group)
    click.echo(
        f"  {'lang':<4} {'n plain/para/oos':>16} {'cite@1 plain':>12} {'cite@1 para':>11} "
        f"{'answered OOS':>12} {'top1 plain':>10} {'top1 para':>9}"
    )
    for lang, s in table.items():
        counts = "/".join(str(c) for c in s.counts)
        click.echo(
            f"  {lang:<4} {counts:>16} {_fmt(s.cite_plain):>12} {_fmt(s.cite_para):>11} "
            f"{_fmt(s.answered_oos):>12} {_fmt(s.top1_plain):>10} {_fmt(s.top1_para):>9}"
        )
    return table


def evaluate_set(
    question_set: QuestionSet, mode: str, show_failures: bool
) -> tuple[list[Outcome], dict[str, Scores]]:
    articles = load_articles(question_set.articles, strict=False, on_error=lambda _: None)
    engine = AssistEngine(articles, mode=mode)  # type: ignore[arg-type]
    outcomes = run(engine, question_set.questions)
    label = "held out, never tuned on" if question_set.held_out else "tuning"
    click.echo(f"{question_set.name} [{label}] — {len(articles)} articles, mode {mode}")
    table = _print_table(question_set.name, outcomes)
    overlap = word_overlap(articles, question_set.questions)
    if overlap:
        click.echo(f"  paraphrases sharing a word with their article: {len(overlap)}")
    if show_failures:
        for o in outcomes:
            q = o.question
            ok = (o.handoff if q.kind == "out_of_scope" else
                  ((not o.handoff and o.citations[:1] == q.relevant[:1]) or
                   (o.citations and o.citations[0] in q.relevant)))  # fmt: skip
            if not ok:
                click.echo(
                    f"    {q.id} {q.query!r} want={q.relevant[:2]} "
                    f"got={o.citations} handoff={o.handoff} top1={o.top1}"
                )
        for line in overlap:
            click.echo(f"    overlap {line}")
    return outcomes, table


@click.command()
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "lexical", "semantic", "all"]),
    default="hybrid",
    show_default=True,
    help="Ranking to evaluate; 'all' compares the three.",
)
@click.option("--show-failures", is_flag=True, help="List each miss.")
@click.option("--only", default=None, help="Evaluate only the sets whose name contains this.")
def main(mode: str, show_failures: bool, only: str | None) -> None:
    """Print answer and search quality per set, language and kind of question."""
    modes = ["lexical", "semantic", "hybrid"] if mode == "all" else [mode]
    for question_set in default_sets():
        if isinstance(question_set, str):
            click.echo(question_set)
            continue
        if only and only.lower() not in question_set.name.lower():
            continue
        for m in modes:
            evaluate_set(question_set, m, show_failures)
        click.echo("")


if __name__ == "__main__":
    main()
