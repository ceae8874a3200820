"""What the ticket workspace shows besides the ticket itself: each SLA target's state with its
due time, and whether a public reply can reach the customer at all (an e-mail ticket with no
outgoing mailbox, an SMS ticket without Twilio or whose number sent STOP, a chat whose anonymous
visitor has left)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from widget_api.contracts.tickets import SlaTarget
from widget_api.storage.sla_outcomes import OutcomeRow

_ORDER = ("first_reply", "next_reply", "resolution")


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def sla_targets(
    rows: Sequence[OutcomeRow], live_state: str | None, live_due: datetime | None, now: datetime
) -> list[SlaTarget]:
    """The latest outcome of each target, judged as of ``now``. The stored rows say pending
    until the worker's next pass; a pending target past due reads breached, and the live target
    (the ticket's own due time) is at risk when the ticket's SLA state says so."""
    latest: dict[str, OutcomeRow] = {}
    for row in rows:  # ordered by start: the last of a kind is the current one
        latest[row.target] = row
    found = []
    for target in _ORDER:
        row = latest.get(target)
        if row is None:
            continue
        due_at, met_at = _aware(row.due_at), _aware(row.met_at)
        state = row.state
        if state == "pending":
            if due_at is not None and due_at <= now:
                state = "breached"
            elif live_state == "at_risk" and due_at is not None and due_at == _aware(live_due):
                state = "at_risk"
            else:
                state = "on_track"
        if state not in ("on_track", "at_risk", "breached", "met", "paused"):
            continue
        found.append(SlaTarget(target=target, state=state, due_at=due_at, met_at=met_at))
    return found


def reply_issue(
    channel: str,
    has_mailbox: bool,
    sms_ready: bool,
    identities: Sequence[dict],
    *,
    visitor_email: str | None = None,
    visitor_connected: bool = True,
) -> str | None:
    """Why a public reply cannot reach the customer now, or None when it can. An anonymous chat
    visitor (no e-mail) is reached only while the widget is open on their page."""
    if channel == "email" and not has_mailbox:
        return "no_mailbox"
    if channel == "chat" and not visitor_email and not visitor_connected:
        return "chat_visitor_left"
    if channel == "sms":
        if not sms_ready:
            return "sms_not_configured"
        if any(i.get("opted_out_at") for i in identities):
            return "sms_opted_out"
    return None
