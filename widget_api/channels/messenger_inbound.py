"""One path for every Messenger and Instagram webhook (``POST /webhooks/meta`` with ``"object":
"page"`` or ``"instagram"``), the WhatsApp path's shape:

1. each ``entry[].messaging[]`` message is kept as posted, once per ``mid``, committed before the
   200 (Meta redelivers until it gets one); echoes of the Page's own messages are skipped;
2. attachments (image, audio, video, file) are fetched from their URL under the attachment
   limits; a fetch that fails costs the file, never the message (a note says what is missing);
   locations, shares and fallbacks are described in words; a tapped button (``postback``) is
   filed as the words on it;
3. the customer is found by their page-scoped (``messenger``) or Instagram-scoped
   (``instagram``) identity or made, named once from the Graph API's profile (best effort), and
   the message continues the customer's unresolved ticket on that channel, else opens one
   through the one ticket-creation path;
4. ``delivery`` and ``read`` events move our replies forward (delivered, read).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import threading
from datetime import UTC, datetime

import httpx

from widget_api.channels.media_download import TooLarge, download
from widget_api.channels.messenger_settings import MessengerConfig
from widget_api.channels.sms_inbound import Fetched, Media
from widget_api.domain import ticket_creation
from widget_api.i18n import t
from widget_api.mail.pipeline import MailLimits
from widget_api.storage import Database, attachments, tickets
from widget_api.storage import messenger as store
from widget_api.storage import sms as identities
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)

#: ``object`` → (platform and identity kind, ticket channel)
OBJECTS = {"page": ("messenger", "facebook"), "instagram": ("instagram", "instagram")}
_REOPEN = {"pending": "open", "on_hold": "open"}
_BODY_CHARS = 20_000
_FILES = ("image", "audio", "video", "file")
_MAX_FILES = 10


def _dict(value: object) -> dict:
    """A payload part that should be an object; anything else reads as empty (a malformed
    delivery is skipped, never a 500)."""
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _when(raw: object) -> datetime | None:
    """Meta's timestamps are milliseconds since the epoch."""
    try:
        return datetime.fromtimestamp(int(str(raw)) / 1000, UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError):
        return None


def describe(attachment: dict, platform: str, lang: str) -> str | None:
    """Words for an attachment that is not a file to keep (a place, a share, a fallback)."""
    kind = str(attachment.get("type") or "unknown")
    payload = _dict(attachment.get("payload"))
    if kind in _FILES:
        return None
    if kind == "location":
        place = _dict(payload.get("coordinates"))
        return t("channels.messenger.location", lang, latitude=place.get("lat"),
                 longitude=place.get("long"),
                 title=attachment.get("title") or payload.get("title") or "")  # fmt: skip
    url = payload.get("url") or ""
    title = attachment.get("title") or payload.get("title") or ""
    return t("channels.messenger.shared", lang, kind=kind, platform=_label(platform),
             title=title, url=url).strip()  # fmt: skip


def _label(platform: str) -> str:
    return "Instagram" if platform == "instagram" else "Messenger"


def fetch_files(message: dict, limits: MailLimits, timeout: float = 20.0) -> Fetched:
    """The message's files from their (signed CDN) URLs, each under the per-file limit and all
    under the total."""
    out = Fetched()
    files = [a for a in _list(message.get("attachments"))
             if isinstance(a, dict) and a.get("type") in _FILES][:_MAX_FILES]  # fmt: skip
    total = 0
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for i, item in enumerate(files):
            url = str(_dict(item.get("payload")).get("url") or "")
            if not url.startswith(("https://", "http://")):
                out.problems.append(f"{i}: no URL")
                continue
            try:
                data, declared = download(client, url, None, limits.max_attachment_bytes)
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
            kind = declared.split(";")[0].strip().lower() or _guess(item["type"])
            ext = mimetypes.guess_extension(kind) or ".bin"
            mid = str(message.get("mid") or "message")[-24:]
            out.items.append(Media(f"{item['type']}-{mid}-{i}{ext}", kind, data))
    return out


def _guess(kind: str) -> str:
    return {"image": "image/jpeg", "audio": "audio/mp4", "video": "video/mp4"}.get(
        kind, "application/octet-stream"
    )


def profile_name(config: MessengerConfig, platform: str, user_id: str, timeout: float) -> str:
    """The person's name from the Graph API (``first_name,last_name`` for a PSID, ``name,
    username`` for an IGSID); "" when Meta does not give it (best effort: no error is raised)."""
    if not config.page_access_token:
        return ""
    fields = "name,username" if platform == "instagram" else "first_name,last_name"
    url = f"{config.graph_base_url}/{config.api_version}/{user_id}"
    try:
        response = httpx.get(url, params={"fields": fields},
                             headers={"Authorization": f"Bearer {config.page_access_token}"},
                             timeout=timeout)  # fmt: skip
        data = response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    if platform == "instagram":
        return str(data.get("name") or data.get("username") or "")[:200]
    return " ".join(str(data.get(k) or "") for k in ("first_name", "last_name")).strip()[:200]


class MessengerInbound:
    def __init__(self, db: Database, default_language: str = "fr", timeout: float = 10.0):
        self.db = db
        self.default_language = default_language
        self.timeout = timeout
        self._lock = threading.Lock()  # one message at a time: two must not open two tickets

    def receive(self, payload: dict, config: MessengerConfig) -> dict[str, int]:
        """Keep and file every message, reaction and status of one webhook; counts them."""
        counts = {"filed": 0, "duplicate": 0, "statuses": 0, "ignored": 0}
        kinds = OBJECTS.get(payload.get("object") if isinstance(payload, dict) else None)
        if kinds is None:
            return counts
        platform, channel = kinds
        for entry in _list(payload.get("entry")):
            for item in _list(_dict(entry).get("messaging")):
                if not isinstance(item, dict):
                    continue
                outcome = self._item(item, platform, channel, config)
                counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def _item(self, item: dict, platform: str, channel: str, config: MessengerConfig) -> str:
        sender = str(_dict(item.get("sender")).get("id") or "")[:100]
        recipient = str(_dict(item.get("recipient")).get("id") or "")[:100] or None
        if not sender:
            return "ignored"
        if isinstance(item.get("delivery"), dict):
            return self._status(platform, sender, "delivered", item["delivery"])
        if isinstance(item.get("read"), dict):
            return self._status(platform, sender, "read", item["read"])
        message = item.get("message")
        reaction = item.get("reaction")
        postback = item.get("postback")
        posted = item  # as Meta sent it (kept); ``item`` becomes what is filed
        if not isinstance(message, dict) and isinstance(postback, dict):
            # A button tapped ("Get Started", a menu): filed as the words on the button.
            mid = postback.get("mid") or f"postback:{sender}:{item.get('timestamp')}"
            message = {"mid": str(mid), "text": str(postback.get("title") or
                                                    postback.get("payload") or "")}  # fmt: skip
            item = {**item, "message": message}
        if isinstance(message, dict):
            if message.get("is_echo") or message.get("is_deleted") or not message.get("mid"):
                return "ignored"  # the Page's own sends (ours or from Meta's inbox), unsends
            key = str(message["mid"])[:300]
        elif isinstance(reaction, dict) and reaction.get("mid"):
            key = f"reaction:{reaction['mid']}:{sender}:{item.get('timestamp')}"[:400]
        else:
            return "ignored"
        at = utcnow()
        new = self.db.write(
            lambda w: store.store_inbound(w, mid=key, platform=platform, sender_id=sender,
                                          recipient_id=recipient, event=posted,
                                          sent_at=_when(item.get("timestamp")), at=at)
        )  # fmt: skip
        if not new:
            return "duplicate"
        known = self.db.read(lambda cur: identities.identity(cur, platform, sender))
        name = None  # asked once, for a person writing (not reacting) for the first time
        if known is None and isinstance(message, dict):
            name = profile_name(config, platform, sender, self.timeout) or None
        fetched = Fetched()
        if isinstance(message, dict) and message.get("attachments"):
            fetched = fetch_files(message, MailLimits.load(self.db))
        with self._lock:
            return self._file(key, item, platform, channel, sender, recipient, name, fetched)

    def _body(self, item: dict, platform: str, lang: str, fetched: Fetched) -> str:
        message = item.get("message")
        if not isinstance(message, dict):
            reaction = _dict(item.get("reaction"))
            key = ("channels.messenger.unreaction" if reaction.get("action") == "unreact"
                   else "channels.messenger.reaction")  # fmt: skip
            return t(key, lang, platform=_label(platform),
                     emoji=reaction.get("emoji") or reaction.get("reaction") or "")  # fmt: skip
        lines = [str(message.get("text") or "")]
        for attachment in _list(message.get("attachments")):
            if isinstance(attachment, dict):
                lines.append(describe(attachment, platform, lang) or "")
        body = "\n\n".join(line for line in lines if line).strip()[:_BODY_CHARS]
        if not body:
            key = "channels.messenger.media_only" if fetched.items else "channels.messenger.empty"
            body = t(key, lang, platform=_label(platform))
        return body

    def _file(
        self, key: str, item: dict, platform: str, channel: str, sender: str,
        recipient: str | None, name: str | None, fetched: Fetched,
    ) -> str:  # fmt: skip
        message = item.get("message") if isinstance(item.get("message"), dict) else None
        text = str((message or {}).get("text") or "")
        lang = ticket_creation.detect_language(None, text, self.default_language)
        body = self._body(item, platform, lang, fetched)
        meta: dict = {"messenger": {"platform": platform, "mid": key, "from": sender,
                                    "profile_name": name}}  # fmt: skip
        at = utcnow()

        def write(w) -> str:
            if store.inbound_status(w.cur, key) != "received":
                return "duplicate"
            if message is not None:
                replied = str(_dict(message.get("reply_to")).get("mid") or "")[:300]
                if replied:
                    meta["messenger"]["reply_to"] = {
                        "mid": replied,
                        "message_id": store.message_by_mid(w.cur, replied),
                    }
            else:
                reaction = _dict(item.get("reaction"))
                earlier = store.message_by_mid(w.cur, str(reaction.get("mid")))
                meta["messenger"]["reaction"] = {**reaction, "message_id": earlier}
            found = identities.identity(w.cur, platform, sender)
            customer_id = found["customer_id"] if found else None
            if customer_id is None:
                if message is None:  # a reaction from someone we do not know: nothing to file
                    store.mark_ignored(w, key, at)
                    return "ignored"
                customer_id = store.create_customer(w, name, lang, at)
            actor = Actor("customer", customer_id)
            identities.add_identity(w, customer_id, platform, sender, verified=True,
                                    linked=False, actor=actor, at=at)  # fmt: skip
            ticket_id = identities.open_ticket_of(w.cur, customer_id, channel)
            if ticket_id is None and message is None:
                store.mark_ignored(w, key, at)  # a reaction does not open a conversation
                return "ignored"
            if ticket_id is not None:
                (status,) = tickets.fields(w.cur, ticket_id, "status")
                message_id = tickets.add_message(
                    w,
                    tickets.NewMessage(
                        ticket_id=ticket_id, kind="inbound", author_type="customer",
                        author_id=customer_id, author_name=name, channel=channel,
                        body_text=body, body_html=None, meta=meta, at=at,
                    ),
                    actor,
                )  # fmt: skip
                if status in _REOPEN and message is not None:
                    tickets.update(w, ticket_id, {"status": _REOPEN[status]}, actor, at)
            else:
                opened = ticket_creation.create_ticket(
                    w,
                    ticket_creation.NewInbound(
                        channel=channel, body_text=body, sender_email=None,
                        customer_id=customer_id, sender_name=name,
                        source={platform: {"from": sender, "to": recipient}},
                        message_meta=meta,
                    ),
                    default_language=self.default_language,
                    at=at,
                )  # fmt: skip
                ticket_id, message_id = opened.ticket_id, opened.message_id
            for media in fetched.items:
                attachment_id = attachments.add(
                    w, ticket_id=ticket_id, filename=media.filename,
                    content_type=media.content_type, data=media.data,
                    sha256=hashlib.sha256(media.data).hexdigest(), uploaded_by="customer",
                    actor=actor, at=at,
                )  # fmt: skip
                identities.link_attachment(w, attachment_id, message_id)
            if fetched.problems:
                note = t("channels.messenger.files_not_kept", lang, platform=_label(platform),
                         problems="; ".join(fetched.problems))  # fmt: skip
                tickets.add_message(
                    w,
                    tickets.NewMessage(
                        ticket_id=ticket_id, kind="note", author_type="system", author_id=None,
                        author_name="Comptoir", channel=channel, body_text=note, body_html=None,
                        meta=None, at=at,
                    ),
                    SYSTEM,
                )  # fmt: skip
            store.mark_inbound(w, key, ticket_id=ticket_id, message_id=message_id, at=at)
            return "filed"

        return self.db.write(write)

    def _status(self, platform: str, recipient: str, status: str, report: dict) -> str:
        mids = [str(m) for m in _list(report.get("mids")) if m]
        if report.get("mid"):
            mids.append(str(report["mid"]))
        watermark = _when(report.get("watermark")) if report.get("watermark") else None
        self.db.write(
            lambda w: store.report_status(w, platform=platform, recipient_id=recipient,
                                          status=status, mids=mids, watermark=watermark,
                                          at=utcnow())
        )  # fmt: skip
        return "statuses"
