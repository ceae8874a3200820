"""The inbox's logic, free of Streamlit: views and their filters, table rows, selection by ref,
the keyset-cursor stack, and the checks behind the bulk actions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.channel_icons import channel_icon
from dashboard.i18n import ago, label, person, tr
from widget_api.contracts.inbox import ViewCounts
from widget_api.contracts.tickets import TicketSummary

# The saved views, in the order the left column lists them.
VIEWS = (
    "unassigned",
    "mine",
    "all_open",
    "pending",
    "snoozed",
    "mentions",
    "sla_at_risk",
    "exceptions",
    "solved",
)
VIEW_ICONS = {
    "unassigned": ":material/inbox:",
    "mine": ":material/person:",
    "all_open": ":material/all_inbox:",
    "pending": ":material/hourglass_top:",
    "snoozed": ":material/snooze:",
    "mentions": ":material/alternate_email:",
    "sla_at_risk": ":material/timer:",
    "exceptions": ":material/report:",
    "solved": ":material/task_alt:",
}
DEFAULT_VIEW = "view:all_open"
SORTS = ("waiting", "newest", "priority", "updated")
ACTIVE_STATUSES = ["new", "open", "pending", "on_hold"]
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
PAGE_SIZE = 25

# Colours of the labels in the table (Streamlit's theme colour names work as CSS colours too).
STATUS_COLORS = {
    "new": "#1c7ed6",
    "open": "#e8590c",
    "pending": "#7950f2",
    "on_hold": "#868e96",
    "solved": "#2b8a3e",
    "closed": "#495057",
}
PRIORITY_COLORS = {"low": "#adb5bd", "normal": "#74c0fc", "high": "#ff922b", "urgent": "#e03131"}
SLA_STATES = ("ok", "at_risk", "breached")
SLA_COLORS = {"ok": "#2b8a3e", "at_risk": "#f08c00", "breached": "#e03131"}
COLUMNS = (
    "ref",
    "subject",
    "customer",
    "status",
    "priority",
    "channel",
    "problem_type",
    "assignee",
    "waiting",
    "sla",
)


@dataclass(frozen=True)
class NavEntry:
    """One line of the views column: ``choice`` is "view:mine", "channel:amazon" or
    "ptype:wrong_item"; ``group`` is views, channels or types."""

    choice: str
    group: str
    name: str
    count: int


def filters_for(choice: str) -> dict:
    """The ``GET /api/v1/tickets`` filters of a view choice.

    Channel and problem-type entries count active tickets (the API's ``by_channel`` and
    ``by_problem_type``), so their lists keep to the same statuses.
    """
    kind, _, value = choice.partition(":")
    if kind == "view" and value:
        return {"view": value}
    if kind == "channel" and value:
        return {"channel": [value], "status": list(ACTIVE_STATUSES)}
    if kind == "ptype" and value:
        return {"problem_type": value, "status": list(ACTIVE_STATUSES)}
    raise ValueError(f"unknown inbox view {choice!r}")


def nav_entries(counts: ViewCounts) -> list[NavEntry]:
    """Saved views first, then channels and problem types with open tickets, busiest first.

    Untyped tickets have no ``problem_type`` filter, so they have no entry of their own.
    """
    entries = [NavEntry(f"view:{v}", "views", v, counts.views.get(v, 0)) for v in VIEWS]
    entries += [
        NavEntry(f"channel:{name}", "channels", name, n)
        for name, n in counts.by_channel.items()
        if n
    ]
    entries += [
        NavEntry(f"ptype:{name}", "types", name, n)
        for name, n in counts.by_problem_type.items()
        if n and name != "untyped"
    ]
    return entries


def entry_icon(entry: NavEntry) -> str | None:
    """A view's icon, or the channel's (SMS, WhatsApp, Messenger, Instagram… each its own)."""
    if entry.group == "channels":
        return channel_icon(entry.name)
    return VIEW_ICONS.get(entry.name)


def choice_title(choice: str, lang: str) -> str:
    kind, _, value = choice.partition(":")
    if kind == "view":
        return tr(f"dash.view.{value}", lang)
    if kind == "channel":
        return label("channel", value, lang)
    return label("ptype", value, lang)


def waiting_since(ticket: TicketSummary) -> datetime:
    """When the customer started waiting: their last message, else the ticket's creation."""
    return ticket.last_customer_message_at or ticket.created_at


def rows(
    items: Sequence[TicketSummary],
    lang: str,
    *,
    sort: str = "waiting",
    now: datetime | None = None,
) -> pd.DataFrame:
    """One row per ticket, columns named by ``COLUMNS`` (labels come from the column config).

    Status, priority and SLA state are one-item lists so that the table draws them as coloured
    labels.
    The time column follows the sort: "updated" shows the last update, otherwise the wait.
    """
    data = [
        {
            "ref": t.ref,
            "subject": t.subject,
            "customer": person(t.customer.name, t.customer.email, lang),
            "status": [label("status", t.status, lang)],
            "priority": [label("priority", t.priority, lang)],
            "channel": label("channel", t.channel, lang),
            "problem_type": label("ptype", t.problem_type, lang),
            "assignee": t.assignee_name or "—",
            "waiting": ago(t.updated_at if sort == "updated" else waiting_since(t), lang, now),
            "sla": [label("sla", t.sla_state, lang)] if t.sla_state else [],
        }
        for t in items
    ]
    return pd.DataFrame(data, columns=list(COLUMNS))


def table_key(choice: str, refs: Sequence[str]) -> str:
    """A key that changes whenever the rows or their order change.

    Streamlit remembers a table's selection as row positions, so a refreshed list with a new
    ticket on top would shift the selection onto other tickets; a new key starts a new table
    whose default selection is rebuilt from the selected refs.
    """
    digest = hashlib.blake2s(f"{choice}|{','.join(refs)}".encode(), digest_size=6).hexdigest()
    return f"inbox_table_{digest}"


def positions(selected: Iterable[str], refs: Sequence[str]) -> list[int]:
    """Row positions of the selected refs that are still listed."""
    wanted = set(selected)
    return [i for i, ref in enumerate(refs) if ref in wanted]


def selected_refs(rows_picked: Iterable[int], refs: Sequence[str]) -> list[str]:
    return [refs[i] for i in sorted(set(rows_picked)) if 0 <= i < len(refs)]


# -- the keyset-cursor stack --
def current_cursor(stack: Sequence[str]) -> str | None:
    """The cursor of the page shown: the last one pushed (none on the first page)."""
    return stack[-1] if stack else None


def page_range(stack: Sequence[str], shown: int, page_size: int = PAGE_SIZE) -> tuple[int, int]:
    """First and last positions (1-based) of the rows shown, for "26–50 of 112"."""
    first = len(stack) * page_size + 1
    return (first, first + shown - 1) if shown else (0, 0)


# -- bulk actions --
def parse_tags(text: str) -> list[str]:
    """Tags typed as "vip, vague-froid  retour": commas or spaces separate them."""
    seen: list[str] = []
    for part in text.replace(",", " ").split():
        tag = part.strip().lower().lstrip("#")
        if tag and tag not in seen:
            seen.append(tag)
    return seen
