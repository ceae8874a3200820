"""Outgoing mail: an agent's reply or the auto-acknowledgement, built once as exact bytes.

A reply comes from the store's support address with the ticket's signed plus-address
(``"Émilie de Nordet" <support+c100042-…@nordet.example>``), answers the customer's last mail
(In-Reply-To, References with the thread's ids, Thread-Index for Outlook) and goes to where that
mail said to answer (Reply-To, or the marketplace relay). It has a text and an HTML part.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from widget_api.domain.sanitize import clean_html
from widget_api.i18n import t
from widget_api.mail import tokens
from widget_api.mail.html_text import text_to_html
from widget_api.storage import Database, tickets
from widget_api.storage import mail as store
from widget_api.storage.rows import utcnow

_MAX_REFERENCES = 20


@dataclass(frozen=True)
class Outgoing:
    kind: str
    ticket_id: int
    message_id: int | None
    mailbox_id: int | None
    rfc_message_id: str
    mail_from: str  # envelope sender: the plain support address (bounces come back there)
    rcpt_to: list[str]
    raw: bytes
    subject: str
    in_reply_to: str | None
    refs: list[str]
    thread_index: str

    def enqueue(self, w) -> int | None:
        return store.enqueue(
            w, kind=self.kind, ticket_id=self.ticket_id, message_id=self.message_id,
            mailbox_id=self.mailbox_id, rfc_message_id=self.rfc_message_id,
            mail_from=self.mail_from, rcpt_to=self.rcpt_to, raw=self.raw,
            recipients=self.rcpt_to, subject=self.subject, in_reply_to=self.in_reply_to,
            refs=self.refs, thread_index=self.thread_index, at=utcnow(),
        )  # fmt: skip


@dataclass(frozen=True)
class StoreIdentity:
    name: str
    support_email: str


def _strip_prefixes(subject: str) -> str:
    import re

    return re.sub(r"^\s*((re|fw|fwd|tr|réf|ref|aw|sv)\s*:\s*)+", "", subject, flags=re.I).strip()


def _address(display: str, addr: str) -> Address:
    local, _, domain = addr.rpartition("@")
    return Address(display_name=display, username=local, domain=domain)


class Composer:
    """Builds outgoing mail for one database; ``identity()`` gives the store name and address."""

    def __init__(self, db: Database, secret: str, identity):
        self._db = db
        self._secret = secret
        self._identity = identity

    def _context(self, ticket_id: int) -> dict:
        def read(cur):
            summary = tickets.summary(cur, ticket_id)
            thread = store.thread(cur, ticket_id)
            inbound = [m for m in thread if m["direction"] == "inbound"]
            last_in = inbound[-1] if inbound else None
            mailbox_id = (last_in or {}).get("mailbox_id") or next(
                (m["mailbox_id"] for m in reversed(thread) if m["mailbox_id"]), None
            )
            mailbox_id = mailbox_id or store.default_outbound_mailbox(cur)
            box = store.mailbox(cur, mailbox_id) if mailbox_id else None
            return summary, thread, last_in, box

        summary, thread, last_in, box = self._db.read(read)
        if summary is None:
            raise LookupError(ticket_id)
        identity: StoreIdentity = self._identity()
        support = (box["address"] if box else identity.support_email).lower()
        source_mail = (summary.get("source") or {}).get("mail") or {}
        to = (last_in or {}).get("reply_address") or source_mail.get("reply_to")
        to = to or summary["customer_email"]
        ids = [m["rfc_message_id"] for m in thread if m["rfc_message_id"]]
        refs: list[str] = []
        if last_in:
            refs = [*(last_in.get("refs") or []), last_in["rfc_message_id"]]
        refs += [i for i in ids if i not in refs]
        refs = [r for r in refs if r][-_MAX_REFERENCES:]
        parent_index = next(
            (m["thread_index"] for m in reversed(thread) if m["thread_index"]), None
        )
        return {
            "summary": summary,
            "mailbox_id": box["id"] if box else None,
            "support": support,
            "store": identity.name,
            "to": to,
            "in_reply_to": (last_in or {}).get("rfc_message_id"),
            "refs": refs,
            "parent_index": parent_index,
            "original_subject": (thread[0]["subject"] if thread else None),
        }

    def _build(
        self, ctx: dict, *, kind: str, number: int, display: str, text: str, html_body: str,
        subject: str, auto: bool,
    ) -> Outgoing:  # fmt: skip
        summary = ctx["summary"]
        ref = summary["ref"]
        domain = ctx["support"].rpartition("@")[2]
        rfc_id = tokens.message_id(ref, kind, number, domain, self._secret)
        reply_address = tokens.reply_address(ctx["support"], ref, self._secret)
        now = datetime.now(UTC)
        started = summary["created_at"]
        thread_index = tokens.thread_index(ctx["parent_index"], f"{ref}@{domain}", started, now)
        msg = EmailMessage(policy=policy.SMTP)
        msg["From"] = _address(display, reply_address)
        msg["Reply-To"] = _address(display, reply_address)
        msg["To"] = ctx["to"]
        msg["Subject"] = subject
        msg["Date"] = format_datetime(now)
        msg["Message-ID"] = f"<{rfc_id}>"
        if ctx["in_reply_to"]:
            msg["In-Reply-To"] = f"<{ctx['in_reply_to']}>"
        if ctx["refs"]:
            msg["References"] = " ".join(f"<{r}>" for r in ctx["refs"])
        msg["Thread-Index"] = thread_index
        msg["Thread-Topic"] = _strip_prefixes(summary["subject"])[:200]
        msg["Content-Language"] = "fr-CA" if summary["language"] == "fr" else "en-CA"
        msg["X-Comptoir-Ticket"] = ref
        if auto:
            msg["Auto-Submitted"] = "auto-replied"
            msg["X-Auto-Response-Suppress"] = "All"
            msg["Precedence"] = "auto_reply"
        msg.set_content(text)
        msg.add_alternative(html_body, subtype="html")
        return Outgoing(
            kind="auto_ack" if auto else "reply", ticket_id=summary["id"],
            message_id=None if auto else number,
            mailbox_id=ctx["mailbox_id"], rfc_message_id=rfc_id, mail_from=ctx["support"],
            rcpt_to=[ctx["to"].lower()], raw=msg.as_bytes(policy=policy.SMTP), subject=subject,
            in_reply_to=ctx["in_reply_to"], refs=ctx["refs"], thread_index=thread_index,
        )  # fmt: skip

    def _subject(self, ctx: dict) -> str:
        ref = ctx["summary"]["ref"]
        base = _strip_prefixes(ctx["original_subject"] or ctx["summary"]["subject"])
        tag = f"[#{ref}]"
        return f"Re: {base} {tag}" if tag not in base else f"Re: {base}"

    def reply(self, ticket_id: int, message_id: int) -> Outgoing:
        """The mail for an agent's reply (a ``messages`` row of kind outbound)."""
        message = self._db.read(lambda cur: store.message(cur, message_id))
        if message is None or message["ticket_id"] != ticket_id:
            raise LookupError(message_id)
        ctx = self._context(ticket_id)
        lang = ctx["summary"]["language"]
        first = (message["author_name"] or ctx["store"]).split()[0]
        display = t("mail.from_name", lang, agent=first, store=ctx["store"])
        footer = t("mail.reply_footer", lang, ref=ctx["summary"]["ref"])
        text = f"{message['body_text'].rstrip()}\n\n-- \n{display}\n{footer}\n"
        body_html = clean_html(message["body_html"]) if message["body_html"] else None
        body_html = body_html or text_to_html(message["body_text"])
        html_doc = (
            f'<!doctype html><html lang="{lang}"><body>{body_html}'
            f'<p style="color:#666">-- <br>{html.escape(display)}<br>{html.escape(footer)}</p>'
            "</body></html>"
        )
        return self._build(ctx, kind="m", number=message_id, display=display, text=text,
                           html_body=html_doc, subject=self._subject(ctx), auto=False)  # fmt: skip

    def acknowledgement(self, ticket_id: int, links: list[tuple[str, str]]) -> Outgoing:
        """The automatic "we got your message" mail, in the customer's language first then the
        other one, with the reference and help-center articles about the detected problem."""
        ctx = self._context(ticket_id)
        summary = ctx["summary"]
        lang = summary["language"]
        other = "en" if lang == "fr" else "fr"
        ref = summary["ref"]
        store_name = ctx["store"]
        texts, htmls = [], []
        for index, code in enumerate((lang, other)):
            lines = [
                t("mail.ack.greeting", code),
                "",
                t("mail.ack.body", code, ref=ref, store=store_name),
            ]
            block_html = [
                f"<p>{html.escape(t('mail.ack.greeting', code))}</p>",
                f"<p>{html.escape(t('mail.ack.body', code, ref=ref, store=store_name))}</p>",
            ]
            code_links = [(title, url) for title, url in links if f"/{code}/" in url] or (
                links if index == 0 else []
            )
            if code_links:
                lines += ["", t("mail.ack.articles", code)]
                lines += [f"- {title}: {url}" for title, url in code_links]
                items = "".join(
                    f'<li><a href="{html.escape(url)}">{html.escape(title)}</a></li>'
                    for title, url in code_links
                )
                block_html.append(f"<p>{html.escape(t('mail.ack.articles', code))}</p>"
                                  f"<ul>{items}</ul>")  # fmt: skip
            lines += ["", t("mail.ack.signature", code, store=store_name)]
            block_html.append(f"<p>{html.escape(t('mail.ack.signature', code, store=store_name))}"
                              "</p>")  # fmt: skip
            texts.append("\n".join(lines))
            htmls.append("".join(block_html))
        text = f"{texts[0]}\n\n{t('mail.ack.other_language', other)}\n\n{texts[1]}\n"
        html_doc = (
            f'<!doctype html><html lang="{lang}"><body>{htmls[0]}<hr>'
            f'<div lang="{other}">{htmls[1]}</div></body></html>'
        )
        subject = t("mail.ack.subject", lang, ref=ref, subject=_strip_prefixes(summary["subject"]))
        return self._build(ctx, kind="ack", number=ticket_id, display=store_name, text=text,
                           html_body=html_doc, subject=subject, auto=True)  # fmt: skip
