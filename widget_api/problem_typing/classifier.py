"""Problem typing: one problem type per inbound ticket, with a confidence.

The model is a multinomial logistic regression over two TF-IDF views of the folded text
(lower-case, accents removed, digits collapsed): word 1–2-grams for phrasing, and character
2–5-grams inside word boundaries for typos, missing accents and Québec spellings. It trains in
a couple of seconds on the shipped examples; ``default()`` trains once per machine (the fitted
model is kept in the user's cache folder, see ``model_cache``) and once per process in memory.

The probability of the best type is the confidence. Below ``threshold`` the ticket is left for an
agent (``label`` is None). Agent corrections are extra training examples, weighted more than
the shipped ones so that one correction is enough to move a near-identical message.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from widget_api.problem_typing.dataset import Example, ticket_text, training_examples
from widget_api.problem_typing.model_cache import cache_key, cached
from widget_api.text import fold

DEFAULT_THRESHOLD = 0.45
"""Chosen with ``python -m widget_api.problem_typing.evaluate --tune`` (cross-validation on the
hand-written training sentences, never the held-out set): the lowest threshold at which at least
95 % of the typed tickets are right (about 80 % of tickets typed); random text stays below it."""

DEFAULT_C = 10.0
DEFAULT_CORRECTION_WEIGHT = 3.0

_DIGITS = re.compile(r"\d+")
_HAS_WORD = re.compile(r"\w")


def normalise(text: str) -> str:
    """Folded form the features are built on: no case, no accents, every number is ``0``."""
    return _DIGITS.sub("0", fold(text))


@dataclass(frozen=True, slots=True)
class Prediction:
    """The problem type of one ticket.

    ``label`` is None when ``confidence`` (the best type's probability) is below the threshold.
    ``scores`` holds every known type's probability; they sum to 1.
    """

    label: str | None
    confidence: float
    scores: dict[str, float] = field(default_factory=dict, hash=False)

    @property
    def best(self) -> str | None:
        """The most probable type, whatever the threshold."""
        return max(self.scores, key=self.scores.__getitem__) if self.scores else None


def _build_pipeline(c: float) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    token_pattern=r"(?u)\b\w+\b",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    lowercase=False,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    min_df=2,
                    lowercase=False,
                ),
            ),
        ]
    )
    model = LogisticRegression(C=c, solver="newton-cg", max_iter=1000, class_weight="balanced")
    return Pipeline([("features", features), ("model", model)])


class ProblemTyper:
    """Types tickets. Build with ``ProblemTyper().train(examples)`` or ``ProblemTyper.default()``.

    ``train`` fits in place; after that nothing changes the typer (``with_corrections`` and
    ``with_threshold`` return new ones), so a trained typer can be shared between threads.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        c: float = DEFAULT_C,
        correction_weight: float = DEFAULT_CORRECTION_WEIGHT,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        self.threshold = threshold
        self.c = c
        self.correction_weight = correction_weight
        self._pipeline: Pipeline | None = None
        self._examples: tuple[Example, ...] = ()
        self._corrections: tuple[Example, ...] = ()

    _default: ClassVar[ProblemTyper | None] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def default(cls) -> ProblemTyper:
        """The typer trained on the shipped examples; trained at first call, then cached."""
        with cls._default_lock:
            if cls._default is None:
                examples = training_examples()
                # This file's text stands for how the model is built (features, settings).
                settings = {"code": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
                cls._default = cached(
                    "problem-typer", cache_key(examples, settings), lambda: cls().train(examples)
                )
            return cls._default

    @property
    def labels(self) -> tuple[str, ...]:
        """The types this typer can give (the labels seen in training)."""
        return tuple(self._fitted().classes_)

    @property
    def examples(self) -> tuple[Example, ...]:
        return self._examples

    @property
    def corrections(self) -> tuple[Example, ...]:
        return self._corrections

    def train(
        self, examples: Iterable[Example], corrections: Iterable[Example] = ()
    ) -> ProblemTyper:
        """Fit on ``examples`` plus agent ``corrections`` (weighted more); returns ``self``.

        Labels are taken from the data, so a merchant's own type can be learnt from corrections.
        """
        examples, corrections = tuple(examples), tuple(corrections)
        everything = examples + corrections
        if len({e.label for e in everything}) < 2:
            raise ValueError("training needs examples of at least two labels")
        texts = [normalise(e.text) for e in everything]
        labels = [e.label for e in everything]
        weights = np.array(
            [1.0] * len(examples) + [self.correction_weight] * len(corrections), dtype=float
        )
        pipeline = _build_pipeline(self.c)
        pipeline.fit(texts, labels, model__sample_weight=weights)
        self._pipeline = pipeline
        self._examples, self._corrections = examples, corrections
        return self

    def with_corrections(self, corrections: Sequence[Example]) -> ProblemTyper:
        """A new typer trained on this one's examples and corrections plus ``corrections``."""
        typer = ProblemTyper(self.threshold, c=self.c, correction_weight=self.correction_weight)
        return typer.train(self._examples, self._corrections + tuple(corrections))

    def with_threshold(self, threshold: float) -> ProblemTyper:
        """The same trained model with another threshold (no retraining)."""
        typer = ProblemTyper(threshold, c=self.c, correction_weight=self.correction_weight)
        typer._pipeline = self._fitted()
        typer._examples, typer._corrections = self._examples, self._corrections
        return typer

    def predict(self, subject: str | None, body: str) -> Prediction:
        """The problem type of a ticket from its subject (may be None) and first message."""
        return self.predict_text(ticket_text(subject, body))

    def predict_text(self, text: str) -> Prediction:
        """The problem type of an already joined text. Text without a letter or digit gets None."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Like :meth:`predict_text` for many texts at once (one matrix product)."""
        if not texts:
            return []
        pipeline = self._fitted()
        classes = [str(c) for c in pipeline.classes_]
        probabilities = pipeline.predict_proba([normalise(t) for t in texts])
        predictions = []
        for text, row in zip(texts, probabilities, strict=True):
            scores = {label: float(p) for label, p in zip(classes, row, strict=True)}
            best = int(np.argmax(row))
            confidence = float(row[best])
            if not _HAS_WORD.search(text):
                predictions.append(Prediction(None, 0.0, scores))
                continue
            label = classes[best] if confidence >= self.threshold else None
            predictions.append(Prediction(label, confidence, scores))
        return predictions

    def _fitted(self) -> Pipeline:
        if self._pipeline is None:
            raise RuntimeError("this ProblemTyper is not trained: call train() first")
        return self._pipeline

    def __repr__(self) -> str:
        state = (
            f"{len(self._examples)}+{len(self._corrections)} examples"
            if self._pipeline is not None
            else "untrained"
        )
        return f"ProblemTyper(threshold={self.threshold}, {state})"


__all__ = ("DEFAULT_THRESHOLD", "Prediction", "ProblemTyper", "normalise")
