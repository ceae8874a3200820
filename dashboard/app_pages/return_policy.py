"""Return policy (administrators): the window, final-sale categories, refunds and exchanges
offered, who pays the return shipping by reason, automatic approval and the return address."""

from __future__ import annotations

import streamlit as st

from dashboard import return_policy_view as rp
from dashboard.i18n import tr
from dashboard.session import api_errors, client, is_admin, lang, notify
from widget_api.contracts.returns import REASONS

LANG = lang()
PATH = "/api/v1/settings/returns"
METHODS = ("original_payment", "store_credit", "exchange")
ADDRESS = ("name", "line1", "line2", "city", "province", "postal_code", "country")

st.title(tr("set.ret.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()
st.caption(tr("set.ret.caption", LANG))

api = client()
current = api.request("GET", PATH)
st.info(tr("set.ret.summary", LANG, days=current["window_days"]), icon=":material/event:")


def _method(code: str) -> str:
    text = tr(f"rd.method.{code}", LANG)
    return text[:1].upper() + text[1:]


with st.form("ret_form"):
    left, right = st.columns(2)
    window = left.number_input(
        tr("set.ret.window", LANG), min_value=0, max_value=365, step=1,
        value=current["window_days"], key="ret_window",
    )  # fmt: skip
    methods = right.multiselect(
        tr("set.ret.methods", LANG), METHODS, default=current["refund_methods"],
        format_func=_method, key="ret_methods", placeholder="—",
    )  # fmt: skip
    final_sale = st.text_input(
        tr("set.ret.final_sale", LANG), value=", ".join(current["final_sale_categories"]),
        help=tr("set.ret.final_sale_help", LANG), key="ret_final_sale",
    )  # fmt: skip

    st.subheader(tr("set.ret.payer", LANG))
    payers = {}
    for column, reason in zip(st.columns(3) * 2, REASONS, strict=True):
        payers[reason] = column.selectbox(
            tr(f"rd.reason.{reason}", LANG), ["store", "customer"],
            index=["store", "customer"].index(current["shipping_payer"].get(reason, "store")),
            format_func=lambda p: tr(f"set.ret.payer.{p}", LANG), key=f"ret_payer_{reason}",
        )  # fmt: skip
    fee = st.text_input(
        tr("set.ret.shipping_fee", LANG),
        value=rp.amount_text(current["return_shipping_cents"], LANG), key="ret_fee",
    )  # fmt: skip

    st.subheader(tr("set.ret.auto", LANG))
    auto = current["auto_approval"]
    auto_on = st.toggle(tr("set.ret.auto_enabled", LANG), value=auto["enabled"], key="ret_auto")
    left, right = st.columns(2)
    auto_max = left.text_input(
        tr("set.ret.auto_max_value", LANG), value=rp.amount_text(auto["max_value_cents"], LANG),
        key="ret_auto_max",
    )  # fmt: skip
    auto_recent = right.number_input(
        tr("set.ret.auto_max_recent", LANG), min_value=0, max_value=100, step=1,
        value=auto["max_recent_returns"], key="ret_auto_recent",
    )  # fmt: skip

    st.subheader(tr("set.ret.address", LANG))
    address = {}
    columns = st.columns(2)
    for n, field in enumerate(ADDRESS):
        address[field] = columns[n % 2].text_input(
            tr(f"set.ret.address.{field}", LANG), value=current["return_address"][field] or "",
            key=f"ret_address_{field}",
        )  # fmt: skip

    if st.form_submit_button(tr("set.save", LANG), type="primary", icon=":material/save:"):
        try:
            fee_cents, max_cents = rp.parse_amount(fee), rp.parse_amount(auto_max)
        except rp.UnreadableAmount as exc:
            st.error(tr("set.ret.bad_money", LANG, text=str(exc)), icon=":material/error:")
        else:
            body = rp.policy_body(
                current,
                window_days=window,
                refund_methods=methods,
                final_sale_categories=rp.categories(final_sale),
                shipping_payer=payers,
                return_shipping_cents=fee_cents,
                auto_approval={"enabled": auto_on, "max_value_cents": max_cents,
                               "max_recent_returns": auto_recent},
                return_address={k: (v.strip() or None) if k == "line2" else v.strip()
                                for k, v in address.items()},
            )  # fmt: skip
            with api_errors(inline=True):
                api.request("PUT", PATH, json=body)
                notify(tr("set.saved", LANG))
                st.rerun()
