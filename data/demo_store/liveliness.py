"""The demo's "today": the tickets waiting on the team at ``now`` look like a small store's
queue on an ordinary day, whatever day the demo is generated.

Left to the simulation alone, the queue at ``now`` depends on the hour and weekday (a Monday
morning holds the weekend) and its SLA mix is mostly breached: the planted late replies are the
tickets that wait longest, so they are most of those still waiting. Here the threads of a few
tickets are moved, never their creation: replies still owed are given (the oldest and the
surplus of late ones) or held back (a reply of the last days not sent yet), until the tickets
waiting on the team (status new or open) are about

    70 % on track, 20 % at risk, 10 % breached,

by the SLA engine's own rules (default policies, the store's business hours), and none of them
was created more than ``MAX_AGE`` ago. A step moves with every later step of its ticket, so a
thread keeps its order and its gaps.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np

from data.demo_store.clock import DAY, MINUTE, NEVER
from data.demo_store.lifecycle import AUTO_CLOSE, BACK, FORGOT, REOPEN, THANKS, Lifecycle
from widget_api.contracts.sla import SlaSettings
from widget_api.domain.sla.engine import calendar_for, clock_for, policy_for

TIMEZONE = "America/Toronto"  # the demo store's
#: The generator's own tickets; the demo's return tickets (seeded after, mostly on track) bring
#: the whole queue to about 70 / 20 / 10.
MIX = {"ok": 0.65, "at_risk": 0.23, "breached": 0.12}
MAX_AGE = 12 * DAY  # the oldest ticket waiting on the team
_LATEST = 10 * DAY  # a forgotten ticket older than this gets its answer
_HOLD_BACK = 4 * DAY  # a reply held back is one to a message of these last days
_EPOCH = datetime(1970, 1, 1)


def _dt(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=int(seconds))


class _Sla:
    """Live state of one owed reply at ``now``, by the engine's rules."""

    def __init__(self, now_s: int):
        self.settings = SlaSettings()
        self.calendar = calendar_for(self.settings, TIMEZONE)
        self.now = _dt(now_s)
        self._targets: dict[tuple[str, str, str], tuple] = {}

    def target(self, channel: str, priority: str, metric: str):
        """(clock, minutes) of the policy that applies."""
        key = (channel, priority, metric)
        if key not in self._targets:
            policy = policy_for(self.settings, channel, priority)
            minutes = getattr(policy.targets, f"{metric}_minutes")
            self._targets[key] = (clock_for(policy, self.calendar), minutes)
        return self._targets[key]

    def state(self, start_s: int, channel: str, priority: str, metric: str) -> str:
        clock, minutes = self.target(channel, priority, metric)
        if not minutes:
            return "ok"
        # Elapsed clock minutes against the target: the engine's due times, compared once.
        taken = clock.minutes(_dt(start_s), self.now)
        if taken >= minutes:
            return "breached"
        return "at_risk" if taken >= minutes * self.settings.at_risk_ratio else "ok"

    def may_be_late(self, start_s: int, channel: str, priority: str, metric: str) -> bool:
        """Whether the wait can be at risk already (business time never runs faster than
        the wall clock): the cheap test before ``state``."""
        _, minutes = self.target(channel, priority, metric)
        ratio = self.settings.at_risk_ratio
        return bool(minutes) and (self.now - _dt(start_s)).total_seconds() >= minutes * ratio * 60


def _next_step(lc: Lifecycle) -> np.ndarray:
    """The agent's step that answers the customer's second message (NEVER if none)."""
    return np.where(lc.shape == THANKS, lc.solve, lc.r2)


def _waiting(lc: Lifecycle, t0: np.ndarray, now_s: int):
    """Tickets new or open at ``now``: (index, start of the wait, metric, the step owed)."""
    first = (t0 <= now_s) & (lc.r1 > now_s)
    nxt = _next_step(lc)
    second = (lc.r1 <= now_s) & (lc.c2 <= now_s) & (nxt > now_s)
    out = [(int(i), int(t0[i]), "first_reply", int(lc.r1[i])) for i in np.flatnonzero(first)]
    out += [(int(i), int(lc.c2[i]), "next_reply", int(nxt[i])) for i in np.flatnonzero(second)]
    return out


def _answered(lc: Lifecycle, t0: np.ndarray, now_s: int):
    """Replies of the last days already given, which could still be owed: same shape."""
    recent = now_s - _HOLD_BACK
    first = (t0 >= recent) & (t0 <= now_s - MINUTE) & (lc.r1 <= now_s)
    nxt = _next_step(lc)
    can = np.isin(lc.shape, [BACK, REOPEN, THANKS])
    second = can & (lc.c2 >= recent) & (t0 >= now_s - MAX_AGE) & (nxt <= now_s)
    out = [(int(i), int(t0[i]), "first_reply", int(lc.r1[i])) for i in np.flatnonzero(first)]
    out += [(int(i), int(lc.c2[i]), "next_reply", int(nxt[i])) for i in np.flatnonzero(second)]
    return out


def _move(lc: Lifecycle, i: int, step_at: int, to: int) -> None:
    """Move the step at ``step_at`` of ticket ``i`` to ``to``, and every later step with it."""
    delta = to - step_at
    for name in ("r1", "n1", "c2", "n2", "handoff", "r2", "solve", "close"):
        column = getattr(lc, name)
        if step_at <= column[i] < NEVER:
            column[i] += delta
    if not lc.auto[i]:  # picked up just before the first reply
        lc.t_assign[i] = min(lc.t_assign[i], max(lc.r1[i] - MINUTE, 0))


def _answer(lc: Lifecycle, rng: np.random.Generator, i: int, start: int, owed: int,
            now_s: int) -> None:  # fmt: skip
    """Give the reply owed by ticket ``i`` a little before ``now`` (after the wait began)."""
    at = max(start + MINUTE, now_s - int(rng.integers(10 * MINUTE, 120 * MINUTE)))
    at = min(at, now_s)
    if owed >= NEVER:  # a forgotten ticket: its answer is the second reply, which solves it
        lc.shape[i] = BACK
        lc.r2[i] = at
        lc.solve[i] = at
        lc.close[i] = at + AUTO_CLOSE
        return
    _move(lc, i, owed, at)


def enliven(
    lc: Lifecycle,
    t0: np.ndarray,
    channel: np.ndarray,
    priority: np.ndarray,
    now_s: int,
    rng: np.random.Generator,
) -> dict[str, int]:
    """Move replies so that the tickets waiting at ``now`` have the mix of ``MIX`` (in place).
    Returns the count of waiting tickets by state."""
    sla = _Sla(now_s)

    def state(item) -> str:
        i, start, metric, _ = item
        return sla.state(start, str(channel[i]), str(priority[i]), metric)

    by_state: dict[str, list] = {"ok": [], "at_risk": [], "breached": []}
    for item in _waiting(lc, t0, now_s):
        i, start, _, owed = item
        if t0[i] < now_s - MAX_AGE or (lc.shape[i] == FORGOT and start < now_s - _LATEST):
            _answer(lc, rng, i, start, owed, now_s)
        else:
            by_state[state(item)].append(item)

    ok = len(by_state["ok"])
    wanted = {s: math.ceil(ok * share / MIX["ok"]) for s, share in MIX.items() if s != "ok"}
    # Too many: the surplus gets its answer (the oldest waits first: a team clears those).
    for name, count in wanted.items():
        items = sorted(by_state[name], key=lambda x: x[1])
        for item in items[: max(len(items) - count, 0)]:
            _answer(lc, rng, item[0], item[1], item[3], now_s)
            by_state[name].remove(item)
    # Too few: replies of the last days that would be late or nearly so now are held back.
    missing = {s: count - len(by_state[s]) for s, count in wanted.items()}
    taken: set[int] = {item[0] for items in by_state.values() for item in items}
    if any(m > 0 for m in missing.values()):
        pool = _answered(lc, t0, now_s)
        for k in rng.permutation(len(pool)):
            if not any(m > 0 for m in missing.values()):
                break
            item = pool[k]
            i, start, metric, _ = item
            if i in taken or not sla.may_be_late(start, str(channel[i]), str(priority[i]), metric):
                continue
            name = state(item)
            if missing.get(name, 0) <= 0:
                continue
            i, _, _, owed = item
            _move(lc, i, owed, now_s + int(rng.integers(20 * MINUTE, 6 * 3600)))
            taken.add(i)
            by_state[name].append(item)
            missing[name] -= 1
    if missing.get("at_risk", 0) > 0:  # a Monday morning: the weekend stopped every clock
        by_state["at_risk"] += _write_back(lc, t0, channel, priority, now_s, rng, sla,
                                           missing["at_risk"], taken)  # fmt: skip
    return {name: len(items) for name, items in by_state.items()}


def _write_back(lc: Lifecycle, t0, channel, priority, now_s: int, rng, sla: _Sla, count: int,
                taken: set[int]) -> list:  # fmt: skip
    """Up to ``count`` tickets answered in the last days whose customer writes back (again)
    early enough that the answer owed is now at risk: their message is placed by bisection on
    the engine's clock, the answer after now. Returns the waits made."""
    answered = np.isin(lc.shape, [BACK, THANKS]) & (lc.r1 <= now_s) & (lc.c2 < NEVER)
    answered &= t0 >= now_s - MAX_AGE
    made = []
    for i in rng.permutation(np.flatnonzero(answered)):
        if len(made) >= count:
            break
        i = int(i)
        if i in taken:
            continue
        clock, minutes = sla.target(str(channel[i]), str(priority[i]), "next_reply")
        if not minutes:
            continue
        wanted = minutes * (sla.settings.at_risk_ratio + 1) / 2  # halfway into "at risk"
        lo, hi = int(lc.r1[i]) + MINUTE, now_s  # minutes(x, now) falls as x rises
        if clock.minutes(_dt(lo), sla.now) < wanted:
            continue
        for _ in range(30):
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if clock.minutes(_dt(mid), sla.now) >= wanted else (lo, mid)
        item = (i, lo, "next_reply", 0)
        if sla.state(lo, str(channel[i]), str(priority[i]), "next_reply") != "at_risk":
            continue
        _move(lc, i, int(lc.c2[i]), lo)
        owed = int(_next_step(lc)[i])
        if owed <= now_s:
            _move(lc, i, owed, now_s + int(rng.integers(20 * MINUTE, 6 * 3600)))
        taken.add(i)
        made.append(item)
    return made
