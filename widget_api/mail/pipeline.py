"""One path for every incoming mail, whatever brought it (IMAP, SMTP listener, archive import):

1. :meth:`Pipeline.receive` keeps the raw bytes first (so an SMTP 250 or an IMAP \\Seen never
   loses mail), once per Message-ID and content (old mailers and contact forms reuse ids for
   different mail; a second delivery of the same mail is recognised and kept once);
2. :meth:`Pipeline.process` reads it, sets aside what no person wrote (bounces also mark our
   failed mail), quarantines what cannot be understood (raw kept, reason given), finds the
   ticket it continues, and writes the ticket or message, its attachments and the mail record
   in one transaction.

Threading, first match wins: a signed reply address (``support+c100042-…@``), a Message-ID in
In-Reply-To/References, a ``[#C100042]`` in the subject when the sender is the ticket's customer
or a known participant, an open ticket of the same customer about the same order updated
within the window (24 h). A closed ticket is never reopened by mail: a new one is made.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from widget_api.domain import ticket_creation
from widget_api.i18n import t
from widget_api.mail import loops, marketplaces, tokens
from widget_api.mail.parse import (
    ParsedMail,
    Unreadable,
    content_hash,
    legacy_content_hash,
    normalise_message_id,
    parse,
)
from widget_api.refs import ticket_id_from_ref
from widget_api.storage import (
    Database,
    attachments,
    blocks,
    customer_links,
    customers,
    orders,
    tickets,
)
from widget_api.storage import mail as store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)

_SUBJECT_REF = re.compile(r"\[#?\s*(C\d{6,})\s*\]|(?<![\w#])#(C\d{6,})\b", re.IGNORECASE)
_MID_HEADER = re.compile(
    rb"^message-id[ \t]*:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE
)
_REOPEN = {"pending": "open", "on_hold": "open", "solved": "open"}
_BODY_CHARS = 20_000


@dataclass(frozen=True)
class Outcome:
    """What became of one mail, as ``comptoir mail import`` prints it."""

    outcome: str  # ticket | joined | ignored | quarantined
    ticket_ref: str | None = None
    reason: str | None = None
    mail_id: int | None = None
    ticket_id: int | None = None
    message_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome}
        if self.ticket_ref:
            out["ticket_ref"] = self.ticket_ref
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class MailLimits:
    """Channel-wide mail settings (``mail_settings`` key ``limits``)."""

    thread_window_hours: int = 24
    max_message_bytes: int = 40_000_000
    max_attachment_bytes: int = 10_000_000
    max_total_attachment_bytes: int = 25_000_000
    auto_ack: bool = True

    @classmethod
    def load(cls, db: Database) -> MailLimits:
        saved = db.read(lambda cur: store.get_setting(cur, "limits")) or {}
        known = {k: v for k, v in saved.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class NewTicketInfo:
    """Handed to the acknowledger after a mail opened a ticket."""

    ticket_id: int
    mail_id: int
    mailbox_id: int | None
    reply_to: str
    language: str
    subject: str
    text: str
    typing: Future | None = None


def message_key(raw: bytes) -> tuple[str | None, list[str]]:
    """(Message-ID, content hashes: current first, then older versions') of raw bytes,
    without a full parse."""
    head_end = re.search(rb"\r?\n\r?\n|\r\r", raw[:1_000_000])
    head = raw[: head_end.start()] if head_end else raw[:1_000_000]
    match = _MID_HEADER.search(head)
    mid = normalise_message_id(match[1].decode("latin-1")) if match else None
    return mid, [content_hash(raw), legacy_content_hash(raw)]


@dataclass
class _Route:
    ticket_id: int | None
    how: str
    note: str | None = None


@dataclass
class Pipeline:
    db: Database
    secret: str
    default_language: str = "fr"
    #: ticket id → a future of its problem type, once the auto-typing listener typed it.
    typed: Callable[[int], Future] | None = None
    on_new_ticket: Callable[[NewTicketInfo], None] | None = None
    limits: MailLimits = field(default_factory=MailLimits)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- 1. keep the raw mail -------------------------------------------------------------
    def receive(
        self,
        raw: bytes,
        *,
        source: str,
        mailbox_id: int | None = None,
        envelope: dict | None = None,
    ) -> tuple[int, bool]:
        """Store the raw mail durably (committed when this returns); (id, False) if known."""
        mid, hashes = message_key(raw)
        return self.db.write(
            lambda w: store.store_raw(
                w, rfc_message_id=mid, content_hashes=hashes, source=source,
                mailbox_id=mailbox_id, raw=raw, envelope=envelope, at=utcnow(),
            )
        )  # fmt: skip

    def ingest(
        self,
        raw: bytes,
        *,
        source: str,
        mailbox_id: int | None = None,
        envelope: dict | None = None,
        acknowledge: bool = True,
        historical: bool = False,
    ) -> Outcome:
        """Receive and process one mail; a duplicate is reported as ignored."""
        mail_id, created = self.receive(
            raw, source=source, mailbox_id=mailbox_id, envelope=envelope
        )
        if not created:
            status = self.db.read(lambda cur: store.status_of(cur, mail_id))
            if status != "received":
                return Outcome("ignored", reason="duplicate", mail_id=mail_id)
        return self.process(mail_id, acknowledge=acknowledge, historical=historical)

    def process_pending(self, *, acknowledge: bool = True) -> list[Outcome]:
        outcomes = []
        for mail_id in self.db.read(store.pending_inbound):
            try:
                outcomes.append(self.process(mail_id, acknowledge=acknowledge))
            except Exception:  # the database failed (busy, closing): the mail stays stored
                log.exception("mail %s stays for a later try", mail_id)
        return outcomes

    # -- 2. understand and file it ----------------------------------------------------------
    def process(
        self, mail_id: int, *, acknowledge: bool = True, historical: bool = False
    ) -> Outcome:
        """File one stored mail. Never raises for a bad mail: it is quarantined instead."""
        with self._lock:  # one mail at a time: two replies must not race to open two tickets
            row = self.db.read(lambda cur: store.stored(cur, mail_id))
            if row is None:
                raise LookupError(mail_id)
            if row["status"] != "received":
                return self._existing(row)
            try:
                return self._process(row, acknowledge=acknowledge, historical=historical)
            except Exception as exc:  # a bug or odd mail must not stop the others
                log.exception("mail %s could not be processed", mail_id)
                return self._quarantine(mail_id, f"processing error: {type(exc).__name__}")

    def _existing(self, row: dict) -> Outcome:
        ref = None
        if row["ticket_id"]:
            ref = self.db.read(lambda cur: tickets.ref_of(cur, row["ticket_id"]))
        status = row["status"] if row["status"] != "outbound" else "ignored"
        return Outcome(status, ref, row["reason"] or "duplicate", row["id"], row["ticket_id"])

    def _quarantine(self, mail_id: int, reason: str, mail: ParsedMail | None = None) -> Outcome:
        self.db.write(
            lambda w: store.mark_processed(
                w, mail_id, status="quarantined", reason=reason, at=utcnow(),
                from_address=mail.from_address if mail else None,
                subject=mail.subject if mail else None,
            )
        )  # fmt: skip
        log.warning("mail %s quarantined: %s", mail_id, reason)
        return Outcome("quarantined", reason=reason, mail_id=mail_id)

    def _ignore(self, mail_id: int, reason: str, mail: ParsedMail, mailbox_id) -> Outcome:
        self.db.write(
            lambda w: store.mark_processed(
                w, mail_id, status="ignored", reason=reason, at=utcnow(), mailbox_id=mailbox_id,
                from_address=mail.from_address, subject=mail.subject,
                in_reply_to=mail.in_reply_to, refs=mail.references,
            )
        )  # fmt: skip
        return Outcome("ignored", reason=reason, mail_id=mail_id)

    def _process(self, row: dict, *, acknowledge: bool, historical: bool) -> Outcome:
        mail_id = row["id"]
        raw: bytes = row["raw"]
        envelope = row["envelope"] or {}
        if len(raw) > self.limits.max_message_bytes:
            return self._quarantine(mail_id, f"too large: {len(raw)} bytes")
        try:
            mail = parse(
                raw,
                max_attachment_bytes=self.limits.max_attachment_bytes,
                max_total_bytes=self.limits.max_total_attachment_bytes,
            )
        except Unreadable as exc:
            return self._quarantine(mail_id, f"unreadable: {exc}")

        own = {a.lower() for a in self.db.read(store.mailbox_addresses)}
        rcpts = [*mail.all_recipients, *[a.lower() for a in envelope.get("rcpt_tos", [])]]
        mailbox_id = row["mailbox_id"] or self.db.read(
            lambda cur: store.mailbox_id_for_address(cur, rcpts)
        )
        market = marketplaces.detect(mail)
        if (mail.from_address or "") in own:
            return self._ignore(mail_id, "loop: sent from the helpdesk's own address", mail,
                                mailbox_id)  # fmt: skip
        verdict = loops.classify(mail, raw, marketplace=market is not None)
        if verdict is not None:
            reason = f"{verdict.kind}: {verdict.reason}"
            if verdict.kind in ("bounce", "complaint"):
                failed = self.db.write(
                    lambda w: store.fail_by_message_ids(w, verdict.original_ids, reason, utcnow())
                )
                if failed:
                    reason += f" (marked {len(failed)} outgoing mail failed)"
            return self._ignore(mail_id, reason, mail, mailbox_id)

        sender = market.relay_address if market else mail.from_address
        reply_to = market.relay_address if market else mail.reply_address
        if not sender or not reply_to:
            return self._quarantine(mail_id, "no sender address", mail)
        if self.db.read(lambda cur: blocks.is_blocked(cur, [("email", sender)])):
            return self._ignore(mail_id, "blocked sender", mail, mailbox_id)

        route = self._route(mail, sender, rcpts, market)
        return self._file(row, mail, route, market, sender, reply_to, mailbox_id,
                          acknowledge=acknowledge, historical=historical)  # fmt: skip

    # -- threading --------------------------------------------------------------------------
    def _usable(self, cur, ticket_id: int | None) -> int | None:
        if ticket_id is None:
            return None
        ticket_id = tickets.resolve_merged(cur, ticket_id)
        try:
            (status,) = tickets.fields(cur, ticket_id, "status")
        except LookupError:
            return None
        return None if status == "closed" else ticket_id

    def _route(self, mail: ParsedMail, sender: str, rcpts: list[str], market) -> _Route:
        def read(cur) -> _Route:
            for address in rcpts:
                ref = tokens.ref_from_address(address, self.secret)
                if ref:
                    found = self._usable(cur, tickets.ref_to_id(cur, ref))
                    if found:
                        return _Route(found, "reply_address")
            ids = [mail.in_reply_to, *reversed(mail.references)]
            found = self._usable(cur, store.ticket_for_message_ids(cur, [i for i in ids if i]))
            if found:
                return _Route(found, "message_id")
            note = None
            for match in _SUBJECT_REF.finditer(mail.subject):
                ref = (match[1] or match[2]).upper()
                ticket_id = ticket_id_from_ref(ref)
                if ticket_id is None:
                    continue
                found = self._usable(cur, tickets.ref_to_id(cur, ref))
                if found and sender.lower() in store.participants(cur, found):
                    return _Route(found, "subject_reference")
                if found:
                    note = f"subject quotes {ref} but the sender is not its customer"
            customer_id = customer_links.customer_by_email(cur, sender)
            numbers = self._order_numbers(mail, market)
            if customer_id is not None and numbers:
                since = utcnow() - timedelta(hours=self.limits.thread_window_hours)
                found = self._usable(
                    cur, store.open_ticket_for_order(cur, customer_id, numbers, since)
                )
                if found:
                    return _Route(found, "same_order")
            return _Route(None, "new", note)

        return self.db.read(read)

    @staticmethod
    def _order_numbers(mail: ParsedMail, market) -> list[str]:
        from widget_api.problem_typing.extract import extract_order_numbers

        numbers = [market.order_id] if market and market.order_id else []
        numbers += extract_order_numbers(f"{mail.subject}\n{mail.new_text[:_BODY_CHARS]}")
        return [n for i, n in enumerate(numbers) if n and n not in numbers[:i]]

    # -- writing ----------------------------------------------------------------------------
    def _file(
        self, row: dict, mail: ParsedMail, route: _Route, market, sender: str, reply_to: str,
        mailbox_id: int | None, *, acknowledge: bool, historical: bool,
    ) -> Outcome:  # fmt: skip
        mail_id = row["id"]
        new_text = mail.new_text
        lang = ticket_creation.detect_language(mail.subject, new_text, self.default_language)
        # An address shown as the name is a label, not an identity: it is never the customer's
        # name, and the agent is warned (the mail comes from ``sender``).
        lookalike = mail.display_name_address
        name = (market.buyer_name if market else None) or (None if lookalike else mail.from_name)
        numbers = self._order_numbers(mail, market)
        order = None
        for number in numbers:
            order = self.db.read(lambda cur, n=number: orders.find_by_number(cur, n))
            if order:
                break
        body = mail.text.strip() or t(
            "mail.attachments_only" if mail.attachments else "mail.empty_body", lang
        )
        meta = {
            "mail": {
                "message_id": mail.message_id,
                "from": mail.from_address,
                "reply_to": reply_to,
                "to": mail.to[:20],
                "cc": mail.cc[:20],
                "subject": mail.subject,
                "date": mail.date.isoformat() if mail.date else None,
                "quoted_from": mail.quoted_from,
                "quoted_spans": [list(s) for s in mail.quoted_spans],
                "signature_from": mail.signature_from,
                "new_text": new_text[:_BODY_CHARS],
                "skipped_attachments": mail.skipped[:20],
                "marketplace": market.name if market else None,
                "marketplace_order_id": market.order_id if market else None,
                "threaded_by": route.how,
                "note": route.note,
                "display_name": mail.from_name,
                "display_name_address": lookalike,
            }
        }
        at = utcnow()
        if historical and mail.date and mail.date < at:
            at = mail.date
        inbound = ticket_creation.NewInbound(
            channel=market.name if market else "email", sender_email=sender, sender_name=name,
            subject=mail.subject, body_text=body, body_html=mail.html, own_text=new_text,
            language=lang, order_number=numbers[0] if numbers else None,
            marketplace=market.name if market else None, message_meta=meta,
            source={
                "mail": {
                    "mailbox_id": mailbox_id, "from": mail.from_address, "reply_to": reply_to,
                    "message_id": mail.message_id,
                    "marketplace": market.name if market else None,
                    "marketplace_order_id": market.order_id if market else None,
                }
            },
        )  # fmt: skip

        def write(w) -> tuple[Outcome, ticket_creation.OpenedTicket | None] | None:
            if store.status_of(w.cur, mail_id) != "received":
                return None
            opened = None
            if route.ticket_id is not None:
                customer_id, _ = customers.find_or_create(
                    w, email=sender, name=name, language=lang, at=at
                )
                actor = Actor("customer", customer_id)
                ticket_id = route.ticket_id
                (ticket_channel, status) = tickets.fields(w.cur, ticket_id, "channel", "status")
                message_id = tickets.add_message(
                    w,
                    tickets.NewMessage(
                        ticket_id=ticket_id, kind="inbound", author_type="customer",
                        author_id=customer_id, author_name=name, channel=ticket_channel,
                        body_text=body[: _BODY_CHARS * 5], body_html=mail.html, meta=meta, at=at,
                    ),
                    actor,
                )  # fmt: skip
                if status in _REOPEN:
                    tickets.update(w, ticket_id, {"status": _REOPEN[status]}, actor, at)
                outcome = "joined"
            else:
                opened = ticket_creation.create_ticket(
                    w, inbound, default_language=self.default_language, order=order, at=at
                )
                ticket_id, message_id = opened.ticket_id, opened.message_id
                actor = Actor("customer", opened.customer_id)
                outcome = "ticket"
            for item in mail.attachments:
                attachment_id = attachments.add(
                    w, ticket_id=ticket_id, filename=item.filename,
                    content_type=item.content_type, data=item.data, sha256=item.sha256,
                    uploaded_by="customer", actor=actor, at=at,
                )  # fmt: skip
                store.link_attachment(w, attachment_id, message_id)
            store.mark_processed(
                w, mail_id, status=outcome, at=utcnow(), ticket_id=ticket_id,
                message_id=message_id, mailbox_id=mailbox_id, from_address=mail.from_address,
                reply_address=reply_to, recipients=mail.to + mail.cc, subject=mail.subject,
                in_reply_to=mail.in_reply_to, refs=mail.references,
                thread_index=mail.header("thread-index"), reason=route.how,
            )  # fmt: skip
            ref = opened.ref if opened else tickets.ref_of(w.cur, ticket_id)
            done = Outcome(outcome, ref, route.note, mail_id, ticket_id, message_id)
            return done, opened

        written = self.db.write(write)
        if written is None:
            return self._existing(self.db.read(lambda cur: store.stored(cur, mail_id)))
        result, opened = written
        if opened is not None:
            typing = self.typed(result.ticket_id) if self.typed is not None else None
            if acknowledge and self.on_new_ticket is not None:
                info = NewTicketInfo(result.ticket_id, mail_id, mailbox_id, reply_to, lang,
                                     opened.subject, new_text, typing)  # fmt: skip
                try:
                    if self._may_acknowledge(info, market, mail):
                        self.on_new_ticket(info)
                except Exception:  # an acknowledgement never costs the ticket
                    log.exception("auto-acknowledgement of ticket %s failed", result.ticket_id)
        return result

    def _may_acknowledge(self, info: NewTicketInfo, market, mail: ParsedMail) -> bool:
        """RFC 3834 manners: never to a relay, a no-reply address, or twice a day to one
        address; only when the mailbox (and the channel setting) asks for it."""
        if not self.limits.auto_ack or market is not None:
            return False
        if loops.no_reply_address(info.reply_to) or loops.no_reply_address(mail.from_address):
            return False
        if info.mailbox_id is not None:
            box = self.db.read(lambda cur: store.mailbox(cur, info.mailbox_id))
            if box is None or not box["auto_ack"]:
                return False
        since = utcnow() - timedelta(hours=24)
        return not self.db.read(lambda cur: store.recent_auto_ack(cur, info.reply_to, since))


def envelope_of(mail_from: str | None, rcpt_tos: list[str]) -> dict:
    return {"mail_from": mail_from, "rcpt_tos": [r.lower() for r in rcpt_tos][:50]}
