"""The settings page's test of the Messenger channel: ``GET /{page-id}?fields=name`` with the
Page access token answers the Page's name, or says why not in the administrator's language."""

from __future__ import annotations

import httpx

from widget_api.channels.messenger_settings import MessengerConfig
from widget_api.channels.whatsapp_outbox import _error_of
from widget_api.contracts.channels import ChannelTestResult
from widget_api.i18n import t


def run(config: MessengerConfig, lang: str, timeout: float = 10.0) -> ChannelTestResult:
    if not config.can_send:
        return ChannelTestResult(ok=False, message=t("channels.messenger.test.not_set_up", lang))
    url = f"{config.graph_base_url}/{config.api_version}/{config.page_id}"
    try:
        headers = {"Authorization": f"Bearer {config.page_access_token}"}
        response = httpx.get(url, params={"fields": "name"}, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return ChannelTestResult(ok=False, message=t("channels.messenger.test.unreachable", lang,
                                                     error=type(exc).__name__))  # fmt: skip
    if response.status_code == 200:
        try:
            name = response.json().get("name")
        except (ValueError, AttributeError):
            name = None
        if name:
            return ChannelTestResult(ok=True, account=str(name))
    code, message = _error_of(response)
    return ChannelTestResult(ok=False, message=t("channels.messenger.test.refused", lang,
                                                 code=code or response.status_code,
                                                 error=message))  # fmt: skip
