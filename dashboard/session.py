"""What every page needs from the session: the API URL, a client carrying the agent's token,
the store's time zone, and one way to handle API refusals."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st
from pydantic import ValidationError

from dashboard import session_cookie
from dashboard.api_client import ApiClient, ApiError, SessionExpired
from dashboard.i18n import DEFAULT_TZ, tr
from dashboard.safe import md
from widget_api.settings import Settings

# Keys that belong to one signed-in agent and go away with the token.
_AGENT_KEYS = (
    "agent", "api_client", "store_tz", "sidebar_lang", "notices", "token_expires_at",
    "notif_seen_id", "notif_read_ref",
)  # fmt: skip
# Page state (drafts, selections, open ticket) is the agent's too: the next one starts clean.
_PAGE_PREFIXES = (
    "inbox_", "ticket_", "agents_", "store_", "macros_", "returns_", "receiving_", "analytics_",
    "incidents_", "help_center_", "mail_", "rules_", "commerce_",
)  # fmt: skip


def api_url() -> str:
    if "api_url" not in st.session_state:
        st.session_state.api_url = Settings().dashboard.api_url
    return st.session_state.api_url


def lang() -> str:
    return st.session_state.get("lang", "fr")


def client() -> ApiClient:
    """The session's API client, rebuilt when the token or the language changes."""
    wanted = (api_url(), st.session_state.get("token"), lang())
    held = st.session_state.get("api_client")
    if held is None or held[0] != wanted:
        if held is not None:
            held[1].close()
        held = (wanted, ApiClient(*wanted))
        st.session_state.api_client = held
    return held[1]


def me() -> dict:
    """The signed-in agent as the frame last loaded it (id, name, role, language)."""
    return st.session_state.agent


def is_admin() -> bool:
    return bool(st.session_state.get("agent")) and st.session_state.agent["role"] == "admin"


def store_tz() -> str:
    """The store's time zone (from the API once per session), for every date shown."""
    if "store_tz" not in st.session_state:
        try:
            st.session_state.store_tz = client().store_settings().timezone
        except ApiError:
            return DEFAULT_TZ
    return st.session_state.store_tz


def now() -> datetime:
    """The current time (aware) by the server's clock, whose offset is read once a session:
    a demo seeded for another day, or a test's pinned date, is "today" on every page."""
    if "clock_offset" not in st.session_state:
        try:
            st.session_state.clock_offset = client().server_now() - datetime.now(UTC)
        except (ApiError, KeyError, ValueError):
            return datetime.now(UTC)
    return datetime.now(UTC) + st.session_state.clock_offset


def today() -> date:
    """The store's date today, by the server's clock."""
    return now().astimezone(ZoneInfo(store_tz())).date()


def sign_in_from_cookie() -> None:
    """A new session (reload, new tab) signs in with the token the browser's cookie keeps, once:
    a revoked or expired one leads to the sign-in form, and the browser forgets it."""
    if st.session_state.get("session_cookie_tried"):
        return
    st.session_state.session_cookie_tried = True
    token = session_cookie.saved_token()
    if not token:
        return
    probe = ApiClient(api_url(), token, lang())
    try:
        agent = probe.me()
    except SessionExpired:
        st.session_state.session_forget = token
        return
    except ApiError:  # the server is unreachable: the form says so when the agent signs in
        return
    finally:
        probe.close()
    st.session_state.token = token
    st.session_state.agent = agent.model_dump()
    st.session_state.lang = agent.language


def sign_out(message: str | None, *, forget_pages: bool = False) -> None:
    """Drop the token, and the browser's cookie holding it. An expired session keeps the page
    state (a draft survives signing in again); signing out on purpose forgets it, so the next
    agent starts clean."""
    held = st.session_state.get("api_client")
    if held is not None:
        held[1].close()
    if st.session_state.get("token"):
        st.session_state.session_forget = st.session_state.token
    st.session_state.token = None
    for key in list(st.session_state):
        if key in _AGENT_KEYS or (forget_pages and str(key).startswith(_PAGE_PREFIXES)):
            st.session_state.pop(key, None)
    st.session_state.flash = message


def notify(text: str, kind: str = "success") -> None:
    """Queue a message for the next run (callbacks cannot draw where the page wants them)."""
    st.session_state.setdefault("notices", []).append((kind, text))


def show_notices() -> None:
    """Draw and forget the queued messages: successes as toasts, errors in the page."""
    for kind, text in st.session_state.pop("notices", []):
        if kind == "error":
            st.error(text, icon=":material/error:")
        else:
            st.toast(text, icon=":material/check_circle:")


def refusal_text(exc: Exception) -> str:
    """What to tell the agent about a refused request or a form the contract rejected, as
    Markdown (the API's words may quote what a customer wrote)."""
    if isinstance(exc, ApiError):
        return md(exc.detail)
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return tr(
            "dash.form_invalid",
            lang(),
            detail=md(f"{where}: {err['msg']}" if where else err["msg"]),
        )
    return md(exc)


@contextmanager
def api_errors(inline: bool = False) -> Iterator[None]:
    """Around API calls. In callbacks (the default) an expired token signs out and refusals
    are queued for the next run; ``inline`` shows refusals where the page is and lets an
    expired token reach the frame, which goes back to sign-in."""
    try:
        yield
    except SessionExpired:
        if inline:
            raise
        sign_out(tr("dash.session_expired", lang()))
    except (ApiError, ValidationError) as exc:
        if inline:
            st.error(refusal_text(exc), icon=":material/error:")
        else:
            notify(refusal_text(exc), "error")


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """For fragments, which rerun without the frame: expired tokens go back to sign-in."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SessionExpired:
            sign_out(tr("dash.session_expired", lang()))
            st.rerun(scope="app")
        except ApiError as exc:
            st.error(md(exc.detail), icon=":material/error:")

    return run
