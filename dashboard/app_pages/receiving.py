"""Receiving: the RMA number typed or scanned from the label marks the parcel received, then an
outcome per item (restock, second quality, refurbish or recycle, write-off) with notes records
the inspection. The API's refusals (a return not on its way, an inspection twice) are shown."""

from __future__ import annotations

import streamlit as st

from dashboard import returns_view as rv
from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import money, short_when, tr
from dashboard.safe import md
from dashboard.session import client, lang, now, store_tz
from dashboard.ticket_view import plain
from widget_api.contracts.common import Page
from widget_api.contracts.returns import ReturnDetail, ReturnSummary

LANG = lang()
TZ = store_tz()
NOW = now()  # by the server's clock, as the due times are
LISTED = 12  # parcels listed for inspection, the overdue and longest waiting first
st.session_state.setdefault("receiving_rma", None)
# Streamlit's "Press Enter to submit form" hint is in English only; the page says it itself.
st.html("<style>.st-key-receiving_code [data-testid='InputInstructions'] {display: none}</style>")
api = client()


def load(code: str) -> ReturnDetail | None:
    """The return of an RMA number as typed or scanned (the server reads it loosely)."""
    try:
        return api.return_detail(code)
    except SessionExpired:
        raise
    except ApiError:
        return None


def scan(code: str) -> None:
    """Mark the parcel received. A refusal is shown as the API words it; a return already
    received is still opened for its inspection."""
    if not code.strip():
        st.warning(tr("rd.rcv.empty_code", LANG))
        return
    try:
        done = ReturnDetail.model_validate(
            api.request("POST", "/api/v1/returns/scan", json={"code": code.strip()})
        )
    except SessionExpired:
        raise
    except ApiError as exc:
        st.error(md(exc.detail), icon=":material/error:")
        found = load(code)
        if found is not None:
            st.session_state.receiving_rma = found.rma
        return
    st.session_state.receiving_rma = done.rma
    st.success(tr("rd.rcv.received", LANG, rma=done.rma), icon=":material/inventory_2:")


def choose(rma: str) -> None:
    st.session_state.receiving_rma = rma


def inspection_form(detail: ReturnDetail) -> None:
    rma = detail.rma
    units = rv.units(detail)
    with st.form(f"receiving_inspect_{rma}", border=False):
        st.markdown(f"#### {tr('rd.rcv.inspect_title', LANG)}")
        st.caption(tr("rd.rcv.inspect_help", LANG))
        for u in units:
            name, outcome, accepted, notes = st.columns(
                [2.2, 3.2, 1.5, 2.6], vertical_alignment="bottom"
            )
            count = f" ({u.position}/{u.of})" if u.of > 1 else ""
            count = f" × {u.quantity}" if u.quantity > 1 else count
            name.markdown(f"**{md(u.sku)}**{count}  \n:gray[{plain(u.title)}]")
            outcome.selectbox(
                tr("rd.rcv.outcome", LANG), rv.OUTCOMES, key=f"receiving_outcome_{rma}_{u.index}",
                format_func=lambda o: tr(f"rd.rcv.outcome.{o}", LANG),
            )  # fmt: skip
            accepted.checkbox(tr("rd.rcv.accepted", LANG), value=True,
                              key=f"receiving_accepted_{rma}_{u.index}")  # fmt: skip
            notes.text_input(tr("rd.rcv.notes", LANG), key=f"receiving_notes_{rma}_{u.index}",
                             placeholder=tr("rd.rcv.notes_hint", LANG))  # fmt: skip
        st.text_area(tr("rd.rcv.general_notes", LANG), key=f"receiving_general_{rma}", height=80)
        st.toggle(tr("rd.rcv.resolve", LANG, wish=tr(f"rd.wish.{detail.outcome}", LANG)),
                  value=True, key=f"receiving_resolve_{rma}")  # fmt: skip
        submitted = st.form_submit_button(
            tr("rd.rcv.submit", LANG), type="primary", icon=":material/fact_check:"
        )
    if not submitted:
        return
    state = st.session_state
    answers = [
        (state[f"receiving_outcome_{rma}_{u.index}"], state[f"receiving_accepted_{rma}_{u.index}"],
         state[f"receiving_notes_{rma}_{u.index}"] or "")
        for u in units
    ]  # fmt: skip
    body = rv.inspection_body(
        units, answers, state[f"receiving_general_{rma}"] or "", state[f"receiving_resolve_{rma}"]
    )
    try:
        done = ReturnDetail.model_validate(
            api.request("POST", f"/api/v1/returns/{rma}/inspection", json=body)
        )
    except SessionExpired:
        raise
    except ApiError as exc:
        st.error(md(exc.detail), icon=":material/error:")
        return
    st.session_state.receiving_done = tr(
        "rd.rcv.inspected", LANG, rma=rma, state=rv.state_label(done.state, LANG)
    )
    st.rerun()


def current(detail: ReturnDetail) -> None:
    with st.container(border=True, key="receiving_current"):
        st.markdown(f"### {detail.rma} {rv.state_badge(detail.state, LANG)}")
        st.caption(
            f"{plain(detail.customer_name or detail.customer_email or '—')} · "
            f"{tr('rd.f.order', LANG)} {md(detail.order_number)} · "
            f"{rv.reason_label(detail.reason, LANG)} · {tr('rd.wish.' + detail.outcome, LANG)} · "
            f"{tr('rd.f.estimate', LANG)} {money(detail.estimate_cents, LANG)}"
        )
        due = rv.due_text(detail, LANG, NOW)
        if due:
            (st.error if detail.overdue else st.info)(due, icon=":material/alarm:")
        if detail.comment:
            st.caption(f"{tr('rd.f.comment', LANG)} « {plain(detail.comment)} »")
        if detail.state == "received":
            inspection_form(detail)
        else:
            st.info(tr("rd.rcv.not_receivable", LANG, state=rv.state_label(detail.state, LANG)))
            st.dataframe(rv.lines_frame(detail, LANG), hide_index=True, width="stretch",
                         column_config={k: tr(f"rd.line.{k}", LANG) for k in (
                             "sku", "title", "quantity", "unit_price", "exchange_sku",
                             "inspection", "restocked", "notes")})  # fmt: skip


# -- the page ------------------------------------------------------------------------------------
st.title(tr("rd.receiving.title", LANG))
st.caption(tr("rd.rcv.subtitle", LANG))
if st.session_state.get("receiving_done"):
    st.success(st.session_state.pop("receiving_done"), icon=":material/task_alt:")
left, right = st.columns([2, 3], gap="large")
with left:
    with st.form("receiving_scan", clear_on_submit=True):
        code = st.text_input(
            tr("rd.rcv.code", LANG), key="receiving_code", placeholder="RMA-100123",
            help=tr("rd.rcv.code_help", LANG),
        )  # fmt: skip
        scanned = st.form_submit_button(
            tr("rd.rcv.scan", LANG), type="primary", icon=":material/barcode_scanner:"
        )
    if scanned:
        scan(code)
    waiting = Page[ReturnSummary].model_validate(
        api.request("GET", "/api/v1/returns", params={"state": "received", "limit": 100})
    )
    st.markdown(f"#### {tr('rd.rcv.waiting', LANG, n=waiting.total)}")
    if not waiting.items:
        st.caption(tr("rd.rcv.nothing_waiting", LANG))
    queue = rv.board(waiting.items)["received"]
    for item in queue[:LISTED]:
        when = short_when(item.received_at, LANG, TZ)
        due = rv.due_text(item, LANG, NOW)
        st.button(
            f"{item.rma} · {when} · {due}", key=f"receiving_pick_{item.rma}", on_click=choose,
            args=(item.rma,), icon=":material/alarm:" if item.overdue else ":material/inventory_2:",
            type="primary" if item.rma == st.session_state.receiving_rma else "secondary",
            width="stretch",
        )  # fmt: skip
    if len(queue) > LISTED:
        st.caption(tr("rd.more", LANG, n=waiting.total - LISTED))
with right:
    detail = load(st.session_state.receiving_rma) if st.session_state.receiving_rma else None
    if detail is None:
        st.info(tr("rd.rcv.start", LANG), icon=":material/barcode_scanner:")
    else:
        current(detail)
