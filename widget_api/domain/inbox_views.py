"""The inbox views as data: which statuses, assignee, snooze, mentions, SLA state and problems
put a ticket in each one. Storage turns a filter into SQL (``storage/ticket_filter.py``); the
list (``GET /api/v1/tickets?view=``) and the live counts (``GET /api/v1/views``) both read these.
"""

from __future__ import annotations

from widget_api.contracts.tickets import View
from widget_api.storage.ticket_filter import ProblemMatch, TicketFilter

OPEN = ("new", "open")
ACTIVE = ("new", "open", "pending", "on_hold")
RESOLVED = ("solved", "closed")

#: Problems that need someone beyond support: an address to change before the parcel leaves,
#: a wrong item from the warehouse, a delivery problem of the third-party warehouse.
EXCEPTIONS = (
    ProblemMatch(("address_change", "wrong_item")),
    ProblemMatch(("delivery_problem",), tag="3pl"),
)

# A snoozed ticket leaves the working views until its time comes; "snoozed" holds it meanwhile.
VIEWS: dict[View, TicketFilter] = {
    "unassigned": TicketFilter(statuses=OPEN, assignee="nobody", snoozed=False),
    "mine": TicketFilter(statuses=ACTIVE, assignee="me", snoozed=False),
    "all_open": TicketFilter(statuses=OPEN, snoozed=False),
    "pending": TicketFilter(statuses=("pending",)),
    "snoozed": TicketFilter(excluded_statuses=RESOLVED, snoozed=True),
    "solved": TicketFilter(statuses=RESOLVED),
    "mentions": TicketFilter(mentions_me=True),
    "sla_at_risk": TicketFilter(sla_states=("at_risk", "breached"), excluded_statuses=RESOLVED),
    "exceptions": TicketFilter(excluded_statuses=RESOLVED, problems=EXCEPTIONS),
    "all": TicketFilter(),
}

#: The tickets the per-channel and per-problem-type counts of the inbox count.
UNRESOLVED = TicketFilter(excluded_statuses=RESOLVED)


def view_filter(name: View | None) -> TicketFilter | None:
    """The filter of a view (None: no view chosen)."""
    return VIEWS[name] if name else None
