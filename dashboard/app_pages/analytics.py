"""Analytics: volume, response times, SLA, backlog, quality, CSAT and agents, each chart with
its data as CSV and a drill-down to the tickets behind it."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

import streamlit as st

from dashboard import charts, formats, reports
from dashboard.api_client import SessionExpired
from dashboard.i18n import label, tr
from dashboard.session import client, sign_out, today
from dashboard.sla_settings_view import shown_name
from dashboard.tables import TICKET_ROWS, Col, names, present
from widget_api.contracts.common import Channel
from widget_api.i18n import catalog

lang = st.session_state.lang
CHANNELS = list(get_args(Channel))  # every channel, Messenger and WhatsApp included
L = formats.chart_labels(lang, (
    "day", "tickets", "channel", "hour", "weekday", "hours", "compliance", "metric", "open",
    "week", "csat", "problem_type", "policy", "met", "breached", "measure", "responses",
    "satisfied", *charts.RESPONSE_MEASURES,
))  # fmt: skip
CHANNEL_NAMES = names(CHANNELS, "channel", lang)
TIMES = [Col("metric", "code", "an.metric_name"), Col("tickets", "int"),
         *(Col(m, "hours") for m in charts.RESPONSE_MEASURES)]  # fmt: skip
SLA = [Col("policy"), Col("metric", "code", "an.metric_name"), Col("tickets", "int"),
       Col("met", "int"), Col("breached", "int"), Col("pending", "int"),
       Col("compliance_pct", "pct")]  # fmt: skip
CSAT_BY_AGENT = [Col("agent"), Col("responses", "int"), Col("average", "num2"),
                 Col("satisfied_pct", "pct")]  # fmt: skip
AGENTS = [Col("agent"), Col("replies", "int"), Col("solved", "int"),
          Col("frt_business_median_h", "hours"), Col("frt_calendar_median_h", "hours"),
          Col("csat_average", "num2"), Col("csat_responses", "int"), Col("first_reply_met", "int"),
          Col("first_reply_breached", "int"), Col("first_reply_compliance_pct", "pct")]  # fmt: skip
DRILL = TICKET_ROWS


def named(df, column: str, prefix: str):
    """``df`` with the codes of ``column`` replaced by their names (for legends and axes)."""
    return df.assign(**{column: df[column].map(lambda v: label(prefix, v, lang))}) if len(df) \
        else df  # fmt: skip


def show(chart) -> None:
    st.altair_chart(charts.in_language(chart, lang), width="stretch")


st.title(tr("an.title", lang))
left, right = st.columns([2, 3])
period = left.date_input(
    tr("an.period", lang), value=(today() - timedelta(days=29), today()),
    key="analytics_period", format="YYYY-MM-DD",
)  # fmt: skip
channels = right.multiselect(
    tr("an.channels", lang), CHANNELS, key="analytics_channels", format_func=CHANNEL_NAMES.get,
    placeholder=tr("an.choose_channels", lang),
)  # fmt: skip
start, end = (period[0], period[-1]) if isinstance(period, tuple) else (period, period)
api = client()


def download(df, name: str) -> None:
    st.download_button(
        tr("an.csv", lang), df.to_csv(index=False).encode(), f"{name}.csv", "text/csv",
        key=f"analytics_csv_{name}",
    )  # fmt: skip


try:
    volume = reports.report(api, "volume", start, end, channels)
    times = reports.frame(reports.report(api, "response_times", start, end, channels))
    sla = reports.frame(reports.report(api, "sla", start, end, channels))
    backlog = reports.frame(reports.report(api, "backlog", start, end, channels))
    (quality,) = reports.report(api, "quality", start, end, channels) or [{}]
    csat = reports.report(api, "csat", start, end, channels)
    agents = reports.frame(reports.report(api, "agents", start, end, channels))
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()

by_day = reports.frame(volume["by_day"])
metrics = st.columns(4)
total = int(by_day["tickets"].sum()) if len(by_day) else 0
metrics[0].metric(tr("an.total", lang), formats.number(total, lang))
one_touch, reopened = quality.get("one_touch_pct") or 0, quality.get("reopen_pct") or 0
metrics[1].metric(tr("an.one_touch", lang), formats.percent(one_touch, lang))
metrics[2].metric(tr("an.reopen", lang), formats.percent(reopened, lang))
first = times[times["metric"] == "first_reply"] if len(times) else times
metrics[3].metric(
    tr("an.frt_business", lang),
    formats.hours(first["business_median_h"].iloc[0], lang) if len(first) else "—",
)

tabs = st.tabs([tr(f"an.tab.{t}", lang) for t in
                ("volume", "times", "sla", "backlog", "csat", "agents")])  # fmt: skip
with tabs[0]:
    if len(by_day):
        show(charts.volume_by_day(named(by_day, "channel", "channel"), L))
        download(by_day, "volume-by-day")
        heat = reports.frame(volume["heatmap"])
        st.subheader(tr("an.heatmap", lang))
        show(charts.hour_of_week(heat, L, lang))
        download(heat, "hour-of-week")
    else:
        st.info(tr("an.empty", lang))
with tabs[1]:
    if len(times):
        show(charts.response_times(named(times, "metric", "an.metric_name"), L))
        st.dataframe(present(times, TIMES, lang), hide_index=True, width="stretch")
        download(times, "response-times")
with tabs[2]:
    if len(sla):
        # A default policy's stored (English) name shown in the language; the download keeps it.
        shown = sla.assign(policy=sla["policy"].map(lambda name: shown_name(name, lang)))
        show(charts.sla_compliance(named(shown, "metric", "an.metric_name"), L))
        st.dataframe(present(shown, SLA, lang), hide_index=True, width="stretch")
        download(sla, "sla-compliance")
with tabs[3]:
    if len(backlog):
        show(charts.backlog(backlog, L))
        download(backlog, "backlog")
with tabs[4]:
    trend = reports.frame(csat["trend"])
    if len(trend):
        show(charts.csat_trend(trend, L))
        download(trend, "csat-trend")
        by_agent = reports.frame(csat["by_agent"])
        st.dataframe(present(by_agent, CSAT_BY_AGENT, lang), hide_index=True, width="stretch")
        download(by_agent, "csat-by-agent")
    else:
        st.info(tr("an.empty", lang))
with tabs[5]:
    st.dataframe(present(agents, AGENTS, lang), hide_index=True, width="stretch")
    download(agents, "agents")

st.divider()
st.subheader(tr("an.drill", lang))
YES_NO = ["true", "false"]
PTYPES = sorted(k.split(".", 1)[1] for k in catalog(lang) if k.startswith("ptype."))
kinds = {
    "channel": CHANNELS, "problem_type": PTYPES,
    "policy": sorted(set(sla["policy"])) if len(sla) else [], "first_reply_breached": YES_NO,
    "reopened": YES_NO, "one_touch": YES_NO, "day": None,
}  # fmt: skip
shown_as = {
    "channel": CHANNEL_NAMES.get, "problem_type": lambda v: label("ptype", v, lang),
    "policy": str,
} | dict.fromkeys(("first_reply_breached", "reopened", "one_touch"),
                  lambda v: tr(f"col.{'yes' if v == 'true' else 'no'}", lang))  # fmt: skip
col_a, col_b = st.columns(2)
kind = col_a.selectbox(tr("an.drill_by", lang), list(kinds), key="analytics_drill_kind",
                       format_func=lambda k: tr(f"an.drill.{k}", lang))  # fmt: skip
options = kinds[kind]
if kind == "day":
    picked = col_b.date_input(tr("an.value", lang), value=end, key="analytics_drill_day",
                              format="YYYY-MM-DD")  # fmt: skip
    value = picked.isoformat() if picked else None
else:
    value = col_b.selectbox(tr("an.value", lang), options, key=f"analytics_drill_{kind}",
                            format_func=shown_as[kind])  # fmt: skip
if value and st.button(tr("an.show_tickets", lang), key="analytics_drill_go"):
    rows = reports.drill(api, start, end, channels, {kind: value})
    st.caption(tr("an.rows", lang, count=len(rows)))
    st.dataframe(present(rows, DRILL, lang), hide_index=True, width="stretch")
    download(rows, f"tickets-{kind}")
