"""The connection tests of the Canaux page (administrators): ``POST
/api/v1/settings/channels/{sms|whatsapp}/test`` call the platform once with the saved
credentials and answer the account's name, or why not in the admin's language. Messenger's
test lives with the Messenger channel."""

from __future__ import annotations

from litestar import Request, post
from litestar.datastructures import State

from widget_api.channels import channel_test
from widget_api.contracts.channels import ChannelTestResult
from widget_api.i18n import negotiate
from widget_api.routes.guards import admin_required

_TAGS = ["channels"]


def _lang(request: Request) -> str:
    """The dashboard's language (its Accept-Language), else the admin's own."""
    agent_language = request.state.agent.language
    header = request.headers.get("accept-language")
    return negotiate(header, default=agent_language) if header else agent_language


@post("/api/v1/settings/channels/sms/test", operation_id="TestSmsChannel", tags=_TAGS,
      guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def test_sms_channel(state: State, request: Request) -> ChannelTestResult:
    """Twilio's ``GET /2010-04-01/Accounts/{AccountSid}.json`` with the saved SID and token:
    ``ok`` with the account's ``friendly_name``, else ``ok: false`` and the reason. Sends
    nothing."""
    return channel_test.check_sms(state.db, _lang(request))


@post("/api/v1/settings/channels/whatsapp/test", operation_id="TestWhatsappChannel", tags=_TAGS,
      guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def test_whatsapp_channel(state: State, request: Request) -> ChannelTestResult:
    """The Graph API's ``GET /{phone-number-id}?fields=display_phone_number,verified_name``
    with the saved access token: ``ok`` with the verified name and number, else ``ok: false``
    and the reason. Sends nothing."""
    return channel_test.check_whatsapp(state.db, _lang(request))


HANDLERS = [test_sms_channel, test_whatsapp_channel]
