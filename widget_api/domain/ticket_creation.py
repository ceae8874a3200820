"""The one way a ticket is created, whatever brought its first message: the public form, the
widget's chat, an agent on a customer's behalf, a mail or a marketplace relay, a return request.

A channel normalises what it received into a :class:`NewInbound` and calls
:func:`create_ticket` inside a write (mail and returns create tickets within larger
transactions); :func:`open_ticket` is the same for a request handler, off the writer thread.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio

from widget_api.domain import language, secrets
from widget_api.i18n import t
from widget_api.mail import MAIL_CHANNELS
from widget_api.storage import Database, customers, orders, tickets
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import utcnow

SUBJECT_CHARS = 200
BODY_CHARS = 100_000
_FIRST_LINE_CHARS = 80
#: Enough words to tell French from English; detection costs per word, and a long mail's
#: language is the one of its start.
_LANGUAGE_CHARS = 2000
ORDER_MISMATCH_TAG = "order-email-mismatch"


@dataclass(frozen=True)
class NewInbound:
    """One customer's first message, as every channel hands it over."""

    channel: str  # web | chat | email | amazon | ebay | ... (contracts.common.Channel)
    body_text: str
    sender_email: str | None  # None: an anonymous chat visitor, or ``customer_id`` is known
    sender_name: str | None = None
    subject: str | None = None
    body_html: str | None = None
    #: The customer's own new words (a mail without its quoted history); else ``body_text``.
    own_text: str | None = None
    language: str | None = None  # known (a form's field, a return's); else detected
    order_number: str | None = None  # as the customer gave it, even if no order matches
    marketplace: str | None = None  # the relay it came through; the ticket is tagged with it
    source: dict[str, Any] | None = None
    message_meta: dict[str, Any] | None = None  # the first message's, when not ``source``
    tags: tuple[str, ...] = ()
    customer_id: int | None = None  # already known (a return's order): no look-up by e-mail
    status: str = "new"
    problem_type: str | None = None  # known (a return request): set at once, never guessed

    @property
    def by_mail(self) -> bool:
        return self.channel in MAIL_CHANNELS

    @property
    def words(self) -> str:
        """What the customer wrote this time (what language and problem type are read from)."""
        return self.own_text if self.own_text is not None else self.body_text


@dataclass(frozen=True)
class OpenedTicket:
    ticket_id: int
    ref: str
    message_id: int  # the first message
    customer_id: int
    language: str
    subject: str
    conversation_token: str  # the customer's secret key to the conversation (only its hash is kept)


def detect_language(subject: str | None, words: str, default: str) -> str:
    return language.detect(f"{subject or ''} {words[:_LANGUAGE_CHARS]}", default)


def language_of(inbound: NewInbound, default: str) -> str:
    return inbound.language or detect_language(inbound.subject, inbound.words, default)


def subject_of(inbound: NewInbound, lang: str) -> str:
    """The customer's subject; else, for a mail, "(no subject)"; else the first line of the
    message, else a generic one naming the customer."""
    subject = (inbound.subject or "").strip()
    if subject:
        return subject[:SUBJECT_CHARS]
    if inbound.by_mail:
        return t("mail.no_subject", lang)
    lines = inbound.body_text.strip().splitlines()
    first_line = lines[0].strip() if lines else ""
    if first_line:
        if len(first_line) <= _FIRST_LINE_CHARS:
            return first_line
        return first_line[: _FIRST_LINE_CHARS - 3] + "…"
    who = inbound.sender_name or inbound.sender_email or "?"
    return t("ticket.default_subject", lang, name=who)


def create_ticket(
    w: Writer,
    inbound: NewInbound,
    *,
    default_language: str,
    order: dict | None = None,
    at: datetime | None = None,
) -> OpenedTicket:
    """Resolve the customer, store the ticket and its first message (with their events), link
    ``order`` (looked up by the caller, off the writer when it can) and answer what was made."""
    at = at or utcnow()
    lang = language_of(inbound, default_language)
    email = inbound.sender_email.lower() if inbound.sender_email else None
    name = inbound.sender_name.strip() if inbound.sender_name else None
    name = name or None
    if inbound.customer_id is not None:
        customer_id = inbound.customer_id
        known = customers.by_id(w.cur, customer_id) or {}
        email, name = known.get("email", email), known.get("name", name)
    else:
        customer_id, _ = customers.find_or_create(w, email=email, name=name, language=lang, at=at)
    tags = inbound.tags
    if inbound.marketplace and inbound.marketplace not in tags:
        tags = (*tags, inbound.marketplace)
    # A number typed in a form's own field is a claim on that order; one found in a mail's text
    # is not (and a relay's address is never the buyer's).
    if order and order["customer_id"] != customer_id and not inbound.by_mail:
        tags = (*tags, ORDER_MISMATCH_TAG)
    subject = subject_of(inbound, lang)
    token = secrets.new_token()
    actor = Actor("customer", customer_id)
    ticket_id, ref, message_id = tickets.create(
        w,
        tickets.NewTicket(
            subject=subject,
            body_text=inbound.body_text[:BODY_CHARS],
            channel=inbound.channel,
            language=lang,
            customer_id=customer_id,
            customer_email=email,
            customer_name=name,
            order_id=order["id"] if order else None,
            order_number=inbound.order_number.strip() if inbound.order_number else None,
            token_hash=secrets.token_hash(token),
            source=inbound.source,
            at=at,
            tags=tags,
            status=inbound.status,
            body_html=inbound.body_html,
            message_meta=inbound.message_meta,
        ),
        actor,
    )
    if inbound.problem_type is not None:
        tickets.update(w, ticket_id, {"problem_type": inbound.problem_type}, SYSTEM, at)
    return OpenedTicket(ticket_id, ref, message_id, customer_id, lang, subject, token)


async def open_ticket(
    db: Database, inbound: NewInbound, *, default_language: str, typer: Any = None
) -> OpenedTicket:
    """:func:`create_ticket` in a write of its own, for request handlers: the order is read off
    the event loop and outside the writer, so other requests and writes go on meanwhile."""
    number = inbound.order_number
    order = (
        await anyio.to_thread.run_sync(db.read, lambda cur: orders.find_by_number(cur, number))
        if number
        else None
    )
    opened = await db.awrite(
        lambda w: create_ticket(w, inbound, default_language=default_language, order=order)
    )
    submit_typing(typer, inbound, opened)
    return opened


def submit_typing(typer: Any, inbound: NewInbound, opened: OpenedTicket) -> Future | None:
    """Have the new ticket typed (after commit); the future gives its problem type. The one
    place tickets are handed to the ``AutoTyper``, until it listens to ``ticket.created``."""
    if typer is None or inbound.problem_type is not None:
        return None
    return typer.submit(opened.ticket_id, inbound.subject, inbound.words)
