"""Bounds of the numbers and days a query may carry.

Declared in handler signatures, so Litestar answers 400 outside them and the OpenAPI document
shows them: an unbounded ``offset`` overflowed DuckDB's BIGINT, an unbounded day overflowed
``date + timedelta`` (both 500s)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar.params import Parameter

from widget_api.domain.errors import Invalid

MAX_ID = 2**53 - 1  # every id and event number fits; exact in JavaScript too
MAX_OFFSET = 10_000_000  # far past any list a person pages through
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)

OptionalId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]


def limit_param(maximum: int, description: str | None = None) -> Parameter:
    return Parameter(ge=1, le=maximum, description=description or f"1 to {maximum}.")


def check_days(**days: date | None) -> None:
    """Refuse a day outside FIRST_DAY..LAST_DAY (400) before any arithmetic on it."""
    for name, day in days.items():
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise Invalid("error.validation", detail=f"{name}: {FIRST_DAY} to {LAST_DAY}")
