"""Public intake: a customer's message becomes a ticket they alone can follow."""

from __future__ import annotations

from typing import Any

from widget_api.contracts.tickets import TicketCreate, TicketCreated
from widget_api.domain import ticket_creation
from widget_api.problem_typing.extract import extract_order_numbers
from widget_api.storage import Database


def inbound_from_form(
    data: TicketCreate,
    *,
    channel: str,
    source: dict[str, Any] | None = None,
    tags: tuple[str, ...] = (),
) -> ticket_creation.NewInbound:
    """The contact form's (or the widget's) fields as the one inbound shape. With the order
    field left empty, a number the customer wrote ("ma commande #1001") names the order."""
    named = None if data.order_number else _first_order_number(data.subject, data.body)
    return ticket_creation.NewInbound(
        channel=channel,
        body_text=data.body,
        sender_email=str(data.email) if data.email else None,
        sender_name=data.name,
        subject=data.subject,
        language=data.language,
        order_number=data.order_number or named,
        number_in_text=named is not None,
        source=source,
        tags=tags,
    )


async def open_ticket(
    db: Database,
    data: TicketCreate,
    *,
    channel: str,
    default_language: str,
    source: dict[str, Any] | None = None,
    tags: tuple[str, ...] = (),
) -> TicketCreated:
    inbound = inbound_from_form(data, channel=channel, source=source, tags=tags)
    opened = await ticket_creation.open_ticket(db, inbound, default_language=default_language)
    return TicketCreated(ticket_ref=opened.ref, conversation_token=opened.conversation_token)


def _first_order_number(subject: str | None, body: str) -> str | None:
    found = extract_order_numbers(f"{subject or ''}\n{body}")
    return found[0] if found else None
