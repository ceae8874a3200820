"""The life of a return: which state may follow which, and the event each one logs.

requested → approved | rejected; approved → label_issued → in_transit → received → inspected →
refunded | exchanged | credited → closed. Cancelling is possible until the parcel is received.
"""

from __future__ import annotations

from typing import get_args

from widget_api.contracts.events import return_state_event
from widget_api.contracts.returns import ReturnAction
from widget_api.domain.returns.errors import InvalidTransition

TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"approved", "rejected", "cancelled"}),
    "approved": frozenset({"label_issued", "in_transit", "received", "cancelled"}),
    "label_issued": frozenset({"in_transit", "received", "cancelled"}),
    "in_transit": frozenset({"received", "cancelled"}),
    "received": frozenset({"inspected"}),
    "inspected": frozenset({"refunded", "exchanged", "credited", "closed"}),
    "refunded": frozenset({"closed"}),
    "exchanged": frozenset({"closed"}),
    "credited": frozenset({"closed"}),
    "rejected": frozenset(),
    "cancelled": frozenset(),
    "closed": frozenset(),
}
BEFORE_RECEIPT = frozenset({"requested", "approved", "label_issued", "in_transit"})
# A label can be (re)issued once approved and until the parcel is received.
LABEL_STATES = frozenset({"approved", "label_issued", "in_transit"})
RESOLVED_STATE = {"refund": "refunded", "exchange": "exchanged", "store_credit": "credited"}
RESOLVED = frozenset(RESOLVED_STATE.values())
FINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


# Each agent action and the states it leads to (any one of them possible makes it possible).
_ACTION_TARGETS: dict[str, frozenset[str]] = {
    "approve": frozenset({"approved"}),
    "reject": frozenset({"rejected"}),
    "inspect": frozenset({"inspected"}),
    "resolve": RESOLVED,
    "close": frozenset({"closed"}),
    "cancel": frozenset({"cancelled"}),
}


def agent_actions(state: str) -> tuple[str, ...]:
    """What an agent may do with a return in ``state``, from the transitions above (a label
    can be issued again until the parcel arrives)."""
    possible = TRANSITIONS[state]
    allowed = {action for action, targets in _ACTION_TARGETS.items() if targets & possible}
    if state in LABEL_STATES:
        allowed.add("label")
    return tuple(action for action in get_args(ReturnAction) if action in allowed)


def event_name(state: str) -> str:
    return return_state_event(state)


def can(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def check(rma: str, current: str, target: str) -> None:
    """Raise 409 unless ``current`` may move to ``target``."""
    if can(current, target):
        return
    if target == "cancelled" and current not in BEFORE_RECEIPT:
        raise InvalidTransition(
            "returns.error.cancel_after_receipt", rma=rma, state=current, target=target
        )
    raise InvalidTransition("returns.error.transition", rma=rma, state=current, target=target)
