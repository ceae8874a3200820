"""Automatic problem typing of inbound tickets (docs/taxonomy.md) and entity extraction.

Names are loaded on first use so that importing the package does not import scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from widget_api.problem_typing.classifier import DEFAULT_THRESHOLD, Prediction, ProblemTyper
    from widget_api.problem_typing.dataset import LABELS, Example, ticket_text
    from widget_api.problem_typing.extract import Entities, extract_entities

_EXPORTS = {
    "DEFAULT_THRESHOLD": "classifier",
    "Entities": "extract",
    "Example": "dataset",
    "LABELS": "dataset",
    "Prediction": "classifier",
    "ProblemTyper": "classifier",
    "extract_entities": "extract",
    "ticket_text": "dataset",
}

__all__ = (
    "DEFAULT_THRESHOLD",
    "LABELS",
    "Entities",
    "Example",
    "Prediction",
    "ProblemTyper",
    "extract_entities",
    "ticket_text",
)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
