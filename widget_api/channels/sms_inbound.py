"""One path for every SMS/MMS Twilio hands us (``POST /webhooks/twilio/sms``):

1. the form is kept as posted, once per ``MessageSid``, committed before the 2xx (a second
   delivery of the same SMS is recognised and answered without filing it twice);
2. media (MMS) are fetched with the account's credentials, under the attachment limits; a fetch
   that fails costs the media, never the message (a note on the ticket says what is missing);
3. the customer is found by E.164 phone (an identity, else the customer's phone) or made, and
   the message continues the customer's unresolved SMS ticket, else opens one through the one
   ticket-creation path (a solved ticket is not continued: a new one is made).

``STOP``/``ARRÊT``/``UNSUBSCRIBE``/``DÉSABONNER`` (and Twilio's other stop words) record the
number's opt-out; ``START``/``UNSTOP`` lift it. The words are filed like any message, so agents
see them.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from widget_api.channels.media_download import TooLarge, download
from widget_api.channels.phones import national_digits, to_e164
from widget_api.channels.sms_settings import SmsConfig
from widget_api.domain import ticket_creation
from widget_api.domain.errors import Invalid
from widget_api.i18n import t
from widget_api.mail.pipeline import MailLimits
from widget_api.storage import Database, attachments, tickets
from widget_api.storage import sms as store
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ARRÊT",
                           "ARRET", "DÉSABONNER", "DESABONNER"})  # fmt: skip
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
_REOPEN = {"pending": "open", "on_hold": "open"}
_MAX_MEDIA = 10  # Twilio sends at most 10 per MMS
_BODY_CHARS = 20_000


def keyword(body: str) -> str | None:
    """The opt-out/opt-in word a message is, if it is only that word."""
    word = body.strip().strip(".!").strip().upper()
    return word if word in OPT_OUT_WORDS or word in OPT_IN_WORDS else None


@dataclass
class Media:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Fetched:
    items: list[Media] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per media not kept


def fetch_media(
    params: dict[str, str], config: SmsConfig, limits: MailLimits, timeout: float = 20.0
) -> Fetched:
    """The MMS's media, each under the per-file limit and all under the total."""
    out = Fetched()
    try:
        count = min(int(params.get("NumMedia") or 0), _MAX_MEDIA)
    except ValueError:
        count = 0
    api_host = urlsplit(config.api_base_url).netloc
    total = 0
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for i in range(count):
            url = params.get(f"MediaUrl{i}") or ""
            declared = params.get(f"MediaContentType{i}") or "application/octet-stream"
            if not url.startswith(("https://", "http://")):
                out.problems.append(f"{i}: no media URL")
                continue
            # The account's credentials go to Twilio's own host only (media redirect elsewhere).
            auth = (
                (config.account_sid, config.auth_token)
                if urlsplit(url).netloc == api_host
                else None
            )
            try:
                data, _ = download(client, url, auth, limits.max_attachment_bytes)
            except TooLarge:
                out.problems.append(f"{i}: larger than {limits.max_attachment_bytes} bytes")
                continue
            except (httpx.HTTPError, OSError) as exc:
                out.problems.append(f"{i}: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            if total + len(data) > limits.max_total_attachment_bytes:
                out.problems.append(f"{i}: over the total of {limits.max_total_attachment_bytes}")
                continue
            total += len(data)
            kind = declared.split(";")[0].strip().lower()
            ext = mimetypes.guess_extension(kind) or ".bin"
            out.items.append(Media(f"{params.get('MessageSid', 'sms')}-{i}{ext}", kind, data))
    return out


class SmsInbound:
    def __init__(self, db: Database, default_language: str = "fr"):
        self.db = db
        self.default_language = default_language
        self._lock = threading.Lock()  # one SMS at a time: two must not open two tickets

    def receive(self, params: dict[str, str], config: SmsConfig) -> str:
        """Keep and file one SMS; answers ``filed`` or ``duplicate``."""
        sid = params.get("MessageSid") or params.get("SmsSid")
        sender = params.get("From") or ""
        if not sid or not sender:
            raise Invalid("channels.error.missing_field", field="MessageSid/From")
        phone = to_e164(sender) or sender[:40]
        at = utcnow()
        status, _ = self.db.write(
            lambda w: store.store_inbound(
                w, sid=sid, account_sid=params.get("AccountSid"), from_number=phone,
                to_number=params.get("To"), params=params, at=at,
            )
        )  # fmt: skip
        if status != "received":
            return "duplicate"
        fetched = Fetched()
        if (params.get("NumMedia") or "0") != "0":
            fetched = fetch_media(params, config, MailLimits.load(self.db))
        with self._lock:
            return self._file(sid, phone, params, fetched)

    def _file(self, sid: str, phone: str, params: dict[str, str], fetched: Fetched) -> str:
        body = (params.get("Body") or "")[:_BODY_CHARS]
        lang = ticket_creation.detect_language(None, body, self.default_language)
        if not body.strip():
            body = t("channels.sms.media_only" if fetched.items else "channels.sms.empty", lang)
        word = keyword(body)
        meta = {"sms": {"sid": sid, "from": phone, "to": params.get("To"),
                        "num_media": len(fetched.items),
                        "media_problems": fetched.problems}}  # fmt: skip
        at = utcnow()

        def write(w) -> str:
            row = store.inbound(w.cur, sid)
            if row is None or row["status"] != "received":
                return "duplicate"
            customer_id = store.customer_by_phone(w.cur, phone, national_digits(phone))
            if customer_id is None:
                customer_id = store.create_phone_customer(w, phone, lang, at)
            actor = Actor("customer", customer_id)
            store.add_identity(w, customer_id, "phone", phone, verified=True, linked=False,
                               actor=actor, at=at)  # fmt: skip
            if word is not None:
                store.set_opted_out(w, "phone", phone, word in OPT_OUT_WORDS, word, actor, at)
            ticket_id = store.open_ticket_of(w.cur, customer_id, "sms")
            if ticket_id is not None:
                (status,) = tickets.fields(w.cur, ticket_id, "status")
                message_id = tickets.add_message(
                    w,
                    tickets.NewMessage(
                        ticket_id=ticket_id, kind="inbound", author_type="customer",
                        author_id=customer_id, author_name=None, channel="sms", body_text=body,
                        body_html=None, meta=meta, at=at,
                    ),
                    actor,
                )  # fmt: skip
                if status in _REOPEN:
                    tickets.update(w, ticket_id, {"status": _REOPEN[status]}, actor, at)
            else:
                opened = ticket_creation.create_ticket(
                    w,
                    ticket_creation.NewInbound(
                        channel="sms", body_text=body, sender_email=None, customer_id=customer_id,
                        source={"sms": {"from": phone, "to": params.get("To")}},
                        message_meta=meta,
                    ),
                    default_language=self.default_language,
                    at=at,
                )  # fmt: skip
                ticket_id, message_id = opened.ticket_id, opened.message_id
            for item in fetched.items:
                attachment_id = attachments.add(
                    w, ticket_id=ticket_id, filename=item.filename, content_type=item.content_type,
                    data=item.data, sha256=hashlib.sha256(item.data).hexdigest(),
                    uploaded_by="customer", actor=actor, at=at,
                )  # fmt: skip
                store.link_attachment(w, attachment_id, message_id)
            if fetched.problems:
                note = t("channels.sms.media_not_kept", lang, problems="; ".join(fetched.problems))
                tickets.add_message(
                    w,
                    tickets.NewMessage(
                        ticket_id=ticket_id, kind="note", author_type="system", author_id=None,
                        author_name="Comptoir", channel="sms", body_text=note, body_html=None,
                        meta=None, at=at,
                    ),
                    SYSTEM,
                )  # fmt: skip
            store.mark_inbound(w, sid, status="filed", at=at, ticket_id=ticket_id,
                               message_id=message_id)  # fmt: skip
            return "filed"

        return self.db.write(write)
