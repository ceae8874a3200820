"""Channels beyond e-mail (issue 16): SMS settings, identities, and the SMS length helper.

The dashboard imports :func:`sms_segments` from here to show a reply's length as it is typed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.common import UtcDateTime

IdentityKind = Literal["email", "phone", "messenger", "instagram", "whatsapp"]

# GSM 03.38: the default alphabet (one septet each) and its extension table (two septets each).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


class SmsSegments(BaseModel):
    encoding: Literal["GSM-7", "UCS-2"]
    units: int = Field(description="Septets (GSM-7) or UTF-16 code units (UCS-2).")
    segments: int
    per_segment: int = Field(description="Units a segment holds at this length (160/153, 70/67).")


class SegmentsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=20_000)


def sms_segments(text: str) -> SmsSegments:
    """How many SMS a text costs: GSM-7 when every character is in the GSM alphabet (160 in
    one, 153 per part once split), else UCS-2 (70, then 67 per part; an emoji counts two)."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SmsSegments(encoding=encoding, units=units, segments=1 if units else 0,
                           per_segment=single)  # fmt: skip
    return SmsSegments(encoding=encoding, units=units, segments=-(-units // multi),
                       per_segment=multi)  # fmt: skip


class SmsSettings(BaseModel):
    """What an administrator sees: the auth token is never returned, only whether it is set."""

    configured: bool
    account_sid: str | None
    auth_token_set: bool
    from_number: str | None
    messaging_service_sid: str | None
    api_base_url: str
    inbound_webhook_url: str = Field(
        description="Paste in Twilio: the number's 'A message comes in'."
    )
    status_callback_url: str


class SmsSettingsUpdate(BaseModel):
    """Absent fields stay; ``auth_token: ""`` removes the token."""

    model_config = ConfigDict(extra="forbid")

    account_sid: str | None = Field(None, pattern=r"^AC[0-9a-fA-F]{32}$")
    auth_token: str | None = Field(None, max_length=200)
    from_number: str | None = Field(None, max_length=40)
    messaging_service_sid: str | None = Field(None, pattern=r"^(MG[0-9a-fA-F]{32})?$")
    api_base_url: str | None = Field(None, pattern=r"^https?://[^\s]+$", max_length=300)


class CustomerIdentity(BaseModel):
    id: int
    kind: IdentityKind
    value: str
    verified: bool
    linked: bool
    opted_out_at: UtcDateTime | None
    created_at: UtcDateTime


class SmsOutboxItem(BaseModel):
    id: int
    ticket_id: int
    message_id: int
    to_number: str
    status: str
    attempts: int
    last_error: str | None
    error_code: int | None
    twilio_sid: str | None
    twilio_status: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None


# -- WhatsApp (Meta's Cloud API) ----------------------------------------------------------------
class WhatsappTemplate(BaseModel):
    """An approved message template: its name and language as approved in WhatsApp Manager."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$", examples=["fr_CA", "en_US"])


class WhatsappSettings(BaseModel):
    """What an administrator sees: secrets are never returned, only whether they are set."""

    configured: bool
    phone_number_id: str | None
    access_token_set: bool
    app_secret_set: bool
    verify_token_set: bool
    templates: list[WhatsappTemplate]
    graph_base_url: str
    api_version: str
    webhook_url: str = Field(description="Paste in the Meta app's WhatsApp webhook settings.")


class WhatsappSettingsUpdate(BaseModel):
    """Absent fields stay; a secret set to ``""`` is removed."""

    model_config = ConfigDict(extra="forbid")

    phone_number_id: str | None = Field(None, pattern=r"^[0-9]{1,30}$")
    access_token: str | None = Field(None, max_length=1000)
    app_secret: str | None = Field(None, max_length=200)
    verify_token: str | None = Field(None, max_length=200)
    templates: list[WhatsappTemplate] | None = Field(None, max_length=100)
    graph_base_url: str | None = Field(None, pattern=r"^https?://[^\s]+$", max_length=300)
    api_version: str | None = Field(None, pattern=r"^v[0-9]{1,3}\.[0-9]$")


class WhatsappTemplateReply(BaseModel):
    """Send an approved template on a WhatsApp ticket (the only way outside the 24 hours)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")


class WhatsappOutboxItem(BaseModel):
    id: int
    ticket_id: int
    message_id: int
    to_number: str
    template: WhatsappTemplate | None
    status: str
    attempts: int
    last_error: str | None
    error_code: int | None
    wamid: str | None
    wa_status: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None


# -- every channel ------------------------------------------------------------------------------
class ChannelTestResult(BaseModel):
    """``POST /api/v1/settings/channels/{channel}/test``: the platform answered with the
    account's name, or why it did not (in the administrator's language)."""

    ok: bool
    account: str | None = Field(None, description="The name the platform gives the account.")
    message: str | None = Field(None, description="Why the test failed, in the admin's language.")


# -- Facebook Messenger and Instagram (Meta's Send API) -----------------------------------------
class MessengerSettings(BaseModel):
    """The Facebook Page (Messenger) and its Instagram professional account: what an
    administrator sees, secrets only as whether they are set."""

    configured: bool
    page_id: str | None
    page_access_token_set: bool
    instagram_account_id: str | None
    app_secret_set: bool
    verify_token_set: bool
    graph_base_url: str
    api_version: str
    webhook_url: str = Field(description="Paste in the Meta app's Messenger/Instagram webhooks.")


class MessengerSettingsUpdate(BaseModel):
    """Absent fields stay; a secret set to ``""`` is removed."""

    model_config = ConfigDict(extra="forbid")

    page_id: str | None = Field(None, pattern=r"^[0-9]{1,30}$")
    page_access_token: str | None = Field(None, max_length=1000)
    instagram_account_id: str | None = Field(None, pattern=r"^[0-9]{1,30}$")
    app_secret: str | None = Field(None, max_length=200)
    verify_token: str | None = Field(None, max_length=200)
    graph_base_url: str | None = Field(None, pattern=r"^https?://[^\s]+$", max_length=300)
    api_version: str | None = Field(None, pattern=r"^v[0-9]{1,3}\.[0-9]$")


class MessengerOutboxItem(BaseModel):
    """One reply leaving through Meta's Send API (Messenger or Instagram), the WhatsApp
    outbox's shape: its state, attempts and Meta's error if any."""

    id: int
    ticket_id: int
    message_id: int
    platform: Literal["messenger", "instagram"]
    recipient_id: str = Field(description="The page-scoped or Instagram-scoped id.")
    messaging_type: str = Field(description="RESPONSE, or MESSAGE_TAG (with tag HUMAN_AGENT).")
    tag: str | None
    status: str
    attempts: int
    last_error: str | None
    error_code: int | None
    mid: str | None
    meta_status: str | None = Field(description="accepted, delivered or read.")
    created_at: UtcDateTime
    sent_at: UtcDateTime | None
