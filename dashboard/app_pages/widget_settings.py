"""Chat widget settings (administrators): colour and position with a live preview, the texts in
French and English, the opening hours with a week view and "open now", identity verification
(the secret masked, rotated by the server and shown once) and the tag to embed."""

from __future__ import annotations

import streamlit as st

from dashboard import hours_view as hv
from dashboard import widget_settings_view as wv
from dashboard.i18n import tr
from dashboard.session import api_errors, client, is_admin, lang, notify, now, store_tz

LANG = lang()
PATH = "/api/v1/settings/widget"

st.title(tr("set.widget.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()
st.caption(tr("set.widget.caption", LANG))

api = client()
current = api.request("GET", PATH)
shop = api.store_settings()
TZ = store_tz()
NOW = now()  # by the server's clock, as the widget's "online" is

# -- look and texts, beside their preview --------------------------------------------------------
edit, preview = st.columns([3, 2], gap="large")
with edit:
    st.subheader(tr("set.widget.look", LANG))
    # The picker and the hex code edit one colour; the code is what is sent (a pasted brand
    # colour), so a malformed one gets the API's message.
    st.session_state.setdefault("wset_color", current["color"])
    st.session_state.setdefault("wset_color_hex", current["color"])

    def _picked() -> None:
        st.session_state.wset_color_hex = st.session_state.wset_color

    def _typed() -> None:
        typed = st.session_state.wset_color_hex.strip()
        if wv.is_hex(typed):
            st.session_state.wset_color = typed.lower()

    left, middle = st.columns([1, 2], vertical_alignment="bottom")
    left.color_picker(tr("set.widget.color", LANG), key="wset_color", on_change=_picked)
    color = middle.text_input(
        tr("set.widget.color_code", LANG), key="wset_color_hex", on_change=_typed, max_chars=20
    )
    position = st.radio(
        tr("set.widget.position", LANG),
        ["right", "left"],
        index=["right", "left"].index(current["position"]),
        format_func=lambda p: tr(f"set.widget.position.{p}", LANG),
        horizontal=True,
        key="wset_position",
    )
    st.subheader(tr("set.widget.texts", LANG))
    texts = {}
    for field in wv.TEXT_FIELDS:
        texts[field] = st.text_area(
            tr(f"set.widget.{field}", LANG), value=current[field], height=80, max_chars=500,
            key=f"wset_{field}",
        )  # fmt: skip

# -- opening hours -------------------------------------------------------------------------------
st.subheader(tr("set.hours.title", LANG))
st.caption(tr("set.widget.hours_caption", LANG, timezone=TZ))
day_texts = {}
for row in (hv.WEEKDAYS[:4], hv.WEEKDAYS[4:]):
    for column, day in zip(st.columns(4), row, strict=False):
        day_texts[day] = column.text_input(
            hv.day_name(day, LANG),
            value=hv.day_text(current["business_hours"].get(day, [])),
            placeholder=tr("set.hours.closed", LANG),
            help=tr("set.hours.help", LANG),
            key=f"wset_hours_{day}",
        )
try:
    hours = hv.parse_week(day_texts)
    unreadable = None
except hv.UnreadableHours as exc:
    hours = current["business_hours"]
    unreadable = tr("set.hours.unreadable", LANG, day=hv.day_name(exc.day, LANG), text=exc.text)
open_now = hv.is_open(hours, TZ, NOW)
if unreadable:
    st.error(unreadable, icon=":material/schedule:")
state_key = "set.hours.open_now" if open_now else "set.hours.closed_now"
st.markdown(
    f":{'green' if open_now else 'gray'}-badge[{tr(state_key, LANG)}] {hv.now_line(TZ, NOW, LANG)}"
)
st.html(hv.week_html(hours, TZ, NOW, LANG))

with preview:
    st.subheader(tr("set.widget.preview", LANG))
    st.caption(tr("set.widget.preview_caption", LANG))
    for code in ("fr", "en"):
        st.markdown(f"**{tr(f'dash.language.{code}', LANG)}**")
        st.html(
            wv.preview_html(
                color=color, position=position, store_name=shop.name,
                greeting=texts[f"welcome_{code}"], offline=texts[f"offline_{code}"],
                online=open_now, lang=code,
            )
        )  # fmt: skip

# -- identity verification -----------------------------------------------------------------------
st.subheader(tr("set.widget.identity", LANG))
st.caption(tr("set.widget.identity_caption", LANG))
secret_col, rotate_col = st.columns([3, 2], vertical_alignment="bottom")
fresh = None
if rotate_col.button(
    tr("set.widget.rotate", LANG), icon=":material/key:", help=tr("set.widget.rotate_help", LANG),
    key="wset_rotate",
):  # fmt: skip
    with api_errors(inline=True):
        fresh = api.request("POST", f"{PATH}/identity-secret")["secret"]
secret_set = current["identity_secret_set"] or fresh is not None
secret_col.text_input(
    tr("set.widget.secret", LANG),
    value="•" * 24 if secret_set else "",
    placeholder=tr("set.widget.secret_unset", LANG),
    disabled=True,
    key=f"wset_secret_mask_{secret_set}",
    help=tr("set.widget.secret_set" if secret_set else "set.widget.secret_unset", LANG),
)
if fresh:  # this once: it is never read back
    st.warning(tr("set.widget.rotated", LANG), icon=":material/key:")
    st.code(fresh, language=None)
enforce = st.toggle(
    tr("set.widget.enforce", LANG),
    value=current["enforce_identity"],
    help=tr("set.widget.enforce_help", LANG),
    key="wset_enforce",
)

# -- save ----------------------------------------------------------------------------------------
if st.button(tr("set.save", LANG), type="primary", icon=":material/save:", key="wset_save"):
    if unreadable:
        st.error(tr("set.nothing_saved", LANG), icon=":material/error:")
    else:
        body = wv.settings_body(
            current, color=color, position=position, texts=texts, hours=hours,
            enforce_identity=enforce,
        )  # fmt: skip
        with api_errors(inline=True):
            api.request("PUT", PATH, json=body)
            notify(tr("set.saved", LANG))
            st.rerun()

# -- the tag to paste ----------------------------------------------------------------------------
st.subheader(tr("set.widget.embed", LANG))
st.caption(tr("set.widget.embed_caption", LANG))
if "wset_embed" not in st.session_state:  # the server's public address: fixed while it runs
    st.session_state.wset_embed = api.request("GET", f"{PATH}/embed")["snippet"]
st.code(st.session_state.wset_embed, language="html")
