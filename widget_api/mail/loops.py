"""Mail that no person wrote: auto-replies, out-of-office, bounces, complaints, read receipts,
mailing lists and bulk mail. None of it may open a ticket or get an auto-acknowledgement, or two
robots answer each other forever (RFC 3834). Bounces also tell which of our mails failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from widget_api.mail.parse import ParsedMail, normalise_message_id

_BOUNCE_SENDERS = re.compile(
    r"^(mailer-daemon|post_?master|mail-daemon|maildaemon|mailerdaemon|mail\.delivery|"
    r"mail-delivery|nobody-bounce|bounce[s]?|mdaemon|mailer|smtp-gateway|"
    r"microsoftexchange[0-9a-f]*|mail-notification)(\+[^@]*)?@",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|returned\s+mail|return(ed)?\s+to\s+sender|delivery\s+(status|"
    r"failure|failed|has\s+failed|notification|problem|report)|mail\s+delivery|"
    r"failure\s+notice|could\s+not\s+(be\s+)?deliver|not\s+(be\s+)?delivered|nondeliverable|"
    r"non[-\s]?delivery|delivery\s+error|mail\s+system\s+error|message\s+(you\s+sent\s+)?"
    r"blocked|rejected|message\s+not\s+delivered|non\s+remis|non\s+distribuable|"
    r"[ée]chec\s+de\s+(la\s+)?(remise|distribution|livraison)|unzustellbar|"
    r"error\s+sending\s+(your\s+)?mail|warning:\s+could\s+not\s+send|bounce|"
    r"permanent\s+error|temporary\s+error|delayed\s+mail|delivery\s+delayed|"
    r"benachrichtung|no\s+se\s+puede\s+entregar|loop\s+alert|メールエラー|エラー通知|配信不能|不達|"
    r"未配達",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"^(auto(matic|matische)?[\s_-]*(reply|response|antwort|r[ée]ponse)|r[ée]ponse\s+automatique"
    r"|out\s+of\s+(the\s+)?office|absence\s+du\s+bureau|absent(e)?\b|away\s+from|"
    r"on\s+vacation|vacation|en\s+vacances|auto:|autoreply|auto-reply|abwesenheit|"
    r"abwesenheitsnotiz|office\s+closed|i\s+am\s+out|je\s+suis\s+absent)",
    re.IGNORECASE,
)
_EMBEDDED_ID = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
_IN_REPLY_ID = re.compile(r"^[ \t>]*(?:X-)?Original-Message-ID:[ \t]*(<[^>\s]+>)",
                          re.IGNORECASE | re.MULTILINE)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """Why a mail is not a person's: ``kind`` is auto_reply, bounce, complaint, receipt, list
    or bulk; ``original_ids`` are the Message-IDs a bounce or auto-reply is about."""

    kind: str
    reason: str
    original_ids: list[str] = field(default_factory=list)


def _first(mail: ParsedMail, name: str) -> str:
    return (mail.header(name) or "").strip().lower()


def _originals(mail: ParsedMail, raw: bytes) -> list[str]:
    """Message-IDs of the mail a DSN or auto-reply answers: the returned message's own header
    (message/rfc822 or text/rfc822-headers part, or quoted in a plain-text bounce), then the
    auto-reply's In-Reply-To / References."""
    found = list(mail.original_message_ids)
    head_end = re.search(rb"\r?\n\r?\n", raw)
    body = raw[head_end.end() :] if head_end else b""
    text = body[:2_000_000].decode("utf-8", errors="replace")
    for pattern in (_EMBEDDED_ID, _IN_REPLY_ID):
        for match in pattern.finditer(text):
            mid = normalise_message_id(match[1])
            if mid and mid != mail.message_id:
                found.append(mid)
    found += [i for i in (mail.in_reply_to, *mail.references) if i]
    out: list[str] = []
    for mid in found:
        if mid not in out:
            out.append(mid)
    return out


def classify(mail: ParsedMail, raw: bytes, *, marketplace: bool = False) -> Verdict | None:
    """The reason ``mail`` is machine-made, or None for a person's mail."""
    sender = (mail.from_address or "").lower()
    return_path = _first(mail, "return-path")
    auto_submitted = _first(mail, "auto-submitted")
    subject = mail.subject or ""
    report = mail.report_type or ""

    def verdict(kind: str, reason: str) -> Verdict:
        return Verdict(kind, reason, _originals(mail, raw))

    if report == "delivery-status" or "message/delivery-status" in mail.part_types:
        return verdict("bounce", "delivery status notification (multipart/report)")
    if report == "feedback-report" or "message/feedback-report" in mail.part_types:
        return verdict("complaint", "abuse feedback report (ARF)")
    if report == "disposition-notification" or "message/disposition-notification" in (
        mail.part_types
    ):
        return verdict("receipt", "read receipt (MDN)")
    if mail.header("x-failed-recipients"):
        return verdict("bounce", "X-Failed-Recipients header")
    bounce_sender = bool(_BOUNCE_SENDERS.match(sender)) or (
        not sender and "mailer-daemon" in (mail.header("from") or "").lower()
    )
    if bounce_sender:
        return verdict("bounce", f"sent by {sender or 'MAILER-DAEMON'}")
    if auto_submitted and auto_submitted != "no":
        kind = "bounce" if _BOUNCE_SUBJECT.search(subject) else "auto_reply"
        return verdict(kind, f"Auto-Submitted: {auto_submitted}")
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated", "x-auto-reply"):
        if mail.header(name) is not None:
            return verdict("auto_reply", f"{name} header")
    if _first(mail, "x-mailer").startswith(("vacation", "unix vacation")):
        return verdict("auto_reply", "vacation program")
    if return_path in ("<>", "") and mail.header("return-path") is not None:
        kind = "auto_reply" if _AUTO_SUBJECT.search(subject) else "bounce"
        return verdict(kind, "null envelope sender (Return-Path: <>)")
    if _BOUNCE_SUBJECT.search(subject) and (
        not sender or sender.split("@")[0] in ("postmaster", "mailer-daemon", "root", "daemon")
        or "mail" in (mail.from_name or "").lower() or _looks_like_dsn_body(mail.text)
        or no_reply_address(sender) or sender.split("@")[0].endswith(("-admin", "-owner"))
    ):  # fmt: skip
        return verdict("bounce", "delivery failure notice")
    if _AUTO_SUBJECT.search(subject):
        return verdict("auto_reply", "automatic reply subject")
    if marketplace:
        return None  # relayed buyer messages may carry list-like headers
    precedence = _first(mail, "precedence")
    if precedence in ("bulk", "junk", "list"):
        return verdict("list" if precedence == "list" else "bulk", f"Precedence: {precedence}")
    for name in ("list-id", "list-post", "mailing-list", "x-mailing-list", "x-mlserver",
                 "x-ml-name"):  # fmt: skip
        if mail.header(name) is not None:
            return verdict("list", f"{name} header (mailing list)")
    if _first(mail, "x-loop") or mail.header("x-comptoir-ticket"):
        return verdict("auto_reply", "loop marker header")
    return None


_DSN_BODY = re.compile(
    r"(could\s+not\s+be\s+delivered|delivery\s+to\s+the\s+following|permanent\s+(fatal\s+)?"
    r"error|user\s+unknown|mailbox\s+(is\s+)?(full|unavailable)|host\s+not\s+found|"
    r"550[\s-]|5\.\d\.\d|recipient\s+address\s+rejected|returned\s+to\s+(the\s+)?sender)",
    re.IGNORECASE,
)


def _looks_like_dsn_body(text: str) -> bool:
    return bool(_DSN_BODY.search(text[:20_000]))


def no_reply_address(address: str | None) -> bool:
    """An address that says it reads nothing (no-reply@, donotreply@, notifications@…)."""
    local = (address or "").split("@")[0].lower()
    return bool(
        re.match(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|ne[-_.]?pas[-_.]?repondre|"
                 r"notifications?|alerts?|bounce[s]?|mailer-daemon|postmaster)", local)
    )  # fmt: skip
