"""The Messenger and Instagram channel (Meta's Messenger Platform): its settings
(administrators) and their test, and its outbox. The webhook is ``/webhooks/meta``, shared with
WhatsApp (``routes/whatsapp.py``)."""

from __future__ import annotations

from litestar import Request, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.channels import messenger_settings, messenger_test
from widget_api.contracts.channels import (
    ChannelTestResult,
    MessengerOutboxItem,
    MessengerSettings,
    MessengerSettingsUpdate,
)
from widget_api.i18n import negotiate
from widget_api.routes.guards import admin_required, json_body
from widget_api.storage import messenger as store

_TAGS = ["channels"]
_PATH = "/api/v1/settings/channels/messenger"


@get(_PATH, operation_id="GetMessengerSettings", tags=_TAGS, guards=[admin_required],
     sync_to_thread=True)  # fmt: skip
def get_messenger_settings(state: State) -> MessengerSettings:
    """The Facebook Page, the Instagram account and the Graph API; secrets are only said to be
    set."""
    return messenger_settings.view(state.db, state.settings.api.public_base_url)


@put(_PATH, operation_id="UpdateMessengerSettings", tags=_TAGS,
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_messenger_settings(
    state: State, request: Request, data: JSONBody[MessengerSettingsUpdate]
) -> MessengerSettings:
    """Change the Messenger/Instagram settings; absent fields stay, a secret set to ``""`` is
    removed. The Page access token, app secret and verify token are sealed at rest."""
    result = messenger_settings.save(state.db, request.state.agent, data,
                                     state.settings.api.public_base_url)  # fmt: skip
    state.messenger_outbox.wake()
    return result


@post(f"{_PATH}/test", operation_id="TestMessengerSettings", tags=_TAGS, status_code=200,
      guards=[admin_required], sync_to_thread=True)  # fmt: skip
def test_messenger_settings(state: State, request: Request) -> ChannelTestResult:
    """Ask the Graph API for the Page's name with the saved token
    (``GET /{page-id}?fields=name``)."""
    lang = negotiate(request.headers.get("accept-language"), default=request.state.agent.language)
    return messenger_test.run(messenger_settings.load(state.db), lang)


@get("/api/v1/messenger/outbox", operation_id="ListMessengerOutbox", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def list_messenger_outbox(state: State) -> list[MessengerOutboxItem]:
    """The 50 newest Messenger and Instagram sends: their state, attempts and Meta's error."""
    return [MessengerOutboxItem.model_validate(row) for row in state.db.read(store.outbox_items)]


HANDLERS = [get_messenger_settings, put_messenger_settings, test_messenger_settings,
            list_messenger_outbox]  # fmt: skip
