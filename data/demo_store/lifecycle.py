"""How each demo ticket unfolds: who picks it up, when the agent answers, whether the customer
writes back, when it is solved and closed. Every step has a time; steps later than ``now`` have
not happened yet, which is what leaves the last days full of new, open and pending tickets.

Thread shapes (status after each step in brackets):

- ``ONE``: question [new], answer and solve [solved]
- ``QUIET``: question, answer [pending], no reply: the system solves it 96 h later
- ``BACK``: question, answer [pending], customer reply [open], second answer [solved]
- ``THANKS``: question, answer [pending], "merci!" [open], agent solves without a message
- ``HOLD``: question, answer [on_hold] + internal note, answer after the 3PL/carrier check [solved]
- ``FORGOT``/``HOLD_STALE``: like BACK/HOLD but the last step never comes (a backlog of the
  last days: older ones are drawn as BACK/HOLD)
- ``REOPEN``: question, answer and solve [solved], the customer writes back that it is not
  fixed [open, a reopen], second answer [solved]

Solved tickets close 96 h after they were solved.

First replies take 0.5–4 business hours (minutes on chat); tickets that arrive at night or on a
weekend wait for the next business morning; Amazon always gets an answer within 24 h; about
6 % of first replies are planted SLA breaches of more than 24 business hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo_store.clock import HOUR, MINUTE, NEVER, business_add
from data.demo_store.people import DEMO_AGENTS

ONE, QUIET, BACK, THANKS, HOLD, FORGOT, HOLD_STALE, REOPEN = range(8)
KEVIN = 3  # handles the marketplaces
HOLD_TYPES = ("delivery_problem", "wrong_item", "defective_product", "refund_status")
NEVER_REOPENED = ("product_question", "other")
AUTO_CLOSE = 96 * HOUR
AUTO_SOLVE = 96 * HOUR
BREACH_SHARE = 0.065
STALE_AFTER = 9 * 86_400  # the oldest a forgotten ticket of the backlog is at ``now``

# Message slots of a thread, in the order they happen.
M_FIRST, M_REPLY1, M_NOTE1, M_CUSTOMER2, M_NOTE2, M_REPLY2 = range(6)


@dataclass
class Lifecycle:
    """Per-ticket step times (int64 seconds, ``NEVER`` when the step is not in the thread)."""

    shape: np.ndarray
    a1: np.ndarray  # agent index (DEMO_AGENTS) who answers first
    a2: np.ndarray  # agent who gives the second answer (differs after a hand-off)
    colleague: np.ndarray  # the agent mentioned in notes
    auto: np.ndarray  # assigned by a routing rule at creation
    t_assign: np.ndarray
    r1: np.ndarray
    n1: np.ndarray
    c2: np.ndarray
    n2: np.ndarray
    handoff: np.ndarray
    r2: np.ndarray
    solve: np.ndarray
    solve_by_system: np.ndarray
    close: np.ndarray
    breach: np.ndarray

    @property
    def resolution(self) -> np.ndarray:
        """When the agent's fix went out (cancelled, reshipped, refunded...), or NEVER."""
        resolved_at_r1 = np.isin(self.shape, [ONE, QUIET, THANKS])
        resolved_at_r2 = np.isin(self.shape, [BACK, HOLD, REOPEN])
        return np.where(resolved_at_r1, self.r1, np.where(resolved_at_r2, self.r2, NEVER))


def _lognormal_hours(rng, n, median, sigma, lo, hi) -> np.ndarray:
    hours = median * np.exp(sigma * rng.standard_normal(n))
    return (np.clip(hours, lo, hi) * HOUR).astype(np.int64)


def _by_channel(rng, channel: np.ndarray, params: dict[str, tuple[float, ...]]) -> np.ndarray:
    out = np.empty(len(channel), dtype=np.int64)
    for ch in sorted(params):
        rows = np.flatnonzero(channel == ch)
        out[rows] = _lognormal_hours(rng, len(rows), *params[ch])
    return out


_FIRST_REPLY = {  # business hours: median, sigma, min, max
    "chat": (0.08, 0.8, 0.01, 1.0),
    "email": (1.3, 0.7, 0.25, 4.5),
    "web": (1.3, 0.7, 0.25, 4.5),
    "sms": (0.9, 0.7, 0.1, 4.0),
    "instagram": (0.9, 0.7, 0.1, 4.0),
    "amazon": (1.2, 0.7, 0.25, 4.0),
    "etsy": (1.2, 0.7, 0.25, 4.0),
}
_NEXT_REPLY = {ch: ((0.05, 0.7, 0.005, 0.5) if ch == "chat" else (1.0, 0.8, 0.05, 6.0))
               for ch in _FIRST_REPLY}  # fmt: skip
_CUSTOMER_LAG = {  # wall-clock hours
    "chat": (0.05, 0.5, 0.008, 0.14),
    "sms": (0.5, 1.0, 0.03, 24.0),
    "instagram": (0.5, 1.0, 0.03, 24.0),
    "email": (8.0, 1.1, 0.17, 96.0),
    "web": (8.0, 1.1, 0.17, 96.0),
    "amazon": (9.0, 1.0, 0.17, 96.0),
    "etsy": (9.0, 1.0, 0.17, 96.0),
}


def _shape_probabilities(ptype: np.ndarray, channel: np.ndarray, is_3pl: np.ndarray) -> np.ndarray:
    n = len(ptype)
    p = np.tile(np.array([0.30, 0.22, 0.28, 0.15, 0.0, 0.015, 0.0, 0.04]), (n, 1))
    can_hold = np.isin(ptype, HOLD_TYPES)
    p[can_hold, HOLD] = np.where(is_3pl[can_hold] & (ptype[can_hold] == "wrong_item"), 0.3, 0.14)
    p[can_hold, HOLD_STALE] = 0.012
    other = ptype == "other"
    p[other] = [0.7, 0.05, 0.08, 0.17, 0.0, 0.0, 0.0, 0.0]
    p[np.isin(ptype, NEVER_REOPENED), REOPEN] = 0.0  # an answered question stays answered
    market = np.isin(channel, ["amazon", "etsy"])
    p[market, ONE] += 0.2
    return p / p.sum(axis=1, keepdims=True)


def simulate(
    rng: np.random.Generator,
    t0: np.ndarray,
    channel: np.ndarray,
    ptype: np.ndarray,
    language: np.ndarray,
    is_3pl: np.ndarray,
    now_s: int | None = None,
) -> Lifecycle:
    n = len(t0)
    never = np.full(n, NEVER, dtype=np.int64)

    cum = _shape_probabilities(ptype, channel, is_3pl).cumsum(axis=1)
    shape = (rng.random(n)[:, None] > cum).sum(axis=1)
    if now_s is not None:
        # A forgotten ticket gets noticed within days: older ones were answered after all.
        old = t0 < now_s - STALE_AFTER
        shape[old & (shape == FORGOT)] = BACK
        shape[old & (shape == HOLD_STALE)] = HOLD

    # Who takes the ticket: by language, the marketplaces go to Kevin by a routing rule.
    weights = np.array([[a.weight_fr for a in DEMO_AGENTS], [a.weight_en for a in DEMO_AGENTS]])
    cum_w = (weights / weights.sum(axis=1, keepdims=True)).cumsum(axis=1)
    lang_row = (language == "en").astype(int)
    a1 = (rng.random(n)[:, None] > cum_w[lang_row]).sum(axis=1)
    market = np.isin(channel, ["amazon", "etsy"])
    a1[market & (rng.random(n) < 0.75)] = KEVIN
    auto = market | (rng.random(n) < 0.12)
    colleague = (a1 + rng.integers(1, len(DEMO_AGENTS), n)) % len(DEMO_AGENTS)

    # First reply, in business time; breaches and the Amazon 24-hour rule.
    d1 = _by_channel(rng, channel, _FIRST_REPLY)
    breach = (rng.random(n) < BREACH_SHARE) & (channel != "amazon")
    d1[breach] = (rng.uniform(24.5, 44.0, int(breach.sum())) * HOUR).astype(np.int64)
    r1 = business_add(t0, d1)
    amazon = channel == "amazon"
    r1[amazon] = np.minimum(
        r1[amazon], t0[amazon] + rng.integers(90 * MINUTE, 22 * HOUR, int(amazon.sum()))
    )
    t_assign = np.where(auto, t0, np.maximum(t0 + 1, r1 - rng.integers(MINUTE, 20 * MINUTE, n)))

    # The customer writes back (BACK, THANKS, FORGOT; REOPEN after the solve, before the
    # ticket closes).
    customer_back = np.isin(shape, [BACK, THANKS, FORGOT, REOPEN])
    c2 = np.where(
        customer_back, r1 + np.maximum(_by_channel(rng, channel, _CUSTOMER_LAG), 30), never
    )
    reopen = shape == REOPEN
    c2[reopen] = np.minimum(c2[reopen], r1[reopen] + AUTO_CLOSE - HOUR)
    # Second answer (BACK after the reply, HOLD after the check).
    n1 = np.where(
        np.isin(shape, [HOLD, HOLD_STALE]), r1 + rng.integers(MINUTE, 20 * MINUTE, n), never
    )
    d2 = np.maximum(_by_channel(rng, channel, _NEXT_REPLY), 30)
    hold_wait = (rng.uniform(6.0, 30.0, n) * HOUR).astype(np.int64)
    r2 = never.copy()
    back = shape == BACK
    r2[back] = business_add(c2[back], d2[back])
    r2[reopen] = business_add(c2[reopen], d2[reopen])
    hold = shape == HOLD
    r2[hold] = business_add(n1[hold], hold_wait[hold])

    span = np.where(back, r2 - c2, 0)
    n2 = np.where(
        back & (rng.random(n) < 0.12),
        c2 + (span * rng.uniform(0.1, 0.5, n)).astype(np.int64),
        never,
    )
    handoff_mask = back & (rng.random(n) < 0.07)
    handoff = np.where(
        handoff_mask, c2 + (span * rng.uniform(0.6, 0.95, n)).astype(np.int64), never
    )
    a2 = np.where(handoff_mask, colleague, a1)

    solve = never.copy()
    solve_by_system = shape == QUIET
    solve[shape == ONE] = r1[shape == ONE]
    solve[shape == QUIET] = r1[shape == QUIET] + AUTO_SOLVE
    solve[back | hold | reopen] = r2[back | hold | reopen]
    thanks = shape == THANKS
    solve[thanks] = business_add(
        c2[thanks], rng.integers(2 * MINUTE, 90 * MINUTE, int(thanks.sum()))
    )
    close = np.where(solve < NEVER, solve + AUTO_CLOSE, never)
    return Lifecycle(
        shape=shape,
        a1=a1,
        a2=a2,
        colleague=colleague,
        auto=auto,
        t_assign=t_assign,
        r1=r1,
        n1=n1,
        c2=c2,
        n2=n2,
        handoff=handoff,
        r2=r2,
        solve=solve,
        solve_by_system=solve_by_system,
        close=close,
        breach=breach,
    )


@dataclass
class Steps:
    """Flat arrays of the messages or events of every ticket, up to ``now``."""

    ticket: np.ndarray
    at: np.ndarray
    seq: np.ndarray
    what: np.ndarray  # message slot, or event code
    agent: np.ndarray  # agent index or -1
    before: np.ndarray  # status / assignee code or -1
    after: np.ndarray


def messages(lc: Lifecycle, t0: np.ndarray, now_s: int) -> Steps:
    """Every message that exists at ``now``, by slot (M_FIRST ... M_REPLY2)."""
    n = len(t0)
    cols = (
        (M_FIRST, t0, np.full(n, -1)),
        (M_REPLY1, lc.r1, lc.a1),
        (M_NOTE1, lc.n1, lc.a1),
        (M_CUSTOMER2, lc.c2, np.full(n, -1)),
        (M_NOTE2, lc.n2, lc.a1),
        (M_REPLY2, lc.r2, lc.a2),
    )
    return _stack(cols, now_s, seq_of_slot=(1, 4, 6, 7, 9, 11))


# Event codes and the statuses they move between.
E_CREATED, E_MESSAGE, E_ASSIGNED, E_STATUS = range(4)
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
S_NEW, S_OPEN, S_PENDING, S_ON_HOLD, S_SOLVED, S_CLOSED = range(6)


def status_changes(lc: Lifecycle, now_s: int) -> Steps:
    """Every ticket.status_changed up to ``now``; ``agent`` is -1 for customer, -2 for system."""
    n = len(lc.shape)
    shape = lc.shape
    idx = np.arange(n)
    rows: list[tuple] = []

    def add(mask, at, before, after, agent, seq):
        sel = np.flatnonzero(mask)
        rows.append(
            (
                idx[sel],
                at[sel],
                np.full(len(sel), seq),
                np.full(len(sel), E_STATUS),
                np.broadcast_to(agent, (n,))[sel],
                np.broadcast_to(before, (n,))[sel],
                np.broadcast_to(after, (n,))[sel],
            )
        )

    hold_like = np.isin(shape, [HOLD, HOLD_STALE])
    solved_at_r1 = np.isin(shape, [ONE, REOPEN])
    after_r1 = np.where(solved_at_r1, S_SOLVED, np.where(hold_like, S_ON_HOLD, S_PENDING))
    add(np.ones(n, bool), lc.r1, S_NEW, after_r1, lc.a1, 5)
    before_c2 = np.where(shape == REOPEN, S_SOLVED, S_PENDING)
    add(lc.c2 < NEVER, lc.c2, before_c2, S_OPEN, -1, 8)
    add(np.isin(shape, [BACK, REOPEN]), lc.r2, S_OPEN, S_SOLVED, lc.a2, 12)
    add(shape == HOLD, lc.r2, S_ON_HOLD, S_SOLVED, lc.a1, 12)
    add(shape == THANKS, lc.solve, S_OPEN, S_SOLVED, lc.a1, 13)
    add(shape == QUIET, lc.solve, S_PENDING, S_SOLVED, -2, 13)
    add(lc.close < NEVER, lc.close, S_SOLVED, S_CLOSED, -2, 14)
    return _concat(rows, now_s)


def assignments(lc: Lifecycle, now_s: int) -> Steps:
    """Every ticket.assigned up to ``now``: by rule at creation, by the agent when they pick
    the ticket up, and hand-offs. ``agent`` is the actor (-2 for the routing rule)."""
    n = len(lc.shape)
    idx = np.arange(n)
    rows = []
    for mask, at, actor, before, after, seq in (
        (lc.auto, lc.t_assign, np.full(n, -2), np.full(n, -1), lc.a1, 2),
        (~lc.auto, lc.t_assign, lc.a1, np.full(n, -1), lc.a1, 3),
        (lc.handoff < NEVER, lc.handoff, lc.a1, lc.a1, lc.a2, 10),
    ):
        sel = np.flatnonzero(mask)
        rows.append(
            (
                idx[sel],
                at[sel],
                np.full(len(sel), seq),
                np.full(len(sel), E_ASSIGNED),
                actor[sel],
                before[sel],
                after[sel],
            )
        )
    return _concat(rows, now_s)


def _stack(cols, now_s: int, seq_of_slot) -> Steps:
    rows = []
    for (slot, at, agent), seq in zip(cols, seq_of_slot, strict=True):
        sel = np.flatnonzero(at <= now_s)
        rows.append(
            (
                sel,
                at[sel],
                np.full(len(sel), seq),
                np.full(len(sel), slot),
                agent[sel],
                np.full(len(sel), -1),
                np.full(len(sel), -1),
            )
        )
    return _concat(rows, now_s)


def _concat(rows, now_s: int) -> Steps:
    parts = [np.concatenate([r[k] for r in rows]).astype(np.int64) for k in range(7)]
    keep = parts[1] <= now_s
    ticket, at, seq, what, agent, before, after = (p[keep] for p in parts)
    order = np.lexsort((seq, ticket))  # by ticket, then by step
    return Steps(*(p[order] for p in (ticket, at, seq, what, agent, before, after)))
