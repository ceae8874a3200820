"""Import (administrators): bring another helpdesk's history in, a Zendesk account or a CSV file
in the documented layout, and follow each import's progress. The server runs the import; a
Zendesk token is sent for that run only and never shown again."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.i18n import label, short_when, tr
from dashboard.session import api_errors, client, is_admin, lang, notify

LANG = lang()

st.title(tr("im.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()
st.caption(tr("im.intro", LANG))


def _start(body: dict) -> None:
    with api_errors(inline=True):
        client().request("POST", "/api/v1/imports", json=body)
        notify(tr("im.started", LANG))
        st.rerun()


zendesk, csv_file = st.tabs([tr("im.zendesk", LANG), tr("im.csv", LANG)])
with zendesk, st.form("imports_zendesk"):
    subdomain = st.text_input(tr("im.subdomain", LANG), key="imports_subdomain")
    email = st.text_input(tr("im.email", LANG), key="imports_email")
    token = st.text_input(tr("im.token", LANG), type="password", key="imports_token")
    api_url = st.text_input(tr("im.api_url", LANG), key="imports_api_url")
    if st.form_submit_button(tr("im.start", LANG), icon=":material/cloud_download:"):
        _start({"source": "zendesk", "subdomain": subdomain.strip().lower(),
                "email": email.strip(), "token": token,
                "api_base_url": api_url.strip() or None})  # fmt: skip
with csv_file:
    st.caption(tr("im.csv_help", LANG))
    upload = st.file_uploader(tr("im.csv_file", LANG), type=["csv"], key="imports_csv")
    if upload is not None and st.button(tr("im.start", LANG), key="imports_csv_start"):
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            st.error(tr("im.not_utf8", LANG))
        else:
            _start({"source": "csv", "csv_text": text, "file_name": upload.name})


@st.fragment(run_every=2)
def runs() -> None:
    """The latest imports, redrawn every two seconds while one runs."""
    st.subheader(tr("im.runs", LANG))
    with api_errors(inline=True):
        found = client().request("GET", "/api/v1/imports")
        if not found:
            st.info(tr("im.none", LANG))
        for run in found:
            with st.container(border=True, key=f"imports_run_{run['id']}"):
                seen = run["tickets"] + run["skipped"]
                # Account names come from the file or the subdomain typed: plain text.
                updated = short_when(datetime.fromisoformat(run["updated_at"]), LANG)
                state = label("im.state", run["state"], LANG)
                st.text(f"{run['source']} · {run['account']} · {state} · {updated}")
                counts = tr("im.counts", LANG, tickets=seen, new=run["tickets"],
                            messages=run["messages"], errors=run["error_count"])  # fmt: skip
                if run["total"]:
                    st.progress(min(seen / run["total"], 1.0), text=counts)
                else:
                    st.text(counts)
                for error in run["errors"][:20]:
                    where = f"{error['line']}: " if error.get("line") else ""
                    st.text(f"{where}{error['reason']}")


runs()
