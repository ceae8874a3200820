"""The error answers every operation may give, declared once for the whole OpenAPI document.

Guards (authentication, content type, rate limits), the body size limit and the one error mapping
in ``widget_api.errors`` apply to every route alike, so each operation documents the same set of
``{status_code, detail}`` answers instead of each route listing its own (and forgetting some)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, Schema

from widget_api.contracts.common import ErrorBody

ERRORS: dict[int, str] = {
    400: "Bad request: the body, a parameter or the JSON is invalid; `detail` says which.",
    401: "No valid bearer token (agent routes), or wrong credentials.",
    403: "Signed in but not allowed (administrators only), or a customer token for another thread.",
    404: "No such resource.",
    409: "Conflict with the current state (already exists, already in that state).",
    413: "The body is larger than the server accepts.",
    415: "Unsupported content type (JSON routes need application/json).",
    429: "Too many requests or attempts; retry after the `Retry-After` header's seconds.",
    503: "The server cannot write right now (disk full); retry after `Retry-After`.",
}


def document_errors(app: Litestar) -> None:
    """Add the shared error answers to every handler's documented responses (before the document
    is built: Litestar builds it on the first request for it)."""
    specs = {
        status: ResponseSpec(data_container=ErrorBody, description=text, generate_examples=False)
        for status, text in ERRORS.items()
    }
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            handler.responses = {**specs, **(handler.responses or {})}


@dataclass
class JsonOrCsv(Operation):
    """An operation whose success answer is JSON, or CSV with ``format=csv``."""

    def __post_init__(self) -> None:
        success = (self.responses or {}).get("200")
        if success is not None and not isinstance(success, dict) and success.content:
            csv = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
            success.content["text/csv"] = csv
