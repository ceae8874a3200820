"""The Canaux page's "Test" buttons: one read-only call to the platform with the saved
credentials, answered as :class:`ChannelTestResult` (the account's name, or why not, in the
administrator's language).

- SMS: Twilio's ``GET /2010-04-01/Accounts/{AccountSid}.json`` (HTTP Basic, SID and auth token),
  whose Account resource carries ``friendly_name``;
- WhatsApp: the Graph API's ``GET /{version}/{phone-number-id}?fields=display_phone_number,
  verified_name`` (bearer access token).

Nothing is saved and nothing is sent: a test never costs a message.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from widget_api.channels import sms_settings, whatsapp_settings
from widget_api.contracts.channels import ChannelTestResult
from widget_api.i18n import t
from widget_api.storage import Database

TIMEOUT = 10.0
_DETAIL_CHARS = 300


def _failed(key: str, lang: str, **params: object) -> ChannelTestResult:
    return ChannelTestResult(ok=False, message=t(key, lang, **params))


def _call(
    request: Callable[[], httpx.Response], platform: str, lang: str
) -> httpx.Response | ChannelTestResult:
    """The platform's answer, or the failed result when it could not be reached."""
    try:
        return request()
    except httpx.HTTPError as exc:
        detail = f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
        return _failed("canaux.test.unreachable", lang, platform=platform, detail=detail)


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refused(response: httpx.Response, platform: str, reason: str, lang: str) -> ChannelTestResult:
    """A 4xx/5xx: credentials refused (401/403) or another error, with the platform's words."""
    reason = (reason or f"HTTP {response.status_code}")[:_DETAIL_CHARS]
    key = (
        "canaux.test.bad_credentials"
        if response.status_code in (401, 403)
        else "canaux.test.failed"
    )
    return _failed(key, lang, platform=platform, status=response.status_code, detail=reason)


def check_sms(db: Database, lang: str, timeout: float = TIMEOUT) -> ChannelTestResult:
    config = sms_settings.load(db)
    if config is None:
        return _failed("canaux.test.sms_not_set_up", lang)
    url = f"{config.api_base_url}/2010-04-01/Accounts/{config.account_sid}.json"
    answer = _call(
        lambda: httpx.get(url, auth=(config.account_sid, config.auth_token), timeout=timeout),
        "Twilio",
        lang,
    )
    if isinstance(answer, ChannelTestResult):
        return answer
    data = _json(answer)
    if answer.status_code != 200:
        # Twilio's error JSON: {"code": 20003, "message": "Authenticate", "more_info", "status"}
        code, message = data.get("code"), data.get("message")
        reason = f"{message} ({code})" if code and message else str(message or "")
        return _refused(answer, "Twilio", reason, lang)
    name = data.get("friendly_name") or data.get("sid")
    if not name:
        return _failed("canaux.test.unexpected", lang, platform="Twilio")
    if data.get("status") in ("suspended", "closed"):  # answers, but sends nothing
        why = t(f"canaux.test.sms_{data['status']}", lang, name=name)
        return ChannelTestResult(ok=False, account=str(name), message=why)
    return ChannelTestResult(ok=True, account=str(name))


def check_whatsapp(db: Database, lang: str, timeout: float = TIMEOUT) -> ChannelTestResult:
    config = whatsapp_settings.load(db)
    if not config.can_send:
        return _failed("canaux.test.whatsapp_not_set_up", lang)
    url = f"{config.graph_base_url}/{config.api_version}/{config.phone_number_id}"
    answer = _call(
        lambda: httpx.get(
            url,
            params={"fields": "display_phone_number,verified_name"},
            headers={"Authorization": f"Bearer {config.access_token}"},
            timeout=timeout,
        ),
        "Meta",
        lang,
    )
    if isinstance(answer, ChannelTestResult):
        return answer
    data = _json(answer)
    if answer.status_code != 200:
        # Meta's error object: {"error": {"message", "type", "code", "fbtrace_id"}}
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        code, message = error.get("code"), error.get("message")
        reason = f"{message} ({code})" if code and message else str(message or "")
        return _refused(answer, "Meta", reason, lang)
    name, number = data.get("verified_name"), data.get("display_phone_number")
    if not name and not number:
        return _failed("canaux.test.unexpected", lang, platform="Meta")
    account = f"{name} ({number})" if name and number else str(name or number)
    return ChannelTestResult(ok=True, account=account)
