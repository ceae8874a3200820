"""Charts are pure functions: a DataFrame in, an Altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

CHART_HEIGHT = 280
DAYS_FR = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
DAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def volume_by_day(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("day:T", title=labels["day"]),
            y=alt.Y("sum(tickets):Q", title=labels["tickets"]),
            color=alt.Color("channel:N", title=labels["channel"]),
            tooltip=["day:T", "channel:N", "tickets:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )


def hour_of_week(df: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.Chart:
    names = DAYS_FR if lang == "fr" else DAYS_EN
    data = df.assign(weekday=df["dow"].map(lambda d: names[int(d) - 1]))
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=labels["hour"]),
            y=alt.Y("weekday:N", sort=names, title=labels["weekday"]),
            color=alt.Color("tickets:Q", title=labels["tickets"], scale=alt.Scale(scheme="blues")),
            tooltip=["weekday:N", "hour:O", "tickets:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )


def response_times(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    long = df.melt(id_vars=["metric"], value_vars=["calendar_median_h", "calendar_p90_h",
                                                   "business_median_h", "business_p90_h"],
                   var_name="measure", value_name="hours")  # fmt: skip
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", title=labels["hours"]),
            y=alt.Y("measure:N", title=None),
            row=alt.Row("metric:N", title=None),
            color=alt.Color("measure:N", legend=None),
            tooltip=["metric:N", "measure:N", alt.Tooltip("hours:Q", format=".1f")],
        )
        .properties(height=110)
    )


def sla_compliance(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "compliance_pct:Q", title=labels["compliance"], scale=alt.Scale(domain=[0, 100])
            ),
            y=alt.Y("policy:N", title=None),
            color=alt.Color("metric:N", title=labels["metric"]),
            yOffset="metric:N",
            tooltip=["policy:N", "metric:N", "tickets:Q", "met:Q", "breached:Q",
                     "compliance_pct:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def backlog(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_area(line=True, opacity=0.3)
        .encode(
            x=alt.X("day:T", title=labels["day"]),
            y=alt.Y("open_tickets:Q", title=labels["open"]),
            tooltip=["day:T", "open_tickets:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )


def csat_trend(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=labels["week"]),
            y=alt.Y("average:Q", title=labels["csat"], scale=alt.Scale(domain=[1, 5])),
            tooltip=["week:T", "average:Q", "responses:Q", "satisfied_pct:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )


def problem_types_by_week(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=labels["week"]),
            y=alt.Y("tickets:Q", title=labels["tickets"]),
            color=alt.Color("problem_type:N", title=labels["problem_type"]),
            tooltip=["week:T", "problem_type:N", "tickets:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )
