"""Store settings (administrators): name, languages, default language, support e-mail, time zone."""

from __future__ import annotations

import streamlit as st

from dashboard import admin_forms as af
from dashboard.i18n import tr
from dashboard.session import api_errors, client, is_admin, lang, notify
from widget_api.contracts.inbox import StoreSettings

LANG = lang()

st.title(tr("dash.store.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()

current = client().store_settings()
_, middle, _ = st.columns([1, 3, 1])
with middle, st.form("store_form"):
    name = st.text_input(tr("dash.store.name", LANG), value=current.name, key="store_name")
    languages = st.multiselect(
        tr("dash.store.languages", LANG),
        ["fr", "en"],
        default=current.languages,
        format_func=lambda code: tr(f"dash.language.{code}", LANG),
        key="store_languages",
    )
    default_language = st.selectbox(
        tr("dash.store.default_language", LANG),
        ["fr", "en"],
        index=["fr", "en"].index(current.default_language),
        format_func=lambda code: tr(f"dash.language.{code}", LANG),
        key="store_default_language",
    )
    support_email = st.text_input(
        tr("dash.store.support_email", LANG), value=current.support_email, key="store_email"
    )
    zones = af.timezones(current.timezone)
    timezone = st.selectbox(
        tr("dash.store.timezone", LANG),
        zones,
        index=zones.index(current.timezone),
        key="store_timezone",
        help=tr("dash.store.timezone_help", LANG),
    )
    if st.form_submit_button(tr("dash.store.save", LANG), type="primary", icon=":material/save:"):
        with api_errors(inline=True):
            saved = client().put_store_settings(
                StoreSettings(
                    name=name.strip(),
                    languages=languages,
                    default_language=default_language,
                    support_email=support_email.strip(),
                    timezone=timezone,
                )
            )
            st.session_state.store_tz = saved.timezone
            notify(tr("dash.store.saved", LANG))
            st.rerun()

# The whole-store export (issue 17): prepared on demand, it can be large.
with middle:
    st.subheader(tr("pv.export_title", LANG))
    st.caption(tr("pv.export_help", LANG))
    export = st.session_state.get("store_export")
    if export is None:
        if st.button(tr("pv.export_prepare", LANG), key="store_export_prepare",
                     icon=":material/folder_zip:"):  # fmt: skip
            with api_errors(inline=True):
                st.session_state.store_export = client().download("/api/v1/export")
                st.rerun()
    else:
        st.download_button(tr("pv.export_download", LANG), export,
                           file_name="comptoir-export.zip", mime="application/zip",
                           key="store_export_download", icon=":material/download:")  # fmt: skip
