"""One mapping from every error to a JSON answer ``{status_code, detail}`` in the caller's
language. Nothing a client sends may produce a 500 with a stack trace."""

from __future__ import annotations

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from widget_api.domain.errors import ComptoirError
from widget_api.i18n import catalog, negotiate, t
from widget_api.storage import ConstraintViolation, StorageFull, StorageUnavailable

log = logging.getLogger("comptoir")


def _lang(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"), default="fr")


def known(key: str) -> bool:
    return key in catalog("en")


def _answer(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        {"status_code": status, "detail": detail},
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _help_page(request: Request, status: int) -> Response | None:
    """A help-center address a browser asked for that does not exist: a page, not JSON."""
    from widget_api.routes import help_pages  # routes import this module

    if status == 404 and help_pages.wants_page(request):
        return help_pages.not_found_page(request)
    return None


def comptoir_error(request: Request, exc: ComptoirError) -> Response:
    if page := _help_page(request, exc.status_code):
        return page
    return _answer(exc.status_code, t(exc.key, _lang(request), **exc.params), exc.headers)


def validation_error(request: Request, exc: ValidationException) -> Response:
    lang = _lang(request)
    parts = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            message = item.get("message", "")
            if message.startswith("error.") and known(message):  # a contract's own message
                parts.append(t(message, lang))
                continue
            key = item.get("key") or item.get("source") or ""
            parts.append(f"{key}: {message}".strip(": "))
    detail = "; ".join(dict.fromkeys(parts)) or str(exc.detail)
    return _answer(400, t("error.validation", lang, detail=detail))


def http_error(request: Request, exc: HTTPException) -> Response:
    lang = _lang(request)
    status = exc.status_code
    if page := _help_page(request, status):
        return page
    if status == 413:
        limit = request.app.state.settings.api.max_body_bytes
        detail = t("error.too_large", lang, limit=limit)
    elif status == 404:
        detail = t("error.not_found", lang)
    elif status < 500:
        detail = t("error.bad_request", lang, detail=exc.detail)
    else:
        log.exception("server error on %s %s", request.method, request.url.path, exc_info=exc)
        detail = t("error.internal", lang)
    return _answer(status, detail, dict(exc.headers or {}))


def bad_encoding(request: Request, exc: UnicodeDecodeError) -> Response:
    return _answer(400, t("error.bad_request", _lang(request), detail="body is not valid UTF-8"))


def constraint_violation(request: Request, exc: ConstraintViolation) -> Response:
    # A write the code did not check first broke a UNIQUE or NOT NULL rule: the request clashes
    # with what is stored, not a server fault. One line (no traceback) so the check gets added.
    log.warning("constraint violation on %s %s: %s", request.method, request.url.path, exc)
    return _answer(409, t("error.conflict", _lang(request)))


# Seconds a client is told to wait before retrying a write the disk could not take.
STORAGE_RETRY_AFTER = 60


def storage_unavailable(request: Request, exc: StorageUnavailable) -> Response:
    # Nothing was committed: the client keeps its data and retries; the writer logged the cause.
    key = "error.storage_full" if isinstance(exc, StorageFull) else "error.storage_unavailable"
    headers = {"Retry-After": str(STORAGE_RETRY_AFTER)}
    return _answer(503, t(key, _lang(request), seconds=STORAGE_RETRY_AFTER), headers)


def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(500, t("error.internal", _lang(request)))


HANDLERS = {
    ComptoirError: comptoir_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    UnicodeDecodeError: bad_encoding,
    ConstraintViolation: constraint_violation,
    StorageUnavailable: storage_unavailable,
    Exception: unexpected_error,
}
