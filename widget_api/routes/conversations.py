"""The customer's conversation (by secret token), its live stream, and order tracking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from widget_api.contracts.conversations import (
    Conversation,
    CustomerMessageCreate,
    OrderLookup,
    OrderStatus,
    PublicMessage,
    TypingUpdate,
)
from widget_api.domain import conversations, widget
from widget_api.domain.untrusted import ascii_int
from widget_api.i18n import negotiate
from widget_api.routes.guards import client_address, json_body, public_rate_limit
from widget_api.routes.params import MAX_ID

_TAGS = ["public"]


@get("/api/v1/conversations/{token:str}", operation_id="GetConversation", tags=_TAGS,
     guards=[public_rate_limit], opt={"rate_bucket": "conversation", "rate_limit": 240},
     sync_to_thread=True)  # fmt: skip
def get_conversation(state: State, token: FromPath[str]) -> Conversation:
    """The conversation the token opens: public messages, status, whether an agent is typing."""
    return conversations.get(state.db, token, state.presence)


@post("/api/v1/conversations/{token:str}/messages", operation_id="AddCustomerMessage",
      tags=_TAGS, status_code=201, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "message"})  # fmt: skip
async def add_customer_message(
    state: State, request: Request, token: FromPath[str], data: JSONBody[CustomerMessageCreate]
) -> PublicMessage:
    """The customer writes again; a waiting or solved ticket reopens. Refused when the
    conversation, or the client's address, is blocked as spam."""
    referer = request.headers.get("referer")
    meta = {"page_url": referer[:500]} if referer else None
    return await widget.customer_message(state.db, token, data, client_address(request), meta)


@post("/api/v1/conversations/{token:str}/typing", operation_id="CustomerTyping", tags=_TAGS,
      status_code=204, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "typing", "rate_limit": 240}, sync_to_thread=True)  # fmt: skip
def customer_typing(state: State, token: FromPath[str], data: JSONBody[TypingUpdate]) -> None:
    """The customer is (or stopped) typing; agents see it in the workspace."""
    conversation = conversations.get(state.db, token, state.presence)
    if data.typing:
        state.customer_presence.beat(conversation.ticket_ref, 0, "customer", True)
    else:
        state.customer_presence.leave(conversation.ticket_ref, 0)


@get("/api/v1/conversations/{token:str}/stream", operation_id="ConversationStream", tags=_TAGS,
     guards=[public_rate_limit], opt={"rate_bucket": "stream", "rate_limit": 120})  # fmt: skip
async def conversation_stream(
    state: State,
    request: Request,
    token: FromPath[str],
    after: Annotated[int, Parameter(ge=0, le=MAX_ID)] = 0,
) -> ServerSentEvent:
    """Server-sent events: ``message`` for each new public message, ``typing`` when an agent
    starts or stops typing. Reconnects resume after ``Last-Event-ID``."""
    last_event = request.headers.get("last-event-id", "")
    resumed = ascii_int(last_event)
    after_id = after if resumed is None else resumed
    ref = conversations.get(state.db, token, state.presence).ticket_ref  # 404 before streaming

    async def events() -> AsyncIterator[ServerSentEventMessage]:
        # While the stream is open the visitor can be reached; the workspace warns otherwise.
        state.visitor_links.opened(ref)
        try:
            yield ServerSentEventMessage(comment="connected", retry=3000)
            async for event, data, event_id in conversations.stream(
                state.db, token, state.presence, after_id
            ):
                yield ServerSentEventMessage(data=data, event=event, id=event_id)
        finally:
            state.visitor_links.closed(ref)

    return ServerSentEvent(events(), headers={"Cache-Control": "no-store"})


@post("/api/v1/orders/lookup", operation_id="LookupOrder", tags=_TAGS, status_code=200,
      guards=[public_rate_limit, json_body], opt={"rate_bucket": "order_lookup", "rate_limit": 10},
      sync_to_thread=True)  # fmt: skip
def lookup_order(state: State, request: Request, data: JSONBody[OrderLookup]) -> OrderStatus:
    """Track an order with its number and the customer's e-mail. A wrong pair gets the same
    "not found" as an unknown number, and lookups are rate-limited so numbers cannot be probed.
    Items are named in the language of ``Accept-Language``."""
    lang = negotiate(request.headers.get("accept-language"), default="fr")
    return conversations.lookup_order(state.db, data, lang)


HANDLERS = [
    get_conversation,
    add_customer_message,
    customer_typing,
    conversation_stream,
    lookup_order,
]
