"""Entry point and frame of the dashboard: sign-in, sidebar, navigation."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import streamlit as st

from dashboard import navigation, session_cookie
from dashboard.api_client import ApiClient, ApiError, SessionExpired
from dashboard.deep_link import go_where_asked, remember_where_asked
from dashboard.i18n import tr
from dashboard.notifications_view import live_notifications
from dashboard.safe import md
from dashboard.session import (
    api_url,
    client,
    notify,
    show_notices,
    sign_in_from_cookie,
    sign_out,
)
from dashboard.theme import CSS
from widget_api.contracts.auth import Agent

st.set_page_config(page_title="Comptoir", page_icon="💬", layout="wide")
st.session_state.setdefault("token", None)
st.session_state.setdefault("agent", None)
st.session_state.setdefault("lang", "fr")
st.session_state.setdefault("flash", None)
st.html(CSS)
remember_where_asked()

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def sign_in_page() -> None:
    lang = st.session_state.lang
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(tr("dash.sign_in.title", lang))
        st.caption(tr("dash.sign_in.tagline", lang))
        if st.session_state.flash:
            st.warning(st.session_state.flash)
        with st.form("sign_in"):
            email = st.text_input(tr("dash.sign_in.email", lang), key="sign_in_email")
            password = st.text_input(
                tr("dash.sign_in.password", lang), type="password", key="sign_in_password"
            )
            submitted = st.form_submit_button(tr("dash.sign_in.submit", lang), type="primary")
    if submitted:
        try:
            address = st.context.ip_address  # None on localhost (a mock under AppTest)
            answer = ApiClient(api_url(), language=lang).login(
                email, password, client_address=address if isinstance(address, str) else None
            )
        except ApiError as exc:
            middle.error(md(exc.detail))
            return
        st.session_state.token = answer.token
        st.session_state.token_expires_at = answer.expires_at
        st.session_state.agent = answer.agent.model_dump()
        st.session_state.lang = answer.agent.language
        st.session_state.flash = None
        st.rerun()


def _save_me(change: Callable[[], Agent]) -> Agent | None:
    """Apply a sidebar change to the signed-in agent; the saved agent, or None (said why)."""
    try:
        saved = change()
    except SessionExpired:
        sign_out(tr("dash.session_expired", st.session_state.lang))
        return None
    except ApiError as exc:
        notify(md(exc.detail), "error")
        return None
    st.session_state.agent = saved.model_dump()
    return saved


def save_language() -> None:
    """The sidebar switch: the agent's language is saved so the next sign-in uses it."""
    chosen, agent = st.session_state.get("sidebar_lang"), st.session_state.get("agent")
    if not chosen or not agent or chosen == agent["language"]:
        return  # signed out meanwhile (another tab), or the widget came back after sign-out
    agent_id = agent["id"]
    saved = _save_me(lambda: client().update_agent(agent_id, language=chosen))
    if saved is not None:
        st.session_state.lang = saved.language


def save_availability(key: str) -> None:
    """The sidebar switch: available or away for new tickets, saved at once."""
    if key not in st.session_state or not st.session_state.get("agent"):
        return  # signed out meanwhile
    wanted = "available" if st.session_state[key] else "away"
    saved = _save_me(lambda: client().set_my_availability(wanted))
    if saved is None:
        return
    state = tr(f"dash.availability.{saved.availability}", st.session_state.lang)
    notify(tr("dash.availability.saved", st.session_state.lang, state=state))


if not st.session_state.token:
    sign_in_from_cookie()
if not st.session_state.token:
    forgotten = st.session_state.pop("session_forget", None)
    if forgotten:
        session_cookie.forget_in_browser(forgotten)
    st.session_state.lang = st.radio(
        "Langue / Language",
        ["fr", "en"],
        index=["fr", "en"].index(st.session_state.lang),
        horizontal=True,
        key="sign_in_lang",
        format_func=LANGUAGE_NAMES.get,
    )
    sign_in_page()
    st.stop()

lang = st.session_state.lang
try:
    me = client().me()
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()
st.session_state.agent = me.model_dump()

with st.sidebar:
    st.markdown(f"### :material/forum: Comptoir\n**{md(me.name)}** · {tr('role.' + me.role, lang)}")
    st.segmented_control(
        tr("dash.sidebar.language", lang),
        ["fr", "en"],
        default=lang,
        required=True,
        format_func=LANGUAGE_NAMES.get,
        key="sidebar_lang",
        on_change=save_language,
    )
    # Keyed by the stored value: a change made elsewhere (an admin) shows on the next run.
    available_key = f"sidebar_available_{me.availability}"
    st.toggle(
        tr("dash.availability.toggle", lang),
        value=me.availability == "available",
        help=tr("dash.availability.help", lang),
        key=available_key,
        on_change=save_availability,
        args=(available_key,),
    )
    if me.availability == "away":
        st.caption(tr("dash.availability.away_note", lang))
    if st.button(tr("dash.sign_out", lang), key="sign_out", icon=":material/logout:"):
        with contextlib.suppress(ApiError):  # the token is dropped either way
            client().logout()
        sign_out(None, forget_pages=True)
        st.rerun()
    live_notifications()

pages = {
    tr(f"dash.nav.{section}", lang): [
        st.Page(p.path, title=tr(p.title_key, lang), icon=p.icon, default=p.name == "inbox")
        for p in shown
    ]
    for section, shown in navigation.visible(me.role).items()
}
# Every page listed: past twelve Streamlit hides the last ones behind "View more".
page = st.navigation(pages, expanded=True)
go_where_asked(page, pages)
if st.session_state.get("token_expires_at"):  # signed in with the form: the browser keeps it
    session_cookie.keep_in_browser(st.session_state.token, st.session_state.pop("token_expires_at"))
show_notices()
if page.url_path != "ticket" and st.session_state.get("ticket_present"):
    with contextlib.suppress(ApiError):  # presence also expires by itself
        client().presence(st.session_state.pop("ticket_present"), leaving=True)
try:
    page.run()
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()
except ApiError as exc:
    st.error(md(exc.detail), icon=":material/error:")
