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


# -- returns (RMA) -------------------------------------------------------------------------------
RETURN_KIND_COLORS = {"refunded": "#1f77b4", "exchanged": "#17a2b8", "credited": "#f0a202"}
OUTCOME_COLORS = {"restock": "#2e7d32", "second_quality": "#7cb342", "refurbish": "#f0a202",
                  "write_off": "#c62828"}  # fmt: skip


def _palette(df: pd.DataFrame, field: str, colors: dict[str, str]) -> alt.Scale:
    """Fixed colours per code (column ``code``) whatever the language of ``field``."""
    pairs = dict(zip(df[field], df["code"], strict=True))
    return alt.Scale(domain=list(pairs), range=[colors.get(c, "#888888") for c in pairs.values()])


def _numbers(labels: dict[str, str], fmt: str, **axis) -> alt.Axis:
    """A quantitative axis written the language's way ("10 000", "0,5" in French)."""
    decimal, group = labels.get("decimal", "."), labels.get("group", ",")
    text = f"format(datum.value, '{fmt}')"
    if (decimal, group) != (".", ","):
        text = f"replace(replace(replace({text}, /,/g, '_'), /[.]/g, '{decimal}'), /_/g, '{group}')"
    return alt.Axis(labelExpr=text, **axis)


def return_rate_by_sku(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar(color="#1f77b4")
        .encode(
            x=alt.X("return_rate_pct:Q", title=labels["rate"], axis=_numbers(labels, "~r")),
            y=alt.Y("sku:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
            tooltip=["sku:N", alt.Tooltip("units_sold:Q", title=labels["sold"]),
                     alt.Tooltip("units_returned:Q", title=labels["returned"]),
                     alt.Tooltip("return_rate_pct:Q", title=labels["rate"], format=".1f")],
        )
        .properties(height=max(CHART_HEIGHT, 22 * len(df)))
    )  # fmt: skip


def return_rate_by_reason(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar(color="#6f42c1")
        .encode(
            x=alt.X("return_rate_pct:Q", title=labels["rate"], axis=_numbers(labels, "~r")),
            y=alt.Y("reason:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
            tooltip=["reason:N", alt.Tooltip("returns:Q", title=labels["returns"]),
                     alt.Tooltip("units_returned:Q", title=labels["returned"]),
                     alt.Tooltip("units_sold:Q", title=labels["sold"]),
                     alt.Tooltip("return_rate_pct:Q", title=labels["rate"], format=".2f")],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def refund_times(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("days:Q", title=labels["days"], axis=_numbers(labels, "~r")),
            y=alt.Y("span:N", title=None, axis=alt.Axis(labelLimit=220)),
            yOffset="measure:N",
            color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["span:N", "measure:N", alt.Tooltip("hours:Q", format=".1f"),
                     alt.Tooltip("days:Q", format=".2f"), "returns:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def inspection_outcomes(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_arc(innerRadius=60)
        .encode(
            theta=alt.Theta("units:Q"),
            color=alt.Color("outcome:N", title=labels["outcome"],
                            scale=_palette(df, "outcome", OUTCOME_COLORS),
                            legend=alt.Legend(labelLimit=260)),
            tooltip=["outcome:N", alt.Tooltip("units:Q", title=labels["units"]),
                     alt.Tooltip("share_pct:Q", title=labels["share"], format=".1f")],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def refund_value_by_week(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("week_label:O", title=labels["week"], sort=alt.SortField("week"),
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(value):Q", title=labels["value"], axis=_numbers(labels, ",.0f")),
            color=alt.Color("kind:N", title=None, scale=_palette(df, "kind", RETURN_KIND_COLORS),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("week_label:N", title=labels["week"]), "kind:N",
                     alt.Tooltip("value:Q", title=labels["value"], format=",.2f"), "returns:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def exchanges_vs_refunds(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("returns:Q", title=labels["returns"]),
            y=alt.Y("resolution:N", title=None, sort=list(df["resolution"])),
            color=alt.Color("resolution:N", legend=None,
                            scale=_palette(df, "resolution", RETURN_KIND_COLORS)),
            tooltip=["resolution:N", alt.Tooltip("returns:Q", title=labels["returns"]),
                     alt.Tooltip("value:Q", title=labels["value"], format=",.2f")],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip
