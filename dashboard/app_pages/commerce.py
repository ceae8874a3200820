"""Online store (administrators): the platform (built-in store, Shopify, WooCommerce), its
credentials (write-only: a saved secret shows only its last characters), a connection test, the
webhook URL to paste with its topics, the sync status and the last webhook deliveries."""

from __future__ import annotations

import streamlit as st
from pydantic import TypeAdapter

from dashboard import commerce_view as cv
from dashboard.api_client import ApiError
from dashboard.i18n import tr
from dashboard.safe import code, md
from dashboard.session import api_errors, client, is_admin, lang, notify, store_tz
from widget_api.contracts.commerce import CommerceSettingsView, ConnectionResult
from widget_api.contracts.commerce_admin import CommerceDelivery

LANG = lang()
TZ = store_tz()
URL = "/api/v1/settings/commerce"
_DELIVERIES = TypeAdapter(list[CommerceDelivery])

st.session_state.setdefault("commerce_form_version", 0)
st.title(tr("dash.commerce.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()

view = CommerceSettingsView.model_validate(client().request("GET", URL))
st.caption(tr("dash.commerce.intro", LANG))


def connection_form(view: CommerceSettingsView) -> None:
    platform = st.segmented_control(
        tr("dash.commerce.platform", LANG),
        cv.PLATFORMS,
        default=view.platform,
        required=True,
        format_func=lambda p: tr(f"dash.commerce.platform.{p}", LANG),
        key="commerce_platform",
    )
    version = st.session_state.commerce_form_version  # a new one after a save empties secrets
    values = cv.current_values(view, platform)
    with st.form(f"commerce_form_{platform}_{version}", border=True):
        if platform == "local":
            st.markdown(tr("dash.commerce.local_help", LANG))
        for field in cv.FIELDS[platform]:
            key = field.widget_key(platform, version)
            title = tr(field.label_key, LANG)
            if field.secret:
                helps = f"dash.commerce.f.webhook_secret_help.{platform}"
                values[field.name] = st.text_input(
                    title, type="password", key=key,
                    placeholder=cv.secret_hint(view, platform, field.name, LANG),
                    help=tr(helps, LANG) if field.name == "webhook_secret" else None,
                )  # fmt: skip
            elif field.number:
                values[field.name] = st.number_input(
                    title, 1, 3650, int(values[field.name] or 90), key=key
                )
            else:
                values[field.name] = st.text_input(title, str(values[field.name] or ""), key=key)
        if st.form_submit_button(tr("dash.commerce.save", LANG), type="primary",
                                 icon=":material/save:"):  # fmt: skip
            with api_errors(inline=True):
                client().request("PUT", URL, json=cv.settings_body(platform, values))
                st.session_state.commerce_form_version += 1
                notify(tr("dash.commerce.saved", LANG))
                st.rerun()


def connection_test() -> None:
    clicked = st.button(
        tr("dash.commerce.test", LANG),
        key="commerce_test",
        icon=":material/network_check:",
        help=tr("dash.commerce.test_help", LANG),
    )
    if clicked:
        try:
            result = ConnectionResult.model_validate(client().request("POST", f"{URL}/test"))
        except ApiError as exc:
            st.error(md(exc.detail), icon=":material/error:")
            return
        if result.ok:
            st.success(md(result.message), icon=":material/check_circle:")
        else:
            st.error(md(result.message), icon=":material/error:")


def webhooks(view: CommerceSettingsView) -> None:
    if not view.webhook_url:
        return
    st.subheader(tr("dash.commerce.webhooks", LANG))
    name = tr(f"dash.commerce.platform.{view.platform}", LANG)
    st.markdown(tr("dash.commerce.webhook_paste", LANG, platform=name))
    st.code(view.webhook_url, language=None)
    st.markdown("  \n".join(f"- {code(topic)}" for topic in cv.TOPICS[view.platform]))
    privacy = cv.PRIVACY_TOPICS.get(view.platform)
    if privacy:
        st.caption(tr("dash.commerce.webhook_privacy", LANG))
        st.markdown("  \n".join(f"- {code(topic)}" for topic in privacy))
    if view.platform == "woocommerce":
        st.caption(tr("dash.commerce.webhook_ping", LANG))


def sync_status(view: CommerceSettingsView) -> None:
    if view.platform == "local":
        return
    st.subheader(tr("dash.commerce.sync", LANG))
    rows = cv.sync_rows(view.sync, LANG, TZ)
    columns = st.columns(len(rows))
    for column, (name, value) in zip(columns, rows, strict=True):
        column.metric(name, value)
    if view.sync.error:
        st.error(tr("dash.commerce.sync.error", LANG, error=md(view.sync.error)))


def deliveries(view: CommerceSettingsView) -> None:
    if view.platform == "local":
        return
    st.subheader(tr("dash.commerce.deliveries", LANG))
    found = _DELIVERIES.validate_python(client().request("GET", f"{URL}/deliveries"))
    if not found:
        st.caption(tr("dash.commerce.deliveries.none", LANG))
        return
    st.dataframe(
        cv.delivery_rows(found, LANG, TZ), hide_index=True, width="stretch",
        key="commerce_deliveries",
    )  # fmt: skip


left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(tr("dash.commerce.connection", LANG))
    connection_form(view)
    connection_test()
with right:
    webhooks(view)
sync_status(view)
deliveries(view)
