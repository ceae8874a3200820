"""Domain errors: an HTTP status and an i18n message key. One handler turns them into responses."""

from __future__ import annotations

from typing import Any


class ComptoirError(Exception):
    status_code = 400

    def __init__(self, key: str, *, headers: dict[str, str] | None = None, **params: Any):
        super().__init__(key)
        self.key = key
        self.params = params
        self.headers = headers or {}


class NotFound(ComptoirError):
    status_code = 404


class Unauthorized(ComptoirError):
    status_code = 401


class Forbidden(ComptoirError):
    status_code = 403


class Invalid(ComptoirError):
    status_code = 400


class Conflict(ComptoirError):
    """The change clashes with what is stored (a name or address already in use)."""

    status_code = 409


class UnsupportedMedia(ComptoirError):
    status_code = 415


class RateLimited(ComptoirError):
    status_code = 429
