"""The order panel's actions: refund, cancel, address change, replacement, goodwill code. Each
form is checked by the server's preview, whose confirmation shows exactly what will happen
(amount, lines, stock, whether the customer is told); confirming sends it with an idempotency key
made when the confirmation opened (kept in the session, so a retry after a timeout reuses it and
the server never acts twice); then the result: done, refused with the reason, or the platform's
error."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import streamlit as st

from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import label, money, short_when, tr
from dashboard.safe import md, tr_md
from dashboard.session import client, notify, refusal_text, sign_out
from widget_api.contracts.commerce import OrderActionResult
from widget_api.contracts.inbox import CustomerProfile
from widget_api.contracts.order_actions import OrderActionPreview, OrderActionRecord
from widget_api.contracts.tickets import TicketDetail

ACTIONS = ("refund", "cancel", "update_shipping_address", "replacement", "discount_code")
ICONS = {
    "refund": ":material/currency_exchange:",
    "cancel": ":material/cancel:",
    "update_shipping_address": ":material/edit_location_alt:",
    "replacement": ":material/autorenew:",
    "discount_code": ":material/redeem:",
}
CANCEL_REASONS = ("customer", "inventory", "fraud", "declined", "other")
CONFIRM = "ticket_oa_confirm"  # {ref, body, preview, key}
RESULT = "ticket_oa_result"  # {ref, state, message}


def _path(ref: str, tail: str = "") -> str:
    return f"/api/v1/tickets/{ref}/order-actions{tail}"


# -- requests built from the forms (pure: tested on their own) ------------------------------
def dollars(text: str | None) -> str | None:
    """An amount as typed ("25", "25,50", "25.50 $") → "25.50"; None when empty; ValueError when
    it is not an amount."""
    raw = (text or "").replace("$", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None
    if value <= 0:
        raise ValueError(text)
    return str(value.quantize(Decimal("0.01")))


def refund_body(quantities: dict[int, int], amount: str | None, *, shipping: bool, restock: bool,
                reason: str, notify_customer: bool) -> dict:  # fmt: skip
    lines = [{"line_id": i, "quantity": q} for i, q in quantities.items() if q > 0]
    return {
        "action": "refund", "lines": lines or None, "amount": dollars(amount),
        "shipping": shipping, "restock": restock and bool(lines), "reason": reason.strip(),
        "notify_customer": notify_customer,
    }  # fmt: skip


# -- what the buttons do ---------------------------------------------------------------------
def check(ref: str, body: dict) -> None:
    """Ask the server what ``body`` would do; its answer opens the confirmation with a new key."""
    st.session_state.pop(RESULT, None)
    try:
        preview = OrderActionPreview.model_validate(
            client().request("POST", _path(ref, "/preview"), json=body)
        )
    except SessionExpired:
        sign_out(tr("dash.session_expired", st.session_state.get("lang", "fr")))
        return
    except ApiError as exc:
        notify(refusal_text(exc), "error")
        return
    key = f"dash-{uuid.uuid4().hex}"
    st.session_state[CONFIRM] = {"ref": ref, "body": body, "preview": preview, "key": key}


def confirm(ref: str) -> None:
    pending = st.session_state.get(CONFIRM)
    if not pending or pending["ref"] != ref:
        return
    body = {**pending["body"], "idempotency_key": pending["key"]}
    try:
        result = OrderActionResult.model_validate(client().request("POST", _path(ref), json=body))
        shown = {"state": result.state, "message": result.message}
    except SessionExpired:
        sign_out(tr("dash.session_expired", st.session_state.get("lang", "fr")))
        return
    except ApiError as exc:
        if exc.status_code not in (409, 502):  # a 400 or no server: the confirmation stays
            notify(refusal_text(exc), "error")
            return
        shown = {"state": "failed", "message": exc.detail}  # refused, recorded: not retried
    st.session_state[RESULT] = {"ref": ref, **shown}
    if shown["state"] != "unknown":  # no answer: the same key is kept for the retry
        st.session_state.pop(CONFIRM, None)


def dismiss() -> None:
    st.session_state.pop(CONFIRM, None)
    st.session_state.pop("ticket_oa_pick", None)


# -- how it looks ---------------------------------------------------------------------------
def panel(ticket: TicketDetail, lang: str) -> None:
    """Under the order: the action buttons, the chosen form, the confirmation, the result."""
    order = ticket.order
    if order is None:
        return
    ref = ticket.ref
    shown = st.session_state.get(RESULT)
    if shown and shown["ref"] == ref:
        _result(shown["state"], shown["message"], lang)
    pending = st.session_state.get(CONFIRM)
    if pending and pending["ref"] == ref:
        _confirmation(ref, pending, lang)
        return
    st.caption(tr("dash.oa.title", lang))
    pick = st.pills(
        tr("dash.oa.title", lang),
        ACTIONS,
        format_func=lambda a: tr(f"dash.oa.action.{a}", lang),
        key="ticket_oa_pick",
        label_visibility="collapsed",
    )
    if pick == "refund":
        _refund_form(ticket, lang)
    elif pick == "cancel":
        _cancel_form(ticket, lang)
    elif pick == "update_shipping_address":
        _address_form(ticket, lang)
    elif pick == "replacement":
        _replacement_form(ticket, lang)
    elif pick == "discount_code":
        _discount_form(ticket, lang)


def _notify_box(lang: str, key: str) -> bool:
    return st.checkbox(tr("dash.oa.notify", lang), value=True, key=key)


def _refund_form(ticket: TicketDetail, lang: str) -> None:
    order = ticket.order
    with st.form(f"ticket_oa_refund_{ticket.ref}", border=True):
        st.markdown(f"**{tr('dash.oa.action.refund', lang)}**")
        quantities: dict[int, int] = {}
        for line in order.lines:
            if line.id is None:
                continue
            quantities[line.id] = st.number_input(
                tr("dash.oa.line_qty", lang, title=md(line.title), sku=md(line.sku),
                   price=money(line.unit_price_cents, lang, order.currency), n=line.quantity),
                min_value=0, max_value=line.quantity, value=0, step=1,
                key=f"ticket_oa_qty_{line.id}",
            )  # fmt: skip
        amount = st.text_input(tr("dash.oa.amount", lang), key="ticket_oa_amount",
                               placeholder=tr("dash.oa.amount_hint", lang))  # fmt: skip
        shipping = st.checkbox(
            tr("dash.oa.shipping", lang, amount=money(order.shipping_cents, lang, order.currency)),
            key="ticket_oa_shipping",
        )
        restock = st.checkbox(tr("dash.oa.restock", lang), key="ticket_oa_restock")
        reason = st.text_input(tr("dash.oa.reason", lang), key="ticket_oa_reason", max_chars=500)
        told = _notify_box(lang, "ticket_oa_notify_refund")
        if st.form_submit_button(tr("dash.oa.review", lang), icon=":material/fact_check:"):
            try:
                body = refund_body(quantities, amount, shipping=shipping, restock=restock,
                                   reason=reason, notify_customer=told)  # fmt: skip
            except ValueError:
                st.error(tr("dash.oa.bad_amount", lang, amount=md(amount)), icon=":material/error:")
                return
            check(ticket.ref, body)
            st.rerun()


def _cancel_form(ticket: TicketDetail, lang: str) -> None:
    with st.form(f"ticket_oa_cancel_{ticket.ref}", border=True):
        st.markdown(f"**{tr('dash.oa.action.cancel', lang)}**")
        reason = st.selectbox(tr("dash.oa.cancel_reason", lang), CANCEL_REASONS,
                              format_func=lambda r: tr(f"order_action.cancel_reason.{r}", lang),
                              key="ticket_oa_cancel_reason")  # fmt: skip
        refund = st.checkbox(tr("dash.oa.cancel_refund", lang), value=True,
                             key="ticket_oa_cancel_refund")  # fmt: skip
        restock = st.checkbox(tr("dash.oa.restock", lang), value=True,
                              key="ticket_oa_cancel_restock")  # fmt: skip
        told = _notify_box(lang, "ticket_oa_notify_cancel")
        if st.form_submit_button(tr("dash.oa.review", lang), icon=":material/fact_check:"):
            check(ticket.ref, {"action": "cancel", "reason": reason, "refund": refund,
                               "restock": restock, "notify_customer": told})  # fmt: skip
            st.rerun()


def _address_form(ticket: TicketDetail, lang: str) -> None:
    order = ticket.order
    with st.form(f"ticket_oa_address_{ticket.ref}", border=True):
        st.markdown(f"**{tr('dash.oa.action.update_shipping_address', lang)}**")
        fields: dict[str, Any] = {}
        current = {
            "name": order.ship_name, "address1": order.ship_address1,
            "address2": order.ship_address2, "city": order.ship_city,
            "province_code": order.ship_province, "zip": order.ship_postal_code,
            "country_code": order.ship_country, "phone": order.ship_phone,
        }  # fmt: skip
        for name, value in current.items():
            fields[name] = st.text_input(tr(f"dash.oa.address.{name}", lang), value=value or "",
                                         key=f"ticket_oa_addr_{name}")  # fmt: skip
        told = _notify_box(lang, "ticket_oa_notify_address")
        if st.form_submit_button(tr("dash.oa.review", lang), icon=":material/fact_check:"):
            address = {k: v.strip() or None for k, v in fields.items()}
            address["country_code"] = address["country_code"] or "CA"
            check(ticket.ref, {"action": "update_shipping_address", "address": address,
                               "notify_customer": told})  # fmt: skip
            st.rerun()


def _replacement_form(ticket: TicketDetail, lang: str) -> None:
    with st.form(f"ticket_oa_replacement_{ticket.ref}", border=True):
        st.markdown(f"**{tr('dash.oa.action.replacement', lang)}**")
        st.caption(tr("dash.oa.replacement_hint", lang))
        told = _notify_box(lang, "ticket_oa_notify_replacement")
        if st.form_submit_button(tr("dash.oa.review", lang), icon=":material/fact_check:"):
            check(ticket.ref, {"action": "replacement", "notify_customer": told})
            st.rerun()


def _discount_form(ticket: TicketDetail, lang: str) -> None:
    with st.form(f"ticket_oa_discount_{ticket.ref}", border=True):
        st.markdown(f"**{tr('dash.oa.action.discount_code', lang)}**")
        kind = st.radio(tr("dash.oa.discount_kind", lang), ("percent", "amount"),
                        format_func=lambda k: tr(f"dash.oa.discount.{k}", lang),
                        horizontal=True, key="ticket_oa_discount_kind")  # fmt: skip
        value = st.text_input(tr("dash.oa.discount_value", lang), key="ticket_oa_discount_value")
        told = _notify_box(lang, "ticket_oa_notify_discount")
        if st.form_submit_button(tr("dash.oa.review", lang), icon=":material/fact_check:"):
            try:
                number = dollars(value)
            except ValueError:
                number = None
            if number is None:
                st.error(tr("dash.oa.bad_amount", lang, amount=md(value)), icon=":material/error:")
                return
            check(ticket.ref, {"action": "discount_code", kind: number, "notify_customer": told})
            st.rerun()


def _confirmation(ref: str, pending: dict, lang: str) -> None:
    preview: OrderActionPreview = pending["preview"]
    with st.container(border=True, key="ticket_oa_confirmation"):
        st.markdown(f"**{tr_md('dash.oa.confirm_title', lang, number=preview.order_number)}**")
        if preview.amount_text:
            st.markdown(tr_md("dash.oa.confirm_amount", lang, amount=preview.amount_text))
        for line in preview.summary:
            st.markdown(f"- {md(line)}")
        st.caption(tr("dash.oa.key", lang, key=pending["key"]))
        with st.container(horizontal=True, gap="small"):
            st.button(tr("dash.oa.confirm", lang), key="ticket_oa_go", type="primary",
                      icon=":material/check:", on_click=confirm, args=(ref,))  # fmt: skip
            st.button(tr("dash.oa.back", lang), key="ticket_oa_back", on_click=dismiss)


def _result(state: str, message: str, lang: str) -> None:
    with st.container(key="ticket_oa_result"):
        text = md(message)
        if state == "done":
            st.success(text, icon=":material/check_circle:")
        elif state == "unknown":
            st.warning(text, icon=":material/hourglass_top:")
            st.caption(tr("dash.oa.retry_hint", lang))
        else:
            st.error(text, icon=":material/error:")


def history(ref: str, lang: str) -> None:
    """The actions already taken from this ticket, newest first."""
    rows = [OrderActionRecord.model_validate(r) for r in client().request("GET", _path(ref))]
    if not rows:
        return
    with st.expander(tr("dash.oa.history", lang, n=len(rows)), icon=":material/receipt_long:"):
        for row in rows:
            name = tr(f"dash.oa.action.{row.action}", lang)
            state = label("dash.oa.state", row.state, lang)
            st.markdown(f"**{name}** · {state} · {md(row.message)}")


def customer_orders(profile: CustomerProfile, lang: str, tz: str) -> None:
    """The customer's orders in their history, newest first (the profile answers 50 at most)."""
    if not profile.orders:
        return
    st.caption(tr("dash.oa.customer_orders", lang, n=len(profile.orders)))
    rows = [
        md(" · ".join((o.number, short_when(o.placed_at, lang, tz),
                       money(o.total_cents, lang, o.currency),
                       label("fulfillment", o.fulfillment_status, lang))))
        for o in profile.orders[:8]
    ]  # fmt: skip
    with st.container(key="ticket_customer_orders"):
        st.markdown("  \n".join(rows))
