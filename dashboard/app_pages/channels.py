"""Canaux / Channels (administrators): SMS (Twilio), WhatsApp and Messenger + Instagram, one tab
each: the credentials (secrets write-only: "saved — leave blank to keep"), the webhook URL and
verify token to paste in the platform, a connection test, and the last sends with their errors.

Messenger's settings arrive with the Messenger channel; until the server has them, its tab says
so instead of failing."""

from __future__ import annotations

import streamlit as st

from dashboard import canaux_view as cv
from dashboard.api_client import ApiError
from dashboard.i18n import tr
from dashboard.safe import md
from dashboard.session import api_errors, client, is_admin, lang, notify
from widget_api.contracts.channels import ChannelTestResult

LANG = lang()

st.title(tr("canaux.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()
st.caption(tr("canaux.intro", LANG))


def load(path: str) -> dict | list | None:
    """The API's answer; None when this server does not have the endpoint yet (404)."""
    try:
        return client().request("GET", path)
    except ApiError as exc:
        if exc.status_code == 404:
            return None
        raise


def state_key(channel: cv.Channel, what: str) -> str:
    return f"canaux_{channel.code}_{what}"


def webhooks(channel: cv.Channel, view: dict) -> None:
    st.markdown(f"**{tr(f'canaux.paste.{channel.code}', LANG)}**")
    for name in channel.webhooks:
        st.caption(tr(f"canaux.webhook.{name}", LANG))
        st.code(view[name], language=None)
    if not channel.verify_token:
        return
    just_saved = st.session_state.get(state_key(channel, "saved_token"))
    if just_saved:
        st.caption(tr("canaux.verify_token.copy_now", LANG))
        st.code(just_saved, language=None)
    elif view.get("verify_token_set"):
        st.caption(tr("canaux.verify_token.saved", LANG))
    else:
        st.caption(tr("canaux.verify_token.none", LANG))


def settings_form(channel: cv.Channel, view: dict) -> None:
    version = st.session_state.setdefault(state_key(channel, "version"), 0)
    suggested = st.session_state.setdefault(state_key(channel, "suggested"),
                                            cv.new_verify_token())  # fmt: skip
    values: dict[str, str] = {}
    with st.form(f"canaux_{channel.code}_form_{version}", border=True):
        for field in channel.fields:
            key = f"canaux_{channel.code}_{field.setting}_{version}"
            if field.setting == "verify_token":
                # Chosen here and pasted in the Meta app, so shown while it is typed.
                values[field.setting] = st.text_input(
                    field.label(LANG), "" if view.get("verify_token_set") else suggested,
                    key=key, placeholder=cv.secret_hint(view, field, LANG),
                    help=tr("canaux.verify_token.help", LANG),
                )  # fmt: skip
            elif field.secret:
                values[field.setting] = st.text_input(
                    field.label(LANG), type="password", key=key,
                    placeholder=cv.secret_hint(view, field, LANG),
                )  # fmt: skip
            elif not field.advanced:
                shown = view.get(field.setting) or ""
                values[field.setting] = st.text_input(field.label(LANG), shown, key=key)
        templates = None
        if channel.code == "whatsapp":
            templates = st.text_area(
                tr("canaux.f.templates", LANG), cv.templates_text(view.get("templates") or []),
                key=f"canaux_whatsapp_templates_{version}",
                help=tr("canaux.f.templates_help", LANG),
            )  # fmt: skip
        with st.expander(tr("canaux.advanced", LANG)):
            for field in channel.fields:
                if field.advanced:
                    key = f"canaux_{channel.code}_{field.setting}_{version}"
                    current = view.get(field.setting) or ""
                    values[field.setting] = st.text_input(field.label(LANG), current, key=key)
        saved = st.form_submit_button(
            tr("canaux.save", LANG), type="primary", icon=":material/save:",
            key=f"canaux_{channel.code}_save",
        )  # fmt: skip
    if saved:
        save(channel, values, templates)


def save(channel: cv.Channel, values: dict[str, str], templates: str | None) -> None:
    body = cv.settings_body(channel, values)
    if templates is not None:
        try:
            body["templates"] = cv.parse_templates(templates)
        except ValueError as exc:
            st.error(tr("canaux.f.templates_bad", LANG, line=exc.args[0]), icon=":material/error:")
            return
    with api_errors(inline=True):
        client().request("PUT", channel.settings_path, json=body)
        token = body.get("verify_token")
        st.session_state[state_key(channel, "saved_token")] = token
        st.session_state[state_key(channel, "version")] += 1
        notify(tr("canaux.saved", LANG, channel=tr(f"canaux.tab.{channel.code}", LANG)))
        st.rerun()


def connection_test(channel: cv.Channel) -> None:
    if not st.button(tr("canaux.test", LANG), key=f"canaux_{channel.code}_test",
                     icon=":material/network_check:"):  # fmt: skip
        return
    try:
        result = ChannelTestResult.model_validate(client().request("POST", channel.test_path))
    except ApiError as exc:
        st.error(md(exc.detail), icon=":material/error:")
        return
    if result.ok:
        st.success(tr("canaux.test_ok", LANG, account=md(result.account or "")),
                   icon=":material/check_circle:")  # fmt: skip
    else:
        st.error(md(result.message or ""), icon=":material/error:")


def outbox(channel: cv.Channel) -> None:
    st.subheader(tr("canaux.outbox", LANG))
    items = load(channel.outbox_path)
    if items is None:
        st.caption(tr("canaux.outbox.unavailable", LANG))
        return
    if not items:
        st.caption(tr("canaux.outbox.none", LANG))
        return
    failed = cv.failures(items)
    if failed:
        st.warning(tr("canaux.outbox.failed", LANG, n=failed), icon=":material/warning:")
    only_errors = st.toggle(tr("canaux.outbox.errors_only", LANG), value=bool(failed),
                            key=f"canaux_{channel.code}_errors_only")  # fmt: skip
    st.dataframe(cv.outbox_rows(items, LANG, errors_only=only_errors), hide_index=True,
                 width="stretch", key=f"canaux_{channel.code}_outbox")  # fmt: skip


def channel_tab(channel: cv.Channel) -> None:
    st.caption(tr(f"canaux.about.{channel.code}", LANG))
    view = load(channel.settings_path)
    if view is None:
        st.info(tr("canaux.unavailable", LANG), icon=":material/info:")
        return
    state = "canaux.configured" if view.get("configured") else "canaux.not_configured"
    st.markdown(tr(state, LANG))
    left, right = st.columns([3, 2], gap="large")
    with left:
        settings_form(channel, view)
        connection_test(channel)
    with right:
        webhooks(channel, view)
    outbox(channel)


tabs = st.tabs([tr(f"canaux.tab.{c.code}", LANG) for c in cv.CHANNELS])
for tab, channel in zip(tabs, cv.CHANNELS, strict=True):
    with tab, api_errors(inline=True):
        channel_tab(channel)
