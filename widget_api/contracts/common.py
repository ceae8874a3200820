"""Vocabulary shared by every contract: languages, channels, statuses, priorities, pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

Language = Literal["fr", "en"]
Channel = Literal[
    "web",
    "chat",
    "email",
    "amazon",
    "ebay",
    "etsy",
    "walmart",
    "sms",
    "instagram",
    "facebook",
    "whatsapp",
]
Status = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
Priority = Literal["low", "normal", "high", "urgent"]
MessageKind = Literal["inbound", "outbound", "note"]
AuthorType = Literal["customer", "agent", "system"]
Role = Literal["admin", "agent"]

PRIORITY_RANK: dict[str, int] = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


def _as_utc(value: datetime) -> datetime:
    # The database stores naive UTC; an answer says so with its offset (RFC 3339 "date-time").
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Every timestamp of the contract: tz-aware UTC in answers; a naive one sent in is read as UTC.
UtcDateTime = Annotated[
    datetime, AfterValidator(_as_utc), Field(description="UTC, with its offset (+00:00).")
]


def _exactly(kind: type, name: str):
    # Litestar validates bodies with ``strict=False``, which overrides pydantic's own Strict
    # types: this check runs whatever the mode, so `false` is not 0 and "5" is not 5.
    def check(value: object) -> object:
        if type(value) is not kind:
            raise ValueError(f"must be a JSON {name}")
        return value

    return BeforeValidator(check)


# int and bool fields of request bodies: exactly that JSON type, no coercion.
JsonInt = Annotated[int, _exactly(int, "integer")]
JsonBool = Annotated[bool, _exactly(bool, "boolean")]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    items: list[T]
    total: int = Field(description="How many items match the filters, all pages together.")
    next_cursor: str | None = None


class ErrorBody(BaseModel):
    status_code: int
    detail: str
