"""Inbox: filter, search and open tickets."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.api_client import SessionExpired
from dashboard.i18n import tr
from dashboard.session import client, sign_out

lang = st.session_state.lang
STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"]

st.title(tr("dash.inbox.title", lang))
left, right = st.columns([2, 3])
statuses = left.multiselect(
    tr("dash.inbox.status", lang),
    STATUSES,
    default=["new", "open"],
    format_func=lambda s: tr(f"status.{s}", lang),
    key="inbox_status",
)
query = right.text_input(tr("dash.inbox.search", lang), key="inbox_q")

try:
    page = client().tickets(status=statuses, q=query, sort="updated", limit=50)
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()

st.caption(tr("dash.inbox.count", lang, total=page.total))
rows = [
    {
        tr("dash.col.ref", lang): t.ref,
        tr("dash.col.subject", lang): t.subject,
        tr("dash.col.customer", lang): t.customer.name or t.customer.email,
        tr("dash.col.status", lang): tr(f"status.{t.status}", lang),
        tr("dash.col.priority", lang): tr(f"priority.{t.priority}", lang),
        tr("dash.col.channel", lang): t.channel,
        tr("dash.col.assignee", lang): t.assignee_name or "—",
        tr("dash.col.updated", lang): t.updated_at,
    }
    for t in page.items
]
st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True, key="inbox_table")
