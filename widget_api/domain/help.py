"""The help center as the server runs it: articles from the database, an in-memory search index
rebuilt when they change, rendered pages' data, feedback, and the searches that found nothing.
"""

from __future__ import annotations

import io
import re
import tarfile
import threading
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from help_center.articles import Article, ArticleError, dump_article, load_articles, parse_article
from help_center.assist.engine import AssistAnswer, AssistEngine
from help_center.render import render_markdown
from help_center.search import SearchIndex
from widget_api.contracts.auth import Agent
from widget_api.contracts.help import (
    ArticleAdmin,
    ArticleEdit,
    ArticlePublic,
    HelpSearchResult,
    HelpSearchResults,
    ImportReport,
    SearchGap,
)
from widget_api.domain.errors import Conflict, Invalid, NotFound
from widget_api.storage import Database, articles, settings_store
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import utcnow
from widget_api.text import fold

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SEEDED = "help_center_seeded"
_EMBED_IN_REQUEST = 200
"""Up to this many published articles, the first question waits for the embeddings."""


def category_slug(category: str) -> str:
    return _NON_SLUG.sub("-", fold(category)).strip("-")


def starter_folder() -> Path:
    return Path(str(resources.files("help_center") / "content"))


def _as_article(row: dict) -> Article:
    return Article(
        title=row["title"], slug=row["slug"], lang=row["lang"], category=row["category"],
        tags=list(row["tags"] or []), translation=row["translation"], summary=row["summary"],
        body_markdown=row["body_markdown"],
    )  # fmt: skip


class HelpCenter:
    """One per server. Reads are served from the index and a render cache; writes go to the
    database first and then rebuild the index."""

    def __init__(self, db: Database, base_url: str):
        self._db = db
        self._base_url = base_url.rstrip("/")
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._assist: AssistEngine | None = None
        self._assist_lock = threading.Lock()
        self._generation = 0
        self._assist_lexical: tuple[int, AssistEngine] | None = None
        self._rendered: dict[tuple[str, str, str], str] = {}

    # -- content ---------------------------------------------------------------------------
    def ensure_starter_content(self) -> int:
        """Import the bundled starter articles once, into a store that has none (a merchant who
        later deletes them all does not get them back)."""
        if self._db.read(lambda cur: settings_store.get(cur, _SEEDED)) or self._db.read(
            articles.count
        ):
            return 0
        imported = self.import_articles(load_articles(starter_folder()), SYSTEM).imported
        self._db.write(lambda w: settings_store.put(w, _SEEDED, {"done": True}, SYSTEM, utcnow()))
        return imported

    def import_articles(self, items: list[Article], actor: Actor) -> ImportReport:
        def write(w) -> int:
            at = utcnow()
            for article in items:
                fields = article.model_dump(exclude={"path"})
                articles.upsert(w, {**fields, "status": "published"}, actor, at)
            return len(items)

        imported = self._db.write(write)
        self.rebuild()
        return ImportReport(imported=imported, errors=[])

    def import_archive(self, data: bytes, agent: Agent) -> ImportReport:
        """A .tar.gz (or .tar) of Markdown files, as `export_archive` writes them."""
        parsed: list[Article] = []
        errors: list[str] = []
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
                for member in tar.getmembers():
                    if not member.isfile() or not member.name.endswith(".md"):
                        continue
                    if Path(member.name).name.lower() == "readme.md":
                        continue
                    text = tar.extractfile(member).read().decode("utf-8", errors="replace")
                    try:
                        parsed.append(parse_article(text, source=member.name))
                    except ArticleError as exc:
                        errors.append(str(exc))
        except tarfile.TarError as exc:
            raise Invalid("error.help_archive", detail=str(exc)) from exc
        report = self.import_articles(parsed, Actor("agent", agent.id))
        return ImportReport(imported=report.imported, errors=errors)

    def export_archive(self) -> bytes:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for row in self._db.read(lambda cur: articles.all_articles(cur, published_only=False)):
                text = dump_article(_as_article(row)).encode("utf-8")
                info = tarfile.TarInfo(f"{row['lang']}/{row['slug']}.md")
                info.size = len(text)
                tar.addfile(info, io.BytesIO(text))
        return buffer.getvalue()

    def rebuild(self) -> None:
        rows = self._db.read(lambda cur: articles.all_articles(cur, published_only=True))
        index = SearchIndex.build([_as_article(r) for r in rows])
        with self._lock:
            self._index = index
            self._assist = None  # rebuilt on the next question, from the new articles
            self._generation += 1
            self._rendered.clear()

    def _search_index(self) -> SearchIndex:
        if self._index is None:
            self.rebuild()
        return self._index

    # -- customers -------------------------------------------------------------------------
    def url(self, lang: str, slug: str) -> str:
        return f"{self._base_url}/help/{lang}/{slug}"

    def search(self, query: str, lang: str, source: str, limit: int = 5) -> HelpSearchResults:
        query = query.strip()[:200]
        hits = self._search_index().search(query, lang, limit=limit) if query else []
        rows = {
            (r["lang"], r["slug"]): r
            for r in self._db.read(lambda cur: articles.all_articles(cur, published_only=True))
        }
        results = [
            HelpSearchResult(
                slug=h.slug, lang=h.lang, title=h.title,
                summary=(rows.get((h.lang, h.slug)) or {}).get("summary"),
                url=self.url(h.lang, h.slug),
            )
            for h in hits
            if (h.lang, h.slug) in rows
        ]  # fmt: skip
        query_id = None
        if query:
            query_id = self._db.write(
                lambda w: articles.record_search(w, source, lang, query, len(results), utcnow())
            )
        return HelpSearchResults(query_id=query_id, results=results)

    def assist(self, query: str, lang: str | None) -> AssistAnswer:
        """Answer a customer's question from the published articles, or hand it off."""
        return self._assist_engine().answer(query.strip(), lang)

    def _assist_engine(self) -> AssistEngine:
        # Built on the first question (it loads the embedding model), not at start-up. A
        # large help center takes minutes to embed: it is built in the background while a
        # BM25F-only engine (built in a blink) answers.
        with self._assist_lock:
            if self._assist is not None:
                return self._assist
            generation = self._generation
            if self._assist_lexical is not None and self._assist_lexical[0] == generation:
                return self._assist_lexical[1]  # the embeddings are still being built
            rows = self._db.read(lambda cur: articles.all_articles(cur, published_only=True))
            items = [_as_article(r) for r in rows]
            if len(items) <= _EMBED_IN_REQUEST:
                return self._keep(AssistEngine(items, link=self.url), generation)
            lexical = AssistEngine(items, link=self.url, mode="lexical")
            self._assist_lexical = (generation, lexical)
            threading.Thread(
                target=lambda: self._keep(AssistEngine(items, link=self.url), generation),
                name="assist-embed", daemon=True,
            ).start()  # fmt: skip
            return lexical

    def _keep(self, engine: AssistEngine, generation: int) -> AssistEngine:
        with self._lock:
            if generation == self._generation:  # else articles changed meanwhile
                self._assist = engine
        return engine

    def clicked(self, search_id: int, slug: str) -> None:
        self._db.write(lambda w: articles.search_clicked(w, search_id, slug[:200]))

    def led_to_chat(self, search_id: int) -> None:
        self._db.write(lambda w: articles.search_led_to_chat(w, search_id))

    def published(self, lang: str) -> list[dict]:
        rows = self._db.read(lambda cur: articles.all_articles(cur, published_only=True))
        return [r for r in rows if r["lang"] == lang]

    def article(self, lang: str, slug: str, *, count_view: bool = True) -> ArticlePublic:
        row = self._db.read(lambda cur: articles.by_slug(cur, lang, slug))
        if row is None or row["status"] != "published":
            raise NotFound("error.article_not_found")
        if count_view:
            self._db.write(lambda w: articles.count_view(w, row["id"]))
        return ArticlePublic(
            slug=row["slug"], lang=row["lang"], title=row["title"], category=row["category"],
            category_slug=category_slug(row["category"]), summary=row["summary"],
            html=self.render(row), translation_slug=row["translation"],
            url=self.url(row["lang"], row["slug"]), updated_at=row["updated_at"],
        )  # fmt: skip

    def render(self, row: dict) -> str:
        key = (row["lang"], row["slug"], str(row["updated_at"]))
        with self._lock:
            cached = self._rendered.get(key)
        if cached is None:
            cached = render_markdown(row["body_markdown"])
            with self._lock:
                self._rendered[key] = cached
        return cached

    def feedback(self, lang: str, slug: str, helpful: bool) -> None:
        row = self._db.read(lambda cur: articles.by_slug(cur, lang, slug))
        if row is None:
            raise NotFound("error.article_not_found")
        self._db.write(lambda w: articles.count_feedback(w, row["id"], helpful))

    # -- merchants -------------------------------------------------------------------------
    def admin_list(self) -> list[ArticleAdmin]:
        rows = self._db.read(lambda cur: articles.all_articles(cur, published_only=False))
        return [ArticleAdmin.model_validate(r) for r in rows]

    def save(self, agent: Agent, data: ArticleEdit, article_id: int | None = None) -> ArticleAdmin:
        try:
            checked = Article(**data.model_dump(exclude={"status"}))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise Invalid("error.validation", detail=f"{err['loc'][0]}: {err['msg']}") from exc
        fields = {**checked.model_dump(exclude={"path"}), "status": data.status}
        actor = Actor("agent", agent.id)

        def write(w: Writer) -> int | None:
            # Checked in the write itself: a slug taken in between is still a 409.
            owner = articles.slug_owner(w.cur, fields["lang"], fields["slug"])
            if owner is not None and owner != article_id:
                raise Conflict("error.article_slug_taken", lang=fields["lang"],
                               slug=fields["slug"])  # fmt: skip
            if article_id is None:
                return articles.upsert(w, fields, actor, utcnow())
            return article_id if articles.update(w, article_id, fields, actor, utcnow()) else None

        new_id = self._db.write(write)
        if new_id is None:
            raise NotFound("error.article_not_found")
        self.rebuild()
        return ArticleAdmin.model_validate(self._db.read(lambda cur: articles.by_id(cur, new_id)))

    def delete(self, agent: Agent, article_id: int) -> None:
        if not self._db.write(
            lambda w: articles.delete(w, article_id, Actor("agent", agent.id), utcnow())
        ):
            raise NotFound("error.article_not_found")
        self.rebuild()

    def gaps(self) -> list[SearchGap]:
        return [SearchGap.model_validate(g) for g in self._db.read(articles.gaps)]
