"""One path for every WhatsApp Cloud API webhook (``POST /webhooks/meta``), the SMS path's shape:

1. each ``entry[].changes[].value.messages[]`` item is kept as posted, once per wamid, committed
   before the 200 (Meta redelivers until it gets one);
2. the customer is found by E.164 phone (a ``whatsapp`` identity, else the customer's phone) or
   made (named by ``contacts[].profile.name``), and the message continues the customer's
   unresolved WhatsApp ticket, else opens one through the one ticket-creation path;
3. media (image, audio, document…) are not downloaded: the message says what came, with Meta's
   media id, so an agent can ask again;
4. ``statuses[]`` (sent, delivered, read, failed with ``errors``) update our reply's state.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from widget_api.channels.phones import national_digits, to_e164
from widget_api.domain import ticket_creation
from widget_api.i18n import t
from widget_api.storage import Database, tickets
from widget_api.storage import sms as identities
from widget_api.storage import whatsapp as store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)

_REOPEN = {"pending": "open", "on_hold": "open"}
_BODY_CHARS = 20_000
_MEDIA = ("image", "audio", "video", "document", "sticker")


def _when(raw: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(raw)), UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError):
        return None


def body_of(message: dict, lang: str) -> str:
    """What the customer sent, as text an agent reads (media and places described)."""
    kind = message.get("type") or "unknown"
    if kind == "text":
        return str((message.get("text") or {}).get("body") or "")[:_BODY_CHARS]
    if kind in _MEDIA:
        media = message.get(kind) or {}
        caption = str(media.get("caption") or "")
        note = t("channels.whatsapp.media", lang, kind=kind, id=media.get("id") or "?",
                 mime=media.get("mime_type") or "?",
                 filename=media.get("filename") or "")  # fmt: skip
        return f"{caption}\n\n{note}".strip()[:_BODY_CHARS]
    if kind == "location":
        place = message.get("location") or {}
        return t("channels.whatsapp.location", lang, latitude=place.get("latitude"),
                 longitude=place.get("longitude"),
                 name=place.get("name") or place.get("address") or "")  # fmt: skip
    if kind == "reaction":
        reaction = message.get("reaction") or {}
        return t("channels.whatsapp.reaction", lang, emoji=reaction.get("emoji") or "")
    return t("channels.whatsapp.unsupported", lang, kind=kind)


class WhatsappInbound:
    def __init__(self, db: Database, default_language: str = "fr"):
        self.db = db
        self.default_language = default_language
        self._lock = threading.Lock()  # one message at a time: two must not open two tickets

    def receive(self, payload: dict) -> dict[str, int]:
        """Keep and file every message and status of one webhook; counts what was done."""
        counts = {"filed": 0, "duplicate": 0, "statuses": 0}
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            return counts
        for entry in payload.get("entry") or []:
            for change in (entry or {}).get("changes") or []:
                value = (change or {}).get("value") or {}
                if not isinstance(value, dict):
                    continue
                names = {
                    str(c.get("wa_id")): ((c.get("profile") or {}).get("name"))
                    for c in value.get("contacts") or []
                    if isinstance(c, dict)
                }
                number_id = (value.get("metadata") or {}).get("phone_number_id")
                for message in value.get("messages") or []:
                    if isinstance(message, dict):
                        outcome = self._message(message, names, number_id)
                        counts[outcome] = counts.get(outcome, 0) + 1
                for status in value.get("statuses") or []:
                    if isinstance(status, dict) and self._status(status):
                        counts["statuses"] += 1
        return counts

    def _message(self, message: dict, names: dict, number_id: str | None) -> str:
        wamid, sender = message.get("id"), str(message.get("from") or "")
        if not wamid or not sender:
            return "ignored"
        phone = to_e164("+" + sender.lstrip("+")) or sender[:40]
        at = utcnow()
        new = self.db.write(
            lambda w: store.store_inbound(w, wamid=wamid, from_number=phone,
                                          phone_number_id=number_id, message=message,
                                          sent_at=_when(message.get("timestamp")), at=at)
        )  # fmt: skip
        if not new:
            return "duplicate"
        with self._lock:
            return self._file(wamid, phone, message, names.get(sender))

    def _file(self, wamid: str, phone: str, message: dict, name: str | None) -> str:
        text = (message.get("text") or {}).get("body") if message.get("type") == "text" else None
        lang = ticket_creation.detect_language(None, text or "", self.default_language)
        body = body_of(message, lang) or t("channels.whatsapp.empty", lang)
        meta = {"whatsapp": {"wamid": wamid, "from": phone, "type": message.get("type"),
                             "profile_name": name}}  # fmt: skip
        at = utcnow()

        def write(w) -> str:
            if store.inbound_status(w.cur, wamid) != "received":
                return "duplicate"
            replied = (message.get("context") or {}).get("id")
            if replied:
                earlier = store.message_by_wamid(w.cur, replied)
                meta["whatsapp"]["context"] = {"wamid": replied, "message_id": earlier}
            customer_id = identities.identity(w.cur, "whatsapp", phone)
            customer_id = customer_id["customer_id"] if customer_id else None
            if customer_id is None:
                customer_id = identities.customer_by_phone(w.cur, phone, national_digits(phone))
            if customer_id is None:
                customer_id = identities.create_phone_customer(w, phone, lang, at)
                store.name_customer(w, customer_id, name)
            actor = Actor("customer", customer_id)
            identities.add_identity(w, customer_id, "whatsapp", phone, verified=True,
                                    linked=False, actor=actor, at=at)  # fmt: skip
            ticket_id = identities.open_ticket_of(w.cur, customer_id, "whatsapp")
            if ticket_id is not None:
                (status,) = tickets.fields(w.cur, ticket_id, "status")
                message_id = tickets.add_message(
                    w,
                    tickets.NewMessage(
                        ticket_id=ticket_id, kind="inbound", author_type="customer",
                        author_id=customer_id, author_name=name, channel="whatsapp",
                        body_text=body, body_html=None, meta=meta, at=at,
                    ),
                    actor,
                )  # fmt: skip
                if status in _REOPEN:
                    tickets.update(w, ticket_id, {"status": _REOPEN[status]}, actor, at)
            else:
                opened = ticket_creation.create_ticket(
                    w,
                    ticket_creation.NewInbound(
                        channel="whatsapp", body_text=body, sender_email=None,
                        customer_id=customer_id, sender_name=name,
                        source={"whatsapp": {"from": phone}}, message_meta=meta,
                    ),
                    default_language=self.default_language,
                    at=at,
                )  # fmt: skip
                ticket_id, message_id = opened.ticket_id, opened.message_id
            store.mark_inbound(w, wamid, ticket_id=ticket_id, message_id=message_id, at=at)
            return "filed"

        return self.db.write(write)

    def _status(self, status: dict) -> bool:
        wamid, state = status.get("id"), str(status.get("status") or "").lower()
        if not wamid or state not in ("sent", "delivered", "read", "failed"):
            return False
        errors = [e for e in status.get("errors") or [] if isinstance(e, dict)]
        code = errors[0].get("code") if errors else None
        error = None
        if errors:
            first = errors[0]
            error = str((first.get("error_data") or {}).get("details") or first.get("message")
                        or first.get("title") or "")[:300] or None  # fmt: skip
        return self.db.write(
            lambda w: store.report_status(w, wamid, state, code if isinstance(code, int) else None,
                                          error, utcnow())
        )  # fmt: skip
