"""The problem types the project ships are the shared taxonomy's, in its order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from widget_api.contracts.taxonomy import PROBLEM_TYPES

TAXONOMY_DOC = Path(__file__).resolve().parents[2] / "shared" / "docs" / "taxonomy.md"


@pytest.mark.skipif(not TAXONOMY_DOC.exists(), reason="../shared/docs/taxonomy.md is absent")
def test_problem_types_are_the_labels_of_the_shared_taxonomy_in_order():
    labels = re.findall(r"^\| `([a-z_]+)` \|", TAXONOMY_DOC.read_text(encoding="utf-8"), re.M)
    assert tuple(labels) == PROBLEM_TYPES
