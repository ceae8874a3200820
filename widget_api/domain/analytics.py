"""Reports for the analytics pages, and spike detection for recurring incidents.

Aggregation runs in DuckDB (storage/analytics.py); this module prepares the reference table
(business time from the settings), shapes the answers, and finds the weeks where a problem
jumps above its trailing baseline. SLA figures aggregate the outcomes the SLA worker stores
(domain/sla/engine.py is the one place their rules live).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from widget_api import clock
from widget_api.contracts.sla import SlaSettings
from widget_api.domain.sla.calendar import BusinessCalendar
from widget_api.storage import Database
from widget_api.storage import analytics as sql
from widget_api.storage.analytics import Scope


def _now() -> datetime:
    return clock.utcnow()


def refresh_reference(db: Database, settings: SlaSettings, calendar: BusinessCalendar) -> None:
    """Rebuild business spans (first ticket − 7 days to now + 30 days), which the business-hour
    durations use. SLA compliance does not: it reads the outcomes the SLA engine stored."""
    first, _ = db.read(sql.ticket_range)
    start = (first or _now()) - timedelta(days=7)
    end = _now() + timedelta(days=30)
    spans = list(calendar.spans(start, end))
    db.write(lambda w: sql.replace_business_spans(w, spans))


def ensure_reference(db: Database, settings: SlaSettings, calendar: BusinessCalendar) -> None:
    """Refresh when the spans do not cover the data (new tickets, time passing)."""
    first, last = db.read(sql.span_range)
    tickets_first, _ = db.read(sql.ticket_range)
    if (
        first is None
        or last < _now() + timedelta(days=1)
        or (tickets_first is not None and tickets_first < first)
    ):
        refresh_reference(db, settings, calendar)


def report(db: Database, name: str, scope: Scope) -> object:
    readers = {
        "volume": sql.volume,
        "response_times": sql.response_times,
        "sla": sql.sla_compliance,
        "sla_breakdown": sql.sla_breakdown,
        "backlog": sql.backlog,
        "quality": sql.quality,
        "csat": sql.csat,
        "agents": sql.agents,
        "incidents": lambda cur, s: {
            "weekly_types": sql.weekly_types(cur, s),
            "rates": sql.incident_rates(cur, s),
        },
    }
    return db.read(lambda cur: readers[name](cur, scope))


def drill(db: Database, scope: Scope, filters: dict[str, object], limit: int) -> list[dict]:
    return db.read(lambda cur: sql.drill(cur, scope, filters, limit))


# -- spike detection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Spike:
    dimension: str
    key: str
    problem_type: str
    week: datetime
    count: int
    baseline: float
    ratio: float
    p_value: float


@dataclass(frozen=True)
class SpikeRule:
    min_count: int = 5  # fewer tickets than this is never an incident
    ratio: float = 2.5  # at least this many times the baseline
    # and this unlikely under a Poisson baseline: a report tests thousands of series × weeks
    # (every SKU, carrier and warehouse), so 1e-4 let about one noise week a report through.
    p_value: float = 1e-5
    history: int = 6  # trailing weeks forming the baseline (median)
    warmup: int = 3  # weeks of history needed before judging a week


def detect_spikes(rows: list[dict], weeks: list[datetime], rule: SpikeRule) -> list[Spike]:
    """Weeks whose count jumps well above the series' usual level (missing weeks are 0).

    The usual level is the larger of the trailing median and the series' mean over the other
    weeks, and at least one ticket a week: a sparse series (a SKU with a complaint now and then)
    must not look like an incident because its median is zero."""
    series: dict[tuple[str, str, str], dict[datetime, int]] = {}
    for row in rows:
        key = (row["dimension"], str(row["key"]), row["problem_type"])
        series.setdefault(key, {})[row["week"].replace(tzinfo=None)] = int(row["tickets"])
    found: list[Spike] = []
    for (dimension, key, problem_type), counts in series.items():
        values = [counts.get(week, 0) for week in weeks]
        for i, week in enumerate(weeks):
            if i < rule.warmup or values[i] < rule.min_count:
                continue
            history = values[max(0, i - rule.history) : i]
            others = values[:i] + values[i + 1 :]
            baseline = max(statistics.median(history), statistics.fmean(others), 1.0)
            ratio = values[i] / baseline
            p = _poisson_tail(values[i], baseline)
            if ratio >= rule.ratio and p <= rule.p_value:
                found.append(Spike(dimension, key, problem_type, week, values[i],
                                   round(baseline, 2), round(ratio, 1), p))  # fmt: skip
    return sorted(found, key=lambda s: (s.p_value, -s.count))


def _poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean). scipy is imported here, on the first report, not
    when the server starts (it costs seconds there)."""
    from scipy.stats import poisson

    return float(poisson.sf(count - 1, mean))


def _passes(count: int, baseline: float, rule: SpikeRule) -> bool:
    return (
        count >= rule.min_count
        and count / baseline >= rule.ratio
        and _poisson_tail(count, baseline) <= rule.p_value
    )


def explain_away(
    found: list[Spike], tickets_of: Callable[[Spike], set[int]], rule: SpikeRule
) -> list[Spike]:
    """Keep one alert per cause. A defective SKU also raises its warehouse's count that week,
    a late carrier the count of the warehouses it serves, a 3PL's mix-ups the count of its
    best sellers: the same tickets, seen through another dimension.

    For two spikes of the same problem type and week sharing tickets, the smaller one is part
    of the larger when it does not pass the rule against its baseline scaled by the larger
    one's rise without it. The larger one is an echo when, without the tickets of the smaller
    spikes kept inside it, it no longer passes the rule."""
    ids = {s: tickets_of(s) for s in found}
    by_size = sorted(found, key=lambda s: (s.count, s.dimension, s.key))
    dropped: set[Spike] = set()
    for i, small in enumerate(by_size):
        for large in by_size[i + 1 :]:
            same = (small.problem_type, small.week) == (large.problem_type, large.week)
            shared = ids[small] & ids[large] if same else set()
            if shared:
                rise = max(1.0, (large.count - len(shared)) / large.baseline)
                if not _passes(small.count, small.baseline * rise, rule):
                    dropped.add(small)
                    break
    for j, large in enumerate(by_size):
        inside: set[int] = set()
        for small in by_size[:j]:
            if small not in dropped and (small.problem_type, small.week) == (
                large.problem_type,
                large.week,
            ):
                inside |= ids[small] & ids[large]
        if inside and not _passes(len(ids[large] - inside), large.baseline, rule):
            dropped.add(large)
    return [s for s in found if s not in dropped]


def spikes(db: Database, scope: Scope, rule: SpikeRule | None = None) -> list[Spike]:
    rule = rule or SpikeRule()
    rows = db.read(lambda cur: sql.weekly_by_dimension(cur, scope))
    start = scope.start - timedelta(days=scope.start.weekday())
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = []
    while start < scope.end:
        weeks.append(start)
        start += timedelta(days=7)
    found = detect_spikes(rows, weeks, rule)

    def tickets_of(s: Spike) -> set[int]:
        return set(db.read(lambda cur: sql.weekly_cell_tickets(
            cur, scope, s.dimension, s.key, s.problem_type, s.week)))  # fmt: skip

    return explain_away(found, tickets_of, rule)
