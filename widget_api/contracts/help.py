"""Help-center contracts: public search and articles, and the merchant's editing tools."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.common import JsonBool, JsonInt, Language, UtcDateTime


class HelpSearchResult(BaseModel):
    slug: str
    lang: Language
    title: str
    summary: str | None
    url: str


class HelpSearchResults(BaseModel):
    query_id: int | None = Field(description="Pass back on click, feedback or chat (gap stats).")
    results: list[HelpSearchResult]


class SearchClick(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(min_length=1, max_length=200)


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    helpful: JsonBool
    query_id: JsonInt | None = None


class ArticlePublic(BaseModel):
    slug: str
    lang: Language
    title: str
    category: str
    category_slug: str
    summary: str | None
    html: str = Field(description="Rendered and sanitised.")
    translation_slug: str | None
    url: str
    updated_at: UtcDateTime


class ArticleEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=120)
    lang: Language
    category: str = Field(min_length=1, max_length=120)
    tags: list[str] = Field(default_factory=list, max_length=50)
    translation: str | None = None
    summary: str | None = Field(None, max_length=500)
    body_markdown: str = Field(min_length=1, max_length=100_000)
    status: str = Field("draft", pattern="^(draft|published)$")


class ArticleAdmin(BaseModel):
    id: int
    slug: str
    lang: Language
    title: str
    category: str
    tags: list[str]
    translation: str | None
    summary: str | None
    body_markdown: str
    status: str
    views: int
    helpful: int
    not_helpful: int
    updated_at: UtcDateTime


class Preview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_markdown: str = Field(max_length=100_000)


class PreviewHtml(BaseModel):
    html: str


class ImportReport(BaseModel):
    imported: int
    errors: list[str]


class SearchGap(BaseModel):
    lang: str
    query: str
    searches: int
    no_result: int
    no_click: int
    opened_chat: int
    last_seen: UtcDateTime
