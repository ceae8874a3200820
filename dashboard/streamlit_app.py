"""Entry point and frame of the dashboard: sign-in, sidebar, navigation."""

from __future__ import annotations

import contextlib

import streamlit as st

from dashboard.api_client import ApiClient, ApiError, SessionExpired
from dashboard.i18n import tr
from dashboard.session import api_url, client, sign_out

st.set_page_config(page_title="Comptoir", page_icon="💬", layout="wide")
st.session_state.setdefault("token", None)
st.session_state.setdefault("agent", None)
st.session_state.setdefault("lang", "fr")
st.session_state.setdefault("flash", None)


def sign_in_page() -> None:
    lang = st.session_state.lang
    st.title(tr("dash.sign_in.title", lang))
    if st.session_state.flash:
        st.warning(st.session_state.flash)
    with st.form("sign_in"):
        email = st.text_input(tr("dash.sign_in.email", lang), key="sign_in_email")
        password = st.text_input(
            tr("dash.sign_in.password", lang), type="password", key="sign_in_password"
        )
        submitted = st.form_submit_button(tr("dash.sign_in.submit", lang))
    if submitted:
        try:
            answer = ApiClient(api_url(), language=lang).login(email, password)
        except ApiError as exc:
            st.error(exc.detail)
            return
        st.session_state.token = answer.token
        st.session_state.agent = answer.agent.model_dump()
        st.session_state.lang = answer.agent.language
        st.session_state.flash = None
        st.rerun()


if not st.session_state.token:
    st.session_state.lang = st.radio(
        "Langue / Language",
        ["fr", "en"],
        index=["fr", "en"].index(st.session_state.lang),
        horizontal=True,
        key="sign_in_lang",
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
    )
    sign_in_page()
    st.stop()

lang = st.session_state.lang
try:
    me = client().me()
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()

with st.sidebar:
    st.markdown(f"**{me.name}** · {tr('role.' + me.role, lang)}")
    if st.button(tr("dash.sign_out", lang), key="sign_out"):
        with contextlib.suppress(ApiError):  # the token is dropped either way
            client().logout()
        sign_out(None)
        st.rerun()

pages = [st.Page("app_pages/inbox.py", title=tr("dash.nav.inbox", lang), icon="📥", default=True)]
st.navigation(pages).run()
