"""E-mail (administrators): mailboxes with a connection test, the SMTP listener, and the mail
that needs attention (quarantine, outbox failures). Passwords are write-only."""

from __future__ import annotations

import streamlit as st

from dashboard import formats
from dashboard.api_client import ApiError, SessionExpired
from dashboard.i18n import tr
from dashboard.safe import md
from dashboard.session import client, sign_out
from dashboard.tables import Col, present

QUARANTINE = [Col("received_at", "moment"), Col("source", "code", "mail.source"),
              Col("from_address"), Col("subject"), Col("reason"), Col("size", "int"),
              Col("processed_at", "moment")]  # fmt: skip
OUTBOX = [Col("created_at", "moment", header="col.queued_at"), Col("ticket_ref"),
          Col("kind", "code", "outbox.kind"), Col("rcpt_to"),
          Col("status", "code", "outbox.status"),
          Col("attempts", "int"), Col("next_attempt_at", "moment"), Col("last_error"),
          Col("sent_at", "moment")]  # fmt: skip

lang = st.session_state.lang
api = client()
st.title(tr("mail.title", lang))
try:
    boxes = api.request("GET", "/api/v1/mail/mailboxes")
    settings = api.request("GET", "/api/v1/mail/settings")
    quarantine = api.request("GET", "/api/v1/mail/quarantine")
    outbox = api.request("GET", "/api/v1/mail/outbox")
except SessionExpired:
    sign_out(tr("dash.session_expired", lang))
    st.rerun()

SECURITY = ["ssl", "starttls", "none"]
for box in boxes:
    with st.expander(f"{md(box['name'])} — {md(box['address'])}", expanded=False):
        polled = formats.moment(box["last_polled_at"], lang) if box["last_polled_at"] else None
        st.caption(tr("mail.status", lang, polled=polled or tr("mail.never", lang),
                      error=md(box["last_error"] or tr("mail.none", lang))))  # fmt: skip
        if st.button(tr("mail.test", lang), key=f"mail_test_{box['id']}"):
            result = api.request("POST", f"/api/v1/mail/mailboxes/{box['id']}/test")
            for part in ("imap", "smtp"):
                (st.success if result[part]["ok"] else st.error)(
                    tr("mail.test_part", lang, part=part.upper(),
                       detail=md(result[part]["detail"])))  # fmt: skip

with st.form("mail_new_box"):
    st.subheader(tr("mail.new", lang))
    c1, c2 = st.columns(2)
    name = c1.text_input(tr("mail.f.name", lang), tr("mail.default_name", lang))
    address = c2.text_input(tr("mail.f.address", lang), placeholder="service@boutique.example")
    security_name = {code: tr(f"mail.security.{code}", lang) for code in SECURITY}.get
    c1, c2, c3 = st.columns(3)
    imap_host = c1.text_input(tr("mail.f.imap_host", lang))
    imap_port = c2.number_input(tr("mail.f.imap_port", lang), 1, 65535, 993)
    imap_security = c3.selectbox(tr("mail.f.imap_security", lang), SECURITY,
                                 format_func=security_name)  # fmt: skip
    c1, c2 = st.columns(2)
    imap_user = c1.text_input(tr("mail.f.user", lang))
    imap_password = c2.text_input(tr("mail.f.password", lang), type="password")
    c1, c2, c3 = st.columns(3)
    smtp_host = c1.text_input(tr("mail.f.smtp_host", lang))
    smtp_port = c2.number_input(tr("mail.f.smtp_port", lang), 1, 65535, 587)
    smtp_security = c3.selectbox(tr("mail.f.smtp_security", lang), SECURITY, index=1,
                                 format_func=security_name)  # fmt: skip
    auto_ack = st.checkbox(tr("mail.f.auto_ack", lang), value=True)
    if st.form_submit_button(tr("mail.create", lang), type="primary"):
        fields = {
            "name": name, "address": address, "imap_host": imap_host or None,
            "imap_port": int(imap_port), "imap_security": imap_security,
            "imap_username": imap_user or None, "imap_password": imap_password or None,
            "smtp_host": smtp_host or None, "smtp_port": int(smtp_port),
            "smtp_security": smtp_security, "smtp_username": imap_user or None,
            "smtp_password": imap_password or None, "auto_ack": auto_ack,
        }  # fmt: skip
        try:
            api.request("POST", "/api/v1/mail/mailboxes",
                      json={k: v for k, v in fields.items() if v is not None})  # fmt: skip
            st.rerun()
        except ApiError as exc:
            st.error(md(exc.detail))

with st.form("mail_settings"):
    st.subheader(tr("mail.listener", lang))
    enabled = st.checkbox(tr("mail.listener_on", lang), value=settings["listener_enabled"])
    port = st.number_input(tr("mail.listener_port", lang), 1, 65535, settings["listener_port"])
    if st.form_submit_button(tr("mail.save", lang)):
        try:
            changed = {**settings, "listener_enabled": enabled, "listener_port": int(port)}
            api.request("PUT", "/api/v1/mail/settings", json=changed)
            st.success(tr("mail.saved", lang))
        except ApiError as exc:
            st.error(md(exc.detail))

st.subheader(tr("mail.quarantine", lang))
st.dataframe(present(quarantine, QUARANTINE, lang), hide_index=True, width="stretch")
st.subheader(tr("mail.outbox", lang))
st.dataframe(present(outbox, OUTBOX, lang), hide_index=True, width="stretch")
