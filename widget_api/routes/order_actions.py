"""Order actions from a ticket: take one (refund, cancel, address change, replacement, discount
code), preview it, list what was taken."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from widget_api.contracts.commerce import OrderActionResult
from widget_api.contracts.common import ErrorBody
from widget_api.contracts.order_actions import (
    OrderActionBody,
    OrderActionPreview,
    OrderActionRecord,
)
from widget_api.domain import order_actions, store
from widget_api.i18n import negotiate
from widget_api.routes.guards import agent_required, json_body


def _lang(request: Request) -> str:
    """The reader's language: Accept-Language when it names fr or en, else the agent's."""
    agent_lang = request.state.agent.language
    return negotiate(request.headers.get("accept-language"), default=agent_lang)


_RESULTS = {
    200: ResponseSpec(OrderActionResult, description="Done, or the stored outcome of a retry."),
    202: ResponseSpec(
        OrderActionResult,
        description="The platform did not answer: it may have happened. Retry with the same"
        " idempotency_key: the platform is asked first, the action is never taken twice.",
    ),
    502: ResponseSpec(
        ErrorBody,
        description="The platform refused or failed; the body also holds the OrderActionResult"
        " fields (the action is recorded as failed).",
        generate_examples=False,
    ),
}


@post("/api/v1/tickets/{ref:str}/order-actions", operation_id="TakeOrderAction",
      tags=["orders"], guards=[agent_required, json_body], responses=_RESULTS,
      sync_to_thread=True)  # fmt: skip
def take_order_action(
    state: State, request: Request, ref: FromPath[str], data: JSONBody[OrderActionBody]
) -> Response[OrderActionResult]:
    """Take one action on the ticket's order at the store's platform, recorded in the event log
    and as an internal note; ``notify_customer`` also tells the customer in their language."""
    store_name = store.get(state.db, state.settings).name
    agent = request.state.agent
    answer = order_actions.take(state.db, state.commerce.client, ref, agent, data.root,
                                store_name, _lang(request))  # fmt: skip
    if answer.status in (200, 202):
        return Response(answer.result, status_code=answer.status)
    # Refusals (409) and platform failures (502) read as every error does ({status_code,
    # detail}) and carry the recorded result beside.
    body = {**answer.result.model_dump(mode="json"), "status_code": answer.status,
            "detail": answer.result.message}  # fmt: skip
    return Response(body, status_code=answer.status)


@post("/api/v1/tickets/{ref:str}/order-actions/preview", operation_id="PreviewOrderAction",
      tags=["orders"], guards=[agent_required, json_body], status_code=200,
      sync_to_thread=True)  # fmt: skip
def preview_order_action(
    state: State, request: Request, ref: FromPath[str], data: JSONBody[OrderActionBody]
) -> OrderActionPreview:
    """Exactly what the action would do (amount, lines, stock), refused as taking it would be;
    nothing is sent or written."""
    return order_actions.preview(state.db, ref, data.root, _lang(request))


@get("/api/v1/tickets/{ref:str}/order-actions", operation_id="ListOrderActions",
     tags=["orders"], guards=[agent_required], sync_to_thread=True)  # fmt: skip
def list_order_actions(
    state: State, request: Request, ref: FromPath[str]
) -> list[OrderActionRecord]:
    """The order actions taken from the ticket, newest first."""
    return order_actions.history(state.db, ref, _lang(request))


HANDLERS = [take_order_action, preview_order_action, list_order_actions]
