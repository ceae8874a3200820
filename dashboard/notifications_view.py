"""The agent knows without watching the inbox: unread notifications (assigned to them, a
customer's answer, an @mention) as a count in the browser tab's title and as desktop
notifications (the browser's Notifications API, permission asked once), polled cheaply by a
fragment in the sidebar."""

from __future__ import annotations

import json

import streamlit as st

from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import tr
from dashboard.safe import md
from dashboard.session import client, guarded, lang, sign_out
from widget_api.contracts.notifications import NotificationSummary

POLL_SECONDS = 8
TICKET_PAGE = "app_pages/ticket.py"

# Keeps "(n) " in front of whatever title Streamlit gives the page, and shows each fresh
# notification once per browser (the tag also merges the same one across tabs).
_SCRIPT = """<script>(() => {
  const w = window, unread = %(unread)s, fresh = %(fresh)s, heading = %(heading)s;
  w.__comptoirUnread = unread;
  const apply = () => {
    const base = document.title.replace(/^\\(\\d+\\) /, "");
    const want = w.__comptoirUnread > 0 ? `(${w.__comptoirUnread}) ${base}` : base;
    if (document.title !== want) document.title = want;
  };
  const title = document.querySelector("title");
  if (title && !w.__comptoirTitleWatch) {
    w.__comptoirTitleWatch = new MutationObserver(apply);
    w.__comptoirTitleWatch.observe(title, {childList: true, characterData: true, subtree: true});
  }
  apply();
  if (!("Notification" in w)) return;
  if (Notification.permission === "default" && !localStorage.getItem("comptoir-notify-asked")) {
    localStorage.setItem("comptoir-notify-asked", "1");
    Notification.requestPermission();
  }
  if (Notification.permission !== "granted") return;
  w.__comptoirShown = w.__comptoirShown || new Set();
  for (const n of fresh) {
    if (w.__comptoirShown.has(n.id)) continue;
    w.__comptoirShown.add(n.id);
    new Notification(heading, {body: n.body, tag: "comptoir-" + n.id});
  }
})();</script>"""


def _script(summary: NotificationSummary, fresh: list[dict], heading: str) -> str:
    return _SCRIPT % {
        "unread": summary.unread,
        "fresh": json.dumps(fresh).replace("<", "\\u003c"),
        "heading": json.dumps(heading).replace("<", "\\u003c"),
    }


def _fresh(summary: NotificationSummary) -> list[dict]:
    """Unread notifications newer than the last poll's (none at the session's first poll: what
    was there before the agent opened the dashboard shows in the count, not as pop-ups)."""
    seen = st.session_state.get("notif_seen_id")
    st.session_state.notif_seen_id = summary.newest_id or 0
    if seen is None:
        return []
    return [{"id": n.id, "body": n.body} for n in reversed(summary.latest) if n.id > seen]


def _open(ref: str) -> None:
    st.session_state.ticket_ref = ref
    st.session_state.notif_open = ref


def _mark_all(through_id: int | None) -> None:
    try:
        client().mark_notifications_read(through_id=through_id)
    except SessionExpired:
        sign_out(tr("dash.session_expired", lang()))
    except ApiError:
        pass  # the next poll shows them again


@st.fragment(run_every=POLL_SECONDS)
@guarded
def live_notifications() -> None:
    """In the sidebar: the unread notifications, and the title/desktop script."""
    here = lang()
    present = st.session_state.get("ticket_present")
    if present and st.session_state.get("notif_read_ref") != present:
        client().mark_notifications_read(ticket_ref=present)  # the agent is on that ticket
        st.session_state.notif_read_ref = present
    summary = client().notification_summary()
    fresh = _fresh(summary)
    st.html(_script(summary, fresh, tr("dash.notif.desktop_title", here)),
            unsafe_allow_javascript=True)  # fmt: skip
    title = tr("dash.notif.title", here)
    if summary.unread:
        title += f" ({summary.unread})"
    with st.expander(title, icon=":material/notifications:", key="sidebar_notifications"):
        if not summary.latest:
            st.caption(tr("dash.notif.none", here))
        for n in summary.latest:
            st.markdown(md(n.body))
            if n.ticket_ref:
                st.button(
                    tr("dash.notif.open", here, ref=n.ticket_ref),
                    key=f"sidebar_notif_open_{n.id}",
                    on_click=_open,
                    args=(n.ticket_ref,),
                    type="tertiary",
                )
        if summary.unread:
            st.button(
                tr("dash.notif.mark_all", here),
                key="sidebar_notif_mark_all",
                on_click=_mark_all,
                args=(summary.newest_id,),
                icon=":material/done_all:",
            )
    if st.session_state.pop("notif_open", None):
        st.switch_page(TICKET_PAGE)
