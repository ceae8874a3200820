"""Returns (RMA): the customer's self-service (public, rate-limited), the agents' dashboard and
receiving page, the store's return policy and the 3PL warehouse API (``X-Comptoir-3PL-Key``)."""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any

import anyio
from litestar import MediaType, Request, Response, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter
from pydantic import ValidationError

from widget_api.contracts.common import Page
from widget_api.contracts.returns import (
    AgentReturnCreate,
    Inspection,
    InTransit,
    PublicReturn,
    Receipt,
    Rejection,
    ReturnableOrder,
    ReturnCreated,
    ReturnDetail,
    ReturnKpis,
    ReturnLookup,
    ReturnOutcome,
    ReturnPolicy,
    ReturnQuery,
    ReturnRequest,
    ReturnSummary,
    Scan,
    ThreePlKey,
)
from widget_api.contracts.widget import Attachment
from widget_api.domain import auth
from widget_api.domain.errors import Invalid
from widget_api.domain.returns import InvalidTransition, PolicyRefused, ReturnsService
from widget_api.i18n import negotiate, t
from widget_api.routes.guards import admin_required, agent_required, json_body, public_rate_limit
from widget_api.routes.params import MAX_OFFSET, check_days, limit_param
from widget_api.routes.uploads import FileBody, one_file
from widget_api.storage.events import Actor

TPL_HEADER = "X-Comptoir-3PL-Key"
MAX_PHOTO = 5_000_000
_PUBLIC = ["returns-public"]
_AGENTS = ["returns"]
_TPL = ["3pl"]
_LOCK = threading.Lock()


def service(state: State) -> ReturnsService:
    """The server's returns desk (``app.state.returns``), made on first use if the lifespan did
    not make one."""
    found = state.get("returns")
    if found is None:
        with _LOCK:
            found = state.get("returns")
            if found is None:
                found = ReturnsService(state.db, state.settings)
                state.returns = found
    return found


def _lang(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"), default="fr")


def _refused(request: Request, exc: PolicyRefused) -> Response:
    """422 with the reason in the customer's language and how to reach an agent."""
    lang = exc.lang or _lang(request)
    reason = t(exc.key, lang, **exc.params)
    contact = t("returns.contact_agent", lang)
    return Response(
        {"status_code": 422, "detail": f"{reason} {contact}", "code": exc.code,
         "reason": reason, "contact_agent": contact},
        status_code=422, media_type=MediaType.JSON,
    )  # fmt: skip


def _conflict(request: Request, exc: InvalidTransition) -> Response:
    """409 naming the return's state and the refused step in the caller's language."""
    lang = exc.lang or _lang(request)
    params = {
        **exc.params,
        "state": t(f"returns.state.{exc.params['state']}", lang),
        "target": t(f"returns.state.{exc.params['target']}", lang),
    }
    return Response(
        {"status_code": 409, "detail": t(exc.key, lang, **params),
         "state": exc.params["state"], "refused": exc.params["target"]},
        status_code=409, media_type=MediaType.JSON,
    )  # fmt: skip


ERRORS: dict[Any, Any] = {PolicyRefused: _refused, InvalidTransition: _conflict}


def _agent_actor(request: Request) -> Actor:
    return Actor("agent", request.state.agent.id)


async def tpl_key_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The 3PL's key, checked against the stored hash; 401 when missing or wrong."""
    desk = service(connection.app.state)
    await anyio.to_thread.run_sync(desk.check_tpl_key, connection.headers.get(TPL_HEADER))


def _caller(state: State, request: Request, rma: str, token: str | None) -> Actor:
    """The customer (with the return token) or a signed-in agent (bearer)."""
    if token:
        return service(state).customer_actor(rma, token)
    agent = auth.agent_for_bearer(state.db, request.headers.get("authorization"))
    return Actor("agent", agent.id)


# -- customers ---------------------------------------------------------------------------------
@post("/api/v1/returns/lookup", operation_id="LookupReturnableOrder", tags=_PUBLIC,
      status_code=200, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "return_lookup", "rate_limit": 10}, exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def lookup_returnable(
    state: State, request: Request, data: JSONBody[ReturnLookup]
) -> ReturnableOrder:
    """The order's lines with the quantity still returnable, the exchange variants, and why a
    line (or the whole order) cannot be returned. A wrong number/e-mail pair is a plain 404."""
    return service(state).lookup(data, _lang(request))


@post("/api/v1/returns", operation_id="RequestReturn", tags=_PUBLIC, status_code=201,
      guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "return_request", "rate_limit": 10}, exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def request_return(state: State, request: Request, data: JSONBody[ReturnRequest]) -> ReturnCreated:
    """Ask for a return (order number + e-mail). A policy refusal answers 422 with ``code``,
    the reason in the customer's language and ``contact_agent``. Opens a ``web`` ticket."""
    hint = _lang(request) if request.headers.get("accept-language") else None
    return service(state).request(data, hint)


@get("/api/v1/returns/{rma:str}/status", operation_id="GetReturnStatus", tags=_PUBLIC,
     guards=[public_rate_limit], opt={"rate_bucket": "return_status", "rate_limit": 120},
     sync_to_thread=True)  # fmt: skip
def return_status(state: State, rma: FromPath[str], token: FromQuery[str]) -> PublicReturn:
    """The customer's view of a return (with the return token)."""
    return service(state).public_view(rma, token)


@post("/api/v1/returns/{rma:str}/photos", operation_id="UploadReturnPhoto", tags=_PUBLIC,
      status_code=201, guards=[public_rate_limit], opt={"rate_bucket": "upload",
      "rate_limit": 10}, request_max_body_size=MAX_PHOTO + 100_000,
      before_request=one_file)  # fmt: skip
async def upload_return_photo(
    state: State, rma: FromPath[str], token: FromQuery[str], data: FileBody
) -> Attachment:
    """A photo of the problem (PNG, JPEG or PDF, 5 MB at most; typed from the content)."""
    content = await data.data.read()
    return await anyio.to_thread.run_sync(
        service(state).add_photo, rma, token, data.data.filename or "photo", content
    )


@get("/api/v1/returns/{rma:str}/label.pdf", operation_id="ReturnLabel",
     tags=[*_PUBLIC, *_AGENTS], guards=[public_rate_limit],
     opt={"rate_bucket": "return_status", "rate_limit": 120}, exception_handlers=ERRORS,
     sync_to_thread=True)  # fmt: skip
def return_label(
    state: State,
    request: Request,
    rma: FromPath[str],
    token: Annotated[str | None, Parameter(description="The customer's return token.")] = None,
) -> Response[bytes]:
    """The printable label (PDF, RMA as a Code 128 barcode): for the customer with the return
    token, or for a signed-in agent."""
    _caller(state, request, rma, token)
    content, media, filename = service(state).label_pdf(rma)
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'inline; filename="{filename}"',
                 "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )  # fmt: skip


@post("/api/v1/returns/{rma:str}/cancel", operation_id="CancelReturn",
      tags=[*_PUBLIC, *_AGENTS], status_code=200, guards=[public_rate_limit],
      opt={"rate_bucket": "return_request", "rate_limit": 10}, exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def cancel_return(
    state: State,
    request: Request,
    rma: FromPath[str],
    token: Annotated[str | None, Parameter(description="The customer's return token.")] = None,
) -> PublicReturn | ReturnDetail:
    """Cancel before the parcel is received (409 afterwards): the customer with the return
    token, or an agent."""
    actor = _caller(state, request, rma, token)
    desk = service(state)
    detail = desk.cancel(rma, actor)
    return desk.public_view(rma, token) if token else detail


# -- agents: the dashboard ---------------------------------------------------------------------
@get("/api/v1/returns", operation_id="ListReturns", tags=_AGENTS, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def list_returns(
    state: State,
    return_state: Annotated[
        list[str] | None, QueryParameter(name="state", description="One or more states.")
    ] = None,
    reason: Annotated[list[str] | None, Parameter(description="One or more reasons.")] = None,
    sku: FromQuery[str | None] = None,
    q: Annotated[str | None, Parameter(description="RMA, order number or e-mail.")] = None,
    requested_from: Annotated[
        date | None, QueryParameter(name="from", description="Requested on or after (UTC day).")
    ] = None,
    requested_to: Annotated[
        date | None, QueryParameter(name="to", description="Requested on or before (UTC day).")
    ] = None,
    overdue: Annotated[
        bool | None,
        Parameter(
            description="Past the target: inspection 2 business days after receipt, "
            "refund 1 business day after inspection."
        ),
    ] = None,
    limit: Annotated[int, limit_param(500)] = 50,
    offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[ReturnSummary]:
    """Returns, newest first, with age and overdue flag; ``next_cursor`` is the next offset."""
    check_days(**{"from": requested_from, "to": requested_to})
    try:
        query = ReturnQuery(
            state=return_state, reason=reason, sku=sku, q=q, requested_from=requested_from,
            requested_to=requested_to, overdue=overdue, limit=limit, offset=offset,
        )  # fmt: skip
    except ValidationError as exc:
        first = exc.errors()[0]
        detail = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        raise Invalid("error.validation", detail=detail) from exc
    return service(state).list_returns(query)


@get("/api/v1/returns/kpis", operation_id="ReturnKpis", tags=_AGENTS, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def return_kpis(
    state: State,
    start: Annotated[date | None, QueryParameter(name="from", description="First UTC day.")] = None,
    end: Annotated[date | None, QueryParameter(name="to", description="Last UTC day.")] = None,
) -> ReturnKpis:
    """KPIs from the event log, as tables of rows: return rate by SKU and by reason (over units
    sold), receipt→refund and request→refund hours (mean, median), inspection outcomes and
    restock rate, refund value by week, exchanges against refunds."""
    check_days(**{"from": start, "to": end})
    return service(state).kpis(start, end)


@get("/api/v1/returns/{rma:str}", operation_id="GetReturn", tags=_AGENTS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def get_return(state: State, rma: FromPath[str]) -> ReturnDetail:
    """A return with its lines, inspections, label and history from the event log."""
    return service(state).detail(rma)


@post("/api/v1/tickets/{ref:str}/returns", operation_id="CreateTicketReturn", tags=_AGENTS,
      status_code=201, guards=[agent_required, json_body], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def create_ticket_return(
    state: State, request: Request, ref: FromPath[str], data: JSONBody[AgentReturnCreate]
) -> ReturnCreated:
    """Open a return from a ticket (its order unless another is named); ``override_policy``
    makes an exception to the window or final sale."""
    return service(state).create_from_ticket(ref, request.state.agent, data)


@post("/api/v1/returns/{rma:str}/approve", operation_id="ApproveReturn", tags=_AGENTS,
      status_code=200, guards=[agent_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def approve_return(state: State, request: Request, rma: FromPath[str]) -> ReturnDetail:
    """Approve a requested return; its label is issued at once."""
    return service(state).approve(rma, _agent_actor(request), request.state.agent.name)


@post("/api/v1/returns/{rma:str}/reject", operation_id="RejectReturn", tags=_AGENTS,
      status_code=200, guards=[agent_required, json_body], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def reject_return(
    state: State, request: Request, rma: FromPath[str], data: JSONBody[Rejection]
) -> ReturnDetail:
    """Refuse a requested return; the reason is sent to the customer."""
    return service(state).reject(rma, _agent_actor(request), data.reason)


@post("/api/v1/returns/{rma:str}/label", operation_id="IssueReturnLabel", tags=_AGENTS,
      status_code=200, guards=[agent_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def issue_label(state: State, request: Request, rma: FromPath[str]) -> ReturnDetail:
    """Issue (or issue again) the return label."""
    return service(state).issue_label(rma, _agent_actor(request))


@post("/api/v1/returns/{rma:str}/in-transit", operation_id="ReturnInTransit", tags=_AGENTS,
      status_code=200, guards=[agent_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def return_in_transit(
    state: State, request: Request, rma: FromPath[str], data: JSONBody[InTransit | None] = None
) -> ReturnDetail:
    """The carrier picked the parcel up."""
    tracking = data.tracking_number if data else None
    return service(state).mark_in_transit(rma, _agent_actor(request), tracking)


@post("/api/v1/returns/scan", operation_id="ScanReturn", tags=_AGENTS, status_code=200,
      guards=[agent_required, json_body], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def scan_return(state: State, request: Request, data: JSONBody[Scan]) -> ReturnDetail:
    """The receiving page: the RMA number typed or scanned from the label marks it received."""
    return service(state).scan(data.code, _agent_actor(request))


@post("/api/v1/returns/{rma:str}/receive", operation_id="ReceiveReturn", tags=_AGENTS,
      status_code=200, guards=[agent_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def receive_return(
    state: State, request: Request, rma: FromPath[str], data: JSONBody[Receipt | None] = None
) -> ReturnDetail:
    """The parcel arrived (counted units optional; differences go to the ticket's note)."""
    return service(state).receive(rma, _agent_actor(request), data, via="agent")


@post("/api/v1/returns/{rma:str}/inspection", operation_id="InspectReturn", tags=_AGENTS,
      status_code=200, guards=[agent_required, json_body], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def inspect_return(
    state: State, request: Request, rma: FromPath[str], data: JSONBody[Inspection]
) -> ReturnDetail:
    """An outcome per item (restock, second_quality, refurbish, write_off) with notes; the
    accepted units are refunded, exchanged or credited at once."""
    return service(state).inspect(rma, _agent_actor(request), data, via="agent")


@post("/api/v1/returns/{rma:str}/resolve", operation_id="ResolveReturn", tags=_AGENTS,
      status_code=200, guards=[agent_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def resolve_return(
    state: State,
    request: Request,
    rma: FromPath[str],
    outcome: Annotated[
        ReturnOutcome | None, Parameter(description="Instead of the customer's choice.")
    ] = None,
) -> ReturnDetail:
    """Refund, exchange or credit an inspected return (again, after a platform failure)."""
    return service(state).resolve(rma, _agent_actor(request), outcome)


@post("/api/v1/returns/{rma:str}/close", operation_id="CloseReturn", tags=_AGENTS,
      status_code=200, guards=[agent_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def close_return(state: State, request: Request, rma: FromPath[str]) -> ReturnDetail:
    """Close a resolved return (or an inspected one with nothing accepted)."""
    return service(state).close(rma, _agent_actor(request))


# -- settings ------------------------------------------------------------------------------------
@get("/api/v1/settings/returns", operation_id="GetReturnPolicy", tags=["settings"],
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def get_return_policy(state: State) -> ReturnPolicy:
    """Window, final-sale categories, who pays return shipping, refund methods, auto-approval
    rules and the return address."""
    return service(state).policy()


@put("/api/v1/settings/returns", operation_id="PutReturnPolicy", tags=["settings"],
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_return_policy(state: State, request: Request, data: JSONBody[ReturnPolicy]) -> ReturnPolicy:
    """Change the return policy (administrators)."""
    return service(state).save_policy(request.state.agent, data)


# Three methods on one path: async handlers, since Litestar wraps an earlier sync_to_thread
# handler of the path again each time another one is registered on it (a third wrap breaks it).
@get("/api/v1/settings/returns/3pl-key", operation_id="GetThreePlKey", tags=["settings"],
     guards=[admin_required])  # fmt: skip
async def get_tpl_key(state: State) -> ThreePlKey:
    """Whether a 3PL key is in force (never the key itself)."""
    return await anyio.to_thread.run_sync(service(state).tpl_key)


@post("/api/v1/settings/returns/3pl-key", operation_id="RotateThreePlKey", tags=["settings"],
      status_code=201, guards=[admin_required])  # fmt: skip
async def rotate_tpl_key(state: State, request: Request) -> ThreePlKey:
    """Create a 3PL key, revoking the previous one; the key is shown in this answer only."""
    return await anyio.to_thread.run_sync(service(state).rotate_tpl_key, request.state.agent)


@delete("/api/v1/settings/returns/3pl-key", operation_id="RevokeThreePlKey", tags=["settings"],
        status_code=200, guards=[admin_required])  # fmt: skip
async def revoke_tpl_key(state: State, request: Request) -> ThreePlKey:
    """Revoke the 3PL key."""
    return await anyio.to_thread.run_sync(service(state).revoke_tpl_key, request.state.agent)


# -- the 3PL warehouse ---------------------------------------------------------------------------
@post("/api/v1/3pl/returns/{rma:str}/receipt", operation_id="ThreePlReceipt", tags=_TPL,
      status_code=200, guards=[tpl_key_required], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def tpl_receipt(
    state: State, rma: FromPath[str], data: JSONBody[Receipt | None] = None
) -> ReturnDetail:
    """The 3PL received the parcel (header ``X-Comptoir-3PL-Key``)."""
    return service(state).receive(rma, Actor("system"), data, via="3pl")


@post("/api/v1/3pl/returns/{rma:str}/inspection", operation_id="ThreePlInspection", tags=_TPL,
      status_code=200, guards=[tpl_key_required, json_body], exception_handlers=ERRORS,
      sync_to_thread=True)  # fmt: skip
def tpl_inspection(state: State, rma: FromPath[str], data: JSONBody[Inspection]) -> ReturnDetail:
    """The 3PL's inspection, an outcome per item; accepted units are refunded at once."""
    return service(state).inspect(rma, Actor("system"), data, via="3pl")


HANDLERS = [
    lookup_returnable, request_return, return_status, upload_return_photo, return_label,
    cancel_return, list_returns, return_kpis, get_return, create_ticket_return, approve_return,
    reject_return, issue_label, return_in_transit, scan_return, receive_return, inspect_return,
    resolve_return, close_return, get_return_policy, put_return_policy, get_tpl_key,
    rotate_tpl_key, revoke_tpl_key, tpl_receipt, tpl_inspection,
]  # fmt: skip
