"""The WhatsApp channel (Meta's Cloud API): the webhook's subscription handshake and signed
deliveries, its settings (administrators), its outbox, and a template reply (the only reply
WhatsApp accepts more than 24 hours after the customer's last message)."""

from __future__ import annotations

import json

import anyio
from litestar import Request, Response, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from widget_api.channels import meta_webhook as meta_webhook_config
from widget_api.channels import whatsapp_settings, whatsapp_window
from widget_api.contracts.channels import (
    WhatsappOutboxItem,
    WhatsappSettings,
    WhatsappSettingsUpdate,
    WhatsappTemplateReply,
)
from widget_api.contracts.tickets import Message
from widget_api.domain import tickets as ticket_service
from widget_api.domain.errors import Forbidden, Invalid, Unauthorized
from widget_api.routes.guards import admin_required, agent_required, json_body
from widget_api.storage import tickets as ticket_store
from widget_api.storage import whatsapp as wa_store

_TAGS = ["channels"]
_MAX_BODY = 3_000_000


@get(whatsapp_settings.WEBHOOK_PATH, operation_id="MetaWebhookVerify", tags=_TAGS,
     include_in_schema=False)  # fmt: skip
async def meta_verify(request: Request, state: State) -> Response:
    """Meta's subscription handshake: echo ``hub.challenge`` when ``hub.verify_token`` is ours."""
    query = request.query_params
    configs = await anyio.to_thread.run_sync(meta_webhook_config.load, state.db)
    token = query.get("hub.verify_token") or ""
    challenge = query.get("hub.challenge") or ""
    if query.get("hub.mode") != "subscribe" or not meta_webhook_config.token_ok(configs, token):
        raise Forbidden("channels.whatsapp.error.bad_verify_token")
    return Response(challenge, media_type="text/plain", status_code=200)


@post(whatsapp_settings.WEBHOOK_PATH, operation_id="MetaWebhook", tags=_TAGS, status_code=200,
      include_in_schema=False)  # fmt: skip
async def meta_webhook(request: Request, state: State) -> Response:
    """Messages and statuses of WhatsApp, Messenger and Instagram, signed with the app secret;
    kept before the 200, each message once."""
    body = await request.body()
    configs = await anyio.to_thread.run_sync(meta_webhook_config.load, state.db)
    signature = request.headers.get("x-hub-signature-256")
    allowed = meta_webhook_config.signed_objects(configs, body, signature)
    if not allowed:
        raise Unauthorized("channels.whatsapp.error.bad_signature")
    if len(body) > _MAX_BODY:
        raise Invalid("channels.whatsapp.error.bad_payload")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise Invalid("channels.whatsapp.error.bad_payload") from exc
    kind = payload.get("object") if isinstance(payload, dict) else None
    if kind in meta_webhook_config.KNOWN_OBJECTS and kind not in allowed:
        raise Unauthorized("channels.whatsapp.error.bad_signature")
    if kind in meta_webhook_config.MESSENGER_OBJECTS:  # Messenger and Instagram
        await anyio.to_thread.run_sync(state.messenger_inbound.receive, payload,
                                       configs.messenger)  # fmt: skip
    else:
        await anyio.to_thread.run_sync(state.whatsapp_inbound.receive, payload)
    return Response("", media_type="text/plain", status_code=200)


@get("/api/v1/settings/channels/whatsapp", operation_id="GetWhatsappSettings", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def get_whatsapp_settings(state: State) -> WhatsappSettings:
    """The business number, templates and Graph API; secrets are only said to be set."""
    return whatsapp_settings.view(state.db, state.settings.api.public_base_url)


@put("/api/v1/settings/channels/whatsapp", operation_id="UpdateWhatsappSettings", tags=_TAGS,
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_whatsapp_settings(
    state: State, request: Request, data: JSONBody[WhatsappSettingsUpdate]
) -> WhatsappSettings:
    """Change the WhatsApp settings; absent fields stay, a secret set to ``""`` is removed.
    The access token, app secret and verify token are sealed at rest."""
    result = whatsapp_settings.save(state.db, request.state.agent, data,
                                    state.settings.api.public_base_url)  # fmt: skip
    state.whatsapp_outbox.wake()
    return result


@post("/api/v1/tickets/{ref:str}/whatsapp/template", operation_id="SendWhatsappTemplate",
      tags=_TAGS, status_code=201, guards=[agent_required, json_body],
      sync_to_thread=True)  # fmt: skip
def send_whatsapp_template(
    state: State, request: Request, ref: FromPath[str], data: JSONBody[WhatsappTemplateReply]
) -> Message:
    """Send an approved template (name and language as listed in the settings)."""
    ticket_id = ticket_service.ticket_id_for_ref(state.db, ref)
    message_id = whatsapp_window.send_template(state.db, ticket_id, request.state.agent, data)
    rows = state.db.read(lambda cur: ticket_store.messages(cur, ticket_id))
    return Message.model_validate(next(m for m in rows if m["id"] == message_id))


@get("/api/v1/whatsapp/outbox", operation_id="ListWhatsappOutbox", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def list_whatsapp_outbox(state: State) -> list[WhatsappOutboxItem]:
    """The 50 newest WhatsApp sends: their state, attempts and Meta's error if any."""
    rows = state.db.read(wa_store.outbox_items)
    return [WhatsappOutboxItem.model_validate(row) for row in rows]


HANDLERS = [
    meta_verify, meta_webhook, get_whatsapp_settings, put_whatsapp_settings,
    send_whatsapp_template, list_whatsapp_outbox,
]  # fmt: skip
