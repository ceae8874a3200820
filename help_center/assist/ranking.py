"""Hybrid ranking of help-center articles: BM25F fused with sentence-embedding similarity.

The lexical side is `help_center.search.SearchIndex` (stemming, accent folding, synonyms,
concepts, typo correction): it is precise when the question uses the article's words. The
semantic side compares the question with each article's header (title, summary, tags) and
each of its sections, embedded with the multilingual sentence encoder of `semantic.py`: it
finds the article when the question uses none of its words. An article's semantic score is
its best unit's cosine.

The two are fused with a weighted sum of calibrated scores (BM25 saturated into 0..1 as
s/(s+k), cosine rescaled from its "unrelated" floor): unlike reciprocal rank fusion, the
fused score stays absolute, so it also serves as the confidence that decides a hand-off.
The weights were chosen on the tuning questions only (see `evaluate.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from help_center.articles import Article
from help_center.assist.passages import Section, sections
from help_center.assist.semantic import Embedder, default_embedder, one_blas_thread
from help_center.search import SearchIndex, normalize_lang

__all__ = ("Candidate", "HybridRanker", "RankParams", "detect_lang")

Mode = Literal["hybrid", "lexical", "semantic"]
_UNIT_CHARS = 500
"""Sections are embedded from their first characters: the encoder averages its tokens, so a
long section would blur into its neighbours."""


@dataclass(frozen=True)
class RankParams:
    """Fusion weights (tuned on the tuning questions only)."""

    lexical_weight: float = 0.45
    semantic_weight: float = 0.55
    lexical_k: float = 8.0
    """BM25F score at which the lexical part is worth half its weight."""
    cosine_floor: float = 0.3
    """Cosine of unrelated texts: below it the semantic part is worth nothing."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked article."""

    index: int
    slug: str
    lang: str
    title: str
    score: float
    lexical: float
    semantic: float


_FR_WORDS = (
    "le la les un une des du de est et je j mon ma mes vous votre vos pas pour avec sur"
    " dans qui que quoi quand comment où ou combien c ça ce cette il elle on nous au aux"
    " puis peux veux faut"
)
_EN_WORDS = (
    "the a an is are and i my me you your not for with on in who what when how where"
    " which can could do does did it this that we our to of was have has get"
)
_FR_HINTS = frozenset(_FR_WORDS.split())
_EN_HINTS = frozenset(_EN_WORDS.split())


def detect_lang(text: str) -> str:
    """ "fr" or "en" from common words (used when a question comes without its language)."""
    words = [w.strip("'’?!.,;:") for w in text.lower().replace("’", "'").replace("'", " ").split()]
    fr = sum(w in _FR_HINTS for w in words) + sum(ch in "éèêàùçœ" for ch in text.lower())
    en = sum(w in _EN_HINTS for w in words)
    if en == fr:
        return None
    return "en" if en > fr else "fr"


class HybridRanker:
    """Built once per set of articles; read-only afterwards, so one ranker serves every
    request."""

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        embedder: Embedder | None = None,
        params: RankParams | None = None,
        mode: Mode = "hybrid",
    ) -> None:
        self.articles = list(articles)
        self.params = params or RankParams()
        self.mode = mode
        self.lexical = SearchIndex.build(self.articles)
        self.sections: list[list[Section]] = [sections(a) for a in self.articles]
        self._position = {(a.lang, a.slug): i for i, a in enumerate(self.articles)}
        self._by_lang: dict[str, list[int]] = defaultdict(list)
        for i, article in enumerate(self.articles):
            self._by_lang[article.lang].append(i)
        self.embedder = None if mode == "lexical" else (embedder or default_embedder())
        unit_texts: list[str] = []
        unit_article: list[int] = []
        self.unit_section: list[int] = []
        for i, article in enumerate(self.articles):
            header = " ".join(
                part for part in (article.title, article.summary or "", ", ".join(article.tags))
                if part
            )  # fmt: skip
            # The header, the title alone and each tag (tags are often the customer's own
            # words: "where is my order", "money back").
            for text in dict.fromkeys([header, *([article.title, *article.tags])]):
                unit_texts.append(text)
                unit_article.append(i)
                self.unit_section.append(-1)
            for s, section in enumerate(self.sections[i]):
                text = f"{article.title}. {section.heading}. {section.text}"
                unit_texts.append(text[:_UNIT_CHARS])
                unit_article.append(i)
                self.unit_section.append(s)
        self.unit_article = np.asarray(unit_article, dtype=np.int64)
        self.unit_vectors = (
            self.embedder.encode(unit_texts) if self.embedder is not None else np.zeros((0, 1))
        )

    def __len__(self) -> int:
        return len(self.articles)

    def language_of(self, query: str, lang: str | None) -> str | None:
        """The question's language: the one given if supported, else guessed from its words
        (None when they do not tell: every language is then searched)."""
        try:
            code = normalize_lang(lang) if lang else None
        except ValueError:
            code = None
        return code or detect_lang(query)

    def query_vector(self, query: str) -> np.ndarray | None:
        if self.embedder is None:
            return None
        return self.embedder.encode([query.encode("utf-8", "ignore").decode("utf-8")])[0]

    def unit_scores(self, vector: np.ndarray | None) -> np.ndarray:
        """Cosine of the question with every unit (header or section)."""
        if vector is None or not len(self.unit_vectors):
            return np.zeros(len(self.unit_article), dtype=np.float32)
        with one_blas_thread():
            return self.unit_vectors @ vector

    def rank(
        self, query: str, lang: str | None, limit: int = 5, vector: np.ndarray | None = None
    ) -> list[Candidate]:
        """Best articles for a question, best first, in its language when it has articles."""
        query = query.encode("utf-8", "ignore").decode("utf-8")
        code = self.language_of(query, lang)
        pool = (self._by_lang.get(code) if code else None) or list(range(len(self.articles)))
        p = self.params
        lexical = np.zeros(len(self.articles), dtype=np.float64)
        if self.mode != "semantic":
            for hit in self.lexical.search(query, code, limit=50):
                position = self._position.get((hit.lang, hit.slug))
                if position is not None:
                    lexical[position] = hit.score
        semantic = np.zeros(len(self.articles), dtype=np.float64)
        if self.mode != "lexical":
            if vector is None:
                vector = self.query_vector(query)
            cosines = self.unit_scores(vector)
            np.maximum.at(semantic, self.unit_article, cosines.astype(np.float64))
        lex_part = lexical / (lexical + p.lexical_k)
        sem_part = np.clip((semantic - p.cosine_floor) / (1.0 - p.cosine_floor), 0.0, 1.0)
        if self.mode == "lexical":
            fused = lex_part
        elif self.mode == "semantic":
            fused = sem_part
        else:
            fused = p.lexical_weight * lex_part + p.semantic_weight * sem_part
        chosen = np.asarray(pool, dtype=np.int64)
        order = chosen[np.lexsort((chosen, -fused[chosen]))][:limit]
        return [
            Candidate(
                index=int(i), slug=self.articles[i].slug, lang=self.articles[i].lang,
                title=self.articles[i].title, score=float(fused[i]),
                lexical=float(lexical[i]), semantic=float(semantic[i]),
            )
            for i in order
            if fused[i] > 0
        ]  # fmt: skip
