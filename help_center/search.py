"""In-memory full-text search over help-center articles (BM25F, French and English).

`SearchIndex.build(articles)` keeps one sub-index per language. Text goes through the
language's analyser: lower case, accent folding (é → e, œ → oe), Snowball stemming and stop
words, so "Échanger", "echange" and "échanges" are one term.

Articles are scored with BM25F over four fields: title (boosted most), tags and category,
summary, and body. A query is turned into weighted terms:

- its own words (weight 1);
- words the articles do not know are corrected to the nearest known word by edit distance
  (transpositions count as one edit), so "livrason", "remboursment", "colie" and "trackng"
  still match, with a lower weight;
- synonym groups from `lexicon.py` (colis/paquet/parcel/package, taille/grandeur/size, ...):
  each group is also indexed as a term of its own, so "paquet" finds articles that only say
  "colis". The words of a multi-word synonym ("how long", "send back") count mostly through
  their group, so they do not outweigh the rest of the query;
- concepts from `lexicon.py`: informal questions ("j'ai pas reçu mon paquet", "where's my
  stuff", "c'est trop petit") add the words of the article that answers them.

On top of BM25F, an article gains `title_bonus` times the share of the query's words (or their
synonym groups, or its concepts) that its title contains: with few articles, a rare word in
a body would otherwise beat the article whose title answers the question.

`search(query, lang)` looks in that language first and only falls back to the others when
nothing matches there; with no language, all languages are searched together. An index is
read-only once built (its caches are thread-safe), so one index can serve every request.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from help_center.articles import LANGUAGES, Article
from help_center.lexicon import DEFAULT_LEXICON, Lexicon

__all__ = ("Bm25Params", "QueryTerm", "SearchHit", "SearchIndex", "fold", "normalize_lang")

_TOKEN_RE = re.compile(r"\w+")
_LINK_TARGET_RE = re.compile(r"(!?\[[^\]]*\])\([^)]*\)")
_HTML_TAG_RE = re.compile(r"<[^>]+>")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_STEMMER_NAMES = {"fr": "french", "en": "english"}
_GROUP_PREFIX = "~"
_MAX_TRIGGER_GAP = 2
"""How many other words may sit between two words of a concept trigger."""


def fold(text: str) -> str:
    """Lower-case and remove accents: "Échange" → "echange", "Œuvre" → "oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_lang(lang: str | None) -> str | None:
    """Map "fr", "fr-CA", "FR_ca" to "fr" (and so on); None stays None.

    Raises:
        ValueError: the language is not one the help center is written in.
    """
    if lang is None:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    return code


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result."""

    slug: str
    score: float
    title: str
    lang: str


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One weighted term a query was turned into, and why (for `SearchIndex.explain`)."""

    term: str
    weight: float
    reason: str


@dataclass(frozen=True)
class Bm25Params:
    """BM25F parameters and query-expansion weights."""

    k1: float = 1.2
    field_weights: tuple[tuple[str, float, float], ...] = (
        ("title", 3.0, 0.5),
        ("tags", 2.0, 0.3),
        ("summary", 1.5, 0.5),
        ("body", 1.0, 0.75),
    )
    """(field, weight, length normalisation b) for each indexed field."""
    group_weight: float = 0.8
    """Weight of a synonym group found in the query."""
    phrase_word_weight: float = 0.3
    """Weight of a word inside a multi-word synonym ("how long", "send back"): the phrase's
    group carries the meaning, so its words alone should not outweigh the rest of the query."""
    concept_weight: float = 0.8
    """Total weight shared by the terms a concept adds (split by the square root of their count)."""
    typo_weights: tuple[float, float] = (0.8, 0.6)
    """Weight of a term corrected at edit distance 1 and 2."""
    min_typo_length: int = 4
    """Shorter unknown words are not corrected."""
    max_corrections: int = 8
    """At most this many unknown words are corrected per query (keeps long queries fast)."""
    title_bonus: float = 1.5
    """Added to an article's score times the share of the query's words found in its title."""


@dataclass(frozen=True, slots=True)
class _QueryPlan:
    terms: list[QueryTerm]
    """Weighted terms to score with BM25F."""
    units: list[frozenset[str]]
    """One set per query word (its term and synonym groups) or concept (its added terms)."""


@dataclass(frozen=True, slots=True)
class _Token:
    surface: str
    term: str
    stop: bool


class _Analyzer:
    """Tokenises, folds accents, stems and flags stop words for one language."""

    def __init__(self, lang: str, stopwords: Iterable[str]) -> None:
        self.lang = lang
        self._stemmer = snowballstemmer.stemmer(_STEMMER_NAMES[lang])
        self._stopwords = frozenset(fold(word) for word in stopwords)
        self.token = lru_cache(maxsize=65_536)(self._analyse)

    def _analyse(self, word: str) -> _Token:
        surface = fold(word)
        return _Token(surface, fold(self._stemmer.stemWord(word)), surface in self._stopwords)

    def tokens(self, text: str) -> list[_Token]:
        return [self.token(word) for word in _TOKEN_RE.findall(text.lower())]

    def content_terms(self, text: str) -> list[str]:
        return [token.term for token in self.tokens(text) if not token.stop]


class _PhraseMatcher:
    """Finds phrases (sequences of terms) in a sequence of terms."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)

    def add(self, phrase: tuple[str, ...], key: str) -> None:
        if phrase and (phrase, key) not in self._by_first[phrase[0]]:
            self._by_first[phrase[0]].append((phrase, key))

    def find(self, terms: Sequence[str], max_gap: int = 0) -> list[str]:
        """Keys of every phrase occurrence, in order (a key repeats if its phrase does)."""
        return [key for key, _, _ in self.spans(terms, max_gap)]

    def spans(self, terms: Sequence[str], max_gap: int = 0) -> list[tuple[str, int, int]]:
        """(key, start, end) of every phrase occurrence; `terms[start:end]` holds the phrase."""
        found = []
        for start, term in enumerate(terms):
            for phrase, key in self._by_first.get(term, ()):
                end = self._match_end(terms, start, phrase, max_gap)
                if end is not None:
                    found.append((key, start, end))
        return found

    @staticmethod
    def _match_end(
        terms: Sequence[str], start: int, phrase: tuple[str, ...], max_gap: int
    ) -> int | None:
        position = start
        for word in phrase[1:]:
            window = terms[position + 1 : position + 2 + max_gap]
            if word not in window:
                return None
            position += 1 + window.index(word)
        return position + 1


def _plain_text(markdown: str) -> str:
    """Markdown without link targets and HTML tags, good enough for indexing."""
    return _HTML_TAG_RE.sub(" ", _LINK_TARGET_RE.sub(r"\1", markdown))


class _LanguageIndex:
    """BM25F index of the articles of one language."""

    def __init__(
        self, lang: str, articles: Sequence[Article], lexicon: Lexicon, params: Bm25Params
    ) -> None:
        self.lang = lang
        self.params = params
        self.articles = list(articles)
        self.analyzer = _Analyzer(lang, lexicon.stopwords.get(lang, ()))
        self._compile_lexicon(lexicon)
        self._index_articles()

    # -- lexicon -----------------------------------------------------------------------------

    def _phrase(self, text: str) -> tuple[str, ...]:
        return tuple(token.term for token in self.analyzer.tokens(text))

    def _compile_lexicon(self, lexicon: Lexicon) -> None:
        self.groups = _PhraseMatcher()
        self.triggers = _PhraseMatcher()
        self.lexicon_surfaces: dict[str, str] = {}
        self.lexicon_terms: set[str] = set()
        self.term_groups: dict[str, set[str]] = defaultdict(set)
        for group in lexicon.groups:
            for member in (*group.fr, *group.en):
                tokens = self.analyzer.tokens(member)
                if tokens and not all(token.stop for token in tokens):
                    self.groups.add(tuple(t.term for t in tokens), _GROUP_PREFIX + group.name)
                    self._remember(tokens)
                    if len(tokens) == 1:
                        self.term_groups[tokens[0].term].add(_GROUP_PREFIX + group.name)
        self.expansions: dict[str, dict[str, float]] = {}
        for concept in lexicon.concepts:
            for trigger in concept.triggers:
                tokens = self.analyzer.tokens(trigger)
                self.triggers.add(tuple(t.term for t in tokens), concept.name)
                self._remember(tokens)
            phrases = concept.fr if self.lang == "fr" else concept.en
            terms = dict.fromkeys(
                t for phrase in phrases for t in self.analyzer.content_terms(phrase)
            )
            for phrase in phrases:
                terms.update(dict.fromkeys(self.groups.find(self._phrase(phrase))))
            weight = self.params.concept_weight / math.sqrt(max(len(terms), 1))
            self.expansions[concept.name] = dict.fromkeys(terms, weight)

    def _remember(self, tokens: Iterable[_Token]) -> None:
        for token in tokens:
            self.lexicon_terms.add(token.term)
            if not token.stop:
                self.lexicon_surfaces.setdefault(token.surface, token.term)

    # -- indexing ----------------------------------------------------------------------------

    def _fields(self, article: Article) -> dict[str, str]:
        return {
            "title": article.title,
            "tags": " ; ".join([*article.tags, article.category]),
            "summary": article.summary or "",
            "body": _plain_text(article.body_markdown),
        }

    def _index_articles(self) -> None:
        k1 = self.params.k1
        field_stats: dict[str, list[tuple[Counter[str], int]]] = {}
        surfaces: dict[str, str] = {}
        self.headlines: list[frozenset[str]] = []
        for name, _, _ in self.params.field_weights:
            field_stats[name] = []
        for article in self.articles:
            fields = self._fields(article)
            for name, _, _ in self.params.field_weights:
                tokens = self.analyzer.tokens(fields[name])
                content = [t for t in tokens if not t.stop]
                counts = Counter(t.term for t in content)
                counts.update(self.groups.find([t.term for t in tokens]))
                field_stats[name].append((counts, len(content)))
                if name == "title":
                    self.headlines.append(frozenset(counts))
                for token in content:
                    surfaces.setdefault(token.surface, token.term)
        n_docs = len(self.articles)
        combined: list[dict[str, float]] = [defaultdict(float) for _ in range(n_docs)]
        for name, weight, b in self.params.field_weights:
            stats = field_stats[name]
            average = (sum(length for _, length in stats) / n_docs) if n_docs else 0.0
            for doc, (counts, length) in enumerate(stats):
                norm = 1.0 - b + (b * length / average if average else 0.0)
                for term, tf in counts.items():
                    combined[doc][term] += weight * tf / norm
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, tfs in enumerate(combined):
            for term, tf in tfs.items():
                postings[term].append((doc, tf / (k1 + tf)))
        self.postings = dict(postings)
        self.idf = {
            term: math.log(1.0 + (n_docs - len(docs) + 0.5) / (len(docs) + 0.5))
            for term, docs in postings.items()
        }
        self.surfaces = {**self.lexicon_surfaces, **surfaces}
        self.known_terms = set(self.postings) | self.lexicon_terms
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for surface in self.surfaces:
            if len(surface) >= self.params.min_typo_length and not surface.isdigit():
                self._by_length[len(surface)].append(surface)
        self._correct = lru_cache(maxsize=4096)(self._nearest_known)

    # -- querying ----------------------------------------------------------------------------

    def _nearest_known(self, surface: str) -> tuple[str, int] | None:
        """The known word nearest to an unknown one, as (term, edit distance), if close enough.

        Ties go to the candidate with the same first letter, then to the most frequent term.
        """
        max_distance = 1 if len(surface) < 8 else 2
        best: tuple[tuple[int, bool, int, str], str] | None = None
        for length in range(len(surface) - max_distance, len(surface) + max_distance + 1):
            choices = self._by_length.get(length)
            if not choices:
                continue
            for candidate, distance, _ in process.extract(
                surface, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=None
            ):
                term = self.surfaces[candidate]
                rank = (
                    int(distance),
                    candidate[0] != surface[0],
                    -len(self.postings.get(term, ())),
                    candidate,
                )
                if best is None or rank < best[0]:
                    best = (rank, term)
        if best is None:
            return None
        return best[1], best[0][0]

    def plan(self, query: str) -> _QueryPlan:
        """Turn a query into weighted terms (its words, corrections, synonyms, concepts)."""
        params = self.params
        words: list[tuple[str, float, str]] = []  # (term, weight, reason); weight 0: stop word
        corrections_left = params.max_corrections
        for token in self.analyzer.tokens(query):
            if token.stop:
                words.append((token.term, 0.0, "stop word"))
                continue
            term = self.surfaces.get(token.surface, token.term)
            weight, reason = 1.0, "query word"
            if not (
                term in self.known_terms
                or len(token.surface) < params.min_typo_length
                or token.surface.isdigit()
                or corrections_left <= 0
            ):
                corrections_left -= 1
                correction = self._correct(token.surface)
                if correction is not None:
                    term, distance = correction
                    weight = params.typo_weights[distance - 1]
                    reason = f"corrected from {token.surface!r}"
            words.append((term, weight, reason))

        sequence = [term for term, _, _ in words]
        group_spans = self.groups.spans(sequence)
        in_phrase = {
            i for _, start, end in group_spans if end - start > 1 for i in range(start, end)
        }
        planned: dict[str, QueryTerm] = {}
        units: list[frozenset[str]] = []

        def add(term: str, weight: float, reason: str) -> None:
            if term not in planned or planned[term].weight < weight:
                planned[term] = QueryTerm(term, weight, reason)

        for position, (term, weight, reason) in enumerate(words):
            if not weight:
                continue
            if position in in_phrase:
                add(term, weight * params.phrase_word_weight, f"{reason}, in a phrase")
            else:
                add(term, weight, reason)
                units.append(frozenset({term, *self.term_groups.get(term, ())}))
        for group, start, end in group_spans:
            if end - start == 1 and start in in_phrase:
                continue  # "long" alone means nothing once "how long" matched
            add(group, params.group_weight, "synonym group")
            if end - start > 1 and not any(group in unit for unit in units):
                units.append(frozenset({group}))  # a phrase such as "combien de temps"
        for concept in dict.fromkeys(self.triggers.find(sequence, max_gap=_MAX_TRIGGER_GAP)):
            expansion = self.expansions[concept]
            for term, weight in expansion.items():
                add(term, weight, f"concept {concept}")
            units.append(frozenset(expansion))
        return _QueryPlan(list(planned.values()), units)

    def search(self, query: str, limit: int) -> list[SearchHit]:
        plan = self.plan(query)
        scores: dict[int, float] = defaultdict(float)
        for planned in plan.terms:
            postings = self.postings.get(planned.term)
            if not postings:
                continue
            weight = planned.weight * self.idf[planned.term]
            for doc, saturation in postings:
                scores[doc] += weight * saturation
        if plan.units and self.params.title_bonus:
            share = self.params.title_bonus / len(plan.units)
            for doc in scores:
                headline = self.headlines[doc]
                scores[doc] += share * sum(1 for unit in plan.units if unit & headline)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.articles[item[0]].slug))
        return [
            SearchHit(self.articles[doc].slug, round(score, 4), self.articles[doc].title, self.lang)
            for doc, score in ranked[:limit]
            if score > 0
        ]


class SearchIndex:
    """Search over a set of articles in French and English. Build with `SearchIndex.build`."""

    def __init__(self, indexes: dict[str, _LanguageIndex]) -> None:
        self._indexes = indexes

    @classmethod
    def build(
        cls,
        articles: Iterable[Article],
        *,
        lexicon: Lexicon = DEFAULT_LEXICON,
        params: Bm25Params | None = None,
    ) -> SearchIndex:
        """Index articles (any mix of languages)."""
        params = params or Bm25Params()
        by_lang: dict[str, list[Article]] = defaultdict(list)
        for article in articles:
            by_lang[article.lang].append(article)
        return cls(
            {
                lang: _LanguageIndex(lang, by_lang[lang], lexicon, params)
                for lang in LANGUAGES
                if by_lang.get(lang)
            }
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages that have at least one article."""
        return tuple(self._indexes)

    def __len__(self) -> int:
        return sum(len(index.articles) for index in self._indexes.values())

    def search(self, query: str, lang: str | None = None, limit: int = 5) -> list[SearchHit]:
        """Best articles for a query, best first.

        Args:
            query: What the customer typed, in French or English.
            lang: Preferred language ("fr", "en", "fr-CA", ...). Articles in other languages
                are returned only when none in this language matches. None searches all.
            limit: Maximum number of hits.

        Raises:
            ValueError: `lang` is not a supported language.
        """
        lang = normalize_lang(lang)
        if limit <= 0:
            return []
        if lang is not None:
            preferred = self._indexes.get(lang)
            hits = preferred.search(query, limit) if preferred else []
            if hits:
                return hits
            others = [index for code, index in self._indexes.items() if code != lang]
        else:
            others = list(self._indexes.values())
        merged = [hit for index in others for hit in index.search(query, limit)]
        merged.sort(key=lambda hit: (-hit.score, hit.lang, hit.slug))
        return merged[:limit]

    def terms(self, text: str, lang: str) -> list[str]:
        """The content terms (folded, stemmed, no stop words) of a text in one language."""
        code = normalize_lang(lang)
        index = self._indexes.get(code) if code else None
        return index.analyzer.content_terms(text) if index else []

    def explain(self, query: str, lang: str) -> list[QueryTerm]:
        """The weighted terms a query becomes in one language, for debugging and tests."""
        code = normalize_lang(lang)
        index = self._indexes.get(code) if code else None
        return index.plan(query).terms if index else []
