"""Macros (administrators): every macro, active or not; a form to add one, and one to edit,
deactivate or delete the chosen one. Each has a French and an English text and optional
actions (add tags, set a status, assign to the agent who uses it)."""

from __future__ import annotations

import streamlit as st

from dashboard import admin_forms as af
from dashboard.i18n import tr
from dashboard.safe import tr_md
from dashboard.session import api_errors, client, is_admin, lang, notify
from widget_api.contracts.inbox import Macro

LANG = lang()
st.session_state.setdefault("macros_version", 0)

st.title(tr("dash.macros.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()


def saved(text: str) -> None:
    st.session_state.macros_version += 1
    notify(text)
    st.rerun()


def macro_form(prefix: str, macro: Macro | None) -> dict | None:
    """The bilingual fields and actions; returns the API body when submitted."""
    actions = (macro.actions if macro else None) or {}
    fr, en = st.columns(2)
    name_fr = fr.text_input(
        tr("dash.macros.name_fr", LANG),
        value=macro.name_fr if macro else "",
        key=f"{prefix}_name_fr",
    )
    name_en = en.text_input(
        tr("dash.macros.name_en", LANG),
        value=macro.name_en if macro else "",
        key=f"{prefix}_name_en",
    )
    body_fr = fr.text_area(
        tr("dash.macros.body_fr", LANG),
        value=macro.body_fr if macro else "",
        height=160,
        key=f"{prefix}_body_fr",
    )
    body_en = en.text_area(
        tr("dash.macros.body_en", LANG),
        value=macro.body_en if macro else "",
        height=160,
        key=f"{prefix}_body_en",
    )
    st.caption(
        tr("dash.macros.placeholders", LANG, names=" ".join(f"`{{{p}}}`" for p in af.PLACEHOLDERS))
    )
    tags, status, assign = st.columns([2, 2, 1], vertical_alignment="bottom")
    tags_text = tags.text_input(
        tr("dash.macros.add_tags", LANG),
        value=", ".join(actions.get("add_tags", [])),
        key=f"{prefix}_tags",
        placeholder="wismo, retour",
    )
    chosen_status = status.selectbox(
        tr("dash.macros.set_status", LANG),
        af.MACRO_STATUSES,
        index=af.MACRO_STATUSES.index(actions.get("status")),
        format_func=lambda s: af.status_choice(s, LANG),
        key=f"{prefix}_status",
    )
    assign_me = assign.checkbox(
        tr("dash.macros.assign_me", LANG),
        value=actions.get("assign") == "me",
        key=f"{prefix}_assign",
    )
    fields = af.macro_fields(
        name_fr, name_en, body_fr, body_en, tags_text, chosen_status, assign_me
    )
    return fields


query = st.text_input(
    tr("dash.macros.search", LANG),
    key="macros_q",
    icon=":material/search:",
    placeholder=tr("dash.macros.search", LANG),
    label_visibility="collapsed",
)
every = client().macros(q=query, include_inactive=True)
st.dataframe(af.macro_rows(every, LANG), hide_index=True, key="macros_table")

version = st.session_state.macros_version
create_tab, edit_tab = st.tabs([tr("dash.macros.new", LANG), tr("dash.macros.edit", LANG)])
with create_tab, st.form(f"macros_create_{version}"):
    fields = macro_form(f"macros_new_{version}", None)
    if st.form_submit_button(tr("dash.macros.create", LANG), type="primary", icon=":material/add:"):
        with api_errors(inline=True):
            created = client().create_macro(**fields)
            saved(tr_md("dash.macros.created", LANG, name=created.name_fr))

with edit_tab:
    if not every:
        st.info(tr("dash.macros.empty", LANG))
    else:
        by_id = {m.id: m for m in every}
        chosen = st.selectbox(
            tr("dash.macros.pick", LANG),
            list(by_id),
            format_func=lambda i: by_id[i].name_fr if LANG == "fr" else by_id[i].name_en,
            key="macros_pick",
        )
        macro = by_id[chosen]
        prefix = f"macros_edit_{macro.id}_{version}"
        with st.form(prefix):
            fields = macro_form(prefix, macro)
            active = st.toggle(
                tr("dash.macros.active_toggle", LANG), value=macro.active, key=f"{prefix}_active"
            )
            if st.form_submit_button(tr("dash.macros.save", LANG), icon=":material/save:"):
                with api_errors(inline=True):
                    client().update_macro(macro.id, **fields, active=active)
                    saved(tr("dash.macros.saved", LANG))
        with st.container(horizontal=True, vertical_alignment="center"):
            sure = st.checkbox(
                tr("dash.macros.confirm_delete", LANG), key=f"macros_sure_{macro.id}"
            )
            if st.button(
                tr("dash.macros.delete", LANG),
                key=f"macros_delete_{macro.id}",
                icon=":material/delete:",
                disabled=not sure,
            ):
                with api_errors(inline=True):
                    client().delete_macro(macro.id)
                    saved(tr("dash.macros.deleted", LANG))
