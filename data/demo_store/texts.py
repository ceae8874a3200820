"""Filling the hand-written templates of ``texts_fr``/``texts_en`` for many tickets at once.

Rows are grouped by template, and each template is compiled once to a positional ``str.format``
so the per-row work is one cheap call. Customer texts get noise the way real ones have it:
some carry typos and abbreviations ("svp", "pis", "pls"), some lose their accents and capitals.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.demo_store import texts_en, texts_fr

LANGS = {"fr": texts_fr, "en": texts_en}

SLOTS = (
    "first", "full", "order", "product", "the_product", "my_product", "The_product", "size",
    "other_size", "color", "other_color", "other_product", "carrier", "tracking", "url", "city",
    "postal", "new_postal", "address", "new_address", "apt", "days", "amount", "date", "defect",
    "Defect", "code", "mkt_id", "agent", "colleague", "return_url", "last4", "case", "warehouse",
)  # fmt: skip

_FIELD = re.compile(r"(\{[^{}]*\})")

# Typos and shortcuts, applied to the words of a template outside its {slots}.
_TYPOS = {
    "fr": (
        (r"\breçu\b", "recu"),
        (r"\bcommande\b", "comande"),
        (r"\bs'il vous plaît\b", "svp"),
        (r"\bbeaucoup\b", "bcp"),
        (r"\b[Ee]st-ce que\b", "esque"),
        (r"\bdéjà\b", "deja"),
        (r"\bnuméro\b", "numero"),
        (r"\bvraiment\b", "vrm"),
        (r"\bc'est\b", "cest"),
        (r"\bil y a\b", "y'a"),
        (r"\bje suis\b", "chu"),
        (r"\btoujours\b", "toujour"),
        (r"\bquelque chose\b", "qqch"),
        (r"\blivraison\b", "livrasion"),
        (r"\bça\b", "ca"),
        (r"\bparce que\b", "parce-que"),
        (r"\bpourquoi\b", "pk"),
        (r"\bmerci\b", "mercii"),
        (r"\bj'ai pas\b", "jai pas"),
        (r"\bà\b", "a"),
    ),
    "en": (
        (r"\bI'm\b", "im"),
        (r"\bdon't\b", "dont"),
        (r"\bdoesn't\b", "doesnt"),
        (r"\bcan't\b", "cant"),
        (r"\bhaven't\b", "havent"),
        (r"\bdidn't\b", "didnt"),
        (r"\bplease\b", "pls"),
        (r"\bthanks\b", "thx"),
        (r"\byou\b", "u"),
        (r"\breceived\b", "recieved"),
        (r"\bpackage\b", "pakage"),
        (r"\bI\b", "i"),
        (r"\bit's\b", "its"),
        (r"\bwasn't\b", "wasnt"),
    ),
}

_ACCENTS = str.maketrans(
    "àâäáçéèêëîïíôöóùûüúÿœÀÂÄÁÇÉÈÊËÎÏÍÔÖÓÙÛÜÚ«»",
    'aaaaceeeeiiiooouuuuyoAAAACEEEEIIIOOOUUUU""',
)


def with_typos(template: str, lang: str, salt: int) -> str:
    """The template with about two thirds of its applicable typos (which ones depends on
    ``salt``, so sibling templates differ)."""
    parts = _FIELD.split(template)
    for j, (pattern, repl) in enumerate(_TYPOS[lang]):
        if (j + salt) % 3 == 0:
            continue
        for k in range(0, len(parts), 2):
            parts[k] = re.sub(pattern, repl, parts[k])
    return "".join(parts)


def strip_accents(text: str) -> str:
    return text.translate(_ACCENTS)


def sloppy(text: str) -> str:
    """No accents, no capitals: a message typed fast on a phone."""
    return text.translate(_ACCENTS).lower()


class _Compiled:
    """A template turned into a positional format string plus the slot names it reads."""

    __slots__ = ("fields", "fmt")

    def __init__(self, template: str):
        fields: list[str] = []
        out: list[str] = []
        for literal, field, spec, conv in string.Formatter().parse(template):
            out.append(literal.replace("{", "{{").replace("}", "}}"))
            if field is not None:
                if field not in SLOTS:
                    raise KeyError(f"unknown slot {{{field}}} in template: {template!r}")
                if field not in fields:
                    fields.append(field)
                out.append(
                    "{"
                    + str(fields.index(field))
                    + (f"!{conv}" if conv else "")
                    + (f":{spec}" if spec else "")
                    + "}"
                )
        self.fields = tuple(fields)
        self.fmt = "".join(out)


_CACHE: dict[str, _Compiled] = {}


def _compiled(template: str) -> _Compiled:
    found = _CACHE.get(template)
    if found is None:
        found = _CACHE[template] = _Compiled(template)
    return found


def fill(
    templates: Sequence[str], choice: np.ndarray, rows: np.ndarray, slots: Mapping[str, np.ndarray]
) -> np.ndarray:
    """``templates[choice[i]]`` filled with the slot values of ticket ``rows[i]``, for each i."""
    out = np.empty(len(rows), dtype=object)
    if not len(rows):
        return out
    order = np.argsort(choice, kind="stable")
    sorted_choice = choice[order]
    bounds = np.flatnonzero(np.diff(sorted_choice)) + 1
    for group in np.split(order, bounds):
        template = _compiled(templates[int(choice[group[0]])])
        if not template.fields:
            out[group] = template.fmt.replace("{{", "{").replace("}}", "}")
            continue
        columns = [slots[name][rows[group]] for name in template.fields]
        fmt = template.fmt.format
        out[group] = [fmt(*values) for values in zip(*columns, strict=True)]
    return out


def pick_fill(
    rng: np.random.Generator,
    pools: Mapping[str, Sequence[str]],
    keys: np.ndarray,
    rows: np.ndarray,
    slots: Mapping[str, np.ndarray],
) -> np.ndarray:
    """For each row, a random template of ``pools[keys[i]]`` filled for ticket ``rows[i]``."""
    out = np.empty(len(rows), dtype=object)
    if not len(rows):
        return out
    codes, uniques = pd.factorize(keys, sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for sub in np.split(order, bounds):
        pool = pools[uniques[codes[sub[0]]]]
        out[sub] = fill(pool, rng.integers(0, len(pool), len(sub)), rows[sub], slots)
    return out


def pick(rng: np.random.Generator, pool: Sequence[str], n: int) -> np.ndarray:
    return np.array(pool, dtype=object)[rng.integers(0, len(pool), n)]


def fold_many(values: pa.Array | list[str] | np.ndarray) -> pa.Array:
    """``widget_api.text.fold`` for a whole column (NFKD, marks dropped, lower-case,
    spaces collapsed), run by Arrow; equal to ``fold`` for the characters the demo writes."""
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values, pa.large_string())
    arr = values.cast(pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.utf8_normalize(arr, "NFKD")
    arr = pc.replace_substring_regex(arr, r"\p{Mn}", "")
    arr = pc.utf8_lower(arr)
    # The demo writes no white space but spaces and newlines (NFKD made no-break spaces plain):
    # plain replacements are much faster than a regex.
    for ch in "\n\r\t":
        arr = pc.replace_substring(arr, ch, " ")
    while pc.any(pc.match_substring(arr, "  ")).as_py():
        arr = pc.replace_substring(arr, "  ", " ")
    return pc.utf8_trim_whitespace(arr)
