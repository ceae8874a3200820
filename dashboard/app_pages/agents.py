"""Agents (administrators): the roster with availability and teams, a form to add an agent, one
to change an agent's role, availability, activation or password; then the teams: a table, a
form to create one and one to change its name, strategy and members, or delete it."""

from __future__ import annotations

import streamlit as st

from dashboard import admin_forms as af
from dashboard import team_forms as tf
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
    with st.form(f"agents_edit_{agent.id}_{agent.role}_{agent.active}_{agent.availability}"):
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
        availability = st.segmented_control(
            tr("dash.agents.availability", LANG),
            ["available", "away"],
            default=agent.availability,
            required=True,
            format_func=lambda a: tf.availability_label(a, LANG),
            help=tr("dash.availability.help", LANG),
            key=f"agents_availability_{agent.id}",
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
            changes = af.agent_changes(agent, new_role, active, new_password, availability)
            if changes.get("password") and current_password:
                changes["current_password"] = current_password
            if changes:
                with api_errors(inline=True):
                    client().update_agent(agent.id, **changes)
                    notify(tr_md("dash.agents.saved", LANG, name=agent.name))
                    st.rerun()

st.divider()
st.subheader(tr("dash.teams.title", LANG))
teams = client().teams()
if teams:
    st.dataframe(tf.team_rows(teams, roster, LANG), hide_index=True, key="agents_teams_table")
else:
    st.info(tr("dash.teams.none", LANG), icon=":material/groups:")
names = {a.id: a.name for a in roster}

create, change = st.columns(2, gap="large")
with create, st.form("agents_team_create", clear_on_submit=True):
    st.markdown(f"**{tr('dash.teams.add', LANG)}**")
    team_name = st.text_input(tr("dash.teams.name", LANG), key="agents_team_new_name")
    team_strategy = st.selectbox(
        tr("dash.teams.strategy", LANG),
        tf.STRATEGIES,
        format_func=lambda s: tf.strategy_label(s, LANG),
        help=tr("dash.teams.strategy_help", LANG),
        key="agents_team_new_strategy",
    )
    team_members = st.multiselect(
        tr("dash.teams.members", LANG),
        list(names),
        format_func=names.get,
        key="agents_team_new_members",
    )
    if st.form_submit_button(
        tr("dash.teams.create", LANG), type="primary", icon=":material/group_add:"
    ):
        with api_errors(inline=True):
            made = client().create_team(
                name=team_name.strip(), strategy=team_strategy, member_ids=team_members
            )
            notify(tr_md("dash.teams.created", LANG, name=made.name))
            st.rerun()

if teams:
    with change:
        st.markdown(f"**{tr('dash.teams.edit', LANG)}**")
        team_by_id = {t.id: t for t in teams}
        picked = st.selectbox(
            tr("dash.teams.pick", LANG),
            list(team_by_id),
            format_func=lambda i: team_by_id[i].name,
            key="agents_team_pick",
        )
        team = team_by_id[picked]
        with st.form(f"agents_team_edit_{team.id}_{team.updated_at.timestamp()}"):
            edited_name = st.text_input(
                tr("dash.teams.name", LANG), value=team.name, key=f"agents_team_name_{team.id}"
            )
            edited_strategy = st.selectbox(
                tr("dash.teams.strategy", LANG),
                tf.STRATEGIES,
                index=tf.STRATEGIES.index(team.strategy),
                format_func=lambda s: tf.strategy_label(s, LANG),
                key=f"agents_team_strategy_{team.id}",
            )
            edited_members = st.multiselect(
                tr("dash.teams.members", LANG),
                list(names),
                default=[i for i in team.member_ids if i in names],
                format_func=names.get,
                key=f"agents_team_members_{team.id}",
            )
            if st.form_submit_button(tr("dash.teams.save", LANG), icon=":material/save:"):
                changes = tf.team_changes(team, edited_name, edited_strategy, edited_members)
                if changes:
                    with api_errors(inline=True):
                        saved = client().update_team(team.id, **changes)
                        notify(tr_md("dash.teams.saved", LANG, name=saved.name))
                        st.rerun()
        if st.button(
            tr("dash.teams.delete", LANG), icon=":material/delete:", key="agents_team_delete"
        ):
            with api_errors(inline=True):
                client().delete_team(team.id)
                notify(tr_md("dash.teams.deleted", LANG, name=team.name))
                st.rerun()
