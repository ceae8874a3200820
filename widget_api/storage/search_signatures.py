"""Trigram signatures: a text search skips most tickets without reading their text.

Every ticket keeps a 1,024-bit signature in 16 BIGINT columns (``search_sig0`` .. ``search_sig15``)
with one bit set for each three-character sequence of its search document (sequences holding
white space are left out: a query term never contains any). A term can only occur in a document
whose signature holds every bit of the term's trigrams, so a search first keeps the tickets whose
signature covers the terms' bits (reading a few integer columns) and runs ``contains`` on those
alone. ``contains`` removes the few false positives; there are no false negatives, which holds
as long as every change to ``search_doc`` ORs the signature of the added text into the columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np

WORDS = 16
BITS = WORDS * 64
COLUMNS = tuple(f"search_sig{i}" for i in range(WORDS))

_SEPARATOR = 0  # joins documents: no trigram spans two of them
_WHITESPACE = np.array([_SEPARATOR, 9, 10, 11, 12, 13, 32], dtype=np.uint64)
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # multiplicative hashing: the top bits are well mixed
_CHUNK = 50_000


def signatures(texts: Sequence[str]) -> np.ndarray:
    """One signature per text: an (n, 16) int64 array, bit ``k`` of word ``w`` = trigram bit
    ``64 * w + k``."""
    if len(texts) <= _CHUNK:
        return _signatures(texts)
    parts = [_signatures(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    return np.concatenate(parts)


def _signatures(texts: Sequence[str]) -> np.ndarray:
    n = len(texts)
    if n == 0:
        return np.zeros((0, WORDS), dtype=np.int64)
    joined = "\0".join(t.replace("\0", " ") for t in texts)
    # surrogatepass: a stray surrogate still gets a code point instead of failing the write.
    raw = joined.encode("utf-32-le", "surrogatepass")
    points = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
    bits = np.zeros((n, BITS), dtype=bool)
    if len(points) >= 3:
        first, second, third = points[:-2], points[1:-1], points[2:]
        blank = np.isin(points, _WHITESPACE)
        keep = ~(blank[:-2] | blank[1:-1] | blank[2:])
        # Code points fit in 21 bits, so the three make one exact 63-bit key.
        key = (first << np.uint64(42)) | (second << np.uint64(21)) | third
        with np.errstate(over="ignore"):
            bit = (key * _FIBONACCI) >> np.uint64(64 - 10)
        owner = np.cumsum(points == _SEPARATOR)[:-2]
        bits[owner[keep], bit[keep].astype(np.int64)] = True
    return np.packbits(bits, axis=1, bitorder="little").view("<i8")


def signature(text: str) -> list[int]:
    """The 16 signature words of one text, as Python ints for query parameters."""
    return [int(word) for word in signatures([text])[0]]


def query_mask(terms: Sequence[str]) -> list[int]:
    """The bits every matching document must hold: the union of the terms' trigram bits."""
    words = np.bitwise_or.reduce(signatures(list(terms)), axis=0)
    return [int(word) for word in words]


def or_assignments() -> str:
    """``search_sigN = search_sigN | ?`` for every column: ORs a signature (16 parameters) in."""
    return ", ".join(f"{col} = {col} | ?" for col in COLUMNS)


def match_sql(terms: Sequence[str]) -> tuple[str, list]:
    """A predicate true for the documents holding every term. The signature test comes first
    and gates ``contains`` through CASE, so the text of the other tickets is never compared
    (a plain AND would let DuckDB push ``contains`` into the scan ahead of it)."""
    needed = zip(COLUMNS, query_mask(terms), strict=True)
    tests = [(f"({col} & ?) = ?", [word, word]) for col, word in needed if word]
    contains = " AND ".join("contains(search_doc, ?)" for _ in terms)
    if not tests:  # terms shorter than three characters: nothing to pre-filter on
        return f"({contains})", list(terms)
    gate = " AND ".join(sql for sql, _ in tests)
    params = [p for _, pair in tests for p in pair]
    return f"(CASE WHEN {gate} THEN {contains} ELSE FALSE END)", [*params, *terms]


def unnest_sql() -> str:
    """The signature columns of a bulk update's ``unnest`` source (16 BIGINT[] parameters)."""
    return ", ".join(f"unnest(?::BIGINT[]) AS {col}" for col in COLUMNS)


def column_lists(sigs: np.ndarray) -> list[list[int]]:
    """The 16 parameter lists of ``unnest_sql`` for the signatures ``sigs``."""
    return [sigs[:, i].tolist() for i in range(WORDS)]


def backfill(cur: duckdb.DuckDBPyConnection) -> int:
    """Compute the signature of every ticket that has none (rows written by a bulk load or
    before the signature existed); return how many were filled."""
    filled = 0
    while True:
        rows = cur.execute(
            "SELECT id, search_doc FROM tickets WHERE search_sig0 IS NULL LIMIT ?", [_CHUNK]
        ).fetchall()
        if not rows:
            return filled
        ids = [row[0] for row in rows]
        sigs = signatures([row[1] or "" for row in rows])
        cur.execute(
            f"UPDATE tickets SET {', '.join(f'{col} = d.{col}' for col in COLUMNS)}"
            f" FROM (SELECT unnest(?::BIGINT[]) AS id, {unnest_sql()}) d WHERE tickets.id = d.id",
            [ids, *column_lists(sigs)],
        )
        filled += len(rows)
