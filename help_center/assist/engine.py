"""The answer engine: a question in, an answer built only from the help center out.

`AssistEngine.answer(query, lang)` ranks the articles (`ranking.HybridRanker`), and when the
best one is a confident match, quotes the passage of it that answers (the section closest to
the question, and within it the closest paragraphs), word for word, inside a short frame in
the question's language with the article's link. Otherwise it hands off: `handoff` is true,
there are no citations, and the answer says a person will follow up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from help_center.articles import Article
from help_center.assist.passages import Passage
from help_center.assist.ranking import Candidate, HybridRanker, Mode, RankParams
from help_center.assist.semantic import Embedder

__all__ = ("AssistAnswer", "AssistEngine", "AssistParams", "default_link")

FRAMES = {
    "fr": "D'après notre article « {title} » : {passage}\n\n{link}",
    "en": 'From our article "{title}": {passage}\n\n{link}',
}
HANDOFF = {
    "fr": (
        "Je n'ai pas trouvé de réponse sûre dans notre centre d'aide. "
        "Une personne de notre équipe va vous répondre bientôt."
    ),
    "en": (
        "I couldn't find a sure answer in our help center. "
        "A person from our team will follow up with you shortly."
    ),
}
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_MAX_PASSAGE_CHARS = 700
_SHORT_PARAGRAPH = 160
"""A paragraph this short (often "You can also:") is quoted with the next one."""


def default_link(lang: str, slug: str) -> str:
    return f"/help/{lang}/{slug}"


@dataclass(frozen=True)
class AssistParams:
    """When to answer (tuned on the tuning questions only)."""

    min_confidence: float = 0.17
    """Fused score of the best article below which the question is handed off."""


class AssistAnswer(BaseModel):
    """The contract: what `comptoir assist` prints and `POST /api/v1/widget/assist` returns."""

    answer: str = Field(description="The quoted passage in its frame, or the hand-off message.")
    citations: list[str] = Field(description="Slugs of the articles the answer quotes.")
    handoff: bool = Field(description="True when a person should answer instead.")
    confidence: float = Field(ge=0, le=1, description="How sure the match is, 0 to 1.")
    lang: str = Field(description="Language of the answer (the question's).")
    links: list[str] = Field(default_factory=list, description="Links of the cited articles.")


class AssistEngine:
    """Built once per set of articles (the server rebuilds it when articles change)."""

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        link: Callable[[str, str], str] = default_link,
        embedder: Embedder | None = None,
        mode: Mode = "hybrid",
        rank_params: RankParams | None = None,
        params: AssistParams | None = None,
    ) -> None:
        self.ranker = HybridRanker(articles, embedder=embedder, params=rank_params, mode=mode)
        self.link = link
        self.params = params or AssistParams()

    def __len__(self) -> int:
        return len(self.ranker)

    def rank(self, query: str, lang: str | None, limit: int = 5) -> list[Candidate]:
        return self.ranker.rank(query, lang, limit=limit)

    def answer(self, query: str, lang: str | None) -> AssistAnswer:
        # Lone surrogates (valid in JSON, not in UTF-8) would break the tokeniser.
        query = query.encode("utf-8", "ignore").decode("utf-8")
        code = self.ranker.language_of(query, lang)
        if _WORD_RE.search(query):
            vector = self.ranker.query_vector(query)
            ranked = self.ranker.rank(query, code, limit=1, vector=vector)
        else:  # no word at all ("!!!", an emoji): nothing to look up, a person answers
            vector, ranked = None, []
        best = ranked[0] if ranked else None
        code = code or (best.lang if best else "fr")
        confidence = round(min(max(best.score, 0.0), 1.0), 3) if best else 0.0
        if best is None or best.score < self.params.min_confidence:
            return AssistAnswer(
                answer=HANDOFF[code], citations=[], handoff=True, confidence=confidence, lang=code
            )
        article = self.ranker.articles[best.index]
        passage = self.passage(best.index, query, code, vector)
        link = self.link(article.lang, article.slug)
        text = FRAMES[code].format(title=article.title, passage=passage.text, link=link)
        return AssistAnswer(
            answer=text, citations=[article.slug], handoff=False, confidence=confidence,
            lang=code, links=[link],
        )  # fmt: skip

    def _cosines(self, units: np.ndarray, vector: np.ndarray | None) -> list[float]:
        if vector is None or not len(self.ranker.unit_vectors):
            return [0.0] * len(units)
        return [float(c) for c in self.ranker.unit_vectors[units] @ vector]

    def passage(
        self, article_index: int, query: str, lang: str, vector: np.ndarray | None
    ) -> Passage:
        """The part of an article that answers: its closest section, then within it the
        closest paragraph (with the next one when it only introduces it)."""
        ranker = self.ranker
        found = ranker.sections[article_index]
        article = ranker.articles[article_index]
        if not found:
            return Passage(article.title, article.summary or article.title)
        query_terms = set(ranker.lexical.terms(query, article.lang))
        units = np.flatnonzero(ranker.unit_article == article_index)
        cosines = dict(zip(units.tolist(), self._cosines(units, vector), strict=True))

        def overlap(text: str) -> float:
            if not query_terms:
                return 0.0
            return len(query_terms & set(ranker.lexical.terms(text, article.lang))) / len(
                query_terms
            )

        best_section, best_score = 0, -1.0
        for unit in units:
            s = ranker.unit_section[unit]
            if s < 0:
                continue
            section = found[s]
            score = cosines[int(unit)] + 0.5 * overlap(f"{section.heading} {section.text}")
            if score > best_score:
                best_section, best_score = s, score
        section = found[best_section]
        paragraphs = list(section.paragraphs)
        if len(section.text) <= _MAX_PASSAGE_CHARS:
            return Passage(section.heading, section.text)
        # The paragraph sharing most of the question's words; the first one when none does
        # (a section opens with its answer more often than not).
        scores = [overlap(p) for p in paragraphs]
        start = int(np.argmax(scores))
        chosen = [paragraphs[start]]
        length = len(paragraphs[start])
        for following in paragraphs[start + 1 :]:
            if length >= _SHORT_PARAGRAPH or length + len(following) > _MAX_PASSAGE_CHARS:
                break
            chosen.append(following)
            length += len(following)
        return Passage(section.heading, "\n".join(chosen))
