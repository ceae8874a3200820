"""The customer's identities in the ticket's customer panel: every way they reach the store
(e-mail, phone for SMS, WhatsApp, Messenger, Instagram) with the channel's icon, phones written
for people ("(514) 555-0177"), an SMS opt-out shown, and the controls to link another profile
(search by e-mail, phone or name, then confirm) or to unlink one linked by mistake."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.i18n import person, short_when, tr
from dashboard.identity_text import human_phone, shown
from dashboard.safe import code, tr_md
from dashboard.session import api_errors, client, notify
from widget_api.contracts.channels import CustomerIdentity
from widget_api.contracts.identities import CustomerCandidate

ICONS = {
    "email": ":material/mail:",
    "phone": ":material/sms:",
    "whatsapp": ":material/chat:",
    "messenger": ":material/forum:",
    "instagram": ":material/photo_camera:",
}
KINDS = tuple(ICONS)


def identity_line(identity: CustomerIdentity, lang: str, tz: str) -> str:
    """One identity as Markdown: icon, channel, value to copy, and its state."""
    icon = ICONS.get(identity.kind, ":material/badge:")
    name = tr(f"identities.kind.{identity.kind}", lang)
    parts = [f"{icon} {name} {code(shown(identity.kind, identity.value))}"]
    if identity.linked:
        parts.append(f":material/link: {tr('identities.dash.linked', lang)}")
    if identity.opted_out_at is not None:
        parts.append(
            ":red[:material/block: "
            + tr("channels.dash.opted_out", lang, date=short_when(identity.opted_out_at, lang, tz))
            + "]"
        )
    return " · ".join(parts)


def candidate_label(candidate: CustomerCandidate, lang: str) -> str:
    """How a search result reads in the picker (plain text: the picker shows no Markdown)."""
    contact = candidate.email or (
        shown(candidate.identities[0].kind, candidate.identities[0].value)
        if candidate.identities
        else (human_phone(candidate.phone) if candidate.phone else "—")
    )
    name = person(candidate.name, None, lang) if candidate.name else f"#{candidate.id}"
    count = candidate.ticket_count
    return tr("identities.dash.candidate", lang, name=name, contact=contact, tickets=count)


# -- what the controls do --
def _ask_unlink(identity_id: int) -> None:
    st.session_state.identity_unlink = identity_id


def _cancel_unlink() -> None:
    st.session_state.identity_unlink = None


def _unlink(customer_id: int, identity: CustomerIdentity, lang: str) -> None:
    st.session_state.identity_unlink = None
    with api_errors():
        client().unlink_identity(customer_id, identity.id)
        notify(tr_md("identities.dash.unlinked", lang, value=shown(identity.kind, identity.value)))


def _link(customer_id: int, candidates: dict[int, str], lang: str) -> None:
    picked = st.session_state.get("identity_pick")
    if picked is None:
        return
    if not st.session_state.get("identity_confirm"):
        notify(tr("identities.dash.must_confirm", lang), "error")
        return
    with api_errors():
        client().link_customer(customer_id, other_customer_id=picked)
        notify(tr_md("identities.dash.linked_done", lang, name=candidates.get(picked, picked)))
        st.session_state.identity_search = ""
        st.session_state.identity_confirm = False


def _attach(customer_id: int, lang: str) -> None:
    kind = st.session_state.get("identity_attach_kind")
    value = (st.session_state.get("identity_attach_value") or "").strip()
    if not kind or not value:
        return
    with api_errors():
        client().link_customer(customer_id, kind=kind, value=value)
        notify(tr_md("identities.dash.attached", lang, value=value))
        st.session_state.identity_attach_value = ""


# -- the panel --
def render(customer_id: int, identities: Sequence[CustomerIdentity], lang: str, tz: str) -> None:
    st.session_state.setdefault("identity_unlink", None)
    st.markdown(f"**{tr('identities.dash.title', lang)}**")
    if not identities:
        st.caption(tr("identities.dash.none", lang))
    for identity in identities:
        line, action = st.columns([5, 2], vertical_alignment="center")
        line.markdown(identity_line(identity, lang, tz))
        if identity.linked:
            action.button(
                tr("identities.dash.unlink", lang),
                key=f"identity_unlink_{identity.id}",
                icon=":material/link_off:",
                type="tertiary",
                on_click=_ask_unlink,
                args=(identity.id,),
            )
        if st.session_state.identity_unlink == identity.id:
            st.warning(
                tr_md("identities.dash.unlink_confirm", lang,
                      value=shown(identity.kind, identity.value)),
                icon=":material/link_off:",
            )  # fmt: skip
            yes, no = st.columns(2)
            yes.button(tr("identities.dash.unlink_yes", lang), key="identity_unlink_yes",
                       type="primary", on_click=_unlink,
                       args=(customer_id, identity, lang))  # fmt: skip
            no.button(tr("identities.dash.cancel", lang), key="identity_unlink_no",
                      on_click=_cancel_unlink)  # fmt: skip
    with st.expander(tr("identities.dash.link", lang), icon=":material/link:"):
        link_form(customer_id, lang)


def link_form(customer_id: int, lang: str) -> None:
    q = st.text_input(tr("identities.dash.search", lang), key="identity_search",
                      icon=":material/search:")  # fmt: skip
    if q and len(q.strip()) >= 2:
        found: list[CustomerCandidate] = []
        with api_errors(inline=True):
            found = [c for c in client().search_customers(q.strip()) if c.id != customer_id]
        if not found:
            st.caption(tr("identities.dash.no_match", lang))
        else:
            labels = {c.id: candidate_label(c, lang) for c in found}
            st.selectbox(tr("identities.dash.pick", lang), options=list(labels),
                         format_func=lambda i: labels[i], key="identity_pick")  # fmt: skip
            st.checkbox(tr("identities.dash.confirm", lang), key="identity_confirm")
            st.button(tr("identities.dash.do_link", lang), key="identity_link", type="primary",
                      icon=":material/link:", on_click=_link,
                      args=(customer_id, labels, lang))  # fmt: skip
    st.caption(tr("identities.dash.attach", lang))
    kind, value = st.columns([2, 3])
    kind.selectbox(tr("identities.dash.attach_kind", lang), options=list(KINDS),
                   format_func=lambda k: tr(f"identities.kind.{k}", lang),
                   key="identity_attach_kind")  # fmt: skip
    value.text_input(tr("identities.dash.attach_value", lang), key="identity_attach_value")
    st.button(tr("identities.dash.do_attach", lang), key="identity_attach",
              icon=":material/add_link:", on_click=_attach, args=(customer_id, lang))  # fmt: skip
