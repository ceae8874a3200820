"""Deep links: the page (and query, e.g. a ticket's ``?ref=``) a browser asked for opens after
sign-in instead of the inbox. Each Streamlit session remembers its first URL once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import streamlit as st

_KEY = "deep_link"


def _asked_path() -> str:
    """The page path of the session's first URL, without the server's base path."""
    try:
        url = st.context.url
    except Exception:  # no browser behind this session (AppTest)
        return ""
    if not isinstance(url, str):
        return ""
    path = urlsplit(url).path.strip("/")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


def remember_where_asked() -> None:
    """On a session's first run: the page and query it was opened on (None for the home page)."""
    if _KEY in st.session_state:
        return
    path = _asked_path()
    st.session_state[_KEY] = {"path": path, "query": st.query_params.to_dict()} if path else None


def go_where_asked(current: Any, pages: dict[str, list]) -> None:
    """Once signed in, switch to the page asked for if the frame landed elsewhere (a page the
    agent may not see is dropped: the home page stays)."""
    wanted = st.session_state.get(_KEY)
    if not wanted:
        return
    st.session_state[_KEY] = None
    if current.url_path == wanted["path"]:
        return
    for section in pages.values():
        for target in section:
            if target.url_path == wanted["path"]:
                st.switch_page(target, query_params=wanted["query"] or None)
