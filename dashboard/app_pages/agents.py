"""Agents (administrators): the roster, a form to add an agent, and one to change an agent's role,
deactivate or reactivate them, or reset their password."""

from __future__ import annotations

import streamlit as st

from dashboard import admin_forms as af
from dashboard.i18n import tr
from dashboard.safe import tr_md
from dashboard.session import api_errors, client, is_admin, lang, me, notify

LANG = lang()

st.title(tr("dash.agents.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()

roster = client().agents()
st.dataframe(af.agent_rows(roster, LANG), hide_index=True, key="agents_table")

add, edit = st.columns(2, gap="large")
with add, st.form("agents_create", clear_on_submit=True):
    st.subheader(tr("dash.agents.add", LANG))
    name = st.text_input(tr("dash.agents.name", LANG), key="agents_new_name")
    email = st.text_input(tr("dash.agents.email", LANG), key="agents_new_email")
    one, two = st.columns(2)
    role = one.selectbox(
        tr("dash.agents.role", LANG),
        ["agent", "admin"],
        format_func=lambda r: tr(f"role.{r}", LANG),
        key="agents_new_role",
    )
    language = two.selectbox(
        tr("dash.agents.language", LANG),
        ["fr", "en"],
        format_func=lambda code: tr(f"dash.language.{code}", LANG),
        key="agents_new_language",
    )
    password = st.text_input(
        tr("dash.agents.password", LANG),
        type="password",
        key="agents_new_password",
        help=tr("dash.agents.password_help", LANG),
    )
    if st.form_submit_button(
        tr("dash.agents.create", LANG), type="primary", icon=":material/person_add:"
    ):
        with api_errors(inline=True):
            created = client().create_agent(
                email=email.strip(),
                name=name.strip(),
                role=role,
                language=language,
                password=password,
            )
            notify(tr_md("dash.agents.created", LANG, name=created.name))
            st.rerun()

with edit:
    st.subheader(tr("dash.agents.edit", LANG))
    by_id = {a.id: a for a in roster}
    chosen = st.selectbox(
        tr("dash.agents.pick", LANG),
        list(by_id),
        format_func=lambda i: f"{by_id[i].name} · {by_id[i].email}",
        key="agents_pick",
    )
    agent = by_id[chosen]
    with st.form(f"agents_edit_{agent.id}_{agent.role}_{agent.active}"):
        new_role = st.selectbox(
            tr("dash.agents.role", LANG),
            ["agent", "admin"],
            index=["agent", "admin"].index(agent.role),
            format_func=lambda r: tr(f"role.{r}", LANG),
            key=f"agents_role_{agent.id}",
        )
        active = st.toggle(
            tr("dash.agents.active_toggle", LANG),
            value=agent.active,
            key=f"agents_active_{agent.id}",
        )
        new_password = st.text_input(
            tr("dash.agents.reset_password", LANG),
            type="password",
            key=f"agents_password_{agent.id}",
            help=tr("dash.agents.password_help", LANG),
        )
        current_password = ""
        if agent.id == me()["id"]:  # one's own password changes only with the current one
            current_password = st.text_input(
                tr("dash.agents.current_password", LANG),
                type="password",
                key=f"agents_current_password_{agent.id}",
            )
        if st.form_submit_button(tr("dash.agents.save", LANG), icon=":material/save:"):
            changes = af.agent_changes(agent, new_role, active, new_password)
            if changes.get("password") and current_password:
                changes["current_password"] = current_password
            if changes:
                with api_errors(inline=True):
                    client().update_agent(agent.id, **changes)
                    notify(tr_md("dash.agents.saved", LANG, name=agent.name))
                    st.rerun()
