"""The one way a ticket is created, whatever brought its first message: the public form, the
widget's chat, a mail or a marketplace relay, a return request.

A channel normalises what it received into a :class:`NewInbound` and calls
:func:`create_ticket` inside a write (mail and returns create tickets within larger
transactions); :func:`open_ticket` is the same for a request handler, off the writer thread.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import anyio

from widget_api.domain import language, secrets
from widget_api.i18n import t
from widget_api.mail import MAIL_CHANNELS
from widget_api.storage import Database, StorageUnavailable, customers, orders, tickets
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
    #: ``order_number`` was found in the text, not typed in a field meant for it: a mention,
    #: not a claim (no mismatch tag).
    number_in_text: bool = False
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
    return create_tickets(w, [(inbound, order)], default_language=default_language, at=at)[0]


def create_tickets(
    w: Writer,
    inbounds: list[tuple[NewInbound, dict | None]],
    *,
    default_language: str,
    at: datetime | None = None,
) -> list[OpenedTicket]:
    """:func:`create_ticket` for several (inbound, order) at once, a few statements for all."""
    at = at or utcnow()
    langs = [language_of(inbound, default_language) for inbound, _ in inbounds]
    people: list[tuple[str | None, str | None, str]] = []
    for (inbound, _), lang in zip(inbounds, langs, strict=True):
        name = inbound.sender_name.strip() if inbound.sender_name else None
        email = inbound.sender_email.lower() if inbound.sender_email else None
        people.append((email, name or None, lang))
    unknown = [i for i, (inbound, _) in enumerate(inbounds) if inbound.customer_id is None]
    found = customers.find_or_create_many(w, [people[i] for i in unknown], at)
    customer_ids = [inbound.customer_id for inbound, _ in inbounds]
    for i, (customer_id, _) in zip(unknown, found, strict=True):
        customer_ids[i] = customer_id
    inbounds = _with_orders_by_email(w, inbounds, people, customer_ids)
    news, tokens = [], []
    for (inbound, order), lang, (email, name, _), customer_id in zip(
        inbounds, langs, people, customer_ids, strict=True
    ):
        if inbound.customer_id is not None:
            known = customers.by_id(w.cur, inbound.customer_id) or {}
            email, name = known.get("email", email), known.get("name", name)
        token = secrets.new_token()
        tokens.append(token)
        new = tickets.NewTicket(
            subject=subject_of(inbound, lang),
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
            tags=_tags(inbound, order, customer_id),
            status=inbound.status,
            body_html=inbound.body_html,
            message_meta=inbound.message_meta,
        )
        news.append((new, Actor("customer", customer_id)))
    made = tickets.create_many(w, news)
    opened = []
    for (inbound, _), (new, _), (ticket_id, ref, message_id), token in zip(
        inbounds, news, made, tokens, strict=True
    ):
        if inbound.problem_type is not None:
            tickets.update(w, ticket_id, {"problem_type": inbound.problem_type}, SYSTEM, at)
        opened.append(OpenedTicket(ticket_id, ref, message_id, new.customer_id, new.language,
                                   new.subject, token))  # fmt: skip
    return opened


def _with_orders_by_email(
    w: Writer,
    inbounds: list[tuple[NewInbound, dict | None]],
    people: list[tuple[str | None, str | None, str]],
    customer_ids: list[int | None],
) -> list[tuple[NewInbound, dict | None]]:
    """A message that names no order is about the customer's most recent one (theirs, or one
    placed with their e-mail as a guest): linked so the agent sees it at once. A number that
    matched nothing is not replaced by a guess."""
    wanted = [
        i for i, (inbound, order) in enumerate(inbounds)
        if order is None and not (inbound.order_number or "").strip()
    ]  # fmt: skip
    if not wanted:
        return inbounds
    contacts = [(customer_ids[i], people[i][0]) for i in wanted]
    latest = orders.latest_for_contacts(w.cur, contacts)
    linked = list(inbounds)
    for i, contact in zip(wanted, contacts, strict=True):
        if contact in latest:
            linked[i] = (inbounds[i][0], {**latest[contact], "by_email": True})
    return linked


def _tags(inbound: NewInbound, order: dict | None, customer_id: int) -> tuple[str, ...]:
    tags = inbound.tags
    if inbound.marketplace and inbound.marketplace not in tags:
        tags = (*tags, inbound.marketplace)
    # A number typed in a form's own field is a claim on that order; one found in a mail's text
    # is not (and a relay's address is never the buyer's).
    if (
        order
        and order["customer_id"] != customer_id
        and not (inbound.by_mail or inbound.number_in_text or order.get("by_email"))
    ):
        tags = (*tags, ORDER_MISMATCH_TAG)
    return tags


async def open_ticket(db: Database, inbound: NewInbound, *, default_language: str) -> OpenedTicket:
    """:func:`create_ticket` for request handlers, committed when it returns. The order is read
    off the event loop and outside the writer; the tickets of requests that arrive while the
    writer is busy are then created together, in one job (see :class:`_Gathering`)."""
    number = inbound.order_number

    def prepare() -> tuple[NewInbound, dict | None]:
        # The language is told here, off the writer thread (where a burst's tickets are made).
        ready = replace(inbound, language=language_of(inbound, default_language))
        return ready, db.read(lambda cur: orders.find_by_number(cur, number)) if number else None

    # With an order to read, both on a worker thread; else the language alone, here (a
    # fraction of a millisecond, less than a hop to a thread).
    inbound, order = await anyio.to_thread.run_sync(prepare) if number else prepare()
    gathering = _GATHERINGS.get(db)
    if gathering is None:  # two made at once by two loops would both work, just apart
        gathering = _GATHERINGS[db] = _Gathering(db)
    return await asyncio.wrap_future(gathering.add(inbound, order, default_language))


class _Gathering:
    """Intakes waiting for the writer. The first queues one write job; when that job runs it
    takes every intake that arrived meanwhile and creates their tickets together: a burst costs
    a few multi-row statements instead of several statements a ticket, and a lone intake waits
    for no company. Each caller's future is set once the job's transaction has committed (a 2xx
    still means the ticket is on disk). If the batch fails, each intake is tried alone, so that
    one bad ticket fails no other."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._waiting: list[_Intake] = []

    def add(self, inbound: NewInbound, order: dict | None, default_language: str) -> Future:
        intake = _Intake(inbound, order, default_language, Future())
        with self._lock:
            self._waiting.append(intake)
            first = len(self._waiting) == 1
        if first:
            taken: list[_Intake] = []
            try:
                job = self._db.submit(lambda w: self._create(w, taken))
            except Exception as exc:  # closed: nobody else will take these
                for waiting in self._take():
                    waiting.future.set_exception(exc)
            else:
                job.add_done_callback(lambda done: self._settle(done, taken))
        return intake.future

    def _take(self) -> list[_Intake]:
        with self._lock:
            batch, self._waiting = self._waiting, []
        return batch

    def _create(self, w: Writer, taken: list[_Intake]) -> list[OpenedTicket]:
        # Taken once: a rerun of the job (its group commit failed) creates the same batch.
        if not taken:
            taken.extend(self._take())
        return _create_batch(w, taken)

    def _settle(self, job: Future, taken: list[_Intake]) -> None:
        """On the writer thread, after the job's commit or failure."""
        error = job.exception()
        if error is None:
            for intake, opened in zip(taken, job.result(), strict=True):
                intake.future.set_result(opened)
        elif len(taken) == 1 or isinstance(error, StorageUnavailable):
            for intake in taken:
                intake.future.set_exception(error)
        else:
            for intake in taken:
                alone = self._db.submit(lambda w, one=intake: _create_batch(w, [one])[0])
                alone.add_done_callback(lambda done, one=intake: _copy(done, one.future))


@dataclass(frozen=True)
class _Intake:
    inbound: NewInbound
    order: dict | None
    default_language: str
    future: Future


def _create_batch(w: Writer, batch: list[_Intake]) -> list[OpenedTicket]:
    opened: list[OpenedTicket | None] = [None] * len(batch)
    for default in {intake.default_language for intake in batch}:
        indexes = [i for i, intake in enumerate(batch) if intake.default_language == default]
        pairs = [(batch[i].inbound, batch[i].order) for i in indexes]
        for i, ticket in zip(indexes, create_tickets(w, pairs, default_language=default),
                             strict=True):  # fmt: skip
            opened[i] = ticket
    return [ticket for ticket in opened if ticket is not None]


def _copy(done: Future, future: Future) -> None:
    error = done.exception()
    if error is None:
        future.set_result(done.result())
    else:
        future.set_exception(error)


_GATHERINGS: weakref.WeakKeyDictionary[Database, _Gathering] = weakref.WeakKeyDictionary()
