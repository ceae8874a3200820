"""The ticket's order panel: lines (variant, SKU, quantity, prices), totals with TPS/TVQ or
GST/QST, payment and fulfilment in words, carrier and tracking link, the shipping address with
its warnings. Drawn by ``render``; the order actions live beside it, not in it."""

from __future__ import annotations

import streamlit as st

from dashboard import order_view as ov
from dashboard import ticket_view as tv
from dashboard.i18n import short_when, tr
from dashboard.safe import badge, md, tr_md
from widget_api.contracts.tickets import TicketDetail


def render(ticket: TicketDetail, lang: str, tz: str) -> None:
    order = ticket.order
    if order is None:
        st.markdown(f"**:material/package_2: {tr('dash.order.title_none', lang)}**")
        st.caption(
            tr_md("dash.order.none", lang, number=ticket.order_number)
            if ticket.order_number
            else tr("dash.order.no_number", lang)
        )
        return
    title = tr_md("dash.order.title", lang, number=order.number)
    st.markdown(f"**:material/package_2: {title}**")
    st.caption(tr("dash.order.placed", lang, at=short_when(order.placed_at, lang, tz)))
    with st.container(horizontal=True, gap="small", key="ticket_order_badges"):
        st.badge(badge(ov.fulfilment_status(order, lang)), icon=":material/local_shipping:")
        st.badge(
            badge(ov.payment_status(order, lang)),
            icon=":material/payments:",
            color="red" if order.cancelled_at else "green",
        )
    facts = ov.facts(order, lang, tz, ticket.customer_detail.email)
    if facts:
        st.markdown("  \n".join(tr("dash.order.fact", lang, name=n, value=md(v)) for n, v in facts))
    for warning in ticket.address_warnings:
        st.warning(md(warning), icon=":material/wrong_location:")
    for i, line in enumerate(ov.lines(order, lang)):
        with st.container(
            key=f"ticket_line_{i}", horizontal=True, horizontal_alignment="distribute"
        ):
            st.markdown(f"**{md(line.title)}**  \n:small[{md(line.detail)}]")
            st.markdown(line.price, width="content", text_alignment="right")
    st.divider()
    totals = tv.order_totals(order, lang)
    for i, (name, amount) in enumerate(totals):
        strong = "**" if i == len(totals) - 1 else ""
        with st.container(
            key=f"ticket_total_{i}", horizontal=True, horizontal_alignment="distribute"
        ):
            st.markdown(f"{strong}{name}{strong}", width="content")
            st.markdown(f"{strong}{amount}{strong}", width="content")
    shipping = [tr_md("dash.order.carrier", lang, name=order.carrier or "—")]
    if order.warehouse:
        shipping.insert(0, tr_md("dash.order.warehouse", lang, name=order.warehouse))
    st.markdown("  \n".join(shipping))
    link = tv.tracking_link(order, lang)
    if order.tracking_number:
        if link:
            st.link_button(
                tr_md("dash.order.track", lang, number=order.tracking_number),
                link,
                icon=":material/open_in_new:",
            )
        else:
            st.caption(tr_md("dash.order.tracking", lang, number=order.tracking_number))
    st.caption(tr("dash.order.ship_to", lang))
    st.markdown("  \n".join(md(line) for line in ov.address_lines(order, lang)))
