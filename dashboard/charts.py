"""Charts are pure functions: a DataFrame in, an Altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.formats import vega_locale

CHART_HEIGHT = 280
DAYS_FR = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
DAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def in_language(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """The chart with Vega's number and date locales of ``lang`` (axis months and days, decimal
    commas) in its ``config.locale`` (Streamlit drops vega-embed's locale options)."""
    locale = vega_locale(lang)
    return chart.configure(locale={"number": locale["formatLocale"],
                                   "time": locale["timeFormatLocale"]})  # fmt: skip


def _day_axis(labels: dict[str, str]) -> alt.Axis:
    return alt.Axis(format=labels.get("day_format", "%e %b"), labelAngle=0)


def volume_by_day(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """``channel`` holds the channels' names (the page maps the codes)."""
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("day:T", title=labels["day"], axis=_day_axis(labels)),
            y=alt.Y("sum(tickets):Q", title=labels["tickets"], axis=_numbers(labels, ",d")),
            color=alt.Color("channel:N", title=labels["channel"]),
            tooltip=[alt.Tooltip("day:T", title=labels["day"], format=labels.get("date_format")),
                     alt.Tooltip("channel:N", title=labels["channel"]),
                     alt.Tooltip("tickets:Q", title=labels["tickets"])],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def hour_of_week(df: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.Chart:
    names = DAYS_FR if lang == "fr" else DAYS_EN
    data = df.assign(weekday=df["dow"].map(lambda d: names[int(d) - 1]))
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=labels["hour"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("weekday:N", sort=names, title=labels["weekday"]),
            color=alt.Color("tickets:Q", title=labels["tickets"], scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("weekday:N", title=labels["weekday"]),
                     alt.Tooltip("hour:O", title=labels["hour"]),
                     alt.Tooltip("tickets:Q", title=labels["tickets"])],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


RESPONSE_MEASURES = ("calendar_median_h", "calendar_p90_h", "business_median_h", "business_p90_h")


def response_times(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """``metric`` holds the metrics' names; ``labels`` names each measure column."""
    long = df.melt(id_vars=["metric"], value_vars=list(RESPONSE_MEASURES), var_name="measure",
                   value_name="hours")  # fmt: skip
    long["measure"] = long["measure"].map(lambda m: labels.get(m, m))
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", title=labels["hours"], axis=_numbers(labels, "~r")),
            y=alt.Y("measure:N", title=None, axis=alt.Axis(labelLimit=260)),
            row=alt.Row("metric:N", title=None),
            color=alt.Color("measure:N", legend=None),
            tooltip=[alt.Tooltip("metric:N", title=labels["metric"]),
                     alt.Tooltip("measure:N", title=labels["measure"]),
                     alt.Tooltip("hours:Q", title=labels["hours"], format=".1f")],
        )
        .properties(height=110)
    )  # fmt: skip


def sla_compliance(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """``metric`` holds the metrics' names; ``policy`` the merchant's policy names."""
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("compliance_pct:Q", title=labels["compliance"],
                    scale=alt.Scale(domain=[0, 100]), axis=_numbers(labels, "~r")),
            y=alt.Y("policy:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("metric:N", title=labels["metric"]),
            yOffset="metric:N",
            tooltip=[alt.Tooltip("policy:N", title=labels["policy"]),
                     alt.Tooltip("metric:N", title=labels["metric"]),
                     alt.Tooltip("tickets:Q", title=labels["tickets"]),
                     alt.Tooltip("met:Q", title=labels["met"]),
                     alt.Tooltip("breached:Q", title=labels["breached"]),
                     alt.Tooltip("compliance_pct:Q", title=labels["compliance"], format=".1f")],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def backlog(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_area(line=True, opacity=0.3)
        .encode(
            x=alt.X("day:T", title=labels["day"], axis=_day_axis(labels)),
            y=alt.Y("open_tickets:Q", title=labels["open"], axis=_numbers(labels, ",d")),
            tooltip=[alt.Tooltip("day:T", title=labels["day"], format=labels.get("date_format")),
                     alt.Tooltip("open_tickets:Q", title=labels["open"])],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def csat_trend(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=labels["week"], axis=_day_axis(labels)),
            y=alt.Y("average:Q", title=labels["csat"], scale=alt.Scale(domain=[1, 5]),
                    axis=_numbers(labels, "~r")),
            tooltip=[alt.Tooltip("week:T", title=labels["week"], format=labels.get("date_format")),
                     alt.Tooltip("average:Q", title=labels["csat"], format=".2f"),
                     alt.Tooltip("responses:Q", title=labels["responses"]),
                     alt.Tooltip("satisfied_pct:Q", title=labels["satisfied"], format=".1f")],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


def problem_types_by_week(df: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """``problem_type`` holds the problem types' names (the page maps the codes)."""
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title=labels["week"], axis=_day_axis(labels)),
            y=alt.Y("tickets:Q", title=labels["tickets"], axis=_numbers(labels, ",d")),
            color=alt.Color("problem_type:N", title=labels["problem_type"],
                            legend=alt.Legend(labelLimit=260)),
            tooltip=[alt.Tooltip("week:T", title=labels["week"], format=labels.get("date_format")),
                     alt.Tooltip("problem_type:N", title=labels["problem_type"]),
                     alt.Tooltip("tickets:Q", title=labels["tickets"])],
        )
        .properties(height=CHART_HEIGHT)
    )  # fmt: skip


# -- returns (RMA) -------------------------------------------------------------------------------
RETURN_KIND_COLORS = {"refunded": "#1f77b4", "exchanged": "#17a2b8", "credited": "#f0a202"}
OUTCOME_COLORS = {"restock": "#2e7d32", "second_quality": "#7cb342", "refurbish": "#f0a202",
                  "write_off": "#c62828"}  # fmt: skip


def _palette(df: pd.DataFrame, field: str, colors: dict[str, str]) -> alt.Scale:
    """Fixed colours per code (column ``code``) whatever the language of ``field``."""
    pairs = dict(zip(df[field], df["code"], strict=True))
    return alt.Scale(domain=list(pairs), range=[colors.get(c, "#888888") for c in pairs.values()])


def _numbers(labels: dict[str, str], fmt: str, **axis) -> alt.Axis:
    """A quantitative axis; ``in_language`` gives it the language's signs ("10 000", "0,5")."""
    return alt.Axis(format=fmt, **axis)


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
