"""CSAT: the one-click rating page (no JavaScript) and the widget's rating endpoint."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from pydantic import BaseModel, ConfigDict, Field

from widget_api.domain import conversations, csat, store, widget
from widget_api.domain.errors import Invalid
from widget_api.i18n import t
from widget_api.routes.guards import json_body, public_rate_limit
from widget_api.routes.help_pages import CSP
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


def _page(state: State, request: Request, token: str, ticket_id: int, **context) -> Template:
    lang = state.db.read(lambda cur: tickets.fields(cur, ticket_id, "language"))[0]
    return Template(
        template_name="csat/page.html",
        context={
            "lang": lang, "other": "en" if lang == "fr" else "fr", "alternate": None,
            "store": store.get(state.db, state.settings).name,
            "colour": widget.settings(state.db).color, "base": "/help",
            "path": request.url.path, "token": token,
            "tr": lambda key, **kw: t(f"help.{key}", lang, **kw),
            "ctr": lambda key, **kw: t(f"csat.{key}", lang, **kw), **context,
        },
        headers={"Content-Security-Policy": CSP},
    )  # fmt: skip


# GET and POST live on different paths: Litestar wraps a sync_to_thread handler twice when two
# of them share one path, and the second wrapper is never awaited.
@get("/csat/{token:str}", include_in_schema=False, guards=[public_rate_limit],
     opt={"rate_bucket": "csat"}, sync_to_thread=True)  # fmt: skip
def csat_page(state: State, request: Request, token: str, score: int | None = None) -> Template:
    """One click from the e-mail or chat link records the score; a comment can follow."""
    ticket_id = csat.ticket_for_token(_secret(state), token)
    if score is not None:
        if score not in csat.SCORES:
            raise Invalid("error.validation", detail="score: 1 to 5")
        csat.rate(state.db, ticket_id, score, None)
    return _page(state, request, token, ticket_id, score=score, saved=False)


@post("/csat/{token:str}/rate", include_in_schema=False, guards=[public_rate_limit],
      opt={"rate_bucket": "csat"}, sync_to_thread=True, status_code=200)  # fmt: skip
def csat_form(
    state: State,
    request: Request,
    token: str,
    data: RatingForm = Body(media_type=RequestEncodingType.URL_ENCODED),  # noqa: B008
) -> Template:
    ticket_id = csat.ticket_for_token(_secret(state), token)
    if not data.score.isdigit() or int(data.score) not in csat.SCORES:
        raise Invalid("error.validation", detail="score: 1 to 5")
    csat.rate(state.db, ticket_id, int(data.score), data.comment)
    return _page(state, request, token, ticket_id, score=int(data.score), saved=True)


@post("/api/v1/conversations/{token:str}/csat", operation_id="RateConversation",
      tags=["public"], status_code=204, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "csat"}, sync_to_thread=True)  # fmt: skip
def rate_conversation(state: State, token: str, data: Rating) -> None:
    """Rate a solved conversation from the widget (1–5, optional comment)."""
    csat.rate(state.db, conversations.ticket_id_for_token(state.db, token), data.score,
              data.comment)  # fmt: skip


HANDLERS = [csat_page, csat_form, rate_conversation]
