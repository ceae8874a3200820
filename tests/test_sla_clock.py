"""SLA clocks on hand-built cases: business hours with a split shift, weekends, Québec
holidays, pauses while waiting on the customer, and calendar-hour marketplaces."""

from __future__ import annotations

from datetime import datetime

import pytest

from widget_api.contracts.sla import SlaSettings
from widget_api.domain.sla.calendar import AlwaysOpen, due, elapsed
from widget_api.domain.sla.engine import Timeline, calendar_for, current, outcomes

SETTINGS = SlaSettings()  # Mon–Fri 8:30–12:00 and 13:00–17:30, Québec holidays
CAL = calendar_for(SETTINGS, "America/Toronto")
STANDARD = 8 * 60  # the standard policy's first-reply target, business minutes


@pytest.mark.parametrize(
    ("case", "created_utc", "expected_due_utc"),
    [
        # Mon 9:00 EST: 450 min today (lunch excluded), 30 more on Tuesday → Tue 9:00 EST.
        ("same week", datetime(2026, 11, 23, 14, 0), datetime(2026, 11, 24, 14, 0)),
        # Fri 16:00 EST: 90 min Friday, weekend closed, 390 on Monday → Mon 16:00 EST.
        ("over a weekend", datetime(2026, 11, 27, 21, 0), datetime(2026, 11, 30, 21, 0)),
        # Tue 23 June 17:00 EDT: 30 min, Wed 24 June (Fête nationale) closed, 450 on Thursday
        # (210 before lunch, 240 after) → Thu 17:00 EDT.
        ("over a holiday", datetime(2026, 6, 23, 21, 0), datetime(2026, 6, 25, 21, 0)),
        # Sat 10:00: nothing counts until Monday 8:30; a full day is 480 min → Mon 17:30 EST.
        ("created while closed", datetime(2026, 11, 28, 15, 0), datetime(2026, 11, 30, 22, 30)),
    ],
)
def test_business_hours_due_time(case, created_utc, expected_due_utc):
    assert CAL.add(created_utc, STANDARD) == expected_due_utc, case
    assert CAL.minutes(created_utc, expected_due_utc) == STANDARD


def test_lunch_break_is_not_business_time():
    # 11:30 to 13:30 EST on a Monday: 30 minutes before lunch and 30 after.
    assert CAL.minutes(datetime(2026, 11, 23, 16, 30), datetime(2026, 11, 23, 18, 30)) == 60


def test_pause_moves_the_due_time_by_its_length():
    clock = AlwaysOpen()
    start = datetime(2026, 11, 23, 10, 0)
    pause = (datetime(2026, 11, 23, 10, 20), datetime(2026, 11, 23, 10, 50))
    assert due(clock, start, 60, [pause]) == datetime(2026, 11, 23, 11, 30)
    assert elapsed(clock, start, datetime(2026, 11, 23, 11, 30), [pause]) == 60


def test_marketplace_messages_run_on_calendar_hours_every_day():
    saturday = datetime(2026, 11, 28, 10, 0)
    timeline = Timeline(created_at=saturday, channel="amazon", priority="normal")
    state = current(timeline, SETTINGS, CAL, now=datetime(2026, 11, 28, 12, 0))
    assert state.policy.startswith("Marketplaces")
    assert (state.metric, state.due_at, state.state) == (
        "first_reply",
        datetime(2026, 11, 29, 10, 0),
        "ok",
    )
    late = current(timeline, SETTINGS, CAL, now=datetime(2026, 11, 29, 4, 0))
    assert late.state == "at_risk"  # 18 of 24 hours used
    assert current(timeline, SETTINGS, CAL, now=datetime(2026, 11, 29, 10, 0)).state == "breached"


def test_next_reply_runs_from_the_oldest_unanswered_customer_message():
    t0 = datetime(2026, 11, 23, 14, 0)  # Monday 9:00 EST
    timeline = Timeline(
        created_at=t0, channel="email", priority="normal",
        inbound=[t0, datetime(2026, 11, 23, 16, 0), datetime(2026, 11, 23, 16, 30)],
        replies=[datetime(2026, 11, 23, 15, 0)],
        statuses=[(t0, "new"), (datetime(2026, 11, 23, 15, 0), "pending"),
                  (datetime(2026, 11, 23, 16, 0), "open")],
    )  # fmt: skip
    state = current(timeline, SETTINGS, CAL, now=datetime(2026, 11, 23, 17, 0))
    assert state.metric == "next_reply"
    assert state.due_at == CAL.add(datetime(2026, 11, 23, 16, 0), 8 * 60)


def test_resolution_clock_pauses_while_waiting_on_the_customer():
    t0 = datetime(2026, 11, 23, 14, 0)  # Monday 9:00 EST; chat: 8 business hours to resolve
    timeline = Timeline(
        created_at=t0, channel="chat", priority="normal", inbound=[t0],
        replies=[datetime(2026, 11, 23, 14, 5)],
        statuses=[(t0, "new"), (datetime(2026, 11, 23, 14, 5), "pending"),
                  (datetime(2026, 11, 23, 16, 5), "open")],
    )  # fmt: skip
    waiting = Timeline(**{**timeline.__dict__, "statuses": timeline.statuses[:2]})
    assert current(waiting, SETTINGS, CAL, now=datetime(2026, 11, 23, 15, 0)).state == "paused"
    state = current(timeline, SETTINGS, CAL, now=datetime(2026, 11, 23, 17, 0))
    # 2 hours waited on the customer are added: Mon 9:00 + 8 h + 2 h of business time.
    assert state.metric == "resolution"
    assert state.due_at == CAL.add(t0, 10 * 60)


def test_outcomes_measure_each_metric_on_a_hand_computed_ticket():
    t0 = datetime(2026, 11, 27, 21, 0)  # Friday 16:00 EST, e-mail (8 business hours)
    reply = datetime(2026, 11, 30, 22, 0)  # Monday 17:00 EST: 90 + 210 + 240 = 540 minutes
    follow_up = datetime(2026, 12, 1, 14, 0)  # Tuesday 9:00
    second = datetime(2026, 12, 1, 15, 0)  # Tuesday 10:00: 60 min
    solved = datetime(2026, 12, 1, 16, 0)
    timeline = Timeline(
        created_at=t0, channel="email", priority="normal", inbound=[t0, follow_up],
        replies=[reply, second],
        statuses=[(t0, "new"), (reply, "pending"), (follow_up, "open"), (second, "solved")],
    )  # fmt: skip
    found = {o.metric: o for o in outcomes(timeline, SETTINGS, CAL, now=solved)}
    assert found["first_reply"].minutes == 540 and found["first_reply"].breached
    assert found["next_reply"].minutes == 60 and not found["next_reply"].breached
    # Resolution: Fri 16:00 → Tue 10:00 is 90 + 480 + 90 minutes, less the pending span
    # (Mon 17:00 → Tue 9:00: 30 + 30 business minutes).
    assert found["resolution"].minutes == 90 + 480 + 90 - 60
    assert not found["resolution"].breached  # 600 min < 24 business hours
