"""Mail channel settings and records as the admin API shows them.

Passwords go in (``MailboxCreate``/``MailboxUpdate``) but never come out: a ``Mailbox`` only
says whether one is set.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from widget_api.contracts.common import JsonBool, JsonInt, UtcDateTime

Security = Literal["ssl", "starttls", "none"]
Inbound = Literal["imap", "smtp", "none"]


def _address(value: str) -> str:
    value = value.strip().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or " " in value or "+" in local:
        raise ValueError("must be a plain address such as support@example.com")
    return value


class MailboxFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    inbound: Inbound | None = Field(
        None, description="How mail arrives: polled by IMAP, or forwarded to the SMTP listener."
    )
    imap_host: str | None = Field(None, max_length=255)
    imap_port: JsonInt | None = Field(None, ge=1, le=65535)
    imap_security: Security | None = None
    imap_username: str | None = Field(None, max_length=255)
    imap_password: SecretStr | None = Field(None, description="Write-only.")
    imap_folder: str | None = Field(None, min_length=1, max_length=255)
    imap_processed: Literal["seen", "move"] | None = Field(
        None, description="Mark processed mail \\Seen, or move it to `imap_move_to`."
    )
    imap_move_to: str | None = Field(None, max_length=255)
    poll_seconds: JsonInt | None = Field(None, ge=5, le=86_400)
    smtp_host: str | None = Field(None, max_length=255)
    smtp_port: JsonInt | None = Field(None, ge=1, le=65535)
    smtp_security: Security | None = None
    smtp_username: str | None = Field(None, max_length=255)
    smtp_password: SecretStr | None = Field(None, description="Write-only.")
    auto_ack: JsonBool | None = Field(None, description="Acknowledge new tickets automatically.")
    active: JsonBool | None = None


class MailboxCreate(MailboxFields):
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(max_length=254, description="The support address, e.g. support@shop.ca")

    _address = field_validator("address")(_address)


class MailboxUpdate(MailboxFields):
    """Fields to change; absent ones stay. A password set to "" is removed."""

    address: str | None = Field(None, max_length=254)

    @field_validator("address")
    @classmethod
    def _check(cls, value: str | None) -> str | None:
        return _address(value) if value is not None else None


class Mailbox(BaseModel):
    id: int
    name: str
    address: str
    inbound: Inbound
    imap_host: str | None
    imap_port: int | None
    imap_security: Security
    imap_username: str | None
    imap_password_set: bool
    imap_folder: str
    imap_processed: str
    imap_move_to: str | None
    poll_seconds: int
    smtp_host: str | None
    smtp_port: int | None
    smtp_security: Security
    smtp_username: str | None
    smtp_password_set: bool
    auto_ack: bool
    active: bool
    last_polled_at: UtcDateTime | None
    last_error: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ConnectionCheck(BaseModel):
    ok: bool
    detail: str


class ConnectionTest(BaseModel):
    """Result of logging in to the mailbox's IMAP server and SMTP relay (nothing is sent)."""

    imap: ConnectionCheck
    smtp: ConnectionCheck


class MailSettings(BaseModel):
    """Channel-wide settings: the SMTP listener and limits."""

    model_config = ConfigDict(extra="forbid")

    listener_enabled: JsonBool = False
    listener_host: str = Field("127.0.0.1", max_length=255)
    listener_port: JsonInt = Field(2525, ge=1, le=65535)
    auto_ack: JsonBool = Field(True, description="Master switch of auto-acknowledgements.")
    thread_window_hours: JsonInt = Field(
        24, ge=0, le=720, description="A new mail about the same order joins an open ticket "
        "of the same customer updated within this many hours.",
    )  # fmt: skip
    max_message_bytes: JsonInt = Field(40_000_000, ge=100_000, le=200_000_000)
    max_attachment_bytes: JsonInt = Field(10_000_000, ge=10_000, le=100_000_000)


class QuarantinedMail(BaseModel):
    id: int
    source: str
    mailbox_id: int | None
    reason: str | None
    from_address: str | None
    subject: str | None
    size: int
    received_at: UtcDateTime
    processed_at: UtcDateTime | None


class OutboxItem(BaseModel):
    id: int
    kind: str
    ticket_ref: str
    message_id: int | None
    rfc_message_id: str
    rcpt_to: list[str]
    status: str
    attempts: int
    next_attempt_at: UtcDateTime
    last_error: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None


class ProcessResult(BaseModel):
    outcome: str
    ticket_ref: str | None = None
    reason: str | None = None
