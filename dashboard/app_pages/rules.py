"""Automations: the rules that act on tickets by themselves, in the order they run.

Administrators reorder, switch on and off, edit and delete them; every agent sees them, tries
them on recent tickets (a dry run: nothing is changed) and reads their last runs. The editor is
built from the API's vocabulary: the operators a field's type allows, the parameters an action
takes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import rules_view as rv
from dashboard.i18n import short_when, tr
from dashboard.safe import md, tr_md
from dashboard.session import api_errors, client, is_admin, lang, notify, store_tz
from widget_api.contracts.rules import (
    Action,
    Condition,
    DryRunRequest,
    FieldInfo,
    ParamInfo,
    Rule,
    RuleCreate,
    RuleUpdate,
)

LANG = lang()
TZ = store_tz()
ADMIN = is_admin()
NEW = 0  # the editor's choice "new rule"
RUNS_SHOWN = 50  # runs per rule in the "last runs" table
ss = st.session_state
ss.setdefault("rules_gen", 0)
ss.setdefault("rules_uid", 0)

st.title(tr("dash.rules.title", LANG))
st.caption(tr("dash.rules.intro", LANG))
if not ADMIN:
    st.info(tr("dash.rules.view_only", LANG), icon=":material/visibility:")

vocab = client().rule_vocabulary()
rules = client().rules()
by_id = {r.id: r for r in rules}
FIELDS = {f.name: f for f in vocab.fields}
OPERATORS = {o.name: o for o in vocab.operators}
ACTIONS = {a.kind: a for a in vocab.actions}
TRIGGERS = {t.event: t for t in vocab.triggers}


roster = client().agents()
macro_list = client().macros(include_inactive=True)
names = rv.Names(
    agents={a.id: a.name for a in roster},
    macros={m.id: m.name_fr if LANG == "fr" else m.name_en for m in macro_list},
    teams={t.id: t.name for t in client().teams()},
)
ACTIVE_AGENTS = [a.id for a in roster if a.active]
ACTIVE_MACROS = [m.id for m in macro_list if m.active]
TAB_LABELS = {
    "list": tr("dash.rules.tab.list", LANG),
    "editor": tr("dash.rules.tab.editor", LANG),
    "runs": tr("dash.rules.tab.runs", LANG),
}


# -- editor state -------------------------------------------------------------------------------
def new_uid() -> int:
    ss.rules_uid += 1
    return ss.rules_uid


def prefix() -> str:
    return f"rules_e{ss.rules_gen}"


def value_choices(info: FieldInfo) -> list | None:
    """The values a condition on ``info`` is chosen among (None: typed in)."""
    if info.type == "enum":
        return [v.value for v in info.values or []]
    if info.type == "boolean":
        return [True, False]
    if info.type == "id":
        return list(names.agents)
    return None


def seed_condition(p: str, uid: int, cond: Condition) -> None:
    info = FIELDS.get(cond.field)
    if info is None:
        return
    ss[f"{p}_c{uid}_field"] = cond.field
    ss[f"{p}_c{uid}_op_{cond.field}"] = cond.operator
    key = f"{p}_c{uid}_val_{cond.field}_{cond.operator}"
    kind = rv.next_value_kind(info, cond.operator)
    if rv.is_money(info):  # cents from the API, dollars in the box
        values = cond.value if isinstance(cond.value, list) else [cond.value]
        shown = [rv.dollars_text(v, LANG) for v in values if isinstance(v, int | float)]
        ss[key] = "; ".join(shown)
    elif kind == "list":
        values = cond.value if isinstance(cond.value, list) else []
        if value_choices(info) is not None:
            ss[key] = values
        else:
            ss[key] = ", ".join(str(v) for v in values)
    elif kind == "one":
        ss[key] = float(cond.value) if info.type == "number" else cond.value


def seed_action(p: str, uid: int, action: Action) -> None:
    ss[f"{p}_a{uid}_kind"] = action.kind
    ss[f"{p}_a{uid}_secret_set"] = bool(action.params.get("secret_set"))
    info = ACTIONS.get(action.kind)
    for param in info.params if info else []:
        value = action.params.get(param.name)
        if value is None or param.type == "secret":
            continue
        key = f"{p}_a{uid}_{action.kind}_{param.name}"  # a widget key, not Markdown
        if param.type == "list":
            ss[key] = ", ".join(str(v) for v in value)
        elif param.type == "number":
            ss[key] = float(value)
        else:
            ss[key] = value


def load(rule: Rule | None) -> None:
    """Fill the editor with ``rule`` (None: a new rule) under fresh widget keys."""
    ss.rules_gen += 1
    p = prefix()
    ss.rules_loaded = rule.id if rule else NEW
    ss.pop("rules_dry", None)
    rows: dict[str, list[int]] = {"all": [], "any": [], "actions": []}
    ss[f"{p}_name"] = rule.name if rule else ""
    ss[f"{p}_active"] = rule.active if rule else False
    schedule = rule.trigger.schedule if rule else None
    ss[f"{p}_kind"] = "schedule" if schedule else "event"
    if schedule:
        ss[f"{p}_sched_status"] = schedule.status
        ss[f"{p}_sched_hours"] = float(schedule.hours)
        ss[f"{p}_sched_clock"] = schedule.clock
    elif rule and rule.trigger.event in TRIGGERS:
        ss[f"{p}_event"] = rule.trigger.event
    for group in rv.GROUPS:
        for cond in getattr(rule.conditions, group) if rule else []:
            rows[group].append(uid := new_uid())
            seed_condition(p, uid, cond)
    for action in rule.actions if rule else []:
        rows["actions"].append(uid := new_uid())
        seed_action(p, uid, action)
    if not rows["actions"]:
        rows["actions"].append(new_uid())
    ss.rules_rows = rows


def add_row(group: str) -> None:
    ss.rules_rows[group].append(new_uid())


def remove_row(group: str, uid: int) -> None:
    ss.rules_rows[group].remove(uid)


def move_row(group: str, uid: int, step: int) -> None:
    ss.rules_rows[group] = rv.moved(ss.rules_rows[group], uid, step)


# -- list actions (callbacks: they run before the page, which then shows the new state) ----------
def open_rule(rule_id: int) -> None:
    ss.rules_pick = rule_id
    ss.rules_runs_pick = rule_id
    ss.rules_tab = TAB_LABELS["editor"]


def _up_down(key: str, on_click, args: tuple, index: int, count: int) -> None:
    """The move-up and move-down buttons of item ``index`` of ``count``; ``key`` has a ``{}``
    for the direction."""
    for word, icon, step, stuck in (("up", "upward", -1, index == 0),
                                    ("down", "downward", 1, index == count - 1)):  # fmt: skip
        st.button(tr(f"dash.rules.{word}", LANG), key=key.format(word),
                  icon=f":material/arrow_{icon}:", on_click=on_click, args=(*args, step),
                  disabled=stuck)  # fmt: skip


def toggle_active(rule_id: int) -> None:
    wanted = bool(ss.get(f"rules_active_{rule_id}"))
    with api_errors():
        rule = client().set_rule_active(rule_id, wanted)
        done = "dash.rules.enabled" if wanted else "dash.rules.disabled"
        notify(tr_md(done, LANG, name=rv.rule_name(rule, LANG)))


def move_rule(rule_id: int, step: int) -> None:
    with api_errors():
        ids = [r.id for r in client().rules()]
        client().reorder_rules(rv.moved(ids, rule_id, step))


def ask_delete(rule_id: int | None) -> None:
    ss.rules_confirm_delete = rule_id


def delete_rule(rule_id: int) -> None:
    ss.rules_confirm_delete = None
    with api_errors():
        client().delete_rule(rule_id)
        notify(tr("dash.rules.deleted", LANG))


# -- the list -----------------------------------------------------------------------------------
def last_run_lines(rule: Rule) -> list[str]:
    """ "Last run: …" and, when that run failed (or was skipped), "Last error: …" (Markdown),
    from the rule's own last-run fields (its error in the page's language)."""
    if rule.last_run_at is None:
        return [tr("dash.rules.never_ran", LANG)]
    when = short_when(rule.last_run_at, LANG, TZ)
    lines = [tr("dash.rules.last_run", LANG, when=when)]
    if rule.last_outcome == "error" or rule.last_error:
        said = tr_md("dash.rules.last_error", LANG, when=when, error=rule.last_error or "—")
        lines.append(":red[:material/error: " + said + "]")
    return lines


def summary(rule: Rule) -> str:
    """Conditions and actions in words, as Markdown (values typed by the merchant escaped)."""
    parts = []
    for group in rv.GROUPS:
        conds = getattr(rule.conditions, group)
        if conds:
            said = [rv.condition_text(c, vocab, LANG, names.agents, esc=md) for c in conds]
            parts.append(tr(f"dash.rules.group_short.{group}", LANG) + " " + " · ".join(said))
    said = [rv.action_text(a, vocab, LANG, names, esc=md) for a in rule.actions]
    parts.append(tr("dash.rules.then", LANG) + " " + " → ".join(said))
    return "  \n".join(parts)


def rule_card(index: int, rule: Rule) -> None:
    ss[f"rules_active_{rule.id}"] = rule.active  # the server's state, whatever was clicked
    with st.container(border=True):
        number, body, state, buttons = st.columns([0.4, 4.6, 1.8, 3.2], vertical_alignment="top")
        number.markdown(f"### {index + 1}")
        body.markdown(f"**{md(rv.rule_name(rule, LANG))}**")
        body.markdown(":material/bolt: " + rv.trigger_text(rule.trigger, vocab, LANG))
        body.caption(summary(rule))
        state.toggle(
            tr("dash.rules.active", LANG),
            key=f"rules_active_{rule.id}",
            on_change=toggle_active,
            args=(rule.id,),
            disabled=not ADMIN,
        )
        state.caption("  \n".join(last_run_lines(rule)))
        with buttons.container(horizontal=True):
            if ADMIN:
                _up_down(f"rules_{{}}_{rule.id}", move_rule, (rule.id,), index, len(rules))
            st.button(
                tr("dash.rules.edit" if ADMIN else "dash.rules.view", LANG),
                key=f"rules_edit_{rule.id}",
                icon=":material/edit:" if ADMIN else ":material/visibility:",
                on_click=open_rule,
                args=(rule.id,),
            )
            if ADMIN:
                st.button(
                    tr("dash.rules.delete", LANG),
                    key=f"rules_delete_{rule.id}",
                    icon=":material/delete:",
                    on_click=ask_delete,
                    args=(rule.id,),
                )
        if ADMIN and ss.get("rules_confirm_delete") == rule.id:
            st.warning(
                tr_md("dash.rules.confirm_delete", LANG, name=rv.rule_name(rule, LANG)),
                icon=":material/warning:",
            )
            with st.container(horizontal=True):
                st.button(
                    tr("dash.rules.delete_yes", LANG),
                    key=f"rules_delete_yes_{rule.id}",
                    type="primary",
                    on_click=delete_rule,
                    args=(rule.id,),
                )
                st.button(
                    tr("dash.rules.delete_no", LANG),
                    key=f"rules_delete_no_{rule.id}",
                    on_click=ask_delete,
                    args=(None,),
                )


# -- the editor ---------------------------------------------------------------------------------
def optional(param: ParamInfo, choices: list) -> list:
    return choices if param.required else [None, *choices]


def with_current(choices: list, current: Any) -> list:
    """``choices``, plus the value a saved rule holds if it is no longer among them (an agent
    since deactivated): it stays shown, and the API says what is wrong with it on save."""
    return [*choices, current] if current is not None and current not in choices else choices


def none_or(fmt):
    return lambda v: tr("dash.rules.none", LANG) if v is None else fmt(v)


def value_widget(box, info: FieldInfo, operator: str, key: str) -> Any:
    """The widget for a condition's value: a select for enums (a multiselect for "is one of"),
    a number, a text (comma-separated for lists), or nothing for "is empty"."""
    kind = rv.next_value_kind(info, operator)
    if kind == "none":
        return None
    common: dict[str, Any] = {
        "key": key,
        "disabled": not ADMIN,
        "label_visibility": "collapsed",
    }
    label = tr("dash.rules.value", LANG)
    choices = value_choices(info)
    if choices is not None:
        if info.type == "id":

            def fmt(v):
                return names.agents.get(v, f"#{v}")
        else:

            def fmt(v):
                return rv.value_label(info.name, v, LANG, vocab)

        if kind == "list":
            ss.setdefault(key, [])
            return box.multiselect(
                label, choices, format_func=fmt, placeholder=tr("dash.rules.choose", LANG), **common
            )
        return box.selectbox(label, choices, format_func=fmt, **common)
    if rv.is_money(info):
        ss.setdefault(key, "")
        example = "money_list_hint" if kind == "list" else "money_hint"
        return box.text_input(label, placeholder=tr(f"dash.rules.{example}", LANG), **common)
    if info.type == "number" and kind == "one":
        ss.setdefault(key, 0.0)
        return box.number_input(label, step=1.0, **common)
    ss.setdefault(key, "")
    hint = tr("dash.rules.list_hint", LANG) if kind == "list" else None
    return box.text_input(label, placeholder=hint, **common)


def condition_row(p: str, group: str, uid: int) -> tuple[FieldInfo, str, Any]:
    field_box, op_box, value_box, remove_box = st.columns(
        [3, 2.5, 4, 1.2], vertical_alignment="bottom"
    )
    field = field_box.selectbox(
        tr("dash.rules.field", LANG),
        list(FIELDS),
        format_func=lambda f: rv.text(FIELDS[f].label, LANG),
        key=f"{p}_c{uid}_field",
        disabled=not ADMIN,
        label_visibility="collapsed",
    )
    info = FIELDS[field]
    operator = op_box.selectbox(
        tr("dash.rules.operator", LANG),
        info.operators,
        format_func=lambda o: rv.text(OPERATORS[o].label, LANG),
        key=f"{p}_c{uid}_op_{field}",
        disabled=not ADMIN,
        label_visibility="collapsed",
    )
    raw = value_widget(value_box, info, operator, f"{p}_c{uid}_val_{field}_{operator}")
    if ADMIN:
        remove_box.button(
            tr("dash.rules.remove", LANG),
            key=f"{p}_c{uid}_remove",
            icon=":material/close:",
            on_click=remove_row,
            args=(group, uid),
        )
    return info, operator, raw


def param_widget(param: ParamInfo, key: str, secret_set: bool) -> Any:
    title = rv.text(param.label, LANG)
    if not param.required:
        title = tr("dash.rules.optional", LANG, label=title)
    common: dict[str, Any] = {"key": key, "disabled": not ADMIN}
    if param.name in rv.AGENT_PARAMS:
        choices = [
            *ACTIVE_AGENTS,
            *([ss[key]] if ss.get(key) not in [*ACTIVE_AGENTS, None] else []),
        ]
        fmt = none_or(lambda v: names.agents.get(v, f"#{v}"))
        return st.selectbox(title, optional(param, choices), format_func=fmt, **common)
    if param.name in rv.MACRO_PARAMS:
        choices = [
            *ACTIVE_MACROS,
            *([ss[key]] if ss.get(key) not in [*ACTIVE_MACROS, None] else []),
        ]
        fmt = none_or(lambda v: names.macros.get(v, f"#{v}"))
        return st.selectbox(title, optional(param, choices), format_func=fmt, **common)
    if param.name in rv.TEAM_PARAMS:
        if names.teams is None:
            st.caption(tr("dash.rules.no_teams", LANG), help=None)
            return None
        fmt = none_or(lambda v: names.teams.get(v, f"#{v}"))
        return st.selectbox(title, optional(param, list(names.teams)), format_func=fmt, **common)
    if param.type == "enum":
        fmt = none_or(lambda v: rv.value_label(param.name, v, LANG, vocab))
        return st.selectbox(
            title, optional(param, [v.value for v in param.values or []]), format_func=fmt, **common
        )
    if param.type == "number":
        ss.setdefault(key, 24.0)
        return st.number_input(title, min_value=0.0, max_value=24.0 * 366, step=1.0, **common)
    if param.type == "list":
        ss.setdefault(key, "")
        return st.text_input(title, placeholder=tr("dash.rules.tags_hint", LANG), **common)
    if param.type == "secret":
        ss.setdefault(key, "")
        hint = "dash.rules.secret_set" if secret_set else "dash.rules.secret_unset"
        value = st.text_input(title, type="password", autocomplete="off", **common)
        st.caption(tr(hint, LANG))
        return value
    ss.setdefault(key, "")
    if param.name in rv.LONG_TEXT_PARAMS:
        return st.text_area(title, height=100, **common)
    return st.text_input(title, **common)


def action_row(p: str, uid: int, index: int, count: int) -> tuple[Any, dict[str, Any]]:
    with st.container(border=True):
        kind_box, buttons = st.columns([3, 3], vertical_alignment="bottom")
        kind = kind_box.selectbox(
            tr("dash.rules.action_n", LANG, n=index + 1),
            list(ACTIONS),
            format_func=lambda k: rv.text(ACTIONS[k].label, LANG),
            key=f"{p}_a{uid}_kind",
            disabled=not ADMIN,
        )
        if ADMIN:
            with buttons.container(horizontal=True):
                _up_down(f"{p}_a{uid}_{{}}", move_row, ("actions", uid), index, count)
                st.button(
                    tr("dash.rules.remove", LANG),
                    key=f"{p}_a{uid}_remove",
                    icon=":material/close:",
                    on_click=remove_row,
                    args=("actions", uid),
                    disabled=count == 1,
                )
        info = ACTIONS[kind]
        secret_set = bool(ss.get(f"{p}_a{uid}_secret_set"))
        raw = {}
        for param in info.params:
            key = f"{p}_a{uid}_{kind}_{param.name}"  # a widget key, not Markdown
            raw[param.name] = param_widget(param, key, secret_set)
    return info, raw


def editor() -> None:
    options = [NEW, *by_id] if ADMIN else list(by_id)
    if not options:
        st.info(tr("dash.rules.empty", LANG))
        return
    if ss.get("rules_pick") not in options:
        ss.rules_pick = options[0]
    pick = st.selectbox(
        tr("dash.rules.pick", LANG),
        options,
        format_func=lambda i: (
            tr("dash.rules.new_rule", LANG)
            if i == NEW
            else f"{by_id[i].position + 1}. {rv.rule_name(by_id[i], LANG)}"
        ),
        key="rules_pick",
    )
    if ss.get("rules_loaded") != pick or "rules_rows" not in ss:
        load(by_id.get(pick))
    p = prefix()
    rows = ss.rules_rows
    st.text_input(tr("dash.rules.name", LANG), key=f"{p}_name", max_chars=120, disabled=not ADMIN)

    st.subheader(tr("dash.rules.when", LANG))
    kind = st.radio(
        tr("dash.rules.trigger_kind", LANG),
        ["event", "schedule"],
        format_func=lambda k: tr(f"dash.rules.trigger_kind.{k}", LANG),
        key=f"{p}_kind",
        horizontal=True,
        disabled=not ADMIN,
    )
    schedule: dict[str, Any] | None = None
    event = None
    if kind == "event":
        event = st.selectbox(
            tr("dash.rules.event", LANG),
            list(TRIGGERS),
            format_func=lambda e: rv.text(TRIGGERS[e].label, LANG),
            key=f"{p}_event",
            disabled=not ADMIN,
        )
    else:
        status_box, hours_box, clock_box = st.columns(3)
        ss.setdefault(f"{p}_sched_hours", 24.0)
        schedule = {
            "status": status_box.selectbox(
                tr("dash.rules.sched_status", LANG),
                vocab.schedule_statuses,
                format_func=lambda s: rv.value_label("status", s, LANG, vocab),
                key=f"{p}_sched_status",
                disabled=not ADMIN,
            ),
            "hours": hours_box.number_input(
                tr("dash.rules.sched_hours", LANG),
                min_value=0.5,
                max_value=24.0 * 366,
                step=1.0,
                key=f"{p}_sched_hours",
                disabled=not ADMIN,
            ),
            "clock": clock_box.radio(
                tr("dash.rules.sched_clock", LANG),
                list(rv.CLOCKS),
                format_func=lambda c: tr(f"dash.rules.clock.{c}", LANG),
                key=f"{p}_sched_clock",
                horizontal=True,
                disabled=not ADMIN,
            ),
        }

    st.subheader(tr("dash.rules.if", LANG))
    conditions: dict[str, list[tuple[FieldInfo, str, Any]]] = {}
    for group in rv.GROUPS:
        st.markdown(f"**{tr(f'dash.rules.group.{group}', LANG)}**")
        conditions[group] = [condition_row(p, group, uid) for uid in rows[group]]
        if not rows[group]:
            st.caption(tr("dash.rules.no_conditions", LANG))
        if ADMIN:
            st.button(
                tr("dash.rules.add_condition", LANG),
                key=f"{p}_add_{group}",
                icon=":material/add:",
                on_click=add_row,
                args=(group,),
            )

    st.subheader(tr("dash.rules.then_do", LANG))
    actions = [action_row(p, uid, i, len(rows["actions"])) for i, uid in enumerate(rows["actions"])]
    if ADMIN:
        st.button(
            tr("dash.rules.add_action", LANG),
            key=f"{p}_add_action",
            icon=":material/add:",
            on_click=add_row,
            args=("actions",),
        )
        st.toggle(tr("dash.rules.active", LANG), key=f"{p}_active")

    def draft() -> RuleCreate:
        """The rule as edited (raises FormError or ValidationError when it cannot be one)."""
        return rv.build_rule(
            name=ss.get(f"{p}_name") or "",
            trigger_kind=kind,
            event=event,
            schedule=schedule,
            conditions={
                group: [
                    Condition(
                        field=info.name,
                        operator=op,
                        value=rv.condition_value(info, op, raw, LANG),
                    )
                    for info, op, raw in conditions[group]
                ]
                for group in rv.GROUPS
            },
            actions=[
                Action(kind=info.kind, params=rv.action_params(info, raw)) for info, raw in actions
            ],
            active=bool(ss.get(f"{p}_active")),
        )

    editing = by_id.get(pick)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        save = ADMIN and st.button(
            tr("dash.rules.save" if editing else "dash.rules.create", LANG),
            key="rules_save",
            type="primary",
            icon=":material/save:",
        )
        limit = st.selectbox(
            tr("dash.rules.dry_limit", LANG),
            rv.DRY_RUN_LIMITS,
            index=rv.DRY_RUN_LIMITS.index(100),
            format_func=lambda n: tr("dash.rules.dry_limit_n", LANG, n=n),
            key="rules_dry_limit",
            width=260,
        )
        dry = st.button(
            tr("dash.rules.dry_run", LANG), key="rules_dry_run", icon=":material/science:"
        )
    if save or dry:
        with api_errors(inline=True):
            try:
                rule = draft()
            except rv.FormError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                if save:
                    if editing:
                        fields = rule.model_dump(exclude={"position"})
                        saved = client().update_rule(editing.id, RuleUpdate(**fields))
                        notify(tr_md("dash.rules.saved", LANG, name=rv.rule_name(saved, LANG)))
                    else:
                        saved = client().create_rule(rule)
                        notify(tr_md("dash.rules.created", LANG, name=rv.rule_name(saved, LANG)))
                    ss.rules_goto = saved.id
                    st.rerun()
                result = client().dry_run(DryRunRequest(rule=rule, limit=limit))
                ss.rules_dry = {
                    "gen": ss.rules_gen,
                    "rule": rule.model_dump(mode="json"),
                    "result": result,
                    "limit": limit,
                }
    shown = ss.get("rules_dry")
    if shown and shown["gen"] == ss.rules_gen:
        dry_run_result(shown, draft)


def dry_run_result(shown: dict, draft) -> None:
    result = shown["result"]
    st.subheader(tr("dash.rules.dry_title", LANG))
    st.markdown(
        tr("dash.rules.dry_matched", LANG, matched=result.matched, total=len(result.tickets))
    )
    st.info(tr("dash.rules.dry_nothing_changed", LANG), icon=":material/lock:")
    if result.note:  # the server's, in the page's language (the client sends it)
        st.caption(md(result.note))
    try:
        current = draft().model_dump(mode="json")
    except (ValueError, rv.FormError):
        current = None
    if current != shown["rule"]:
        st.caption(tr("dash.rules.dry_stale", LANG))
    rows = rv.dry_run_rows(result, vocab, LANG, names.agents)
    if rows.empty:
        st.caption(tr("dash.rules.dry_none", LANG))
    else:
        st.dataframe(rows, hide_index=True, key="rules_dry_table")


# -- last runs ----------------------------------------------------------------------------------
def runs_section() -> None:
    if not rules:
        st.info(tr("dash.rules.empty", LANG))
        return
    if ss.get("rules_runs_pick") not in by_id:
        ss.rules_runs_pick = rules[0].id
    chosen = st.selectbox(
        tr("dash.rules.runs_pick", LANG),
        list(by_id),
        format_func=lambda i: f"{by_id[i].position + 1}. {rv.rule_name(by_id[i], LANG)}",
        key="rules_runs_pick",
    )
    runs = client().rule_runs(chosen, limit=RUNS_SHOWN)
    if not runs:
        st.caption(tr("dash.rules.never_ran", LANG))
        return
    errors = sum(1 for r in runs if r.outcome == "error")
    if errors:
        st.error(tr("dash.rules.runs_errors", LANG, n=errors), icon=":material/error:")
    rows = rv.run_rows(runs, vocab, LANG, TZ)
    failed = [r.outcome == "error" for r in runs]
    styled = rows.style.apply(
        lambda row: ["background-color: #fde2e1" if failed[row.name] else "" for _ in row],
        axis=1,
    )
    st.dataframe(styled, hide_index=True, key="rules_runs_table")


# -- the page -----------------------------------------------------------------------------------
if "rules_goto" in ss:  # a rule was just saved: show it in the editor
    ss.rules_pick = ss.pop("rules_goto")
    ss.rules_loaded = None

list_tab, editor_tab, runs_tab = st.tabs(
    list(TAB_LABELS.values()), key="rules_tab", on_change="rerun"
)
with list_tab:
    if not rules:
        st.info(tr("dash.rules.empty", LANG))
    st.caption(tr("dash.rules.order_note", LANG))
    for i, rule in enumerate(rules):
        rule_card(i, rule)
with editor_tab:
    editor()
with runs_tab:
    runs_section()
