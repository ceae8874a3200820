"""Ticket workspace: the header with badges, who else is here, the thread, the composer (reply or
internal note, macros, collision warning), the ticket's properties and snooze, the customer and
order panels, and the activity log."""

from __future__ import annotations

import functools
import zlib
from datetime import timedelta

import streamlit as st
from pydantic import ValidationError

from dashboard import history_view, identity_view, ticket_keys
from dashboard import inbox_rows as ir
from dashboard import order_actions_view as oa
from dashboard import order_panel as order_view_panel
from dashboard import ticket_sla_view as sla_view
from dashboard import ticket_view as tv
from dashboard.api_client import ApiError, Collision, SessionExpired
from dashboard.channel_icons import channel_icon
from dashboard.i18n import label, money, person, short_when, tr
from dashboard.safe import badge, code, md, tr_md
from dashboard.session import (
    api_errors,
    client,
    guarded,
    lang,
    me,
    notify,
    now,
    refusal_text,
    sign_out,
    store_tz,
)
from widget_api.contracts.taxonomy import PROBLEM_TYPES
from widget_api.contracts.tickets import TicketDetail

PRESENCE_SECONDS = 3
LANG = lang()
TZ = store_tz()
ME = me()
STATUS_BADGE = {
    "new": "blue",
    "open": "orange",
    "pending": "violet",
    "on_hold": "gray",
    "solved": "green",
    "closed": "gray",
}
PRIORITY_BADGE = {"low": "gray", "normal": "blue", "high": "orange", "urgent": "red"}

st.session_state.setdefault("ticket_ref", None)
st.session_state.setdefault("ticket_seen", {})


def draft_key(ref: str) -> str:
    return f"ticket_draft_{ref}"


# -- what the controls do --
def open_typed_ref() -> None:
    typed = (st.session_state.get("ticket_open_input") or "").strip().upper().lstrip("#")
    if typed:
        open_ticket(typed)
    st.session_state.ticket_open_input = ""


def open_ticket(ref: str) -> None:
    previous = st.session_state.get("ticket_ref")
    if previous and previous != ref:
        with api_errors():
            client().presence(previous, leaving=True)
    st.session_state.ticket_ref = ref
    st.session_state.pop("ticket_collision", None)


def send(ref: str, kind: str, status: str | None = None, force: bool = False) -> None:
    """Send the draft; a 409 keeps it and offers to send anyway (``force``)."""
    body = (st.session_state.get(draft_key(ref)) or "").strip()
    if not body:
        notify(tr("dash.compose.empty", LANG), "error")
        return
    seen = st.session_state.ticket_seen.get(ref) if kind == "reply" else None
    macro = st.session_state.get("ticket_macro")
    try:
        if kind == "reply" and macro and macro["ref"] == ref:
            client().apply_macro(
                ref, macro["id"], body, seen_message_id=seen, force=force, status=status
            )
        else:
            client().add_message(ref, body, kind, seen_message_id=seen, force=force, status=status)
    except Collision as exc:
        st.session_state.ticket_collision = {
            "ref": ref,
            "detail": exc.detail,
            "kind": kind,
            "status": status,
        }
        return
    except SessionExpired:
        sign_out(tr("dash.session_expired", LANG))
        return
    except (ApiError, ValidationError) as exc:
        notify(refusal_text(exc), "error")
        return
    st.session_state[draft_key(ref)] = ""
    st.session_state.pop("ticket_collision", None)
    st.session_state.pop("ticket_macro", None)
    notify(tr(f"dash.compose.sent_{kind}", LANG))


def insert_macro(ref: str, names: dict[int, str]) -> None:
    macro_id = st.session_state.get("ticket_macro_pick")
    if macro_id is None:
        return
    with api_errors():
        rendered = client().render_macro(ref, macro_id)
        st.session_state[draft_key(ref)] = rendered.body
        st.session_state.ticket_mode = "reply"
        st.session_state.ticket_macro = {
            "ref": ref,
            "id": macro_id,
            "name": names.get(macro_id, ""),
            "actions": rendered.actions,
        }


def detach_macro() -> None:
    st.session_state.pop("ticket_macro", None)


def assign_to_me(ref: str) -> None:
    with api_errors():
        client().update_ticket(ref, assignee_id=ME["id"])
        notify(tr("dash.keys.assigned", LANG, ref=ref))


def wake_up(ref: str) -> None:
    with api_errors():
        client().snooze(ref, None)
        notify(tr("dash.snooze.woken", LANG))


# -- how it looks --
def header(ticket: TicketDetail) -> None:
    st.title(md(ticket.subject))
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.markdown(f"**{ticket.ref}**")
        st.badge(label("status", ticket.status, LANG), color=STATUS_BADGE[ticket.status])
        st.badge(
            label("priority", ticket.priority, LANG),
            icon=":material/flag:",
            color=PRIORITY_BADGE[ticket.priority],
        )
        st.badge(label("channel", ticket.channel, LANG), icon=channel_icon(ticket.channel),
                 color="gray")  # fmt: skip
        if ticket.problem_type:
            st.badge(badge(label("ptype", ticket.problem_type, LANG)), icon=":material/category:")
        for tag in ticket.tags:
            st.badge(badge(f"#{tag}"), color="gray")
        if tv.is_snoozed(ticket, now()):
            until = short_when(ticket.snoozed_until, LANG, TZ)
            st.badge(
                tr("dash.snooze.until", LANG, at=until), icon=":material/snooze:", color="violet"
            )
    opened = {
        "at": short_when(ticket.created_at, LANG, TZ),
        "language": tr(f"dash.language_inline.{ticket.language}", LANG),
    }
    if ticket.assignee_name:  # "assigned to Nobody" reads wrong: an unassigned ticket says so
        st.caption(tr("dash.ticket.opened", LANG, assignee=md(ticket.assignee_name), **opened))
    else:
        st.caption(tr("dash.ticket.opened_unassigned", LANG, **opened))
    imported = (ticket.source or {}).get("import") if isinstance(ticket.source, dict) else None
    if isinstance(imported, dict):  # history from another helpdesk: its id there
        origin = {"source": md(str(imported.get("source"))), "id": md(str(imported.get("id")))}
        st.caption(tr("im.ticket_origin", LANG, **origin))
    if ticket.merged_into:
        st.info(
            tr("dash.ticket.merged_into", LANG, ref=ticket.merged_into), icon=":material/merge:"
        )
        st.button(
            tr("dash.bulk.open", LANG, ref=ticket.merged_into),
            key="ticket_open_merged",
            on_click=open_ticket,
            args=(ticket.merged_into,),
        )


@st.fragment(run_every=PRESENCE_SECONDS)
@guarded
def presence(ref: str) -> None:
    """Heartbeat every few seconds: who else is here, who is typing, and new messages."""
    typing = bool((st.session_state.get(draft_key(ref)) or "").strip())
    viewers = client().presence(ref, typing=typing)
    with st.container(key="ticket_presence"):
        for viewer, line in zip(viewers, tv.presence_lines(viewers, LANG, md), strict=True):
            icon = ":material/edit:" if viewer.typing else ":material/visibility:"
            (st.warning if viewer.typing else st.info)(line, icon=icon)
        latest = client().ticket(ref)
        seen = st.session_state.ticket_seen.get(ref)
        newer = [m for m in latest.messages if seen is not None and m.id > seen]
        if newer:
            st.warning(tr("dash.presence.new_messages", LANG, n=len(newer)), icon=":material/mail:")
            if st.button(tr("dash.presence.reload", LANG), key="ticket_reload"):
                st.rerun(scope="app")


def thread(ticket: TicketDetail) -> None:
    customer = person(ticket.customer.name, ticket.customer.email, LANG)
    for i, warning in enumerate(ticket.sender_warnings):  # a name posing as another address
        with st.container(key=f"ticket_sender_warning_{i}"):
            st.warning(md(warning), icon=":material/warning:")
    for entry in tv.thread(ticket.messages, customer, LANG, TZ):
        if entry.role == "system":
            with st.container(key=f"ticket_system_{entry.id}"):
                st.caption(f":material/settings: {entry.caption} — {tv.plain(entry.body)}")
            continue
        with st.chat_message(entry.author, avatar=entry.avatar):
            kind = {"customer": "msg", "agent": "reply", "note": "note"}[entry.role]
            with st.container(key=f"ticket_{kind}_{entry.id}"):
                st.markdown(f"**{md(entry.author)}** · {entry.caption}")
                st.markdown(tv.plain(entry.body))


def attachments(ref: str) -> None:
    files = client().attachments(ref)
    if not files:
        return
    api = client()
    with st.container(horizontal=True, gap="small", key="ticket_files"):
        st.caption(tr("dash.files.title", LANG, n=len(files)))
        for file in files:
            st.download_button(
                f"{md(file.filename)} · {tv.file_size(file.size, LANG)}",
                data=functools.partial(api.attachment_content, file.id),
                file_name=file.filename,
                mime=file.content_type,
                key=f"ticket_file_{file.id}",
                icon=":material/image:"
                if file.content_type.startswith("image/")
                else ":material/attach_file:",
                on_click="ignore",
            )


def composer(ticket: TicketDetail, names: dict[int, str]) -> None:
    ref = ticket.ref
    with st.container(border=True):
        mode = st.segmented_control(
            tr("dash.compose.mode", LANG),
            ["reply", "note"],
            default="reply",
            required=True,
            format_func=lambda m: tr(f"dash.compose.{m}", LANG),
            key="ticket_mode",
            label_visibility="collapsed",
        )
        if mode == "reply":
            if blocked := sla_view.reply_warning(ticket, LANG):
                st.warning(md(blocked), icon=":material/unsubscribe:")
            macro_picker(ref)
        collision = st.session_state.get("ticket_collision")
        if collision and collision["ref"] == ref:
            st.warning(md(collision["detail"]), icon=":material/group:")
            st.button(
                tr("dash.compose.send_anyway", LANG),
                key="ticket_send_anyway",
                icon=":material/send:",
                on_click=send,
                args=(ref, collision["kind"], collision["status"], True),
            )
        st.text_area(
            tr(f"dash.compose.{mode}", LANG),
            key=draft_key(ref),
            height=150,
            placeholder=tv.composer_placeholder(mode, list(names.values()), LANG),
            label_visibility="collapsed",
            on_change="ignore",
            persist_state="session",
        )
        if mode == "reply":
            ticket_keys.focus_script(draft_key(ref))
        length, opted_out = tv.sms_notes(ticket, st.session_state.get(draft_key(ref), ""), LANG)
        if mode == "reply" and length:
            st.caption(length)
        if mode == "reply" and opted_out:
            st.warning(md(opted_out), icon=":material/block:")
        macro = st.session_state.get("ticket_macro")
        if mode == "reply" and macro and macro["ref"] == ref:
            actions = tv.macro_summary(macro["actions"], LANG)
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.caption(
                tr_md("dash.macro.attached", LANG, name=macro["name"], actions=actions or "—")
            )
            right.button(
                tr("dash.macro.detach", LANG),
                key="ticket_macro_detach",
                type="tertiary",
                on_click=detach_macro,
            )
        with st.container(horizontal=True, gap="small"):
            if mode == "reply":
                st.button(
                    tr("dash.compose.send_reply", LANG),
                    key="ticket_send",
                    type="primary",
                    icon=":material/send:",
                    on_click=send,
                    args=(ref, "reply"),
                )
                st.button(
                    tr("dash.compose.send_and_solve", LANG),
                    key="ticket_send_solve",
                    icon=":material/task_alt:",
                    on_click=send,
                    args=(ref, "reply", "solved"),
                )
            else:
                st.button(
                    tr("dash.compose.add_note", LANG),
                    key="ticket_add_note",
                    type="primary",
                    icon=":material/sticky_note_2:",
                    on_click=send,
                    args=(ref, "note"),
                )


def macro_picker(ref: str) -> None:
    left, middle, right = st.columns([2, 3, 1], vertical_alignment="bottom")
    query = left.text_input(
        tr("dash.macro.search", LANG),
        key="ticket_macro_q",
        icon=":material/bolt:",
        placeholder=tr("dash.macro.search", LANG),
        label_visibility="collapsed",
    )
    found = client().macros(q=query)
    names = {m.id: (m.name_fr if LANG == "fr" else m.name_en) for m in found}
    middle.selectbox(
        tr("dash.macro.pick", LANG),
        list(names),
        index=None,
        format_func=names.get,
        placeholder=tr("dash.macro.pick", LANG) if names else tr("dash.macro.none", LANG),
        key="ticket_macro_pick",
        label_visibility="collapsed",
    )
    right.button(
        tr("dash.macro.insert", LANG),
        key="ticket_macro_insert",
        on_click=insert_macro,
        args=(ref, names),
        width="stretch",
    )


def properties(ticket: TicketDetail, agents: dict[int, str]) -> None:
    # Keyed by the values it shows: a change of them (saved here or elsewhere) draws a fresh
    # form, while a background update of other fields (SLA state, typing confidence) leaves
    # what the agent is editing alone.
    shown = (ticket.status, ticket.priority, ticket.assignee_id, ticket.problem_type, ticket.tags)
    stamp = zlib.crc32(repr(shown).encode())
    assignees = [None, *agents]
    if ticket.assignee_id and ticket.assignee_id not in agents:
        assignees.append(ticket.assignee_id)
    types = list(PROBLEM_TYPES)
    if ticket.problem_type and ticket.problem_type not in types:
        types.append(ticket.problem_type)
    with st.form(f"ticket_props_{ticket.ref}_{stamp}", border=True):
        st.markdown(f"**{tr('dash.props.title', LANG)}**")
        one, two = st.columns(2)
        status = one.selectbox(
            tr("dash.col.status", LANG),
            ir.STATUSES,
            index=ir.STATUSES.index(ticket.status),
            format_func=lambda s: label("status", s, LANG),
            key=f"ticket_status_{stamp}",
        )
        priority = two.selectbox(
            tr("dash.col.priority", LANG),
            ir.PRIORITIES,
            index=ir.PRIORITIES.index(ticket.priority),
            format_func=lambda p: label("priority", p, LANG),
            key=f"ticket_priority_{stamp}",
        )
        three, four = st.columns(2)
        assignee = three.selectbox(
            tr("dash.col.assignee", LANG),
            assignees,
            index=assignees.index(ticket.assignee_id),
            format_func=lambda i: agents.get(i, f"#{i}") if i else tr("dash.bulk.unassigned", LANG),
            key=f"ticket_assignee_{stamp}",
        )
        problem = four.selectbox(
            tr("dash.col.problem_type", LANG),
            types,
            index=types.index(ticket.problem_type) if ticket.problem_type else None,
            format_func=lambda p: label("ptype", p, LANG),
            placeholder=tr("dash.props.untyped", LANG),
            key=f"ticket_ptype_{stamp}",
        )
        tags = st.multiselect(
            tr("dash.props.tags", LANG),
            ticket.tags,
            default=ticket.tags,
            accept_new_options=True,
            key=f"ticket_tags_{stamp}",
            placeholder=tr("dash.props.tags_hint", LANG),
        )
        saved = st.form_submit_button(
            tr("dash.props.save", LANG), icon=":material/save:", width="stretch"
        )
    if saved:
        changes: dict = {}
        if status != ticket.status:
            changes["status"] = status
        if priority != ticket.priority:
            changes["priority"] = priority
        if assignee != ticket.assignee_id:
            changes["assignee_id"] = assignee
        if problem and problem != ticket.problem_type:
            changes["problem_type"] = problem
        if [t.strip().lower() for t in tags] != ticket.tags:
            changes["tags"] = tags
        if changes:
            with api_errors():
                client().update_ticket(ticket.ref, **changes)
                notify(tr("dash.props.saved", LANG))
            st.rerun()


def snooze_box(ticket: TicketDetail) -> None:
    snoozed = tv.is_snoozed(ticket, now())
    with st.expander(tr("dash.snooze.title", LANG), icon=":material/snooze:", expanded=snoozed):
        if snoozed:
            st.caption(tr("dash.snooze.until", LANG, at=short_when(ticket.snoozed_until, LANG, TZ)))
            st.button(
                tr("dash.snooze.wake", LANG),
                key="ticket_wake",
                icon=":material/alarm_off:",
                on_click=wake_up,
                args=(ticket.ref,),
            )
        day, at = tv.default_snooze(now(), tz=TZ)
        left, right = st.columns(2)
        chosen_day = left.date_input(
            tr("dash.snooze.date", LANG),
            value=day,
            min_value=day - timedelta(days=1),
            key="ticket_snooze_date",
            format="YYYY-MM-DD",
        )
        chosen_time = right.time_input(
            tr("dash.snooze.time", LANG), value=at, key="ticket_snooze_time", step=900
        )
        if st.button(tr("dash.snooze.apply", LANG), key="ticket_snooze", icon=":material/snooze:"):
            until = tv.snooze_at(chosen_day, chosen_time, TZ)
            with api_errors():
                client().snooze(ticket.ref, until)
                notify(tr("dash.snooze.done", LANG, at=short_when(until, LANG, TZ)))
            st.rerun()


def customer_panel(ticket: TicketDetail) -> None:
    profile = client().customer(ticket.customer.id)
    with st.container(border=True):
        st.markdown(f"**:material/person: {md(person(profile.name, profile.email, LANG))}**")
        lines = [f":material/mail: {code(profile.email)}"] if profile.email else []
        if profile.phone:
            lines.append(f":material/call: {code(identity_view.human_phone(profile.phone))}")
        lines.append(
            tr(
                "dash.customer.since",
                LANG,
                language=tr(f"dash.language_inline.{profile.language}", LANG),
                at=short_when(profile.created_at, LANG, TZ),
            )
        )
        st.markdown("  \n".join(lines))
        identity_view.render(profile.id, ticket.customer_detail.identities, LANG, TZ)
        one, two = st.columns(2)
        one.metric(tr("dash.customer.orders", LANG), profile.order_count)
        two.metric(tr("dash.customer.value", LANG), money(profile.lifetime_value_cents, LANG))
        oa.customer_orders(profile, LANG, TZ)
        others = [t for t in profile.tickets if t.ref != ticket.ref]
        st.caption(tr("dash.customer.past", LANG, n=len(others)))
        for past in others[:8]:
            st.button(
                f"{past.ref} · {md(past.subject[:40])} · {label('status', past.status, LANG)}",
                key=f"ticket_past_{past.ref}",
                type="tertiary",
                on_click=open_ticket,
                args=(past.ref,),
            )


def order_panel(ticket: TicketDetail) -> None:
    with st.container(border=True):
        order_view_panel.render(ticket, LANG, TZ)
        if ticket.order is not None:
            st.divider()
            oa.panel(ticket, LANG)
            oa.history(ticket.ref, LANG)


def activity(ref: str, agents: dict[int, str]) -> None:
    with st.expander(tr("dash.events.title", LANG), icon=":material/history:"):
        history_view.render(client().events(ref), agents, LANG, TZ)


# -- the page --
top_left, top_right = st.columns([4, 2], vertical_alignment="bottom")
top_left.page_link(
    "app_pages/inbox.py", label=tr("dash.ticket.back", LANG), icon=":material/arrow_back:"
)
top_right.text_input(
    tr("dash.ticket.open_ref", LANG),
    key="ticket_open_input",
    on_change=open_typed_ref,
    placeholder="C123456",
    icon=":material/search:",
)

# The URL names the open ticket (?ref=), so a reload, a new tab or a shared link opens it.
linked = (st.query_params.get("ref") or "").strip().upper()
if linked and linked != st.session_state.get("ticket_linked"):
    open_ticket(linked)
ref = st.session_state.ticket_ref
st.session_state.ticket_linked = ref
if ref:
    st.query_params["ref"] = ref
if not ref:
    st.title(tr("dash.nav.ticket", LANG))
    st.info(tr("dash.ticket.pick", LANG), icon=":material/forum:")
    st.stop()
try:
    ticket = client().ticket(ref)
except SessionExpired:
    raise
except ApiError as exc:
    st.error(md(exc.detail), icon=":material/error:")
    st.stop()
ref = ticket.ref
st.session_state.ticket_seen[ref] = tv.newest_message_id(ticket)
st.session_state.ticket_present = ref  # the frame says goodbye when the agent leaves the page
roster = client().agents()
all_names = {a.id: a.name for a in roster}
active_names = {a.id: a.name for a in roster if a.active}
colleagues = {i: n for i, n in active_names.items() if i != ME["id"]}

header(ticket)
ticket_keys.toolbar(
    ref,
    st.session_state.get("inbox_refs") or [],
    ticket.assignee_id == ME["id"],
    LANG,
    open_ticket=open_ticket,
    assign_to_me=assign_to_me,
)
sla_view.render(ticket, LANG, TZ, now())
main, side = st.columns([3, 2], gap="large")
with main:
    presence(ref)
    thread(ticket)
    attachments(ref)
    composer(ticket, colleagues)
    activity(ref, all_names)
with side:
    properties(ticket, active_names)
    snooze_box(ticket)
    customer_panel(ticket)
    order_panel(ticket)
