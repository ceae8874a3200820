"""Privacy (administrators): a customer's access request (download their data) and erasure,
with a confirmation. Both are logged by the server with the agent."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import person, tr
from dashboard.session import api_errors, client, is_admin, lang, notify

LANG = lang()

st.title(tr("pv.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()

st.caption(tr("pv.intro", LANG))
with st.form("privacy_search"):
    query = st.text_input(tr("pv.search", LANG), key="privacy_q")
    searched = st.form_submit_button(tr("pv.find", LANG), icon=":material/search:")
if searched:
    st.session_state.privacy_found = None
    with api_errors(inline=True):
        st.session_state.privacy_found = client().request(
            "GET", "/api/v1/customers/lookup", params={"q": query.strip()}
        )

found = st.session_state.get("privacy_found")
if found is not None and not found:
    st.info(tr("pv.none", LANG))
for customer in found or []:
    cid = customer["id"]
    who = person(customer.get("name"), customer.get("email"), LANG)
    with st.container(border=True):
        # Customer-written values are shown as plain text, never Markdown.
        st.text(f"#{cid} · {who} · {customer.get('email') or '—'} · {customer.get('phone') or '—'}")
        left, right = st.columns(2)
        with left:
            archive = st.session_state.get(f"privacy_zip_{cid}")
            if archive is None:
                if st.button(tr("pv.prepare", LANG), key=f"privacy_prepare_{cid}",
                             icon=":material/folder_zip:"):  # fmt: skip
                    with api_errors(inline=True):
                        data = client().download(f"/api/v1/customers/{cid}/export")
                        st.session_state[f"privacy_zip_{cid}"] = data
                        st.rerun()
            else:
                st.download_button(
                    tr("pv.download", LANG),
                    archive,
                    file_name=f"customer-{cid}.zip",
                    mime="application/zip",
                    key=f"privacy_download_{cid}",
                    icon=":material/download:",
                )
        with right, st.expander(tr("pv.erase", LANG), icon=":material/delete_forever:"):
            st.warning(tr("pv.erase_warning", LANG))
            sure = st.checkbox(tr("pv.confirm", LANG, who=who), key=f"privacy_sure_{cid}")
            if st.button(tr("pv.erase", LANG), key=f"privacy_erase_{cid}", type="primary",
                         disabled=not sure):  # fmt: skip
                with api_errors(inline=True):
                    done = client().request("POST", f"/api/v1/customers/{cid}/erase")
                    st.session_state.privacy_found = None
                    counts = {k: done[k] for k in ("tickets", "messages", "orders")}
                    notify(tr("pv.erased", LANG, **counts))
                    st.rerun()
