"""Inbox: views with live counts on the left, search and sort on top, the paged ticket list with
row selection, and the bulk actions bar for the selected tickets."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import inbox_rows as ir
from dashboard import reports, ticket_keys
from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import label, short_when, tr
from dashboard.safe import md
from dashboard.session import api_errors, client, guarded, lang, notify, now, store_tz, today
from widget_api.contracts.inbox import MergePlan

REFRESH_SECONDS = 5
TICKET_PAGE = "app_pages/ticket.py"
LANG = lang()
TZ = store_tz()

st.session_state.setdefault("inbox_view", ir.DEFAULT_VIEW)
st.session_state.setdefault("inbox_cursors", [])
st.session_state.setdefault("inbox_selected", [])


# -- what the controls do --
def restart_paging() -> None:
    st.session_state.inbox_cursors = []


def choose_view(choice: str) -> None:
    st.session_state.inbox_view = choice
    st.session_state.inbox_cursors = []
    st.session_state.inbox_selected = []


def next_page(cursor: str) -> None:
    st.session_state.inbox_cursors = [*st.session_state.inbox_cursors, cursor]


def previous_page() -> None:
    st.session_state.inbox_cursors = st.session_state.inbox_cursors[:-1]


def open_clicked(cells: list, refs: list[str]) -> None:
    """A click on a ticket's row (any cell) opens it; ticking its box only selects it."""
    if not cells:
        return
    row = cells[0][0]
    if 0 <= row < len(refs):
        st.session_state.inbox_open = refs[row]


def open_ref(ref: str) -> None:
    st.session_state.inbox_open = ref


def pick_view() -> None:
    """The phone's view selector (its value is gone when signing out emptied the session)."""
    picked = st.session_state.get("inbox_view_picker")
    if picked is not None:
        choose_view(picked)


def bulk(refs: list[str], action: str) -> None:
    """One bulk change from the bar's widgets, applied with ``POST /api/v1/tickets/bulk``."""
    state = st.session_state
    tags = ir.parse_tags(state.get("inbox_bulk_tag", ""))
    changes = {
        "assign": {"assignee_id": state.get("inbox_bulk_assignee")},
        "add_tag": {"add_tags": tags},
        "remove_tag": {"remove_tags": tags},
        "status": {"status": state.get("inbox_bulk_status")},
        "priority": {"priority": state.get("inbox_bulk_priority")},
    }[action]
    if action in ("add_tag", "remove_tag") and not tags:
        notify(tr("dash.bulk.no_tag", LANG), "error")
        return
    with api_errors():
        result = client().bulk_update(refs, **changes)
        notify(tr("dash.bulk.done", LANG, n=len(result.updated)))
        if action in ("add_tag", "remove_tag"):
            state.inbox_bulk_tag = ""


def merge_plan(refs: list[str]) -> MergePlan | None:
    """The server's plan for merging the selection (into the oldest); None when it refuses."""
    if len(refs) < 2:
        return None
    try:
        return client().merge_plan(refs)
    except SessionExpired:
        raise
    except ApiError:
        return None


def merge(target: str, sources: list[str]) -> None:
    with api_errors():
        client().merge(target, sources)
        st.session_state.inbox_selected = [target]
        notify(tr("dash.bulk.merged", LANG, n=len(sources), ref=target))


# -- how it looks --
def views_column(counts) -> None:
    entries = ir.nav_entries(counts)
    with st.container(key="inbox_nav", gap="xxsmall"):
        for group in ("views", "channels", "types"):
            shown = [e for e in entries if e.group == group]
            if not shown:
                continue
            st.caption(tr(f"dash.inbox.group.{group}", LANG))
            for entry in shown:
                active = entry.choice == st.session_state.inbox_view
                st.button(
                    f"{md(ir.choice_title(entry.choice, LANG))} :gray-badge[{entry.count}]",
                    key=f"inbox_view_{entry.choice.replace(':', '_')}",
                    icon=ir.entry_icon(entry),
                    type="primary" if active else "tertiary",
                    on_click=choose_view,
                    args=(entry.choice,),
                    width="stretch",
                )


def column_config(sort: str) -> dict:
    col = st.column_config

    def labels(prefix: str, values: tuple, colors: dict[str, str], name: str, width: int):
        return col.MultiselectColumn(
            tr(f"dash.col.{name}", LANG),
            options=[label(prefix, v, LANG) for v in values],
            color=[colors[v] for v in values],
            width=width,
        )

    # Widths add up to what a 1366 px screen leaves beside the sidebar and the views; the
    # subject takes what is left. The channel has its own views, so it is not a column.
    return {
        "ref": col.TextColumn(tr("dash.col.ref", LANG), width=72, pinned=True),
        "subject": col.TextColumn(tr("dash.col.subject", LANG), width=120),
        "customer": col.TextColumn(tr("dash.col.customer", LANG), width=90),
        "status": labels("status", ir.STATUSES, ir.STATUS_COLORS, "status", 88),
        "priority": labels("priority", ir.PRIORITIES, ir.PRIORITY_COLORS, "priority", 78),
        "problem_type": col.TextColumn(tr("dash.col.problem_type", LANG), width=85),
        "assignee": col.TextColumn(tr("dash.col.assignee", LANG), width=88),
        "waiting": col.TextColumn(
            tr("dash.col.updated" if sort == "updated" else "dash.col.waiting", LANG), width=84
        ),
        "sla": labels("sla", ir.SLA_STATES, ir.SLA_COLORS, "sla", 78),
    }


SHOWN = ("ref", "subject", "customer", "status", "priority", "problem_type", "assignee",
         "waiting", "sla")  # fmt: skip


def bulk_bar(refs: list[str]) -> None:
    agents = [a for a in client().agents() if a.active]
    names = {a.id: a.name for a in agents}
    with st.container(key="inbox_bulk"):
        st.markdown(tr("dash.bulk.selected", LANG, n=len(refs)))
        row1 = st.columns([3, 1, 3, 1, 3, 1], vertical_alignment="bottom")
        row1[0].selectbox(
            tr("dash.bulk.assignee", LANG),
            [None, *names],
            format_func=lambda i: names.get(i) if i else tr("dash.bulk.unassigned", LANG),
            key="inbox_bulk_assignee",
        )
        row1[1].button(
            tr("dash.bulk.apply", LANG),
            key="inbox_bulk_assign",
            on_click=bulk,
            args=(refs, "assign"),
        )
        row1[2].selectbox(
            tr("dash.bulk.status", LANG),
            ir.STATUSES,
            index=1,
            format_func=lambda s: label("status", s, LANG),
            key="inbox_bulk_status",
        )
        row1[3].button(
            tr("dash.bulk.apply", LANG),
            key="inbox_bulk_set_status",
            on_click=bulk,
            args=(refs, "status"),
        )
        row1[4].selectbox(
            tr("dash.bulk.priority", LANG),
            ir.PRIORITIES,
            index=2,
            format_func=lambda p: label("priority", p, LANG),
            key="inbox_bulk_priority",
        )
        row1[5].button(
            tr("dash.bulk.apply", LANG),
            key="inbox_bulk_set_priority",
            on_click=bulk,
            args=(refs, "priority"),
        )
        row2 = st.columns([3, 1, 1, 2, 2], vertical_alignment="bottom")
        row2[0].text_input(
            tr("dash.bulk.tag", LANG), key="inbox_bulk_tag", placeholder="vip, vague-froid"
        )
        row2[1].button(
            tr("dash.bulk.add_tag", LANG),
            key="inbox_bulk_add_tag",
            icon=":material/add:",
            on_click=bulk,
            args=(refs, "add_tag"),
        )
        row2[2].button(
            tr("dash.bulk.remove_tag", LANG),
            key="inbox_bulk_remove_tag",
            icon=":material/remove:",
            on_click=bulk,
            args=(refs, "remove_tag"),
        )
        plan = merge_plan(refs)
        row2[3].button(
            tr("dash.bulk.merge", LANG, ref=plan.target_ref)
            if plan
            else tr("dash.bulk.merge_any", LANG),
            key="inbox_bulk_merge",
            icon=":material/merge:",
            disabled=plan is None,
            help=tr("dash.bulk.merge_help", LANG),
            on_click=merge,
            args=(plan.target_ref, plan.source_refs) if plan else ("", []),
        )
        if len(refs) == 1 and row2[4].button(
            tr("dash.bulk.open", LANG, ref=refs[0]),
            key="inbox_bulk_open",
            type="primary",
            icon=":material/open_in_new:",
        ):
            st.session_state.inbox_open = refs[0]


def ticket_list(query: str, sort: str) -> None:
    choice = st.session_state.inbox_view
    stack = st.session_state.inbox_cursors
    page = client().tickets(
        **ir.filters_for(choice),
        q=query,
        sort=sort,
        limit=ir.PAGE_SIZE,
        cursor=ir.current_cursor(stack),
    )
    refs = [t.ref for t in page.items]
    st.session_state.inbox_refs = refs

    choices = [e.choice for e in ir.nav_entries(st.session_state.inbox_counts)]
    st.selectbox(
        tr("dash.inbox.group.views", LANG),
        choices,
        index=choices.index(choice) if choice in choices else 0,
        format_func=lambda c: ir.choice_title(c, LANG),
        key="inbox_view_picker",
        on_change=pick_view,
        label_visibility="collapsed",
    )
    head, stamp = st.columns([3, 2], vertical_alignment="bottom")
    head.subheader(md(ir.choice_title(choice, LANG)))
    stamp.caption(
        tr("dash.inbox.refreshed", LANG, n=page.total, at=short_when(now(), LANG, TZ)),
        text_alignment="right",
    )
    if not page.items:
        st.session_state.inbox_selected = []
        st.info(tr("dash.inbox.empty", LANG), icon=":material/celebration:")
        return

    table = ir.rows(page.items, LANG, sort=sort, now=now())  # "3 h ago" by the server's clock
    key = ir.table_key(choice, refs)
    keep = ir.positions(st.session_state.inbox_selected, refs)
    event = st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode=["multi-row", "single-cell"],
        selection_default={"selection": {"rows": keep}} if keep else None,
        hide_index=True,
        column_config=column_config(sort),
        column_order=SHOWN,
        height=38 + 35 * len(table),
        placeholder="—",
    )
    st.session_state.inbox_table_key = key
    open_clicked(event.selection.get("cells", []), refs)
    selected = ir.selected_refs(event.selection.rows, refs)
    st.session_state.inbox_selected = selected

    first, last = ir.page_range(stack, len(refs))
    with st.container(
        horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"
    ):
        st.button(
            tr("dash.inbox.previous", LANG),
            key="inbox_prev",
            icon=":material/chevron_left:",
            disabled=not stack,
            on_click=previous_page,
        )
        st.caption(
            tr("dash.inbox.range", LANG, first=first, last=last, total=page.total), width="content"
        )
        st.button(
            tr("dash.inbox.next", LANG),
            key="inbox_next",
            icon=":material/chevron_right:",
            icon_position="right",
            disabled=not page.next_cursor,
            on_click=next_page,
            args=(page.next_cursor,),
        )
    ticket_keys.inbox_line(refs, LANG, open_ref=open_ref)
    if selected:
        bulk_bar(selected)


@st.fragment(run_every=REFRESH_SECONDS)
@guarded
def live_inbox(query: str, sort: str) -> None:
    """Counts and list, refreshed every few seconds; selection and typed text stay."""
    counts = client().view_counts()
    st.session_state.inbox_counts = counts
    nav, main = st.columns([1, 5], gap="medium")
    with nav:
        views_column(counts)
    with main:
        ticket_list(query, sort)
    opened = st.session_state.pop("inbox_open", None)
    if opened:
        st.session_state.ticket_ref = opened
        st.switch_page(TICKET_PAGE)


def incident_banner(lang: str) -> None:
    """Recurring-incident alerts of the last eight weeks, on the home page of every agent."""
    alerts = recent_spikes(st.session_state.token, lang)
    if alerts:
        names = ", ".join(
            f"{md(a['key'])} ({tr('ptype.' + a['problem_type'], lang)})" for a in alerts[:3]
        )
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.warning(tr("inc.banner", lang, count=len(alerts), names=names))
            if right.button(tr("inc.open", lang), key="inbox_incidents"):
                st.switch_page("app_pages/incidents.py")


@st.cache_data(ttl=300, max_entries=20, show_spinner=False)
def recent_spikes(token: str, lang: str) -> list[dict]:
    try:
        return reports.spikes(client(), today() - timedelta(weeks=8), today())
    except ApiError:
        return []


title, search, order = st.columns([2.4, 3.6, 1.4], vertical_alignment="bottom")
title.title(tr("dash.inbox.title", LANG))
q = search.text_input(
    tr("dash.inbox.search", LANG),
    key="inbox_q",
    type="search",
    icon=":material/search:",
    placeholder=tr("dash.inbox.search", LANG),
    label_visibility="collapsed",
    on_change=restart_paging,
)
sort_by = order.selectbox(
    tr("dash.inbox.sort", LANG),
    ir.SORTS,
    format_func=lambda s: tr(f"dash.sort.{s}", LANG),
    key="inbox_sort",
    on_change=restart_paging,
)
incident_banner(LANG)
live_inbox(q, sort_by)
