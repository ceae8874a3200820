"""CSAT: the one-click rating page (no JavaScript) and the widget's rating endpoint."""

from __future__ import annotations

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.common import ErrorBody
from widget_api.domain import conversations, csat, store, widget
from widget_api.domain.errors import Invalid
from widget_api.domain.untrusted import ascii_int
from widget_api.i18n import t
from widget_api.routes.guards import json_body, public_rate_limit
from widget_api.storage import tickets


class Rating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)


class RatingForm(BaseModel):
    score: str = ""
    comment: str = ""


def _secret(state: State) -> str:
    return state.settings.security.secret_key.get_secret_value()


def _context(state: State, request: Request, token: str, ticket_id: int, **context) -> dict:
    lang = state.db.read(lambda cur: tickets.fields(cur, ticket_id, "language"))[0]
    return {
        "lang": lang, "other": "en" if lang == "fr" else "fr", "alternate": None,
        "store": store.get(state.db, state.settings).name,
        "colour": widget.settings(state.db).color, "base": "/help",
        "path": request.url.path, "token": token,
        "tr": lambda key, **kw: t(f"help.{key}", lang, **kw),
        "ctr": lambda key, **kw: t(f"csat.{key}", lang, **kw), **context,
    }  # fmt: skip


def _page(state: State, request: Request, token: str, ticket_id: int, **context) -> Template:
    """The rating form, or (409) why this ticket cannot be rated now."""
    unsolved = not csat.rateable(state.db, ticket_id)
    return Template(
        template_name="csat/page.html",
        context=_context(state, request, token, ticket_id, unsolved=unsolved, **context),
        status_code=409 if unsolved else 200,
    )


def _not_rateable(request: Request, _: csat.NotRateable) -> Response:
    """The ticket was reopened between showing the form and sending it: say so on the page."""
    state = request.app.state
    token = request.path_params["token"]
    ticket_id = csat.ticket_for_token(_secret(state), token)
    context = _context(state, request, token, ticket_id, unsolved=True, score=None, saved=False)
    html = request.app.template_engine.get_template("csat/page.html").render(**context)
    return Response(html, media_type=MediaType.HTML, status_code=409)


# GET and POST live on different paths: Litestar wraps a sync_to_thread handler twice when two
# of them share one path, and the second wrapper is never awaited.
@get("/csat/{token:str}", include_in_schema=False, guards=[public_rate_limit],
     opt={"rate_bucket": "csat"}, sync_to_thread=True)  # fmt: skip
def csat_page(
    state: State, request: Request, token: FromPath[str], score: FromQuery[int | None] = None
) -> Template:
    """The rating page with the link's score preselected. It records nothing: mail scanners and
    link previews fetch every link, so only the form's POST rates."""
    ticket_id = csat.ticket_for_token(_secret(state), token)
    chosen = score if score in csat.SCORES else None
    return _page(state, request, token, ticket_id, score=chosen, saved=False)


@post("/csat/{token:str}/rate", include_in_schema=False, guards=[public_rate_limit],
      opt={"rate_bucket": "csat"}, sync_to_thread=True, status_code=200,
      exception_handlers={csat.NotRateable: _not_rateable})  # fmt: skip
def csat_form(
    state: State,
    request: Request,
    token: FromPath[str],
    data: URLEncodedBody[RatingForm],
) -> Template:
    ticket_id = csat.ticket_for_token(_secret(state), token)
    score = ascii_int(data.score)
    if score not in csat.SCORES:
        raise Invalid("error.validation", detail="score: 1 to 5")
    csat.rate(state.db, ticket_id, score, data.comment)
    return _page(state, request, token, ticket_id, score=score, saved=True)


@post("/api/v1/conversations/{token:str}/csat", operation_id="RateConversation",
      tags=["public"], status_code=204, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "csat"}, sync_to_thread=True,
      responses={409: ResponseSpec(ErrorBody, description="Not solved.")})  # fmt: skip
def rate_conversation(state: State, token: FromPath[str], data: JSONBody[Rating]) -> None:
    """Rate a solved conversation from the widget (1–5, optional comment)."""
    csat.rate(state.db, conversations.ticket_id_for_token(state.db, token), data.score,
              data.comment)  # fmt: skip


HANDLERS = [csat_page, csat_form, rate_conversation]
