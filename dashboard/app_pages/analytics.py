"""Analytics: volume, response times, SLA, backlog, quality, CSAT and agents, each chart with
its data as CSV and a drill-down to the tickets behind it."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import charts, reports
from dashboard.api_client import SessionExpired
from dashboard.i18n import tr
from dashboard.session import client, sign_out, today

lang = st.session_state.lang
CHANNELS = ["web", "chat", "email", "amazon", "ebay", "etsy", "walmart", "sms", "instagram"]
L = {k: tr(f"an.{k}", lang) for k in ("day", "tickets", "channel", "hour", "weekday", "hours",
     "compliance", "metric", "open", "week", "csat", "problem_type")}  # fmt: skip

st.title(tr("an.title", lang))
left, right = st.columns([2, 3])
period = left.date_input(
    tr("an.period", lang), value=(today() - timedelta(days=29), today()),
    key="analytics_period",
)  # fmt: skip
channels = right.multiselect(tr("an.channels", lang), CHANNELS, key="analytics_channels")
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
metrics[0].metric(tr("an.total", lang), int(by_day["tickets"].sum()) if len(by_day) else 0)
metrics[1].metric(tr("an.one_touch", lang), f"{quality.get('one_touch_pct') or 0} %")
metrics[2].metric(tr("an.reopen", lang), f"{quality.get('reopen_pct') or 0} %")
first = times[times["metric"] == "first_reply"] if len(times) else times
metrics[3].metric(
    tr("an.frt_business", lang),
    f"{first['business_median_h'].iloc[0]:.1f} h" if len(first) and first["business_median_h"]
    .notna().iloc[0] else "—",
)  # fmt: skip

tabs = st.tabs([tr(f"an.tab.{t}", lang) for t in
                ("volume", "times", "sla", "backlog", "csat", "agents")])  # fmt: skip
with tabs[0]:
    if len(by_day):
        st.altair_chart(charts.volume_by_day(by_day, L), width="stretch")
        download(by_day, "volume-by-day")
        heat = reports.frame(volume["heatmap"])
        st.subheader(tr("an.heatmap", lang))
        st.altair_chart(charts.hour_of_week(heat, L, lang), width="stretch")
        download(heat, "hour-of-week")
    else:
        st.info(tr("an.empty", lang))
with tabs[1]:
    if len(times):
        st.altair_chart(charts.response_times(times, L), width="stretch")
        st.dataframe(times, hide_index=True, width="stretch")
        download(times, "response-times")
with tabs[2]:
    if len(sla):
        st.altair_chart(charts.sla_compliance(sla, L), width="stretch")
        st.dataframe(sla, hide_index=True, width="stretch")
        download(sla, "sla-compliance")
with tabs[3]:
    if len(backlog):
        st.altair_chart(charts.backlog(backlog, L), width="stretch")
        download(backlog, "backlog")
with tabs[4]:
    trend = reports.frame(csat["trend"])
    if len(trend):
        st.altair_chart(charts.csat_trend(trend, L), width="stretch")
        download(trend, "csat-trend")
        by_agent = reports.frame(csat["by_agent"])
        st.dataframe(by_agent, hide_index=True, width="stretch")
        download(by_agent, "csat-by-agent")
    else:
        st.info(tr("an.empty", lang))
with tabs[5]:
    st.dataframe(agents, hide_index=True, width="stretch")
    download(agents, "agents")

st.divider()
st.subheader(tr("an.drill", lang))
kinds = {
    "channel": CHANNELS, "problem_type": None, "policy": sorted(set(sla["policy"])) if len(sla)
    else [], "first_reply_breached": ["true", "false"], "reopened": ["true", "false"],
    "one_touch": ["true", "false"], "day": None,
}  # fmt: skip
col_a, col_b = st.columns(2)
kind = col_a.selectbox(tr("an.drill_by", lang), list(kinds), key="analytics_drill_kind",
                       format_func=lambda k: tr(f"an.drill.{k}", lang))  # fmt: skip
options = kinds[kind]
value = (col_b.selectbox(tr("an.value", lang), options, key="analytics_drill_value") if options
         else col_b.text_input(tr("an.value", lang), key="analytics_drill_text"))  # fmt: skip
if value and st.button(tr("an.show_tickets", lang), key="analytics_drill_go"):
    rows = reports.drill(api, start, end, channels, {kind: value})
    st.caption(tr("an.rows", lang, count=len(rows)))
    st.dataframe(rows, hide_index=True, width="stretch")
    download(rows, f"tickets-{kind}")
