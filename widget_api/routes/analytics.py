"""Analytics for the dashboard: reports computed in DuckDB, drill-down to the tickets behind a
chart with CSV export, and recurring-incident alerts."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from widget_api import clock
from widget_api.contracts.common import Channel
from widget_api.domain import analytics, store
from widget_api.domain.errors import Invalid
from widget_api.domain.untrusted import ascii_int
from widget_api.openapi_doc import JsonOrCsv
from widget_api.routes.guards import agent_required
from widget_api.routes.params import check_days, limit_param
from widget_api.storage.analytics import DRILL_FILTERS, Scope

ReportName = Literal[
    "volume",
    "response_times",
    "sla",
    "sla_breakdown",
    "backlog",
    "quality",
    "csat",
    "agents",
    "incidents",
]
REPORTS: tuple[str, ...] = ReportName.__args__
_TAGS = ["analytics"]


def _scope(
    state: State,
    start: str | None,
    end: str | None,
    channel: list[Channel] | None,
    imported: bool = True,
) -> Scope:
    tz = store.get(state.db, state.settings).timezone
    try:
        last = date.fromisoformat(end) if end else clock.today(tz)
        check_days(end=last)  # before the arithmetic below
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
        check_days(start=first)
    except ValueError as exc:
        raise Invalid("error.validation", detail="from/to: YYYY-MM-DD") from exc
    if first > last or (last - first).days > 800:
        raise Invalid("error.validation", detail="from/to: a range of 1 to 800 days")
    analytics.ensure_reference(state.db, state.sla.settings, state.sla.calendar)
    return Scope(
        start=datetime.combine(first, time()), end=datetime.combine(last + timedelta(days=1),
        time()), channels=tuple(channel or ()), tz=tz, imported=imported,
    )  # fmt: skip


def _csv(rows: list[dict], name: str) -> Response[str]:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@get("/api/v1/analytics/report/{name:str}", operation_id="AnalyticsReport", tags=_TAGS,
     guards=[agent_required], operation_class=JsonOrCsv, sync_to_thread=True)  # fmt: skip
def analytics_report(
    state: State,
    name: FromPath[ReportName],
    start: FromQuery[str | None] = None,
    end: FromQuery[str | None] = None,
    channel: FromQuery[list[Channel] | None] = None,
    format: FromQuery[Literal["json", "csv"]] = "json",
    section: FromQuery[str | None] = None,
    imported: FromQuery[bool] = True,
) -> Any:
    """One report over a date range (``start``/``end``, YYYY-MM-DD) and channels. With
    ``format=csv`` the rows (of ``section`` for reports made of several tables) as CSV.
    ``imported=false`` leaves out the history imported from another helpdesk."""
    if name not in REPORTS:
        raise Invalid("error.validation", detail=f"report: one of {', '.join(REPORTS)}")
    data = analytics.report(state.db, name, _scope(state, start, end, channel, imported))
    if format != "csv":
        return data
    if isinstance(data, dict):
        # Only a section the report has: its name goes into the file name (a header).
        if section not in data or not isinstance(data[section], list):
            tables = [key for key, value in data.items() if isinstance(value, list)]
            raise Invalid("error.validation", detail=f"section: one of {', '.join(tables)}")
        return _csv(data[section], f"{name}-{section}")
    return _csv(data, name)


@get("/api/v1/analytics/tickets", operation_id="AnalyticsTickets", tags=_TAGS,
     guards=[agent_required], operation_class=JsonOrCsv, sync_to_thread=True)  # fmt: skip
def analytics_tickets(
    state: State,
    request: Request,
    start: FromQuery[str | None] = None,
    end: FromQuery[str | None] = None,
    channel: FromQuery[list[Channel] | None] = None,
    format: FromQuery[Literal["json", "csv"]] = "json",
    limit: Annotated[int, limit_param(50_000)] = 5000,
    imported: FromQuery[bool] = True,
) -> Any:
    """The tickets behind a chart: any of the drill filters (e.g. ``problem_type``, ``week``,
    ``sku``, ``carrier``, ``policy``, ``first_reply_breached``, ``dow`` + ``hour``) as query
    parameters; ``format=csv`` exports the per-ticket rows; ``imported=false`` leaves out
    imported history."""
    scope = _scope(state, start, end, channel, imported)
    filters: dict[str, object] = {}
    for name in DRILL_FILTERS:
        value = request.query_params.get(name)
        if value is None:
            continue
        if name in ("one_touch", "reopened", "first_reply_breached"):
            filters[name] = value.lower() in ("1", "true", "yes")
        elif name in ("dow", "hour", "agent_id"):
            number = ascii_int(value)
            if number is None:
                raise Invalid("error.validation", detail=f"{name}: a number")
            filters[name] = number
        else:
            filters[name] = value
    rows = analytics.drill(state.db, scope, filters, limit)
    return _csv(rows, "tickets") if format == "csv" else rows


@get("/api/v1/analytics/spikes", operation_id="IncidentSpikes", tags=_TAGS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def incident_spikes(
    state: State,
    start: FromQuery[str | None] = None,
    end: FromQuery[str | None] = None,
    channel: FromQuery[list[Channel] | None] = None,
    imported: FromQuery[bool] = True,
) -> list[dict]:
    """Recurring-incident alerts: a problem type, SKU, carrier or warehouse whose weekly count
    jumps well above its trailing baseline. Each names the drill-down filters."""
    scope = _scope(state, start, end or None, channel, imported)
    return [
        {**s.__dict__, "drill": {"problem_type": s.problem_type, "week": s.week.isoformat(),
                                 **({s.dimension: s.key} if s.dimension != "problem_type"
                                    else {})}}
        for s in analytics.spikes(state.db, scope)
    ]  # fmt: skip


HANDLERS = [analytics_report, analytics_tickets, incident_spikes]
