"""The chat widget's endpoints (public, CORS-restricted) and the agents' spam and widget tools."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from widget_api import clock
from widget_api.contracts.tickets import TicketCreated
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
from widget_api.domain import conversations, widget
from widget_api.domain.errors import Invalid
from widget_api.domain.tickets import ticket_id_for_ref
from widget_api.i18n import negotiate
from widget_api.routes.guards import (
    admin_required,
    agent_required,
    client_address,
    json_body,
    public_rate_limit,
)
from widget_api.routes.uploads import FileBody, one_file
from widget_api.storage.events import Actor

MAX_ATTACHMENT = 5_000_000
_TAGS = ["widget"]


@get("/api/v1/widget/config", operation_id="WidgetConfig", tags=_TAGS, sync_to_thread=True)
def widget_config(
    state: State, request: Request, lang: FromQuery[str | None] = None
) -> WidgetConfig:
    """Colours, texts in the visitor's language, and whether someone can answer now."""
    chosen = lang if lang in ("fr", "en") else negotiate(request.headers.get("accept-language"))
    return widget.config(state.db, state.settings, state.agents_online, chosen, clock.now())


@post("/api/v1/widget/conversations", operation_id="StartChat", tags=_TAGS, status_code=201,
      guards=[public_rate_limit, json_body], opt={"rate_bucket": "intake"})  # fmt: skip
async def start_chat(state: State, request: Request, data: JSONBody[ChatStart]) -> TicketCreated:
    """Start a chat (a ticket on the ``chat`` channel) from the widget."""
    if data.search_query_id is not None:
        state.help.led_to_chat(data.search_query_id)
    return await widget.start_chat(
        state.db, state.settings, state.agents_online, data, client_address(request),
        clock.now(),
    )  # fmt: skip


@post("/api/v1/conversations/{token:str}/read", operation_id="ConversationRead", tags=_TAGS,
      status_code=204, guards=[public_rate_limit], opt={"rate_bucket": "typing",
      "rate_limit": 240}, sync_to_thread=True)  # fmt: skip
def conversation_read(state: State, token: FromPath[str]) -> None:
    """The visitor has seen every message so far (read receipt for agents)."""
    conversations.mark_read(state.db, token)


@post("/api/v1/conversations/{token:str}/attachments", operation_id="UploadAttachment",
      tags=_TAGS, status_code=201, guards=[public_rate_limit],
      opt={"rate_bucket": "upload", "rate_limit": 10},
      request_max_body_size=MAX_ATTACHMENT + 100_000, before_request=one_file)  # fmt: skip
async def upload_attachment(
    state: State, request: Request, token: FromPath[str], data: FileBody
) -> Attachment:
    """Attach an image or PDF (5 MB at most; the type is checked from the content)."""
    ticket_id = conversations.ticket_id_for_token(state.db, token)
    widget.check_not_blocked(
        state.db, None, client_address(request), conversations.ref_for_token(state.db, token)
    )
    content = await data.data.read()
    customer = Actor("customer")
    return widget.add_attachment(
        state.db, ticket_id, data.data.filename or "file", content, "customer", customer,
        MAX_ATTACHMENT,
    )  # fmt: skip


@get("/api/v1/conversations/{token:str}/attachments/{attachment_id:int}",
     operation_id="CustomerAttachment", tags=_TAGS, guards=[public_rate_limit],
     opt={"rate_bucket": "conversation", "rate_limit": 240}, sync_to_thread=True)  # fmt: skip
def customer_attachment(
    state: State, token: FromPath[str], attachment_id: FromPath[int]
) -> Response[bytes]:
    ticket_id = conversations.ticket_id_for_token(state.db, token)
    return _file(widget.attachment_content(state.db, attachment_id, ticket_id))


@get("/api/v1/attachments/{attachment_id:int}", operation_id="AgentAttachment",
     tags=["inbox"], guards=[agent_required], sync_to_thread=True)  # fmt: skip
def agent_attachment(state: State, attachment_id: FromPath[int]) -> Response[bytes]:
    return _file(widget.attachment_content(state.db, attachment_id, None))


@get("/api/v1/tickets/{ref:str}/attachments", operation_id="TicketAttachments",
     tags=["inbox"], guards=[agent_required], sync_to_thread=True)  # fmt: skip
def ticket_attachments(state: State, ref: FromPath[str]) -> list[Attachment]:
    return widget.list_attachments(state.db, ticket_id_for_ref(state.db, ref))


def _disposition(kind: str, filename: str) -> str:
    """An ASCII fallback name plus the UTF-8 one (RFC 6266), so any file name downloads."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _file(found: dict) -> Response[bytes]:
    disposition = "inline" if found["content_type"].startswith("image/") else "attachment"
    return Response(
        found["data"],
        media_type=found["content_type"],
        headers={
            "Content-Disposition": _disposition(disposition, found["filename"]),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


# -- agents: spam blocks and widget settings --------------------------------------------------
@get("/api/v1/blocks", operation_id="ListBlocks", tags=["spam"], guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def list_blocks(state: State) -> list[Block]:
    return widget.list_blocks(state.db)


@post("/api/v1/blocks", operation_id="CreateBlock", tags=["spam"], status_code=201,
      guards=[agent_required, json_body], sync_to_thread=True)  # fmt: skip
def create_block(state: State, request: Request, data: JSONBody[BlockCreate]) -> Block:
    """Block an e-mail address, a client address or a conversation (closed as spam)."""
    if data.kind == "email" and "@" not in data.value:
        raise Invalid("error.validation", detail="value: not an e-mail address")
    return widget.block(state.db, request.state.agent, data)


@delete("/api/v1/blocks/{block_id:int}", operation_id="DeleteBlock", tags=["spam"],
        guards=[agent_required], sync_to_thread=True)  # fmt: skip
def delete_block(state: State, request: Request, block_id: FromPath[int]) -> None:
    widget.unblock(state.db, request.state.agent, block_id)


@get("/api/v1/settings/widget", operation_id="GetWidgetSettings", tags=["settings"],
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def get_widget_settings(state: State) -> WidgetSettingsView:
    return widget.settings_view(state.db)


@put("/api/v1/settings/widget", operation_id="PutWidgetSettings", tags=["settings"],
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_widget_settings(
    state: State, request: Request, data: JSONBody[WidgetSettings]
) -> WidgetSettingsView:
    """Texts, colour, hours, identity verification (the secret is write-only)."""
    return widget.put_settings(state.db, request.state.agent, data)


@get("/api/v1/settings/widget/embed", operation_id="GetWidgetEmbed", tags=["settings"],
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def get_widget_embed(state: State) -> WidgetEmbed:
    """The ``<script>`` tag to paste into the store's pages (this server's public address)."""
    return widget.embed(state.settings.api.public_base_url)


@post("/api/v1/settings/widget/identity-secret", operation_id="RotateWidgetIdentitySecret",
      tags=["settings"], status_code=201, guards=[admin_required], sync_to_thread=True)  # fmt: skip
def rotate_identity_secret(state: State, request: Request) -> IdentitySecret:
    """Make a new identity secret, replacing the old one; it is shown in this answer only."""
    return widget.rotate_identity_secret(state.db, request.state.agent)


HANDLERS = [
    widget_config, start_chat, conversation_read, upload_attachment,
    customer_attachment, agent_attachment, ticket_attachments, list_blocks, create_block,
    delete_block, get_widget_settings, put_widget_settings, get_widget_embed,
    rotate_identity_secret,
]  # fmt: skip
