"""Raw mail bytes to a :class:`ParsedMail`, with the standard library's ``email`` package.

Real mail is messy: any charset, RFC 2047/2231 encoded headers, HTML-only bodies, nested
multiparts, bad boundaries, unknown transfer encodings, endless ``message/rfc822`` nesting. Each
header and part is read on its own and falls back to a rougher reading instead of failing, so
one bad header never costs the message. :class:`Unreadable` is raised only when nothing sensible
can be made of it (the caller quarantines it with the reason).
"""

from __future__ import annotations

import codecs
import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from widget_api.domain.sanitize import clean_html
from widget_api.mail import addresses, quotes
from widget_api.mail.html_text import html_to_text

MAX_DEPTH = 8
MAX_PARTS = 200
MAX_TEXT_CHARS = 200_000
_MSGID = re.compile(r"<([^<>\s]+)>")
_BARE_MSGID = re.compile(r"^[^<>\s@]+@[^<>\s@]+$")
_CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
    "x-user-defined": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ansi_x3.4-1968": "ascii",
}


class Unreadable(ValueError):
    """Nothing sensible can be read from the bytes; the message says why."""


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ParsedMail:
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    subject: str
    from_name: str | None
    from_address: str | None
    reply_to: list[str]
    sender: str | None
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    date: datetime | None
    headers: dict[str, list[str]]
    content_type: str
    text: str
    html: str | None
    quoted_spans: tuple[tuple[int, int], ...] = ()
    signature_from: int | None = None
    attachments: list[Attachment] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    report_type: str | None = None
    part_types: list[str] = field(default_factory=list)
    original_message_ids: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def quoted_from(self) -> int | None:
        return self.quoted_spans[0][0] if self.quoted_spans else None

    @property
    def new_text(self) -> str:
        """The text without quotation and signature: what the thread shows unfolded."""
        spans = list(self.quoted_spans)
        if self.signature_from is not None:
            end = next((s for s, _ in spans if s > self.signature_from), len(self.text))
            spans.append((self.signature_from, end))
        return quotes._without(self.text, quotes._merge(spans, self.text)).strip()

    @property
    def display_name_address(self) -> str | None:
        """An address shown as the sender's name that is not the sender's address: the
        agent is warned (``victim@example.org <attacker@example.com>``)."""
        return addresses.address_like(self.from_name, self.from_address)

    @property
    def reply_address(self) -> str | None:
        """Where an answer goes: the first Reply-To, else From."""
        return self.reply_to[0] if self.reply_to else self.from_address

    @property
    def all_recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.delivered_to]


# -- identifiers ----------------------------------------------------------------------------
def normalise_message_id(value: str | None) -> str | None:
    """``<abc@host>`` → ``abc@host``; None when there is nothing like an id."""
    if not value:
        return None
    value = " ".join(str(value).split())
    match = _MSGID.search(value)
    if match:
        return match[1][:500]
    value = value.strip()
    return value[:500] if _BARE_MSGID.match(value) else None


def message_ids(value: str | None) -> list[str]:
    """Every id in a References / In-Reply-To value, in order, without repeats."""
    if not value:
        return []
    found = _MSGID.findall(" ".join(str(value).split()))
    if not found and _BARE_MSGID.match(str(value).strip()):
        found = [str(value).strip()]
    out: list[str] = []
    for item in found:
        if item not in out:
            out.append(item[:500])
    return out


# What a mail says; trace headers (Received, Return-Path, Delivered-To, X-…) and Resent-* say how
# it travelled, and differ between two deliveries of one mail (forward + IMAP, a re-poll).
_CONTENT_HEADERS = (
    b"from", b"sender", b"reply-to", b"to", b"cc", b"subject", b"date", b"message-id",
    b"in-reply-to", b"references", b"mime-version", b"content-type",
    b"content-transfer-encoding", b"content-disposition",
)  # fmt: skip


def content_hash(raw: bytes) -> str:
    """A fingerprint of what a mail says (its significant headers, unfolded, and its body;
    line endings and runs of white space do not count), not of how it travelled. With the
    Message-ID it tells a second delivery of one mail from another mail reusing the id."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    fields: dict[bytes, list[bytes]] = {}
    current: list[bytes] | None = None
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the header above
            if current is not None:
                current[-1] += line
            continue
        name, colon, value = line.partition(b":")
        name = name.strip().lower()
        current = fields.setdefault(name, []) if colon and name in _CONTENT_HEADERS else None
        if current is not None:
            current.append(value)
    digest = hashlib.sha256()
    for name in _CONTENT_HEADERS:
        for value in fields.get(name, ()):
            digest.update(name + b": " + b" ".join(value.split()) + b"\n")
    digest.update(b"\n")
    digest.update(b" ".join(body.split()))
    return digest.hexdigest()


def legacy_content_hash(raw: bytes) -> str:
    """The fingerprint mail was stored with before :func:`content_hash` (first From, Date,
    Subject, To lines and the body): a mail kept then is still known when it comes again."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    wanted = []
    for name in (b"from:", b"date:", b"subject:", b"to:"):
        for line in head.split(b"\n"):
            if line.lower().startswith(name):
                wanted.append(b" ".join(line.split()))
                break
    digest = hashlib.sha256()
    digest.update(b"\n".join(wanted))
    digest.update(b"\n\n")
    digest.update(b" ".join(body.split()))
    return digest.hexdigest()


# -- headers ------------------------------------------------------------------------------
def unsurrogate(value: str) -> str:
    """Raw 8-bit header bytes come back from the parser as surrogate escapes; read them as
    UTF-8 (SMTPUTF8 mail is), replacing what is not."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode_raw(value: str) -> str:
    try:
        return unsurrogate(str(make_header(decode_header(value))))
    except Exception:
        return unsurrogate(value)


def _raw_headers(msg: Message) -> list[tuple[str, str]]:
    try:
        return [(str(k), str(v)) for k, v in msg.raw_items()]  # type: ignore[attr-defined]
    except Exception:
        return [(str(k), str(v)) for k, v in getattr(msg, "_headers", [])]


def _header_text(msg: Message, name: str) -> str | None:
    """The decoded value of the first ``name`` header; None when absent."""
    try:
        value = msg.get(name)
        if value is None:
            return None
        text = unsurrogate(str(value))
        return " ".join(text.split()) if "\n" in text or "\r" in text else text
    except Exception:
        for key, raw in _raw_headers(msg):
            if key.lower() == name.lower():
                return " ".join(_decode_raw(raw).split())
        return None


def _addresses(msg: Message, name: str) -> list[tuple[str | None, str]]:
    """(display name, lower-case address) of every mailbox in the ``name`` headers: the
    address in angle brackets, whatever the display name looks like (see ``addresses``)."""
    raws = [raw for key, raw in _raw_headers(msg) if key.lower() == name.lower()]
    found = [
        mailbox
        for raw in raws
        for mailbox in addresses.mailboxes(unsurrogate(" ".join(raw.split())))
    ]
    if found or any("<" in raw for raw in raws):  # a bracketed address is the only answer
        return found
    return _stdlib_addresses(msg, name, raws)


def _stdlib_addresses(msg: Message, name: str, raws: list[str]) -> list[tuple[str | None, str]]:
    """The standard library's reading, for what the structural one found nothing in."""
    found: list[tuple[str | None, str]] = []
    try:
        headers = msg.get_all(name) or []
        for header in headers:
            for address in getattr(header, "addresses", ()):
                spec = unsurrogate(address.addr_spec or "").strip()
                if "@" in spec and " " not in spec:
                    found.append((unsurrogate(address.display_name) or None, spec.lower()))
    except Exception:
        found = []
    if found:
        return found
    for name_part, spec in getaddresses(raws):
        spec = unsurrogate(spec).strip().strip("<>")
        if "@" in spec and " " not in spec and len(spec) < 320:
            found.append((_decode_raw(name_part) or None, spec.lower()))
    return found


def _loose_address(values: list[str] | None) -> list[tuple[str | None, str]]:
    """An address written without brackets among words (``From: Big Bug bb@bug.com``); never
    when the header has brackets: what stands before them is a display name."""
    for value in values or []:
        if "<" in value:
            continue
        match = _LOOSE_ADDRESS.search(value)
        if match:
            return [(value[: match.start()].strip(" \"'<") or None, match[0].lower())]
    return []


_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_OBS_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]+:")
_HEAD_END = re.compile(rb"\r\n\r\n|\n\n|\r\r|\n\r\n")
_LOOSE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def _repair_head(raw: bytes) -> bytes:
    """Fix what stops the parser reading the header block: obsolete ``Name  :`` spacing
    (RFC 5322 obs-syntax) and stray lines that are not headers, which would end the block
    early and push the real headers into the body (those are kept as ``X-Malformed-Header``)."""
    end = _HEAD_END.search(raw, 0, 1_000_000)
    head, rest = (raw[: end.start()], raw[end.start() :]) if end else (raw, b"")
    lines = re.split(rb"(\r\n|\r|\n)", head)
    changed = False
    for index in range(0, len(lines), 2):
        line = lines[index]
        if not line or line[:1] in b" \t" or _HEADER_LINE.match(line):
            continue
        if index == 0 and line.startswith(b"From "):
            continue
        obs = _OBS_HEADER_LINE.match(line)
        lines[index] = obs[1] + b":" + line[obs.end() :] if obs else b"X-Malformed-Header: " + line
        changed = True
    return b"".join(lines) + rest if changed else raw


def _date(msg: Message) -> datetime | None:
    text = _header_text(msg, "date")
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except Exception:
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return None


# -- bodies -------------------------------------------------------------------------------
def _charset(part: Message) -> str:
    try:
        charset = (part.get_content_charset() or "utf-8").lower().strip("\"' ")
    except Exception:
        charset = "utf-8"
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return charset


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _text_of(part: Message) -> str:
    data = _payload_bytes(part)
    charset = _charset(part)
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(charset, errors="replace")


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        return None
    name = _decode_raw(str(name)) if "=?" in str(name) else unsurrogate(str(name))
    name = re.sub(r"[\x00-\x1f/\\\"]+", "_", name).strip() or None
    return name[:200] if name else None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _extension(content_type: str) -> str:
    known = {
        "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
        "message/rfc822": ".eml", "text/plain": ".txt", "text/html": ".html",
        "text/calendar": ".ics",
    }  # fmt: skip
    return known.get(content_type, ".bin")


@dataclass
class _Walk:
    max_attachment_bytes: int
    max_total_bytes: int
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    part_types: list[str] = field(default_factory=list)
    original_ids: list[str] = field(default_factory=list)
    parts_seen: int = 0
    stored_bytes: int = 0

    def keep(self, attachment: Attachment) -> None:
        size = len(attachment.data)
        if size > self.max_attachment_bytes:
            self.skipped.append(
                {"filename": attachment.filename, "size": size, "reason": "too_large"}
            )
        elif self.stored_bytes + size > self.max_total_bytes:
            self.skipped.append(
                {"filename": attachment.filename, "size": size, "reason": "total_too_large"}
            )
        elif size:
            self.stored_bytes += size
            self.attachments.append(attachment)


def _walk(part: Message, depth: int, acc: _Walk, *, top: bool = False) -> None:
    acc.parts_seen += 1
    if acc.parts_seen > MAX_PARTS:
        if acc.parts_seen == MAX_PARTS + 1:
            acc.skipped.append({"filename": None, "size": 0, "reason": "too_many_parts"})
        return
    ctype = _content_type(part)
    acc.part_types.append(ctype)
    if depth > MAX_DEPTH:
        acc.skipped.append({"filename": None, "size": 0, "reason": "nested_too_deep"})
        return
    disposition = _disposition(part)
    filename = _filename(part)
    if ctype == "message/rfc822" and not top:
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else None
        if isinstance(inner_msg, Message):
            mid = normalise_message_id(_header_text(inner_msg, "message-id"))
            if mid:
                acc.original_ids.append(mid)
            try:
                data = inner_msg.as_bytes(policy=policy.compat32)
            except Exception:
                data = _payload_bytes(part)
            subject = _header_text(inner_msg, "subject") or "message"
            name = filename or f"{subject[:60]}.eml"
            acc.keep(Attachment(name, "message/rfc822", data))
        return
    if ctype == "text/rfc822-headers":
        headers = email.message_from_string(_text_of(part), policy=policy.compat32)
        mid = normalise_message_id(headers.get("message-id"))
        if mid:
            acc.original_ids.append(mid)
        return
    if part.is_multipart():
        payload = part.get_payload()
        children = payload if isinstance(payload, list) else []
        for child in children:
            if isinstance(child, Message):
                _walk(child, depth + 1, acc)
        return
    if ctype.startswith("message/"):
        return  # delivery-status, disposition-notification, external-body: metadata only
    is_body = disposition != "attachment" and not (filename and disposition == "attachment")
    if ctype == "text/plain" and is_body and not filename:
        acc.texts.append(_text_of(part))
        return
    if ctype == "text/html" and is_body and not filename:
        acc.htmls.append(_text_of(part))
        return
    data = _payload_bytes(part)
    if not data:
        return
    content_id = None
    try:
        cid = part.get("content-id")
        content_id = normalise_message_id(str(cid)) if cid else None
    except Exception:
        content_id = None
    name = filename or f"{(content_id or 'part').split('@')[0][:40]}{_extension(ctype)}"
    inline = disposition == "inline" or (content_id is not None and disposition != "attachment")
    acc.keep(Attachment(name, ctype, data, inline=inline, content_id=content_id))


def parse(
    raw: bytes,
    *,
    max_attachment_bytes: int = 10_000_000,
    max_total_bytes: int = 25_000_000,
) -> ParsedMail:
    """Read one raw RFC 5322 message. Raises :class:`Unreadable` when it is not mail at all."""
    if not raw or not raw.strip():
        raise Unreadable("empty message")
    head = raw[:65536].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    if not re.search(rb"^[!-9;-~]+[ \t]*:", head, re.MULTILINE):
        raise Unreadable("no mail headers")
    try:
        msg = email.message_from_bytes(_repair_head(raw), policy=policy.default)
    except Exception as exc:  # the parser is lenient; this is a real dead end
        raise Unreadable(f"unparseable: {type(exc).__name__}") from exc
    assert isinstance(msg, EmailMessage)

    headers: dict[str, list[str]] = {}
    for key, value in _raw_headers(msg):
        headers.setdefault(key.lower(), []).append(" ".join(_decode_raw(value).split())[:2000])

    acc = _Walk(max_attachment_bytes, max_total_bytes)
    try:
        _walk(msg, 0, acc, top=True)
    except RecursionError as exc:
        raise Unreadable("nested too deep") from exc

    text = "\n\n".join(t.strip("\n") for t in acc.texts if t.strip()).replace("\r\n", "\n")
    text = text.replace("\r", "\n")
    html_clean = None
    html_quote = None
    if acc.htmls:
        markup = "\n".join(acc.htmls)
        html_clean = clean_html(markup)[: MAX_TEXT_CHARS * 2] or None
        if not text.strip():
            text, html_quote = html_to_text(markup)
    text = text[:MAX_TEXT_CHARS]
    folded = quotes.fold(text)
    spans = list(folded.quoted_spans)
    if html_quote is not None and html_quote < len(text):
        start = quotes.attribution_start(text, html_quote)
        spans = quotes._merge([*spans, (start, len(text))], text)
    elif spans and spans[0][0] > 0:
        start = quotes.attribution_start(text, spans[0][0])
        spans[0] = (start, spans[0][1])

    from_list = _addresses(msg, "from") or _loose_address(headers.get("from"))
    sender_list = _addresses(msg, "sender")
    from_name, from_address = from_list[0] if from_list else (None, None)
    if from_address is None and sender_list:
        from_name, from_address = sender_list[0]
    report_type = None
    try:
        if msg.get_content_type() == "multipart/report":
            report_type = (msg.get_param("report-type") or "").lower() or None
    except Exception:
        report_type = None

    subject = _header_text(msg, "subject") or ""
    return ParsedMail(
        message_id=normalise_message_id(_header_text(msg, "message-id")),
        in_reply_to=(message_ids(_header_text(msg, "in-reply-to")) or [None])[-1],
        references=message_ids(_header_text(msg, "references"))[-50:],
        subject=" ".join(subject.split())[:500],
        from_name=" ".join(from_name.split())[:200] if from_name else None,
        from_address=from_address,
        reply_to=[a for _, a in _addresses(msg, "reply-to")],
        sender=sender_list[0][1] if sender_list else None,
        to=[a for _, a in _addresses(msg, "to")],
        cc=[a for _, a in _addresses(msg, "cc")],
        delivered_to=[
            a
            for name in ("delivered-to", "x-original-to", "envelope-to")
            for _, a in _addresses(msg, name)
        ],
        date=_date(msg),
        headers=headers,
        content_type=_content_type(msg),
        text=text,
        html=html_clean,
        quoted_spans=tuple(spans),
        signature_from=quotes._signature(text, spans),
        attachments=acc.attachments,
        skipped=acc.skipped,
        report_type=report_type,
        part_types=acc.part_types,
        original_message_ids=acc.original_ids,
        defects=[type(d).__name__ for d in getattr(msg, "defects", [])][:20],
    )
