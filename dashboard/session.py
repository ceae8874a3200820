"""What every page needs from the session: the API URL and a client carrying the agent's token."""

from __future__ import annotations

import streamlit as st

from dashboard.api_client import ApiClient
from widget_api.settings import Settings


def api_url() -> str:
    if "api_url" not in st.session_state:
        st.session_state.api_url = Settings().dashboard.api_url
    return st.session_state.api_url


def client() -> ApiClient:
    return ApiClient(api_url(), st.session_state.token, st.session_state.get("lang", "fr"))


def sign_out(message: str | None) -> None:
    st.session_state.token = None
    st.session_state.agent = None
    st.session_state.flash = message
