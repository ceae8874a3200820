"""Service targets of the warehouse: inspect within 2 business days of receipt, refund within 1
business day of inspection. Business days are Monday to Friday in the store's time zone, less
Québec's statutory holidays."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from widget_api.domain.sla.calendar import BusinessCalendar

INSPECT_WITHIN_DAYS = 2
REFUND_WITHIN_DAYS = 1
_WHOLE_DAY = [(time(0, 0), time.max)]
_DAY_MINUTES = 24 * 60


def business_days(timezone: str, holidays: str = "QC") -> BusinessCalendar:
    return BusinessCalendar(timezone, {day: _WHOLE_DAY for day in range(5)}, holidays)


def due_at(row: dict, calendar: BusinessCalendar) -> datetime | None:
    """When the current state's target falls (naive UTC), or None when it has none."""
    if row["state"] == "received" and row.get("received_at"):
        start, days = row["received_at"], INSPECT_WITHIN_DAYS
    elif row["state"] == "inspected" and row.get("inspected_at"):
        start, days = row["inspected_at"], REFUND_WITHIN_DAYS
    else:
        return None
    start = start.replace(tzinfo=None)
    due = calendar.add(start, days * _DAY_MINUTES)  # days end at 23:59:59.999999: round
    return (due + timedelta(milliseconds=500)).replace(microsecond=0)


def is_overdue(row: dict, calendar: BusinessCalendar, now: datetime) -> bool:
    due = due_at(row, calendar)
    return due is not None and now.replace(tzinfo=None) > due
