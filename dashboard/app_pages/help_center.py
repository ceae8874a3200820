"""Help center: articles with views and votes, the searches that found nothing useful (what to
write next), editing with preview and publication, and import/export of Markdown files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import tr
from dashboard.safe import md
from dashboard.session import client, sign_out
from dashboard.tables import Col, present

ARTICLES = [Col("lang", "code", "lang"), Col("title"), Col("category"),
            Col("status", "code", "hc.status"), Col("views", "int"), Col("helpful", "int"),
            Col("not_helpful", "int"), Col("helpful_pct", "pct"),
            Col("updated_at", "moment")]  # fmt: skip
GAPS = [Col("lang", "code", "lang"), Col("query"), Col("searches", "int"),
        Col("no_result", "int"), Col("no_click", "int"), Col("opened_chat", "int"),
        Col("last_seen", "moment")]  # fmt: skip

lang = st.session_state.lang
is_admin = (st.session_state.agent or {}).get("role") == "admin"
api = client()
st.title(tr("hc.title", lang))

try:
    articles = api.request("GET", "/api/v1/help/admin/articles")
    gaps = api.request("GET", "/api/v1/help/admin/gaps")
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()

tab_list, tab_gaps, tab_edit, tab_files = st.tabs(
    [tr("hc.tab.articles", lang), tr("hc.tab.gaps", lang), tr("hc.tab.edit", lang),
     tr("hc.tab.files", lang)]
)  # fmt: skip
with tab_list:
    table = pd.DataFrame(articles)
    if len(table):
        votes = (table["helpful"] + table["not_helpful"]).where(lambda d: d > 0)
        table["helpful_pct"] = 100 * table["helpful"] / votes
        ranked = table.sort_values("views", ascending=False)
        st.dataframe(present(ranked, ARTICLES, lang), hide_index=True, width="stretch")
with tab_gaps:
    st.caption(tr("hc.gaps_help", lang))
    gap_table = pd.DataFrame(gaps)
    if len(gap_table):
        st.dataframe(present(gap_table, GAPS, lang), hide_index=True, width="stretch")
    else:
        st.info(tr("hc.no_gaps", lang))
with tab_edit:
    choices = {0: tr("hc.new", lang)} | {
        a["id"]: f"{a['title']} ({tr('lang.' + a['lang'], lang)})"  # plain text, not Markdown
        for a in articles
    }
    chosen = st.selectbox(tr("hc.pick", lang), list(choices), format_func=choices.get,
                          key="help_center_pick")  # fmt: skip
    current = next((a for a in articles if a["id"] == chosen), {})
    with st.form(f"help_center_form_{chosen}"):
        title = st.text_input(tr("hc.f.title", lang), current.get("title", ""))
        slug = st.text_input(tr("hc.f.slug", lang), current.get("slug", ""))
        col1, col2 = st.columns(2)
        languages = ["fr", "en"]
        article_lang = col1.selectbox(
            tr("hc.f.lang", lang),
            languages,
            index=languages.index(current.get("lang", lang)),
            format_func=lambda code: tr(f"lang.{code}", lang),
        )
        category = col2.text_input(tr("hc.f.category", lang), current.get("category", ""))
        tags = st.text_input(tr("hc.f.tags", lang), ", ".join(current.get("tags", [])))
        translation = st.text_input(tr("hc.f.translation", lang), current.get("translation") or "")
        summary = st.text_input(tr("hc.f.summary", lang), current.get("summary") or "")
        body = st.text_area(tr("hc.f.body", lang), current.get("body_markdown", ""), height=300)
        preview = st.form_submit_button(tr("hc.preview", lang))
        draft = st.form_submit_button(tr("hc.save_draft", lang), disabled=not is_admin)
        publish = st.form_submit_button(tr("hc.publish", lang), type="primary",
                                        disabled=not is_admin)  # fmt: skip
    fields = {
        "title": title, "slug": slug, "lang": article_lang, "category": category,
        "tags": [t.strip() for t in tags.split(",") if t.strip()],
        "translation": translation or None, "summary": summary or None, "body_markdown": body,
    }  # fmt: skip
    try:
        if preview and body:
            html = api.request("POST", "/api/v1/help/admin/preview", json={"body_markdown": body})
            with st.container(border=True):
                st.html(html["html"])  # sanitised by the server
        if draft or publish:
            fields["status"] = "published" if publish else "draft"
            if chosen:
                api.request("PUT", f"/api/v1/help/admin/articles/{chosen}", json=fields)
            else:
                api.request("POST", "/api/v1/help/admin/articles", json=fields)
            st.success(tr("hc.saved", lang))
    except ApiError as exc:
        st.error(md(exc.detail))
    if chosen and is_admin and st.button(tr("hc.delete", lang), key="help_center_delete"):
        api.request("DELETE", f"/api/v1/help/admin/articles/{chosen}")
        st.rerun()
with tab_files:
    export = api.download("/api/v1/help/admin/export")
    st.download_button(tr("hc.export", lang), export, "help-center.tar.gz",
                       "application/gzip", key="help_center_export")  # fmt: skip
    upload = st.file_uploader(tr("hc.import", lang), type=["gz", "tgz", "tar"],
                              key="help_center_upload", disabled=not is_admin)  # fmt: skip
    if upload is not None and st.button(tr("hc.import_go", lang), key="help_center_import"):
        try:
            report = api.request("POST", "/api/v1/help/admin/import",
                               files={"data": (upload.name, upload.getvalue())})  # fmt: skip
            st.success(tr("hc.imported", lang, count=report["imported"]))
            for error in report["errors"]:
                st.warning(md(error))
        except ApiError as exc:
            st.error(md(exc.detail))
