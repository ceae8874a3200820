"""Help-center JSON API: public search and articles (for the widget), merchant editing."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from help_center.render import render_markdown
from widget_api.contracts.help import (
    ArticleAdmin,
    ArticleEdit,
    ArticlePublic,
    Feedback,
    HelpSearchResults,
    ImportReport,
    Preview,
    PreviewHtml,
    SearchClick,
    SearchGap,
)
from widget_api.domain.errors import Invalid
from widget_api.routes.guards import admin_required, agent_required, json_body, public_rate_limit
from widget_api.routes.params import limit_param
from widget_api.routes.uploads import FileBody, one_file

_PUBLIC = ["help"]
_ADMIN = ["help admin"]


def _lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise Invalid("error.validation", detail="lang: fr or en")
    return lang


@get("/api/v1/help/search", operation_id="HelpSearch", tags=_PUBLIC, guards=[public_rate_limit],
     opt={"rate_bucket": "help", "rate_limit": 240}, sync_to_thread=True)  # fmt: skip
def help_search(
    state: State,
    q: FromQuery[str] = "",
    lang: FromQuery[str] = "fr",
    limit: Annotated[int, limit_param(10)] = 5,
) -> HelpSearchResults:
    """Articles for what the customer typed (French or English, typos and synonyms welcome)."""
    return state.help.search(q, _lang(lang), "widget", limit)


@post("/api/v1/help/searches/{search_id:int}/click", operation_id="HelpSearchClick",
      tags=_PUBLIC, status_code=204, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "help", "rate_limit": 240}, sync_to_thread=True)  # fmt: skip
def help_search_click(state: State, search_id: FromPath[int], data: JSONBody[SearchClick]) -> None:
    state.help.clicked(search_id, data.slug)


@get("/api/v1/help/articles/{lang:str}/{slug:str}", operation_id="HelpArticle", tags=_PUBLIC,
     guards=[public_rate_limit], opt={"rate_bucket": "help", "rate_limit": 240},
     sync_to_thread=True)  # fmt: skip
def help_article(state: State, lang: FromPath[str], slug: FromPath[str]) -> ArticlePublic:
    """One published article, rendered and sanitised."""
    return state.help.article(_lang(lang), slug)


@post("/api/v1/help/articles/{lang:str}/{slug:str}/feedback", operation_id="HelpFeedback",
      tags=_PUBLIC, status_code=204, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "help"}, sync_to_thread=True)  # fmt: skip
def help_feedback(
    state: State, lang: FromPath[str], slug: FromPath[str], data: JSONBody[Feedback]
) -> None:
    """Was this helpful?"""
    state.help.feedback(_lang(lang), slug, data.helpful)


# -- merchants ------------------------------------------------------------------------------------
@get("/api/v1/help/admin/articles", operation_id="ListArticles", tags=_ADMIN,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def list_articles(state: State) -> list[ArticleAdmin]:
    """Every article, drafts included, with views and helpful votes."""
    return state.help.admin_list()


@post("/api/v1/help/admin/articles", operation_id="CreateArticle", tags=_ADMIN, status_code=201,
      guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def create_article(state: State, request: Request, data: JSONBody[ArticleEdit]) -> ArticleAdmin:
    return state.help.save(request.state.agent, data)


@put("/api/v1/help/admin/articles/{article_id:int}", operation_id="UpdateArticle", tags=_ADMIN,
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def update_article(
    state: State, request: Request, article_id: FromPath[int], data: JSONBody[ArticleEdit]
) -> ArticleAdmin:
    """Edit, publish (status "published") or unpublish (status "draft")."""
    return state.help.save(request.state.agent, data, article_id)


@delete("/api/v1/help/admin/articles/{article_id:int}", operation_id="DeleteArticle",
        tags=_ADMIN, guards=[admin_required], sync_to_thread=True)  # fmt: skip
def delete_article(state: State, request: Request, article_id: FromPath[int]) -> None:
    state.help.delete(request.state.agent, article_id)


@post("/api/v1/help/admin/preview", operation_id="PreviewArticle", tags=_ADMIN, status_code=200,
      guards=[agent_required, json_body], sync_to_thread=True)  # fmt: skip
def preview_article(data: JSONBody[Preview]) -> PreviewHtml:
    """The Markdown as customers will see it (rendered and sanitised)."""
    return PreviewHtml(html=render_markdown(data.body_markdown))


@get("/api/v1/help/admin/export", operation_id="ExportArticles", tags=_ADMIN,
     guards=[agent_required], media_type="application/gzip", sync_to_thread=True)  # fmt: skip
def export_articles(state: State) -> Response[bytes]:
    """Every article as Markdown with front matter, in a .tar.gz (fr/ and en/ folders)."""
    return Response(
        state.help.export_archive(),
        media_type="application/gzip",
        headers={"Content-Disposition": 'attachment; filename="help-center.tar.gz"'},
    )


@post("/api/v1/help/admin/import", operation_id="ImportArticles", tags=_ADMIN, status_code=200,
      guards=[admin_required], request_max_body_size=20_000_000,
      before_request=one_file)  # fmt: skip
async def import_articles(state: State, request: Request, data: FileBody) -> ImportReport:
    """Import a .tar.gz of Markdown articles; same language and slug replace the existing one."""
    return state.help.import_archive(await data.data.read(), request.state.agent)


@get("/api/v1/help/admin/gaps", operation_id="HelpGaps", tags=_ADMIN, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def help_gaps(state: State) -> list[SearchGap]:
    """Searches that found nothing useful (no result, no click, or a chat right after)."""
    return state.help.gaps()


HANDLERS = [
    help_search, help_search_click, help_article, help_feedback, list_articles, create_article,
    update_article, delete_article, preview_article, export_articles, import_articles, help_gaps,
]  # fmt: skip
