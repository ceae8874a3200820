"""Server-rendered help-center pages: they work without JavaScript, in French and English."""

from __future__ import annotations

from collections import defaultdict

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel

from widget_api.domain import store, widget
from widget_api.domain.errors import NotFound
from widget_api.domain.help import category_slug
from widget_api.i18n import negotiate, t
from widget_api.routes.guards import public_rate_limit
from widget_api.routes.params import OptionalId


class FeedbackForm(BaseModel):
    helpful: str


def _page(
    state: State, request: Request, lang: str, template: str, /, status: int = 200, **context
) -> Template:
    # Positional-only: any context key (a category's ``name``) is free to use.
    if lang not in ("fr", "en"):
        raise NotFound("error.not_found")
    shop = store.get(state.db, state.settings)
    colour = widget.settings(state.db).color
    other = "en" if lang == "fr" else "fr"
    return Template(
        template_name=f"help/{template}.html",
        context={
            "lang": lang, "other": other, "store": shop.name, "colour": colour,
            "tr": lambda key, **kw: t(f"help.{key}", lang, **kw), "base": "/help",
            "path": request.url.path, **context,
        },  # security headers: widget_api/security_headers.py, for every HTML answer
        status_code=status,
    )  # fmt: skip


def wants_page(request: Request) -> bool:
    """A browser asking for a help-center address (API clients keep their JSON errors)."""
    path = request.url.path
    accepts = request.headers.get("accept", "")
    return (path == "/help" or path.startswith("/help/")) and "text/html" in accepts


def not_found_page(request: Request) -> Template:
    """The help center's "page not found", in the language of the address (else the
    browser's), with the way back in both languages."""
    parts = request.url.path.split("/")
    lang = parts[2] if len(parts) > 2 and parts[2] in ("fr", "en") else None
    lang = lang or negotiate(request.headers.get("accept-language"))
    return _page(request.app.state, request, lang, "not_found", status=404, alternate=None)


@get("/help", include_in_schema=False)
async def help_root(request: Request) -> Redirect:
    return Redirect(f"/help/{negotiate(request.headers.get('accept-language'))}")


@get("/help/{lang:str}", include_in_schema=False, sync_to_thread=True)
def help_home(state: State, request: Request, lang: FromPath[str]) -> Template:
    rows = state.help.published(lang) if lang in ("fr", "en") else []
    categories: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        categories[row["category"]].append(row)
    listing = [
        {"name": name, "slug": category_slug(name), "articles": items}
        for name, items in sorted(categories.items())
    ]
    return _page(state, request, lang, "home", categories=listing,
                 alternate=f"/help/{'en' if lang == 'fr' else 'fr'}")  # fmt: skip


@get("/help/{lang:str}/c/{category:str}", include_in_schema=False, sync_to_thread=True)
def help_category(
    state: State, request: Request, lang: FromPath[str], category: FromPath[str]
) -> Template:
    rows = [r for r in state.help.published(lang) if category_slug(r["category"]) == category]
    if not rows:
        raise NotFound("error.not_found")
    return _page(state, request, lang, "category", name=rows[0]["category"], articles=rows,
                 alternate=None)  # fmt: skip


@get("/help/{lang:str}/search", include_in_schema=False, guards=[public_rate_limit],
     opt={"rate_bucket": "help", "rate_limit": 240}, sync_to_thread=True)  # fmt: skip
def help_search_page(
    state: State, request: Request, lang: FromPath[str], q: FromQuery[str] = ""
) -> Template:
    found = state.help.search(q, lang, "help_center", limit=10) if lang in ("fr", "en") else None
    return _page(state, request, lang, "search", q=q, results=found.results if found else [],
                 query_id=found.query_id if found else None, alternate=None)  # fmt: skip


@get("/help/{lang:str}/{slug:str}", include_in_schema=False, sync_to_thread=True)
def help_article_page(
    state: State,
    request: Request,
    lang: FromPath[str],
    slug: FromPath[str],
    thanks: FromQuery[bool] = False,
    q: OptionalId = None,
) -> Template:
    article = state.help.article(lang, slug) if lang in ("fr", "en") else None
    if article is None:
        raise NotFound("error.not_found")
    if q is not None:
        state.help.clicked(q, slug)
    alternate = (
        f"/help/{'en' if lang == 'fr' else 'fr'}/{article.translation_slug}"
        if (article.translation_slug)
        else None
    )
    return _page(state, request, lang, "article", article=article, thanks=thanks,
                 alternate=alternate)  # fmt: skip


@post("/help/{lang:str}/{slug:str}/feedback", include_in_schema=False,
      guards=[public_rate_limit], opt={"rate_bucket": "help"}, sync_to_thread=True)  # fmt: skip
def help_feedback_form(
    state: State,
    lang: FromPath[str],
    slug: FromPath[str],
    data: URLEncodedBody[FeedbackForm],
) -> Redirect:
    state.help.feedback(lang, slug, data.helpful == "yes")
    return Redirect(f"/help/{lang}/{slug}?thanks=true", status_code=303)


HANDLERS = [help_root, help_home, help_category, help_search_page, help_article_page,
            help_feedback_form]  # fmt: skip
