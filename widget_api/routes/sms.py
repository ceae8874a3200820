"""The SMS channel (Twilio): its two signed webhooks, its settings (administrators) and the
length of a reply in SMS segments."""

from __future__ import annotations

import anyio
from litestar import Request, Response, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.channels import sms_settings, sms_status
from widget_api.channels.twilio_signature import public_url, valid
from widget_api.contracts.channels import (
    SegmentsRequest,
    SmsOutboxItem,
    SmsSegments,
    SmsSettings,
    SmsSettingsUpdate,
    sms_segments,
)
from widget_api.domain.errors import Forbidden
from widget_api.routes.guards import admin_required, agent_required, json_body
from widget_api.storage import sms as sms_store

_TAGS = ["channels"]
# Twilio takes an empty TwiML document as "nothing to answer".
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


async def _signed_params(request: Request, state: State) -> tuple[dict[str, str], object]:
    """The form Twilio posted, after checking its signature against the public URL; 403
    when the signature is wrong or missing (or no auth token is set to check it with)."""
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    config = await anyio.to_thread.run_sync(sms_settings.load, state.db)
    url = public_url(state.settings.api.public_base_url, request.url.path, request.url.query)
    given = request.headers.get("x-twilio-signature")
    if config is None or not valid(config.auth_token, url, items, given):
        raise Forbidden("channels.error.bad_signature")
    return dict(items), config


@post(sms_settings.INBOUND_PATH, operation_id="TwilioInboundSms", tags=_TAGS, status_code=200,
      include_in_schema=False)  # fmt: skip
async def twilio_inbound(request: Request, state: State) -> Response:
    """An SMS or MMS from a customer, kept before the answer; a repeat of a kept one is
    answered the same way and filed once."""
    params, config = await _signed_params(request, state)
    await anyio.to_thread.run_sync(state.sms_inbound.receive, params, config)
    return Response(EMPTY_TWIML, media_type="text/xml", status_code=200)


@post(sms_settings.STATUS_PATH, operation_id="TwilioStatusCallback", tags=_TAGS, status_code=200,
      include_in_schema=False)  # fmt: skip
async def twilio_status(request: Request, state: State) -> Response:
    """queued, sent, delivered, failed, undelivered… for one of our messages."""
    params, _ = await _signed_params(request, state)
    raw = request.query_params.get("outbox")
    outbox_id = int(raw) if raw and raw.isdigit() else None
    await anyio.to_thread.run_sync(sms_status.report, state.db, params, outbox_id)
    return Response(EMPTY_TWIML, media_type="text/xml", status_code=200)


@get("/api/v1/settings/channels/sms", operation_id="GetSmsSettings", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def get_sms_settings(state: State) -> SmsSettings:
    """The Twilio account and sender; the auth token is never returned, only whether it is set.
    The two webhook URLs are the ones to paste in Twilio's console."""
    return sms_settings.view(state.db, state.settings.api.public_base_url)


@put("/api/v1/settings/channels/sms", operation_id="UpdateSmsSettings", tags=_TAGS,
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_sms_settings(
    state: State, request: Request, data: JSONBody[SmsSettingsUpdate]
) -> SmsSettings:
    """Change the SMS settings; absent fields stay, ``auth_token: ""`` removes the token. The
    token is sealed at rest."""
    result = sms_settings.save(state.db, request.state.agent, data,
                               state.settings.api.public_base_url)  # fmt: skip
    state.sms_outbox.wake()
    return result


@post("/api/v1/sms/segments", operation_id="CountSmsSegments", tags=_TAGS, status_code=200,
      guards=[agent_required, json_body])  # fmt: skip
async def count_segments(data: JSONBody[SegmentsRequest]) -> SmsSegments:
    """How many SMS a reply costs: GSM-7 160 (153 per part), else UCS-2 70 (67 per part)."""
    return sms_segments(data.text)


@get("/api/v1/sms/outbox", operation_id="ListSmsOutbox", tags=_TAGS, guards=[admin_required],
     sync_to_thread=True)  # fmt: skip
def list_sms_outbox(state: State) -> list[SmsOutboxItem]:
    """The 50 newest SMS sends: their state, attempts and Twilio's error if any."""
    rows = state.db.read(sms_store.outbox_items)
    return [SmsOutboxItem.model_validate(row) for row in rows]


HANDLERS = [
    twilio_inbound, twilio_status, get_sms_settings, put_sms_settings, count_segments,
    list_sms_outbox,
]  # fmt: skip
