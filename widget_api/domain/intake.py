"""Public intake: a customer's message becomes a ticket they alone can follow."""

from __future__ import annotations

from typing import Any

import anyio

from widget_api.contracts.tickets import TicketCreate, TicketCreated
from widget_api.domain import language, secrets
from widget_api.i18n import t
from widget_api.storage import Database, customers, orders, tickets
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

_SUBJECT_CHARS = 80


def subject_for(data: TicketCreate, lang: str) -> str:
    """The customer's subject, else the first line of the message, else a generic one."""
    if data.subject and data.subject.strip():
        return data.subject.strip()
    first_line = data.body.strip().splitlines()[0].strip()
    if first_line:
        return first_line if len(first_line) <= _SUBJECT_CHARS else first_line[:77] + "…"
    return t("ticket.default_subject", lang, name=data.name or data.email or "?")


async def open_ticket(
    db: Database,
    data: TicketCreate,
    *,
    channel: str,
    default_language: str,
    source: dict[str, Any] | None = None,
    tags: tuple[str, ...] = (),
) -> TicketCreated:
    lang = data.language or language.detect(f"{data.subject or ''} {data.body}", default_language)
    # A read off the event loop, so other requests go on meanwhile.
    order = (
        await anyio.to_thread.run_sync(
            db.read, lambda cur: orders.find_by_number(cur, data.order_number)
        )
        if data.order_number
        else None
    )
    token = secrets.new_token()
    email = str(data.email).lower() if data.email else None
    name = data.name.strip() if data.name and data.name.strip() else None
    subject = subject_for(data, lang)

    def write(w):
        at = utcnow()
        customer_id, _ = customers.find_or_create(w, email=email, name=name, language=lang, at=at)
        all_tags = tags
        if order and order["customer_id"] != customer_id:
            all_tags = (*tags, "order-email-mismatch")
        return tickets.create(
            w,
            tickets.NewTicket(
                subject=subject,
                body_text=data.body,
                channel=channel,
                language=lang,
                customer_id=customer_id,
                customer_email=email,
                customer_name=name,
                order_id=order["id"] if order else None,
                order_number=data.order_number.strip() if data.order_number else None,
                token_hash=secrets.token_hash(token),
                source=source,
                at=at,
                tags=all_tags,
            ),
            Actor("customer", customer_id),
        )

    _, ref = await db.awrite(write)
    return TicketCreated(ticket_ref=ref, conversation_token=token)
