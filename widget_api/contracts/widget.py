"""The chat widget's contract: its configuration, starting a chat, attachments, blocks."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from widget_api.contracts.common import JsonBool, JsonInt, Language, UtcDateTime
from widget_api.contracts.tickets import MAX_BODY_CHARS, not_blank

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HOURS = r"^([01]\d|2[0-3]):[0-5]\d$"


class Interval(BaseModel):
    start: str = Field(pattern=HOURS)
    end: str = Field(pattern=HOURS)

    @model_validator(mode="after")
    def _opens_before_closing(self) -> Interval:
        # The message is an i18n key: the error handler answers it in the caller's language.
        if self.end <= self.start:
            raise PydanticCustomError("comptoir", "error.hours_end_before_start")
        return self


def _default_hours() -> dict[str, list[Interval]]:
    week = {d: [Interval(start="09:00", end="17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    return {**week, "sat": [], "sun": []}


class WidgetSettings(BaseModel):
    """Editable per store; texts per language."""

    model_config = ConfigDict(extra="forbid")

    color: str = Field("#0f4c5c", pattern=r"^#[0-9a-fA-F]{6}$")
    position: Literal["right", "left"] = "right"
    welcome_fr: str = Field(
        "Bonjour! Comment pouvons-nous vous aider?", min_length=1, max_length=500
    )
    welcome_en: str = Field("Hi! How can we help?", min_length=1, max_length=500)
    offline_fr: str = Field(
        "Nous sommes fermés pour le moment. Laissez votre courriel : nous vous répondrons dès "
        "l'ouverture.",
        min_length=1,
        max_length=500,
    )
    offline_en: str = Field(
        "We are closed right now. Leave your email and we will answer as soon as we open.",
        min_length=1,
        max_length=500,
    )
    business_hours: dict[Weekday, list[Interval]] = Field(default_factory=_default_hours)
    enforce_identity: JsonBool = False
    identity_secret: str | None = Field(
        None, min_length=16, max_length=200, description="Write-only: never returned."
    )

    @field_validator("color", mode="before")
    @classmethod
    def _hex_color(cls, value: object) -> object:
        if not isinstance(value, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", value.strip()):
            raise PydanticCustomError("comptoir", "error.widget_color")
        return value.strip()

    @field_validator("welcome_fr", "welcome_en", "offline_fr", "offline_en", mode="before")
    @classmethod
    def _text_given(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            raise PydanticCustomError("comptoir", f"error.widget_blank.{info.field_name}")
        return value.strip() if isinstance(value, str) else value


class WidgetSettingsView(BaseModel):
    """What admins read back: the secret is never shown, only whether one is set."""

    color: str
    position: str
    welcome_fr: str
    welcome_en: str
    offline_fr: str
    offline_en: str
    business_hours: dict[str, list[Interval]]
    enforce_identity: bool
    identity_secret_set: bool


class WidgetEmbed(BaseModel):
    """The ``<script>`` tag a merchant pastes into the store's pages."""

    script_url: str
    snippet: str


class IdentitySecret(BaseModel):
    """A new identity secret: shown in this answer only, then stored sealed."""

    secret: str


class WidgetConfig(BaseModel):
    """What the widget needs to draw itself, in the visitor's language."""

    store_name: str
    language: Language
    color: str
    position: str
    welcome: str
    offline_message: str
    online: bool
    identity_required: bool


class Identity(BaseModel):
    email: EmailStr
    signature: str = Field(min_length=1, max_length=128)


class ChatStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    name: str | None = Field(None, max_length=120)
    email: EmailStr | None = None
    order_number: str | None = Field(None, max_length=64)
    language: Language | None = None
    page_url: str | None = Field(None, max_length=1000)
    locale: str | None = Field(None, max_length=35)
    identity: Identity | None = None
    kind: Literal["chat", "return"] = "chat"
    search_query_id: JsonInt | None = Field(None, description="The help search that led here.")

    _body = field_validator("body")(not_blank)


class Attachment(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    created_at: UtcDateTime


class BlockCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["email", "ip", "conversation"]
    value: str = Field(min_length=1, max_length=254)
    reason: str | None = Field(None, max_length=200)


class Block(BaseModel):
    id: int
    kind: str
    value: str
    reason: str | None
    created_at: UtcDateTime
