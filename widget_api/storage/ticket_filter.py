"""Which tickets to take, as data, and the SQL that takes them.

The domain decides what a filter means (the inbox views are filters:
``widget_api/domain/inbox_views.py``); storage only turns one into a condition on a ticket row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True)
class ProblemMatch:
    """Tickets of one of ``problem_types``, and carrying ``tag`` when one is given."""

    problem_types: tuple[str, ...]
    tag: str | None = None


@dataclass(frozen=True)
class TicketFilter:
    """Conditions that must all hold; an empty field does not filter."""

    statuses: tuple[str, ...] = ()  # the status is one of these
    excluded_statuses: tuple[str, ...] = ()  # the status is none of these
    assignee: Literal["anyone", "nobody", "me"] = "anyone"
    snoozed: bool | None = None  # True: snoozed past now; False: not snoozed now
    mentions_me: bool = False
    sla_states: tuple[str, ...] = ()
    problems: tuple[ProblemMatch, ...] = ()  # matches any one of them


def _in(column: str, values: tuple[str, ...], negate: bool = False) -> str:
    return f"{column} {'NOT IN' if negate else 'IN'} ({', '.join('?' for _ in values)})"


def filter_sql(wanted: TicketFilter, agent_id: int | None, now: datetime) -> tuple[str, list[Any]]:
    """A condition on one ``tickets`` row and its parameters; ``me`` is ``agent_id`` (no agent:
    nobody's), snoozes are judged at ``now``."""
    me = agent_id if agent_id is not None else -1
    clauses: list[str] = []
    params: list[Any] = []
    if wanted.statuses:
        clauses.append(_in("status", wanted.statuses))
        params += wanted.statuses
    if wanted.excluded_statuses:
        clauses.append(_in("status", wanted.excluded_statuses, negate=True))
        params += wanted.excluded_statuses
    if wanted.assignee == "nobody":
        clauses.append("assignee_id IS NULL")
    elif wanted.assignee == "me":
        clauses.append("assignee_id = ?")
        params.append(me)
    if wanted.snoozed is True:
        clauses.append("snoozed_until > ?")
        params.append(now)
    elif wanted.snoozed is False:
        clauses.append("(snoozed_until IS NULL OR snoozed_until <= ?)")
        params.append(now)
    if wanted.mentions_me:
        clauses.append("list_contains(mentions, ?)")
        params.append(me)
    if wanted.sla_states:
        clauses.append(_in("sla_state", wanted.sla_states))
        params += wanted.sla_states
    if wanted.problems:
        ors = []
        for match in wanted.problems:
            ors.append(_in("problem_type", match.problem_types))
            params += match.problem_types
            if match.tag is not None:
                ors[-1] = f"({ors[-1]} AND list_contains(tags, ?))"
                params.append(match.tag)
        clauses.append(f"({' OR '.join(ors)})")
    return " AND ".join(clauses) or "TRUE", params
