"""Recurring incidents: spike alerts (problem type, SKU, carrier, warehouse) with the tickets
behind them and a one-click bulk tag, problem types by week, and incident rates."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import charts, formats, reports
from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import label, tr
from dashboard.safe import md, tr_md
from dashboard.session import client, sign_out, today
from dashboard.tables import TICKET_ROWS, Col, present

lang = st.session_state.lang
L = formats.chart_labels(lang, ("week", "tickets", "problem_type"))
RATES = [Col("dimension", "code", "inc.dim"), Col("key"), Col("problem_type", "code", "ptype"),
         Col("tickets", "int"), Col("units", "int"), Col("per_1000", "num1")]  # fmt: skip


st.title(tr("inc.title", lang))
end = today()
start = st.date_input(tr("inc.since", lang), value=end - timedelta(days=90), key="incidents_since",
                      format="YYYY-MM-DD")  # fmt: skip
api = client()
try:
    alerts = reports.spikes(api, start, end)
    data = reports.report(api, "incidents", start, end, [])
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()

if not alerts:
    st.success(tr("inc.none", lang))
for i, alert in enumerate(alerts):
    week = formats.day(alert["week"][:10], lang)
    problem = label("ptype", alert["problem_type"], lang)
    text = tr_md(
        "inc.alert",
        lang,
        subject=alert["key"],
        problem=problem,
        week=week,
        count=alert["count"],
        baseline=formats.number(alert["baseline"], lang, 1),
        ratio=formats.number(alert["ratio"], lang, 1),
    )
    with st.container(border=True):
        st.warning(f"**{tr('inc.dim.' + alert['dimension'], lang)}** · {text}")
        show, tag = st.columns(2)
        tickets = reports.drill(api, start, end, [], alert["drill"])
        if show.toggle(tr("inc.show", lang), key=f"incidents_show_{i}"):
            st.dataframe(present(tickets, TICKET_ROWS, lang), hide_index=True, width="stretch")
        tag_name = "incident-" + formats.slug(alert["key"], 51)  # a tag, not Markdown
        if tag.button(tr_md("inc.tag", lang, tag=tag_name), key=f"incidents_tag_{i}"):
            try:
                result = api.bulk_update(list(tickets["ref"]), add_tags=[tag_name])
                st.toast(tr_md("inc.tagged", lang, count=len(result.updated), tag=tag_name))
            except ApiError as exc:
                st.error(md(exc.detail))

weekly = reports.frame(data["weekly_types"])
if len(weekly):
    st.subheader(tr("inc.weekly", lang))
    named = weekly.assign(problem_type=[label("ptype", v, lang) for v in weekly["problem_type"]])
    chart = charts.problem_types_by_week(named, L)
    st.altair_chart(charts.in_language(chart, lang), width="stretch")
    csv = weekly.to_csv(index=False).encode()
    st.download_button(tr("an.csv", lang), csv, "problem-types-by-week.csv", "text/csv",
                       key="incidents_csv_weekly")  # fmt: skip
rates = reports.frame(data["rates"])
if len(rates):
    st.subheader(tr("inc.rates", lang))
    st.dataframe(present(rates, RATES, lang), hide_index=True, width="stretch")
    st.download_button(tr("an.csv", lang), rates.to_csv(index=False).encode(),
                       "incident-rates.csv", "text/csv", key="incidents_csv_rates")  # fmt: skip
