"""The chat widget: its settings, whether someone can answer now, starting a chat (with
optional identity verification), attachments and spam blocks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from widget_api.contracts.auth import Agent
from widget_api.contracts.conversations import CustomerMessageCreate
from widget_api.contracts.tickets import TicketCreate, TicketCreated
from widget_api.contracts.widget import (
    Attachment,
    Block,
    BlockCreate,
    ChatStart,
    IdentitySecret,
    WidgetConfig,
    WidgetEmbed,
    WidgetSettings,
    WidgetSettingsView,
)
from widget_api.domain import conversations, intake, secret_box, store
from widget_api.domain.errors import ComptoirError, Forbidden, Invalid, NotFound
from widget_api.domain.untrusted import same_secret
from widget_api.settings import Settings
from widget_api.storage import Database, attachments, blocks, settings_store, tickets
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

KEY = "widget"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ONLINE_WINDOW = 300.0  # an agent counts as online for 5 minutes after their last API call
# Checked against the first bytes, never against the name or declared type.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"%PDF-": "application/pdf",
}


class PayloadTooLarge(ComptoirError):
    status_code = 413


class Unsupported(ComptoirError):
    status_code = 415


class AgentsOnline:
    """When each agent last used the API, to tell the widget whether anyone is there."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._seen: dict[int, float] = {}

    def saw(self, agent_id: int) -> None:
        self._seen[agent_id] = self._clock()

    def any_online(self) -> bool:
        now = self._clock()
        return any(now - seen < _ONLINE_WINDOW for seen in list(self._seen.values()))


def settings(db: Database) -> WidgetSettings:
    """The saved settings, without the identity secret (see ``_sealed_identity_secret``)."""
    saved = db.read(lambda cur: settings_store.get(cur, KEY)) or {}
    # A text saved blank before blanks were refused falls back to the default one.
    kept = {k: v for k, v in saved.items() if not (isinstance(v, str) and not v.strip())}
    return WidgetSettings.model_validate({**kept, "identity_secret": None})


def _sealed_identity_secret(db: Database) -> str | None:
    """The identity secret as stored: sealed by ``secret_box``, opened only to verify."""
    saved = db.read(lambda cur: settings_store.get(cur, KEY)) or {}
    return saved.get("identity_secret") or None


def settings_view(db: Database) -> WidgetSettingsView:
    return WidgetSettingsView(
        **settings(db).model_dump(exclude={"identity_secret"}),
        identity_secret_set=_sealed_identity_secret(db) is not None,
    )


def put_settings(db: Database, agent: Agent, data: WidgetSettings) -> WidgetSettingsView:
    sealed = (  # keep the secret unless a new one is given
        _sealed_identity_secret(db)
        if data.identity_secret is None
        else secret_box.seal(db, data.identity_secret)
    )
    if data.enforce_identity and not sealed:
        raise Invalid("error.identity_secret_missing")
    value = data.model_dump(mode="json") | {"identity_secret": sealed}
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return settings_view(db)


def rotate_identity_secret(db: Database, agent: Agent) -> IdentitySecret:
    """A new random identity secret replaces the old one (signatures made with it stop
    verifying); it is returned this once and stored sealed."""
    fresh = secrets.token_urlsafe(32)
    current = settings(db).model_copy(update={"identity_secret": fresh})
    put_settings(db, agent, current)
    return IdentitySecret(secret=fresh)


def embed(public_base_url: str) -> WidgetEmbed:
    """The loader tag to paste into the store's pages, pointing at this server."""
    script_url = f"{public_base_url.rstrip('/')}/widget.js"
    return WidgetEmbed(script_url=script_url, snippet=f'<script src="{script_url}" defer></script>')


def in_business_hours(current: WidgetSettings, timezone: str, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(timezone))
    hhmm = local.strftime("%H:%M")
    intervals = current.business_hours.get(_WEEKDAYS[local.weekday()], [])
    return any(i.start <= hhmm < i.end for i in intervals)


def config(
    db: Database, app_settings: Settings, online: AgentsOnline, lang: str, now: datetime
) -> WidgetConfig:
    current = settings(db)
    shop = store.get(db, app_settings)
    return WidgetConfig(
        store_name=shop.name,
        language=lang,
        color=current.color,
        position=current.position,
        welcome=current.welcome_fr if lang == "fr" else current.welcome_en,
        offline_message=current.offline_fr if lang == "fr" else current.offline_en,
        online=in_business_hours(current, shop.timezone, now) and online.any_online(),
        identity_required=current.enforce_identity,
    )


def signature_for(secret: str, email: str) -> str:
    """What the store's server computes for a signed-in customer: HMAC-SHA256 of the e-mail."""
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


def _verified_email(db: Database, current: WidgetSettings, data: ChatStart) -> str | None:
    """The signed-in customer's e-mail when the signature is right; refuse when enforced."""
    sealed = _sealed_identity_secret(db) if data.identity is not None else None
    if data.identity is not None and sealed:
        secret = secret_box.open_secret(db, sealed, "widget")
        expected = signature_for(secret, str(data.identity.email))
        if same_secret(data.identity.signature.strip().lower(), expected):
            return str(data.identity.email).lower()
    if current.enforce_identity:
        raise Forbidden("error.identity_refused")
    return None


def check_not_blocked(db: Database, email: str | None, ip: str, ref: str | None = None) -> None:
    pairs = [("email", (email or "").lower()), ("ip", ip), ("conversation", ref or "")]
    if db.read(lambda cur: blocks.is_blocked(cur, pairs)):
        raise Forbidden("error.blocked")


async def start_chat(
    db: Database, app_settings: Settings, online: AgentsOnline, data: ChatStart, ip: str,
    now: datetime,
) -> TicketCreated:  # fmt: skip
    current = settings(db)
    verified = _verified_email(db, current, data)
    email = verified or (str(data.email).lower() if data.email else None)
    shop = store.get(db, app_settings)
    is_online = in_business_hours(current, shop.timezone, now) and online.any_online()
    if not is_online and not email:
        raise Invalid("error.offline_email_required")
    check_not_blocked(db, email, ip)
    source = {
        "page_url": data.page_url,
        "locale": data.locale,
        "identity_verified": verified is not None,
        "offline": not is_online,
        "client_ip": ip,
        "widget_kind": data.kind,
    }
    ticket = TicketCreate.model_construct(
        email=email, body=data.body, name=data.name, subject=None,
        order_number=data.order_number, language=data.language,
    )  # fmt: skip
    created = await intake.open_ticket(
        db, ticket, channel="chat", default_language=shop.default_language,
        source={k: v for k, v in source.items() if v is not None},
        tags=("return-request",) if data.kind == "return" else (),
    )  # fmt: skip
    return created


async def customer_message(
    db: Database, token: str, data: CustomerMessageCreate, ip: str, meta: dict | None
):
    conversation_ref = conversations.ref_for_token(db, token)
    check_not_blocked(db, None, ip, conversation_ref)
    return await conversations.add_customer_message(db, token, data, meta)


def add_attachment(
    db: Database, ticket_id: int, filename: str, data: bytes, uploaded_by: str, actor: Actor,
    max_bytes: int,
) -> Attachment:  # fmt: skip
    if len(data) > max_bytes:
        raise PayloadTooLarge("error.attachment_too_large", limit=max_bytes // 1_000_000)
    content_type = next((t for sig, t in _SIGNATURES.items() if data.startswith(sig)), None)
    if content_type is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        content_type = "image/webp"
    if content_type is None:
        raise Unsupported("error.attachment_type")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._- ")[:120] or "fichier"
    digest = hashlib.sha256(data).hexdigest()
    attachment_id = db.write(
        lambda w: attachments.add(
            w, ticket_id=ticket_id, filename=safe_name, content_type=content_type, data=data,
            sha256=digest, uploaded_by=uploaded_by, actor=actor, at=utcnow(),
        )
    )  # fmt: skip
    rows = db.read(lambda cur: attachments.for_ticket(cur, ticket_id))
    return Attachment.model_validate(next(r for r in rows if r["id"] == attachment_id))


def attachment_content(db: Database, attachment_id: int, ticket_id: int | None) -> dict:
    found = db.read(lambda cur: attachments.content(cur, attachment_id))
    if found is None or (ticket_id is not None and found["ticket_id"] != ticket_id):
        raise NotFound("error.not_found")
    return found


def list_attachments(db: Database, ticket_id: int) -> list[Attachment]:
    return [
        Attachment.model_validate(r)
        for r in db.read(lambda c: attachments.for_ticket(c, ticket_id))
    ]


def block(db: Database, agent: Agent, data: BlockCreate) -> Block:
    value = (
        data.value.strip().lower() if data.kind != "conversation" else data.value.strip().upper()
    )
    actor = Actor("agent", agent.id)

    def write(w) -> int:
        at = utcnow()
        block_id = blocks.add(w, data.kind, value, data.reason, actor, at)
        if data.kind == "conversation":
            ticket_id = tickets.ref_to_id(w.cur, value)
            if ticket_id is None:
                raise NotFound("error.ticket_not_found", ref=value)
            (tags,) = tickets.fields(w.cur, ticket_id, "tags")
            tickets.update(w, ticket_id, {"status": "closed", "tags": [*tags, "spam"]}, actor, at)
        return block_id

    block_id = db.write(write)
    return Block.model_validate(next(b for b in db.read(blocks.all_blocks) if b["id"] == block_id))


def unblock(db: Database, agent: Agent, block_id: int) -> None:
    if not db.write(lambda w: blocks.remove(w, block_id, Actor("agent", agent.id), utcnow())):
        raise NotFound("error.not_found")


def list_blocks(db: Database) -> list[Block]:
    return [Block.model_validate(b) for b in db.read(blocks.all_blocks)]
