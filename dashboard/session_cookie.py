"""Signed in across reloads and tabs: the agent's API token in an HttpOnly cookie of the
dashboard's own origin.

Streamlit forgets ``session_state`` at every reload and in every new tab, and it cannot set a
cookie itself. The dashboard is therefore served as an ``st.App`` (``dashboard/serve.py``) with one
extra route, ``POST /_comptoir/session``, that sets or clears the cookie:

1. after sign-in the script keeps the token and hands the browser a one-time code (random,
   valid one minute, used once) in a tiny script; the token itself never reaches JavaScript nor
   the URL;
2. the browser posts the code to the route, which answers ``Set-Cookie: comptoir_session=…;
   HttpOnly; SameSite=Strict; Path=/`` (``Secure`` over HTTPS), living as long as the token;
3. a reload or a new tab opens a new Streamlit session whose first request carries the cookie
   (``st.context.cookies``): the frame checks the token with ``GET /api/v1/me`` and the agent is
   signed in; a revoked or expired token shows the sign-in form instead.

Signing out revokes the token on the server (so another tab is signed out at its next request)
and clears the cookie the same way, with a code whose cookie is cleared only if it still holds
that token (a newer sign-in in another tab is kept).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

COOKIE = "comptoir_session"
ROUTE = "/_comptoir/session"
HANDOFF_SECONDS = 60.0


@dataclass(frozen=True)
class _Handoff:
    token: str
    keep: bool  # True: set the cookie to the token; False: clear it if it holds the token
    expires_at: datetime | None
    deadline: float


class Handoffs:
    """One-time codes from the script to the cookie route (both run in the dashboard process)."""

    def __init__(self, seconds: float = HANDOFF_SECONDS):
        self._seconds = seconds
        self._codes: dict[str, _Handoff] = {}
        self._lock = threading.Lock()

    def offer(self, token: str, *, keep: bool, expires_at: datetime | None = None) -> str:
        code = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            for old in [c for c, h in self._codes.items() if h.deadline < now]:
                del self._codes[old]
            self._codes[code] = _Handoff(token, keep, expires_at, now + self._seconds)
        return code

    def take(self, code: str) -> _Handoff | None:
        with self._lock:
            handoff = self._codes.pop(code, None)
        if handoff is None or handoff.deadline < time.monotonic():
            return None
        return handoff


HANDOFFS = Handoffs()


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    return request.url.scheme == "https" or forwarded == "https"


async def session_route(request: Request) -> Response:
    """Set or clear the session cookie for a one-time code posted by the dashboard's page."""
    try:
        code = json.loads(await request.body())["code"]
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"detail": 'expected {"code": …}'}, status_code=400)
    handoff = HANDOFFS.take(code) if isinstance(code, str) else None
    if handoff is None:
        return JSONResponse({"detail": "unknown or expired code"}, status_code=400)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if handoff.keep:
        seconds = None
        if handoff.expires_at is not None:
            seconds = max(0, int((handoff.expires_at - datetime.now(UTC)).total_seconds()))
        response.set_cookie(
            COOKIE, handoff.token, max_age=seconds, path="/", secure=_secure(request),
            httponly=True, samesite="strict",
        )  # fmt: skip
    elif request.cookies.get(COOKIE) == handoff.token:
        response.delete_cookie(
            COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict"
        )
    return response


def routes() -> list[Route]:
    return [Route(ROUTE, session_route, methods=["POST"])]


def saved_token() -> str | None:
    """The token the browser's cookie holds (None without one, and under AppTest)."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this session (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and 0 < len(value) <= 200 else None


def _post_code(code: str) -> None:
    """The browser posts ``code`` to the cookie route, then marks the page (tests wait on it)."""
    body = json.dumps(json.dumps({"code": code}))
    st.html(
        f"<script>fetch({json.dumps(ROUTE)}, {{method: 'POST', credentials: 'same-origin',"
        f" headers: {{'Content-Type': 'application/json'}}, body: {body}}})"
        ".then(r => { document.body.dataset.comptoirSession = r.status; });</script>",
        unsafe_allow_javascript=True,
    )


def keep_in_browser(token: str, expires_at: datetime | None) -> None:
    _post_code(HANDOFFS.offer(token, keep=True, expires_at=expires_at))


def forget_in_browser(token: str) -> None:
    _post_code(HANDOFFS.offer(token, keep=False))
