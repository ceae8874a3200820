"""What the Canaux page shows and sends, without Streamlit: the fields of each channel's
settings, the ``PUT`` body built from the form (a blank secret keeps the saved one), the
webhook addresses to paste, WhatsApp's template lines, and the outbox rows.

The three channels' settings answers differ (SMS has two webhook URLs and no verify token;
WhatsApp has templates; Messenger adds the Instagram account), so each channel lists its
fields here and the page draws them in order."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import tr
from dashboard.tables import Col, present


@dataclass(frozen=True)
class Field:
    setting: str  # the settings field (``PUT`` body key)
    secret: bool = False  # write-only: the answer says only ``<name>_set``
    advanced: bool = False  # API base URL and version: rarely changed

    def label(self, lang: str) -> str:
        return tr(f"canaux.f.{self.setting}", lang)


@dataclass(frozen=True)
class Channel:
    code: str  # sms | whatsapp | messenger
    settings_path: str
    outbox_path: str
    fields: tuple[Field, ...]
    webhooks: tuple[str, ...]  # answer fields holding a URL to paste in the platform
    verify_token: bool  # Meta's handshake token: chosen here, pasted in the Meta app

    @property
    def test_path(self) -> str:
        return f"{self.settings_path}/test"


CHANNELS = (
    Channel(
        "sms", "/api/v1/settings/channels/sms", "/api/v1/sms/outbox",
        (Field("account_sid"), Field("auth_token", secret=True), Field("from_number"),
         Field("messaging_service_sid"), Field("api_base_url", advanced=True)),
        ("inbound_webhook_url", "status_callback_url"), verify_token=False,
    ),
    Channel(
        "whatsapp", "/api/v1/settings/channels/whatsapp", "/api/v1/whatsapp/outbox",
        (Field("phone_number_id"), Field("access_token", secret=True),
         Field("app_secret", secret=True), Field("verify_token", secret=True),
         Field("graph_base_url", advanced=True), Field("api_version", advanced=True)),
        ("webhook_url",), verify_token=True,
    ),
    Channel(
        "messenger", "/api/v1/settings/channels/messenger", "/api/v1/messenger/outbox",
        (Field("page_id"), Field("page_access_token", secret=True),
         Field("instagram_account_id"), Field("app_secret", secret=True),
         Field("verify_token", secret=True), Field("graph_base_url", advanced=True),
         Field("api_version", advanced=True)),
        ("webhook_url",), verify_token=True,
    ),
)  # fmt: skip
BY_KEY = {c.code: c for c in CHANNELS}

_TEMPLATE_LINE = re.compile(r"^\s*(\S+)\s+(\S+)\s*$")


def secret_hint(view: Mapping, field: Field, lang: str) -> str:
    """The placeholder of a secret: saved (leave blank to keep) or not saved yet."""
    saved = bool(view.get(f"{field.setting}_set"))
    return tr("canaux.secret_saved" if saved else "canaux.secret_unset", lang)


def new_verify_token() -> str:
    """A verify token to offer when none is saved: long, random, safe in a URL."""
    return secrets.token_urlsafe(24)


def settings_body(channel: Channel, values: Mapping[str, str]) -> dict:
    """The ``PUT`` body: text trimmed; a blank secret left out (the saved one stays); a blank
    plain field sent as null (cleared, or back to its default for the API's URL and version)."""
    body: dict[str, object] = {}
    for field in channel.fields:
        value = (values.get(field.setting) or "").strip()
        if field.secret:
            if value:
                body[field.setting] = value
        else:
            body[field.setting] = value or None
    return body


def templates_text(templates: Sequence[Mapping]) -> str:
    """WhatsApp's approved templates as lines "name language"."""
    return "\n".join(f"{t['name']} {t['language']}" for t in templates)


def parse_templates(text: str) -> list[dict[str, str]]:
    """Lines "name language" (blank lines skipped) → the settings' templates; ValueError
    names the first line that is not two words."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TEMPLATE_LINE.match(line)
        if match is None:
            raise ValueError(number)
        found.append({"name": match.group(1), "language": match.group(2)})
    return found


OUTBOX = (
    Col("created_at", "moment", header="canaux.col.created_at"),
    Col("ticket_id", "int", header="canaux.col.ticket_id"),
    Col("to_number", header="canaux.col.to"),
    Col("recipient_id", header="canaux.col.to"),
    Col("status", "code", "canaux.status", header="canaux.col.status"),
    Col("attempts", "int", header="canaux.col.attempts"),
    Col("error_code", header="canaux.col.error_code"),
    Col("last_error", header="canaux.col.last_error"),
    Col("sent_at", "moment", header="canaux.col.sent_at"),
)


def outbox_rows(items: Sequence[Mapping], lang: str, *, errors_only: bool = False) -> pd.DataFrame:
    """The last sends, newest first as the API lists them; ``errors_only``: the failed ones
    and those waiting after an error."""
    if errors_only:
        items = [i for i in items if i.get("status") == "failed" or i.get("last_error")]
    return present(list(items), OUTBOX, lang)


def failures(items: Sequence[Mapping]) -> int:
    return sum(1 for i in items if i.get("status") == "failed")
