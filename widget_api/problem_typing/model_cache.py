"""The shipped model, trained once per machine rather than at every start.

Training takes seconds of CPU (more on a busy machine), and every server start, command and
test process needs the same model. The fitted model is kept in the user's cache folder
(``$XDG_CACHE_HOME/comptoir``, else ``~/.cache/comptoir``) under a key made of the training
set, the training settings and the library versions, so any change to them trains afresh. A
missing, unreadable or unwritable cache only means training as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy
import sklearn

from widget_api.problem_typing.dataset import Example

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "comptoir"


def cache_key(examples: Sequence[Example], settings: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    versions = [sys.version_info[:2], sklearn.__version__, numpy.__version__]
    digest.update(json.dumps([versions, settings], default=str).encode())
    for example in examples:
        digest.update(json.dumps([example.text, example.label, example.lang]).encode())
    return digest.hexdigest()[:32]


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, read from the cache when it holds one for ``key``."""
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # written by this code below, in the user's own folder
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: train again and overwrite it
        log.warning("the cached %s could not be read (%s): training it again", name, exc)
    made = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump(made, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)  # whole or absent, even with several processes at once
    except OSError as exc:
        log.info("the %s is not cached (%s)", name, exc)
    return made
