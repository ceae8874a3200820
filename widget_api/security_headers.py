"""The same security headers on every HTML page (help center, CSAT, the API reference), set in
one place so that no page can be added without them. A route may set its own CSP; the rest is
fixed. Every answer, HTML or not, gets ``nosniff``."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

# Pages run no script at all; styles are inline in the page templates.
HTML_CSP = (
    "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HTML_HEADERS = {
    "Content-Security-Policy": HTML_CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["X-Content-Type-Options"] = "nosniff"
                if headers.get("content-type", "").lower().startswith("text/html"):
                    for name, value in HTML_HEADERS.items():
                        if name not in headers:
                            headers[name] = value
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
