"""The customer's side of a ticket, reached only through its secret conversation token."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator

from widget_api.contracts.conversations import (
    Conversation,
    CustomerMessageCreate,
    OrderItem,
    OrderLookup,
    OrderStatus,
    PublicMessage,
)
from widget_api.domain import line_names, secrets
from widget_api.domain.errors import NotFound
from widget_api.domain.presence import Presence
from widget_api.storage import Database, orders, tickets
from widget_api.storage import csat as csat_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

# Reopen a waiting or solved ticket when its customer writes again, as every helpdesk does.
_REOPEN = {"pending": "open", "on_hold": "open", "solved": "open", "closed": "open"}


def _ticket_for(db: Database, token: str) -> int:
    if not token or len(token) > 100:
        raise NotFound("error.conversation_not_found")
    ticket_id = db.read(lambda cur: tickets.id_for_token(cur, secrets.token_hash(token)))
    if ticket_id is None:
        raise NotFound("error.conversation_not_found")
    return db.read(lambda cur: tickets.resolve_merged(cur, ticket_id))


def ref_for_token(db: Database, token: str) -> str:
    ticket_id = _ticket_for(db, token)
    return db.read(lambda cur: tickets.ref_of(cur, ticket_id))


def ticket_id_for_token(db: Database, token: str) -> int:
    return _ticket_for(db, token)


def mark_read(db: Database, token: str) -> None:
    ticket_id = _ticket_for(db, token)
    db.write(lambda w: tickets.mark_customer_read(w, ticket_id, utcnow()))


def _public(message: dict) -> PublicMessage:
    name = message["author_name"]
    if message["author_type"] == "agent" and name:
        name = name.split(" ")[0]  # first names only, as chat widgets do
    return PublicMessage(
        id=message["id"],
        author=message["author_type"],
        author_name=name,
        body_text=message["body_text"],
        body_html=message["body_html"],
        created_at=message["created_at"],
    )


def public_messages(db: Database, ticket_id: int, after_id: int = 0) -> list[PublicMessage]:
    rows = db.read(lambda cur: tickets.messages(cur, ticket_id, public_only=True))
    return [_public(m) for m in rows if m["id"] > after_id]


def get(db: Database, token: str, presence: Presence) -> Conversation:
    ticket_id = _ticket_for(db, token)
    row = db.read(lambda cur: tickets.summary(cur, ticket_id))
    return Conversation(
        ticket_ref=row["ref"],
        subject=row["subject"],
        status=row["status"],
        language=row["language"],
        messages=public_messages(db, ticket_id),
        agent_typing=any(v["typing"] for v in presence.others(row["ref"], -1)),
        csat_score=(db.read(lambda cur: csat_store.for_ticket(cur, ticket_id)) or {}).get("score"),
    )


async def add_customer_message(
    db: Database, token: str, data: CustomerMessageCreate, meta: dict | None = None
) -> PublicMessage:
    ticket_id = _ticket_for(db, token)

    def write(w) -> int:
        at = utcnow()
        channel, status, customer_id = tickets.fields(
            w.cur, ticket_id, "channel", "status", "customer_id"
        )
        actor = Actor("customer", customer_id)
        message_id = tickets.add_message(
            w,
            tickets.NewMessage(
                ticket_id=ticket_id, kind="inbound", author_type="customer",
                author_id=customer_id, author_name=None, channel=channel, body_text=data.body,
                body_html=None, meta=meta, at=at,
            ),
            actor,
        )  # fmt: skip
        if status in _REOPEN:
            tickets.update(w, ticket_id, {"status": _REOPEN[status]}, actor, at)
        return message_id

    message_id = await db.awrite(write)
    return next(m for m in public_messages(db, ticket_id) if m.id == message_id)


async def stream(
    db: Database, token: str, presence: Presence, after_id: int, *, lifetime: float = 300
) -> AsyncIterator[tuple[str, str, int | None]]:
    """(event, JSON data, id) for each new public message and typing change, until ``lifetime``
    ends; the browser's EventSource then reconnects with Last-Event-ID."""
    ticket_id = _ticket_for(db, token)
    ref = db.read(lambda cur: tickets.ref_of(cur, ticket_id))
    typing = False
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    while loop.time() < deadline:
        for message in public_messages(db, ticket_id, after_id):
            after_id = message.id
            yield "message", message.model_dump_json(), message.id
        now_typing = any(v["typing"] for v in presence.others(ref, -1))
        if now_typing != typing:
            typing = now_typing
            yield "typing", '{"agent_typing": %s}' % ("true" if typing else "false"), None
        await db.changes.wait(ticket_id, timeout=2.0)


def lookup_order(db: Database, data: OrderLookup, lang: str = "fr") -> OrderStatus:
    """The order if the e-mail is its customer's; the same "not found" otherwise, so that order
    numbers cannot be probed. Its items are named in ``lang``."""
    email = str(data.email).lower()
    found = db.read(lambda cur: orders.for_customer_lookup(cur, data.order_number, email))
    if found is None:
        raise NotFound("error.order_not_found")
    order, lines, owner_email = found
    if not hmac.compare_digest(owner_email.encode(), email.encode()):
        raise NotFound("error.order_not_found")
    lines = line_names.localize(db, lines, lang)
    return OrderStatus(
        **{k: order[k] for k in OrderStatus.model_fields if k != "items"},
        items=[OrderItem(**{k: line[k] for k in OrderItem.model_fields}) for line in lines],
    )
