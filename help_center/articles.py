"""Help-center articles: Markdown files with YAML front matter.

An article file looks like::

    ---
    title: Suivre ma commande
    slug: suivre-ma-commande
    lang: fr
    category: Livraison
    tags: [suivi, numéro de suivi]
    translation: track-my-order
    summary: Où trouver votre numéro de suivi.
    ---

    ## Où trouver mon numéro de suivi?
    ...

`title`, `slug`, `lang` and `category` are required; `tags`, `translation` and `summary` are
optional. `load_articles` reads a folder (recursively), `parse_article` reads one text, and
`dump_article` writes an article back to the same format, so content can be imported into the
database and exported again without loss.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import frontmatter
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = (
    "LANGUAGES",
    "Article",
    "ArticleError",
    "dump_article",
    "load_article",
    "load_articles",
    "parse_article",
    "translation_problems",
)

logger = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("fr", "en")
"""Languages an article can be written in."""

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
FRONT_MATTER_KEYS = ("title", "slug", "lang", "category", "tags", "translation", "summary")
IGNORED_FILE_NAMES = frozenset({"readme.md"})
"""Files that document a content folder rather than being articles."""


class ArticleError(ValueError):
    """An article file cannot be read: the message names the file and the problem."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class Article(BaseModel):
    """One help-center article in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, description="Title shown to customers.")
    slug: str = Field(pattern=SLUG_PATTERN, description="URL-safe id, unique within a language.")
    lang: Literal["fr", "en"] = Field(description="Language of the article.")
    category: str = Field(min_length=1, description="Category shown in the help-center menu.")
    tags: list[str] = Field(default_factory=list, description="Search keywords and phrases.")
    translation: str | None = Field(
        default=None,
        pattern=SLUG_PATTERN,
        description="Slug of the same article in the other language, if any.",
    )
    summary: str | None = Field(default=None, description="One-sentence description.")
    body_markdown: str = Field(min_length=1, description="Article body, Markdown.")
    path: Path | None = Field(
        default=None, exclude=True, description="File the article was read from, if any."
    )

    @field_validator("title", "category", "summary", "body_markdown", mode="before")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if isinstance(value, str) else value

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, tags: list[str]) -> list[str]:
        cleaned = [tag.strip() for tag in tags]
        if any(not tag for tag in cleaned):
            raise ValueError("tags must not be empty strings")
        return cleaned


def _describe(error: ValidationError) -> str:
    """Turn a pydantic error into one readable line naming each bad field."""
    parts = []
    for item in error.errors():
        field = ".".join(str(loc) for loc in item["loc"]) or "front matter"
        if field == "body_markdown":
            field = "body"
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """Describe a YAML error with its line number in the article file."""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"


def parse_article(
    text: str, *, source: str | Path = "<string>", path: Path | None = None
) -> Article:
    """Parse one article from its file text.

    Args:
        text: Markdown with a YAML front-matter block.
        source: Name used in error messages (a file path or "<string>").
        path: File path to record on the article.

    Raises:
        ArticleError: the front matter is missing, is not valid YAML, or has missing, unknown
            or invalid fields; or the body is empty.
    """
    if not text.lstrip("\ufeff").startswith("---"):
        raise ArticleError(source, "missing front matter (the file must start with a '---' line)")
    try:
        post = frontmatter.loads(text.lstrip("\ufeff"))
    except yaml.YAMLError as exc:
        raise ArticleError(source, f"front matter is not valid YAML: {_yaml_problem(exc)}") from exc
    metadata: dict[str, Any] = dict(post.metadata)
    if not metadata:
        raise ArticleError(
            source, "front matter is empty, is not a mapping of keys, or is not closed by '---'"
        )
    unknown = sorted(set(metadata) - set(FRONT_MATTER_KEYS))
    if unknown:
        raise ArticleError(source, f"unknown front matter key(s): {', '.join(unknown)}")
    missing = [key for key in ("title", "slug", "lang", "category") if metadata.get(key) is None]
    if missing:
        raise ArticleError(source, f"missing front matter key(s): {', '.join(missing)}")
    if not post.content.strip():
        raise ArticleError(source, "body is empty (write the article below the front matter)")
    if metadata.get("tags") is None:
        metadata.pop("tags", None)
    try:
        return Article(**metadata, body_markdown=post.content, path=path)
    except ValidationError as exc:
        raise ArticleError(source, _describe(exc)) from exc


def load_article(path: str | Path) -> Article:
    """Read one article file.

    Raises:
        ArticleError: the file cannot be read or is not a valid article.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(path, f"cannot read file ({exc})") from exc
    return parse_article(text, source=path, path=path)


def _article_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(folder))
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    return sorted(
        p for p in folder.rglob("*.md") if p.is_file() and p.name.lower() not in IGNORED_FILE_NAMES
    )


def load_articles(
    folder: str | Path,
    *,
    strict: bool = True,
    on_error: Callable[[ArticleError], None] | None = None,
) -> list[Article]:
    """Read every `*.md` article under `folder` (recursively), sorted by path.

    `README.md` files are skipped: they document a content folder.

    Args:
        folder: Folder to read.
        strict: If true, the first bad file raises. If false, bad files are skipped and each
            problem is passed to `on_error` (logged as a warning when `on_error` is None).
        on_error: Receives each skipped file's error in non-strict mode.

    Raises:
        ArticleError: in strict mode, a file is not a valid article, or two articles share a
            language and slug.
        OSError: the folder does not exist or cannot be listed (in both modes).
    """
    folder = Path(folder)
    report = on_error or (lambda error: logger.warning("skipped article %s", error))
    articles: list[Article] = []
    seen: dict[tuple[str, str], Path | None] = {}
    for path in _article_files(folder):
        try:
            article = load_article(path)
            key = (article.lang, article.slug)
            if key in seen:
                raise ArticleError(
                    path, f"slug {article.slug!r} ({article.lang}) is already used by {seen[key]}"
                )
        except ArticleError as error:
            if strict:
                raise
            report(error)
            continue
        seen[key] = path
        articles.append(article)
    return articles


def dump_article(article: Article) -> str:
    """Write an article back to Markdown with YAML front matter.

    `parse_article(dump_article(a))` equals `a` (apart from `path`).
    """
    metadata: dict[str, Any] = {
        "title": article.title,
        "slug": article.slug,
        "lang": article.lang,
        "category": article.category,
        "tags": list(article.tags),
    }
    if article.translation is not None:
        metadata["translation"] = article.translation
    if article.summary is not None:
        metadata["summary"] = article.summary
    front = yaml.safe_dump(
        metadata, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10_000
    )
    return f"---\n{front}---\n\n{article.body_markdown}\n"


def translation_problems(articles: Iterable[Article]) -> list[str]:
    """List broken translation links: missing targets, wrong language, or one-way links."""
    by_key = {(a.lang, a.slug): a for a in articles}
    problems = []
    for (lang, slug), article in sorted(by_key.items()):
        if article.translation is None:
            continue
        others = [other for other in LANGUAGES if other != lang]
        target = next(
            (
                by_key[(o, article.translation)]
                for o in others
                if (o, article.translation) in by_key
            ),
            None,
        )
        if target is None:
            problems.append(f"{lang}/{slug}: translation {article.translation!r} not found")
        elif target.translation != slug:
            problems.append(
                f"{lang}/{slug}: translation {target.lang}/{target.slug} does not link back"
            )
    return problems
