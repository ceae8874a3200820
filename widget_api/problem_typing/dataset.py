"""Problem-type labels, labelled examples and the JSONL files that hold them.

An example is one customer message (subject and first message joined by :func:`ticket_text`)
with its problem type. The shipped training set is ``training/*.jsonl`` (hand-written for the
fictional Québec store "Nordet") plus the template expansion in ``training/expand.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from widget_api.contracts.taxonomy import PROBLEM_TYPES

LABELS: tuple[str, ...] = PROBLEM_TYPES
"""The eleven default problem types of docs/taxonomy.md, in the taxonomy's order."""

LANGS: tuple[str, ...] = ("fr", "en")

MAX_BODY_CHARS = 4000
"""Only the start of a long first message is typed: the need is stated early, quotes come late."""


def ticket_text(subject: str | None, body: str) -> str:
    """The one text the classifier reads for a ticket: subject line, then the first message."""
    body = (body or "")[:MAX_BODY_CHARS]
    subject = (subject or "").strip()
    return f"{subject}\n{body}" if subject else body


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message. ``lang`` is ``"fr"``, ``"en"`` or None when unknown (corrections)."""

    text: str
    label: str
    lang: str | None = None

    @classmethod
    def for_ticket(
        cls, subject: str | None, body: str, label: str, lang: str | None = None
    ) -> Example:
        """An example read the way ``ProblemTyper.predict`` reads a ticket (agent corrections)."""
        return cls(text=ticket_text(subject, body), label=label, lang=lang)


class ExampleFileError(ValueError):
    """A JSONL example file has a line that is not a valid example."""


def parse_example(line: str, *, where: str = "<line>") -> Example:
    """One JSONL line ``{"text", "lang", "label"}`` → :class:`Example`, or ExampleFileError."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ExampleFileError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ExampleFileError(f"{where}: expected an object")
    text, label, lang = record.get("text"), record.get("label"), record.get("lang")
    if not isinstance(text, str) or not text.strip():
        raise ExampleFileError(f"{where}: 'text' must be a non-empty string")
    if not isinstance(label, str) or not label:
        raise ExampleFileError(f"{where}: 'label' must be a non-empty string")
    if lang is not None and lang not in LANGS:
        raise ExampleFileError(f"{where}: 'lang' must be one of {LANGS}")
    return Example(text=text, label=label, lang=lang)


def read_examples(path: Path | Traversable) -> list[Example]:
    """All examples of one JSONL file; blank lines are skipped."""
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                examples.append(parse_example(line, where=f"{path.name}:{number}"))
    return examples


def _training_files() -> Iterator[Traversable]:
    folder = resources.files("widget_api.problem_typing.training")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            yield entry


def handwritten_examples() -> list[Example]:
    """The hand-written sentences of ``training/*.jsonl``."""
    return [example for path in _training_files() for example in read_examples(path)]


def training_examples() -> list[Example]:
    """The whole shipped training set: hand-written sentences plus the template expansion."""
    from widget_api.problem_typing.training.expand import expanded_examples

    return handwritten_examples() + expanded_examples()


def count_by(examples: Iterable[Example]) -> dict[tuple[str, str | None], int]:
    """Number of examples per (label, lang), for reports and tests."""
    counts: dict[tuple[str, str | None], int] = {}
    for example in examples:
        key = (example.label, example.lang)
        counts[key] = counts.get(key, 0) + 1
    return counts
