"""Help-center articles, their counters, and the searches made on them."""

from __future__ import annotations

from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts, one

_COLUMNS = (
    "id, slug, lang, title, category, tags, translation, summary, body_markdown, status, views,"
    " helpful, not_helpful, created_at, updated_at"
)
_EDITABLE = ("slug", "lang", "title", "category", "tags", "translation", "summary",
             "body_markdown", "status")  # fmt: skip


def count(cur: Cursor) -> int:
    return cur.execute("SELECT count(*) FROM articles").fetchone()[0]


def slug_owner(cur: Cursor, lang: str, slug: str) -> int | None:
    """The id of the article with this language and slug (they are unique together)."""
    row = cur.execute(
        "SELECT id FROM articles WHERE lang = ? AND slug = ?", [lang, slug]
    ).fetchone()
    return row[0] if row else None


def upsert(w: Writer, fields: dict, actor: Actor, at: datetime) -> int:
    """Insert, or replace the article with the same language and slug; return its id."""
    found = w.cur.execute(
        "SELECT id FROM articles WHERE lang = ? AND slug = ?", [fields["lang"], fields["slug"]]
    ).fetchone()
    values = [fields.get(col) for col in _EDITABLE]
    if found:
        sets = ", ".join(f"{col} = ?" for col in _EDITABLE)
        w.cur.execute(f"UPDATE articles SET {sets}, updated_at = ? WHERE id = ?",
                      [*values, at, found[0]])  # fmt: skip
        article_id, name = found[0], ev.ARTICLE_UPDATED
    else:
        article_id, name = w.next_id("articles"), ev.ARTICLE_CREATED
        w.cur.execute(
            f"INSERT INTO articles (id, {', '.join(_EDITABLE)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' for _ in _EDITABLE)}, ?, ?)",
            [article_id, *values, at, at],
        )
    append(w, name=name, actor=actor, entity_type="article", entity_id=article_id, at=at,
           after={"slug": fields["slug"], "lang": fields["lang"],
                  "status": fields.get("status")})  # fmt: skip
    return article_id


def update(w: Writer, article_id: int, fields: dict, actor: Actor, at: datetime) -> bool:
    if not w.cur.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone():
        return False
    sets = ", ".join(f"{col} = ?" for col in fields)
    w.cur.execute(f"UPDATE articles SET {sets}, updated_at = ? WHERE id = ?",
                  [*fields.values(), at, article_id])  # fmt: skip
    append(w, name=ev.ARTICLE_UPDATED, actor=actor, entity_type="article", entity_id=article_id,
           at=at, after={k: v for k, v in fields.items() if k != "body_markdown"})  # fmt: skip
    return True


def delete(w: Writer, article_id: int, actor: Actor, at: datetime) -> bool:
    row = w.cur.execute("SELECT slug, lang FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return False
    w.cur.execute("DELETE FROM articles WHERE id = ?", [article_id])
    append(w, name=ev.ARTICLE_DELETED, actor=actor, entity_type="article", entity_id=article_id,
           at=at, before={"slug": row[0], "lang": row[1]})  # fmt: skip
    return True


def all_articles(cur: Cursor, *, published_only: bool) -> list[dict]:
    where = "WHERE status = 'published'" if published_only else ""
    cur.execute(f"SELECT {_COLUMNS} FROM articles {where} ORDER BY lang, category, title")
    return dicts(cur)


def by_slug(cur: Cursor, lang: str, slug: str) -> dict | None:
    cur.execute(f"SELECT {_COLUMNS} FROM articles WHERE lang = ? AND slug = ?", [lang, slug])
    return one(cur)


def by_id(cur: Cursor, article_id: int) -> dict | None:
    cur.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", [article_id])
    return one(cur)


def count_view(w: Writer, article_id: int) -> None:
    w.cur.execute("UPDATE articles SET views = views + 1 WHERE id = ?", [article_id])


def count_feedback(w: Writer, article_id: int, helpful: bool) -> None:
    column = "helpful" if helpful else "not_helpful"
    w.cur.execute(f"UPDATE articles SET {column} = {column} + 1 WHERE id = ?", [article_id])


def record_search(w: Writer, source: str, lang: str, query: str, results: int, at: datetime) -> int:
    search_id = w.next_id("help_searches")
    w.cur.execute(
        "INSERT INTO help_searches (id, occurred_at, source, lang, query, result_count)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [search_id, at, source, lang, query, results],
    )
    return search_id


def search_clicked(w: Writer, search_id: int, slug: str) -> None:
    w.cur.execute("UPDATE help_searches SET clicked_slug = ? WHERE id = ?", [slug, search_id])


def search_led_to_chat(w: Writer, search_id: int) -> None:
    w.cur.execute("UPDATE help_searches SET opened_chat = TRUE WHERE id = ?", [search_id])


def gaps(cur: Cursor, limit: int = 50) -> list[dict]:
    """Searches that found nothing useful: no result, no click, or a chat opened right after."""
    cur.execute(
        "SELECT lang, lower(trim(query)) AS query, count(*) AS searches,"
        " count(*) FILTER (WHERE result_count = 0) AS no_result,"
        " count(*) FILTER (WHERE clicked_slug IS NULL) AS no_click,"
        " count(*) FILTER (WHERE opened_chat) AS opened_chat, max(occurred_at) AS last_seen"
        " FROM help_searches WHERE result_count = 0 OR clicked_slug IS NULL OR opened_chat"
        " GROUP BY 1, 2 ORDER BY searches DESC, last_seen DESC LIMIT ?",
        [limit],
    )
    return dicts(cur)
