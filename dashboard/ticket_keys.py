"""Keyboard navigation in the inbox and the ticket workspace: in the inbox, J opens the view's
first ticket; in a ticket, the previous and next ticket of the inbox view the agent came from,
focus on the reply box, and "assign to me". Each is a button with a key (Streamlit's button
shortcuts, which stay quiet while the agent types in a field), and a line names the keys."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import streamlit as st

from dashboard.i18n import tr

# Streamlit reserves C and R (even with modifiers): "E" (écrire / edit) focuses the reply box.
KEYS = {"previous": "K", "next": "J", "reply": "E", "assign": "A"}
ICONS = {
    "previous": ":material/arrow_upward:",
    "next": ":material/arrow_downward:",
    "reply": ":material/reply:",
    "assign": ":material/person_add:",
}
FOCUS_FLAG = "ticket_focus_reply"


def neighbour(refs: Sequence[str], ref: str, step: int) -> str | None:
    """The ticket ``step`` places from ``ref`` in the view's order; None past either end or
    when ``ref`` is not in the view (opened from a link or by its number)."""
    if ref not in refs:
        return None
    at = list(refs).index(ref) + step
    return refs[at] if 0 <= at < len(refs) else None


def ask_reply_focus() -> None:
    """The composer in reply mode, and its text box focused once it is drawn."""
    st.session_state.ticket_mode = "reply"
    st.session_state[FOCUS_FLAG] = st.session_state.get(FOCUS_FLAG, 0) + 1


def focus_script(draft_key: str) -> None:
    """Focus the reply box after the rerun that asked for it (once per request)."""
    asked = st.session_state.pop(FOCUS_FLAG, None)
    if not asked:
        return
    selector = json.dumps(f".st-key-{draft_key} textarea")
    # A counter in the script makes each request a new element, so the browser runs it again.
    st.html(
        f"<script>/* {asked} */ (function focus(tries) {{"
        f" const box = document.querySelector({selector});"
        " if (box) { box.focus(); return; }"
        " if (tries > 0) setTimeout(() => focus(tries - 1), 100); })(50);</script>",
        unsafe_allow_javascript=True,
    )


def inbox_line(refs: Sequence[str], lang: str, *, open_ref: Callable[[str], None]) -> None:
    """Under the inbox list: J opens the view's first ticket, then the keys work on from there."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="inbox_keys"):
        st.button(
            tr("dash.keys.first", lang),
            key="inbox_key_first",
            icon=ICONS["next"],
            shortcut=KEYS["next"],
            disabled=not refs,
            on_click=open_ref,
            args=(refs[0] if refs else "",),
            type="tertiary",
        )
        st.caption(tr("dash.keys.help", lang, **KEYS))


def toolbar(
    ref: str,
    refs: Sequence[str],
    assigned_to_me: bool,
    lang: str,
    *,
    open_ticket: Callable[[str], None],
    assign_to_me: Callable[[str], None],
) -> None:
    """The four keyed buttons and the line naming their keys."""
    previous, following = neighbour(refs, ref, -1), neighbour(refs, ref, 1)
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="ticket_keys"):
        st.button(
            tr("dash.keys.previous", lang),
            key="ticket_key_previous",
            icon=ICONS["previous"],
            shortcut=KEYS["previous"],
            disabled=previous is None,
            on_click=open_ticket,
            args=(previous or "",),
            type="tertiary",
        )
        st.button(
            tr("dash.keys.next", lang),
            key="ticket_key_next",
            icon=ICONS["next"],
            shortcut=KEYS["next"],
            disabled=following is None,
            on_click=open_ticket,
            args=(following or "",),
            type="tertiary",
        )
        st.button(
            tr("dash.keys.reply", lang),
            key="ticket_key_reply",
            icon=ICONS["reply"],
            shortcut=KEYS["reply"],
            on_click=ask_reply_focus,
            type="tertiary",
        )
        st.button(
            tr("dash.keys.assign", lang),
            key="ticket_key_assign",
            icon=ICONS["assign"],
            shortcut=KEYS["assign"],
            disabled=assigned_to_me,
            on_click=assign_to_me,
            args=(ref,),
            type="tertiary",
        )
    position = list(refs).index(ref) + 1 if ref in refs else None
    where = (
        tr("dash.keys.position", lang, n=position, total=len(refs))
        if position
        else tr("dash.keys.outside", lang)
    )
    st.caption(f"{where} · {tr('dash.keys.help', lang, **KEYS)}")
