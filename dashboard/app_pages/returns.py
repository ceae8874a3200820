"""Returns: a board by state with the overdue returns flagged, filters, one return's items,
inspections, history, label and the actions its state allows, and the KPIs as charts, each with
its data as CSV."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard import returns_view as rv
from dashboard.api_client import ApiError
from dashboard.i18n import money, short_when, tr
from dashboard.safe import md
from dashboard.session import api_errors, client, lang, notify, now, store_tz
from dashboard.ticket_view import plain
from widget_api.contracts.common import Page
from widget_api.contracts.returns import REASONS, ReturnDetail, ReturnKpis, ReturnSummary

LANG = lang()
TZ = store_tz()
NOW = now()  # by the server's clock, as the due times are
PAGE_SIZE = 500
MAX_ROWS = 2000
CARDS = 6
L = {k: tr(f"rd.chart.{k}", LANG) for k in ("rate", "sold", "returned", "returns", "days",
     "outcome", "units", "share", "week", "value")} | rv.number_symbols(LANG)  # fmt: skip
CSS = """
<style>
[class*="st-key-returns_col_"] {
  background: #f4f6f9; border-radius: 0.6rem; padding: 0.55rem 0.45rem; gap: 0.4rem;
}
[class*="st-key-returns_col_"] > div > [data-testid="stMarkdown"] p {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 0.92rem;
}
[class*="st-key-returns_card_"], [class*="st-key-returns_late_"] {
  background: #ffffff; padding: 0.4rem 0.55rem 0.45rem; gap: 0.15rem;
}
[class*="st-key-returns_late_"] { background: #fff5f5; border-left: 4px solid #d93025 !important; }
[class*="st-key-returns_card_"] button, [class*="st-key-returns_late_"] button {
  min-height: 0; padding: 0; font-weight: 600; font-size: 0.9rem;
}
[class*="st-key-returns_card_"] p, [class*="st-key-returns_late_"] p {
  line-height: 1.35; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
[class*="st-key-returns_card_"] [data-testid="stMarkdown"] p,
[class*="st-key-returns_late_"] [data-testid="stMarkdown"] p { font-size: 0.8rem; }
.st-key-returns_detail { background: #fbfcfe; }
.st-key-returns_overdue button { font-size: 0.85rem; }
</style>
"""
st.session_state.setdefault("returns_open", None)
st.html(CSS)
api = client()


# -- callbacks -----------------------------------------------------------------------------------
def open_return(rma: str | None) -> None:
    st.session_state.returns_open = rma


def picked() -> None:
    open_return(st.session_state.get("returns_pick"))


def act(rma: str, step: str) -> None:
    """An action on the opened return; the API's refusal (409 and others) shows on the next run."""
    params, body = None, None
    if step == "reject":
        reason = (st.session_state.get(f"returns_reject_reason_{rma}") or "").strip()
        if not reason:
            notify(tr("rd.reject.need_reason", LANG), "error")
            return
        body = {"reason": reason}
    if step == "resolve":
        params = {"outcome": st.session_state.get(f"returns_resolve_outcome_{rma}")}
    with api_errors():
        done = api.request("POST", f"/api/v1/returns/{rma}/{step}", params=params, json=body)
        notify(tr(f"rd.done.{step}", LANG, rma=rma, state=rv.state_label(done["state"], LANG)))


# -- data ----------------------------------------------------------------------------------------
def fetch(params: dict) -> tuple[list[ReturnSummary], int]:
    """Every return matching the filters (up to ``MAX_ROWS``), and how many match."""
    items: list[ReturnSummary] = []
    offset = 0
    while True:
        answer = api.request(
            "GET", "/api/v1/returns", params={**params, "limit": PAGE_SIZE, "offset": offset}
        )
        page = Page[ReturnSummary].model_validate(answer)
        items += page.items
        if not page.next_cursor or len(items) >= MAX_ROWS:
            return items, page.total
        offset = int(page.next_cursor)


def show(chart) -> None:
    st.altair_chart(charts.in_language(chart, LANG), width="stretch")


def download(df: pd.DataFrame, name: str) -> None:
    st.download_button(
        tr("rd.csv", LANG), df.to_csv(index=False).encode(), f"{name}.csv", "text/csv",
        key=f"returns_csv_{name}", icon=":material/download:",
    )  # fmt: skip


# -- pieces of the page --------------------------------------------------------------------------
def draw_card(item: ReturnSummary, mixed: bool = False) -> None:
    c = rv.card(item, LANG, NOW)
    key = f"returns_{'late' if c.overdue else 'card'}_{c.rma}"
    with st.container(border=True, key=key):
        st.button(c.rma, key=f"returns_open_{c.rma}", type="tertiary", on_click=open_return,
                  args=(c.rma,), help=tr("rd.open_help", LANG))  # fmt: skip
        state = f"{rv.state_label(c.state, LANG)} · " if mixed else ""
        st.caption(f"{plain(c.customer)}  \n{c.reason}  \n{state}{c.age}")
        if c.overdue:
            st.markdown(f":red-badge[{c.due}]")
        elif c.due:
            st.markdown(f":orange-badge[{c.due}]")


def draw_column(name: str, found: list[ReturnSummary], limit: int = CARDS) -> None:
    late = sum(r.overdue for r in found)
    with st.container(key=f"returns_col_{name}"):
        st.markdown(f"**{tr('rd.col.' + name, LANG)}** :gray-badge[{len(found)}]")
        if late:
            st.markdown(f":red-badge[:material/alarm: {tr('rd.late_count', LANG, n=late)}]")
        for item in found[:limit]:
            draw_card(item, mixed=name == "resolved")
        if len(found) > limit:
            st.caption(tr("rd.more", LANG, n=len(found) - limit))
        if not found:
            st.caption(tr("rd.empty_column", LANG))


def draw_overdue(late: list[ReturnSummary]) -> None:
    if not late:
        st.success(tr("rd.none_overdue", LANG), icon=":material/task_alt:")
        return
    with st.container(key="returns_overdue"):
        st.warning(
            f"**{tr('rd.overdue_title', LANG, n=len(late))}** — {tr('rd.targets', LANG)}",
            icon=":material/alarm:",
        )
        with st.container(horizontal=True):
            for item in late:
                st.button(
                    f"{item.rma} · {rv.state_label(item.state, LANG)} · "
                    f"{rv.due_text(item, LANG, NOW)}",
                    key=f"returns_overdue_open_{item.rma}", on_click=open_return, args=(item.rma,),
                    icon=":material/alarm:",
                )  # fmt: skip


def draw_actions(detail: ReturnDetail) -> None:
    rma = detail.rma
    allowed = detail.actions  # the server's state machine says what may happen next
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if "approve" in allowed:
            st.button(tr("rd.action.approve", LANG), key=f"returns_approve_{rma}", type="primary",
                      icon=":material/check:", on_click=act, args=(rma, "approve"))  # fmt: skip
        if "reject" in allowed:
            with st.popover(tr("rd.action.reject", LANG), icon=":material/block:"):
                st.text_area(tr("rd.reject.reason", LANG), key=f"returns_reject_reason_{rma}",
                             placeholder=tr("rd.reject.placeholder", LANG))  # fmt: skip
                st.button(tr("rd.reject.submit", LANG), key=f"returns_reject_{rma}",
                          on_click=act, args=(rma, "reject"))  # fmt: skip
        if "label" in allowed:
            again = "rd.action.label_again" if rv.has_label(detail) else "rd.action.label"
            st.button(tr(again, LANG), key=f"returns_label_{rma}", icon=":material/local_shipping:",
                      on_click=act, args=(rma, "label"))  # fmt: skip
        if "inspect" in allowed and st.button(
            tr("rd.action.inspect", LANG), key=f"returns_inspect_{rma}", type="primary",
            icon=":material/fact_check:",
        ):  # fmt: skip
            st.session_state.receiving_rma = rma
            st.switch_page("app_pages/receiving.py")
        if "resolve" in allowed:
            st.selectbox(
                tr("rd.resolve.outcome", LANG), rv.RESOLUTIONS,
                index=rv.RESOLUTIONS.index(detail.outcome), key=f"returns_resolve_outcome_{rma}",
                format_func=lambda o: tr(f"rd.wish.{o}", LANG), width=260,
            )  # fmt: skip
            st.button(tr("rd.action.resolve", LANG), key=f"returns_resolve_{rma}", type="primary",
                      icon=":material/payments:", on_click=act, args=(rma, "resolve"))  # fmt: skip
        if "close" in allowed:
            st.button(tr("rd.action.close", LANG), key=f"returns_close_{rma}",
                      icon=":material/archive:", on_click=act, args=(rma, "close"))  # fmt: skip
        if rv.has_label(detail):
            try:
                pdf = api.download(f"/api/v1/returns/{rma}/label.pdf")
            except ApiError:
                st.caption(tr("rd.no_label", LANG))
            else:
                st.download_button(
                    tr("rd.label_pdf", LANG), pdf, f"{rma}.pdf", "application/pdf",
                    key=f"returns_label_pdf_{rma}", icon=":material/print:",
                )  # fmt: skip
        if not allowed:
            st.caption(tr("rd.no_action", LANG))


def draw_detail(rma: str) -> None:
    detail = ReturnDetail.model_validate(api.request("GET", f"/api/v1/returns/{rma}"))
    with st.container(border=True, key="returns_detail"):
        head, shut = st.columns([8, 1], vertical_alignment="center")
        late = f" :red-badge[:material/alarm: {rv.due_text(detail, LANG, NOW)}]" if (
            detail.overdue) else ""  # fmt: skip
        head.markdown(f"### {detail.rma} {rv.state_badge(detail.state, LANG)}{late}")
        shut.button(tr("rd.close_panel", LANG), key="returns_detail_close", icon=":material/close:",
                    on_click=open_return, args=(None,))  # fmt: skip
        who, order, why, when = st.columns(4)
        who.markdown(
            f"**{tr('rd.f.customer', LANG)}**  \n{plain(detail.customer_name or '—')}  \n"
            f":gray[{plain(detail.customer_email or '')}]"
        )
        order.markdown(
            f"**{tr('rd.f.order', LANG)}**  \n{md(detail.order_number)}  \n"
            f":gray[{tr('rd.f.ticket', LANG)} {detail.ticket_ref}]"
        )
        refund = money(detail.refund_cents, LANG) if detail.refund_cents is not None else "—"
        why.markdown(
            f"**{tr('rd.f.reason', LANG)}**  \n{rv.reason_label(detail.reason, LANG)} · "
            f"{tr('rd.wish.' + detail.outcome, LANG)}  \n:gray[{tr('rd.f.estimate', LANG)} "
            f"{money(detail.estimate_cents, LANG)} · {tr('rd.f.refund', LANG)} {refund}]"
        )
        due = rv.due_text(detail, LANG, NOW)
        when.markdown(
            f"**{tr('rd.f.dates', LANG)}**  \n"
            f"{tr('rd.f.requested', LANG)} {short_when(detail.requested_at, LANG, TZ)}  \n"
            f"{tr('rd.f.received', LANG)} {short_when(detail.received_at, LANG, TZ)}  \n"
            f"{tr('rd.f.inspected', LANG)} {short_when(detail.inspected_at, LANG, TZ)}"
            + (f"  \n:{'red' if detail.overdue else 'orange'}[{due}]" if due else "")
        )
        if detail.comment:
            st.caption(f"{tr('rd.f.comment', LANG)} « {plain(detail.comment)} »")
        if detail.rejection_reason:
            st.error(f"{tr('rd.f.rejected', LANG)} {plain(detail.rejection_reason)}")
        draw_actions(detail)
        items, history = st.tabs([tr("rd.tab.items", LANG), tr("rd.tab.history", LANG)])
        with items:
            st.dataframe(rv.lines_frame(detail, LANG), hide_index=True, width="stretch",
                         column_config={k: tr(f"rd.line.{k}", LANG) for k in (
                             "sku", "title", "quantity", "unit_price", "exchange_sku",
                             "inspection", "restocked", "notes")})  # fmt: skip
        with history:
            st.dataframe(rv.history_frame(detail, LANG, TZ), hide_index=True, width="stretch",
                         column_config={k: tr(f"rd.event.{k}", LANG) for k in (
                             "when", "event", "by", "details")})  # fmt: skip


def draw_kpis(kpis: ReturnKpis) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"#### {tr('rd.kpi.by_sku', LANG)}")
        st.caption(tr("rd.kpi.by_sku_help", LANG))
        skus = rv.sku_rates(kpis)
        top = rv.top_skus(skus)
        if len(top):
            st.altair_chart(
                charts.in_language(charts.return_rate_by_sku(top, L), LANG), width="stretch"
            )
        download(skus, "return-rate-by-sku")
    with right:
        st.markdown(f"#### {tr('rd.kpi.by_reason', LANG)}")
        st.caption(tr("rd.kpi.by_reason_help", LANG))
        reasons = rv.reason_rates(kpis, LANG)
        if len(reasons):
            st.altair_chart(
                charts.in_language(charts.return_rate_by_reason(reasons, L), LANG), width="stretch"
            )
        download(reasons, "return-rate-by-reason")
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"#### {tr('rd.kpi.times', LANG)}")
        st.caption(tr("rd.kpi.times_help", LANG))
        times = rv.refund_times(kpis, LANG)
        if times["days"].notna().any():
            st.altair_chart(
                charts.in_language(charts.refund_times(times, L), LANG), width="stretch"
            )
        download(times, "time-to-refund")
    with right:
        st.markdown(f"#### {tr('rd.kpi.restock', LANG)}")
        st.caption(tr("rd.kpi.restock_help", LANG,
                      rate=rv.pct_text(kpis.summary.restock_rate, LANG)))  # fmt: skip
        outcomes = rv.inspection_outcomes(kpis, LANG)
        if len(outcomes):
            st.altair_chart(
                charts.in_language(charts.inspection_outcomes(outcomes, L), LANG), width="stretch"
            )
        download(outcomes, "inspection-outcomes")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"#### {tr('rd.kpi.by_week', LANG)}")
        weekly = rv.weekly_value(kpis, LANG)
        if len(weekly):
            st.altair_chart(
                charts.in_language(charts.refund_value_by_week(weekly, L), LANG), width="stretch"
            )
        download(weekly, "refund-value-by-week")
    with right:
        st.markdown(f"#### {tr('rd.kpi.resolutions', LANG)}")
        done = rv.resolutions(kpis, LANG)
        if len(done):
            st.altair_chart(
                charts.in_language(charts.exchanges_vs_refunds(done, L), LANG), width="stretch"
            )
        download(done, "exchanges-vs-refunds")


# -- the page ------------------------------------------------------------------------------------
st.title(tr("rd.title", LANG))
st.caption(tr("rd.subtitle", LANG))
today = NOW.date()
period_box, reason_box, sku_box, q_box, late_box = st.columns(
    [2.2, 2.6, 1.7, 1.8, 1.6], vertical_alignment="bottom"
)
period = period_box.date_input(
    tr("rd.period", LANG), value=(today - timedelta(days=89), today), key="returns_period",
)  # fmt: skip
reasons = reason_box.multiselect(
    tr("rd.reasons", LANG), REASONS, key="returns_reasons",
    format_func=lambda r: rv.reason_label(r, LANG), placeholder=tr("rd.all_reasons", LANG),
)  # fmt: skip
sku = sku_box.text_input(tr("rd.sku", LANG), key="returns_sku", placeholder="PK-ALIZE-M-NOIR")
q = q_box.text_input(tr("rd.search", LANG), key="returns_q", placeholder=tr("rd.search_hint", LANG))
late_only = late_box.toggle(tr("rd.overdue_only", LANG), key="returns_overdue_only")
start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)

params = rv.list_params(start, end, reasons, sku, q, late_only)
items, total = fetch(params)
kpis = ReturnKpis.model_validate(
    api.request("GET", "/api/v1/returns/kpis", params={"from": start.isoformat(),
                                                       "to": end.isoformat()})
)  # fmt: skip
late = rv.overdue(fetch({"overdue": "true"})[0])

summary = kpis.summary
metrics = st.columns(5, border=True)
metrics[0].metric(tr("rd.m.rate", LANG), rv.pct_text(summary.return_rate, LANG),
                  help=tr("rd.m.rate_help", LANG, returned=summary.units_returned,
                          sold=summary.units_sold))  # fmt: skip
metrics[1].metric(tr("rd.m.restock", LANG), rv.pct_text(summary.restock_rate, LANG),
                  help=tr("rd.m.restock_help", LANG))  # fmt: skip
for box, span in zip(metrics[2:4], ("receipt_to_refund", "request_to_refund"), strict=True):
    box.metric(
        tr(f"rd.kpi.span.{span}", LANG), rv.duration(rv.span_hours(kpis, span), LANG),
        help=tr("rd.m.span_help", LANG, mean=rv.duration(rv.span_hours(kpis, span, "mean"), LANG)),
    )  # fmt: skip
metrics[4].metric(tr("rd.m.value", LANG), rv.dollars(summary.refund_value_cents, LANG),
                  help=money(summary.refund_value_cents, LANG))  # fmt: skip

draw_overdue(late)
if st.session_state.returns_open:
    draw_detail(st.session_state.returns_open)

board_tab, kpi_tab, list_tab = st.tabs(
    [tr("rd.tab.board", LANG, n=total), tr("rd.tab.kpis", LANG), tr("rd.tab.list", LANG)]
)
with board_tab:
    if total > len(items):
        st.caption(tr("rd.truncated", LANG, shown=len(items), total=total))
    grouped = rv.board(items)
    for column, (name, _) in zip(st.columns(len(rv.BOARD), gap="small"), rv.BOARD, strict=True):
        with column:
            draw_column(name, grouped[name])
    closed_out = sum(len(grouped[s]) for s in rv.COLLAPSED)
    with st.expander(tr("rd.collapsed", LANG, n=closed_out), icon=":material/block:"):
        for column, name in zip(st.columns(4), rv.COLLAPSED, strict=False):
            with column:
                draw_column(name, grouped[name], limit=12)
with kpi_tab:
    st.caption(tr("rd.kpi.period", LANG, start=start.isoformat(), end=end.isoformat()))
    draw_kpis(kpis)
with list_tab:
    table = rv.rows(items, LANG, TZ, NOW)
    st.selectbox(tr("rd.open_pick", LANG), [None, *table["rma"]], key="returns_pick",
                 on_change=picked, format_func=lambda r: r or "—", width=320)  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={k: tr(f"rd.list.{k}", LANG) for k in rv.LIST_COLUMNS})  # fmt: skip
    download(table, "returns")
