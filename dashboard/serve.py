"""The dashboard as served: the Streamlit app (``streamlit_app.py``) plus the route that keeps the
agent's session in an HttpOnly cookie (``session_cookie``). ``streamlit run dashboard/serve.py``
finds ``app`` and serves both on one origin."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import streamlit as st

if importlib.util.find_spec("dashboard") is None:  # started from elsewhere, package not installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import session_cookie

app = st.App("streamlit_app.py", routes=session_cookie.routes())
