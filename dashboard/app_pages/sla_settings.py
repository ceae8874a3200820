"""SLA settings (administrators): business hours with a week view and "open now", statutory
holidays, the at-risk threshold, and the policies (first match wins) with their targets."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import hours_view as hv
from dashboard import sla_settings_view as sv
from dashboard.i18n import tr
from dashboard.session import api_errors, client, is_admin, lang, notify, now, store_tz
from widget_api.contracts.common import Channel, Priority

LANG = lang()
PATH = "/api/v1/settings/sla"
CHANNELS: tuple[str, ...] = Channel.__args__
PRIORITIES: tuple[str, ...] = Priority.__args__
REGIONS = ("QC", "ON", "none")

st.title(tr("set.sla.title", LANG))
if not is_admin():
    st.error(tr("dash.admin_only", LANG), icon=":material/lock:")
    st.stop()
st.caption(tr("set.sla.caption", LANG))

api = client()
current = api.request("GET", PATH)
TZ = store_tz()
NOW = now()


# The policies being edited, each with a stable id for its widgets' keys (adding or removing
# one must not hand a neighbour's inputs to another policy).
def _new_id() -> int:
    st.session_state.sla_next_id = st.session_state.get("sla_next_id", 0) + 1
    return st.session_state.sla_next_id


if "sla_policies" not in st.session_state:
    st.session_state.sla_policies = [(_new_id(), p) for p in current["policies"]]
editing: list[tuple[int, dict]] = st.session_state.sla_policies


def _add() -> None:
    st.session_state.sla_policies.append((_new_id(), sv.new_policy(LANG)))


def _remove(uid: int) -> None:
    st.session_state.sla_policies = [(i, p) for i, p in editing if i != uid]


def _up(uid: int) -> None:
    order = [i for i, _ in editing]
    at = order.index(uid)
    if at:
        editing[at - 1], editing[at] = editing[at], editing[at - 1]


# -- business hours and holidays ------------------------------------------------------------------
st.subheader(tr("set.hours.title", LANG))
st.caption(tr("set.sla.hours_caption", LANG, timezone=TZ))
day_texts = {}
for row in (hv.WEEKDAYS[:4], hv.WEEKDAYS[4:]):
    for column, day in zip(st.columns(4), row, strict=False):
        day_texts[day] = column.text_input(
            hv.day_name(day, LANG),
            value=hv.day_text(current["business_hours"].get(day, [])),
            placeholder=tr("set.hours.closed", LANG),
            help=tr("set.hours.help", LANG),
            key=f"sla_hours_{day}",
        )
try:
    hours = hv.parse_week(day_texts)
    unreadable = None
except hv.UnreadableHours as exc:
    hours = current["business_hours"]
    unreadable = tr("set.hours.unreadable", LANG, day=hv.day_name(exc.day, LANG), text=exc.text)
if unreadable:
    st.error(unreadable, icon=":material/schedule:")

region_col, risk_col = st.columns(2)
region = region_col.selectbox(
    tr("set.sla.holidays", LANG),
    REGIONS,
    index=REGIONS.index(current["holidays"]),
    format_func=lambda r: tr(f"set.sla.holidays.{r}", LANG),
    key="sla_holidays",
)
at_risk = risk_col.slider(
    tr("set.sla.at_risk", LANG), min_value=5, max_value=95, step=5,
    value=round(current["at_risk_ratio"] * 100), format="%d %%", key="sla_at_risk",
)  # fmt: skip

open_now = hv.is_open(hours, TZ, NOW, region)
state_key = "set.hours.open_now" if open_now else "set.hours.closed_now"
st.markdown(
    f":{'green' if open_now else 'gray'}-badge[{tr(state_key, LANG)}] {hv.now_line(TZ, NOW, LANG)}"
)
today = NOW.astimezone(ZoneInfo(TZ)).date()
holiday_today = hv.holiday_name(region, today, LANG)
if holiday_today:
    st.info(tr("set.hours.holiday_today", LANG, name=holiday_today), icon=":material/event:")
st.html(hv.week_html(hours, TZ, NOW, LANG))
if region != "none":
    with st.expander(tr("set.sla.holidays_next", LANG)):
        coming = hv.upcoming_holidays(region, today, LANG)
        st.markdown(
            "\n".join(f"- {line}" for line in coming) or tr("set.sla.holidays_none_left", LANG)
        )

# -- policies --------------------------------------------------------------------------------------
st.subheader(tr("set.sla.policies", LANG))
policies = []
for position, (uid, policy) in enumerate(editing, start=1):
    with st.expander(sv.title(position, policy, LANG), expanded=False):
        name = st.text_input(
            tr("set.sla.name", LANG),
            value=sv.shown_name(policy["name"], LANG),
            max_chars=80,
            key=f"sla_{uid}_name",
        )
        left, right = st.columns(2)
        channels = left.multiselect(
            tr("set.sla.channels", LANG), CHANNELS, default=policy["channels"],
            format_func=lambda c: tr(f"channel.{c}", LANG), key=f"sla_{uid}_channels",
            placeholder=tr("set.sla.any", LANG),
        )  # fmt: skip
        priorities = right.multiselect(
            tr("set.sla.priorities", LANG), PRIORITIES, default=policy["priorities"],
            format_func=lambda p: tr(f"priority.{p}", LANG), key=f"sla_{uid}_priorities",
            placeholder=tr("set.sla.any", LANG),
        )  # fmt: skip
        kind = st.radio(
            tr("set.sla.hours_kind", LANG), ["business", "calendar"],
            index=["business", "calendar"].index(policy["hours"]), horizontal=True,
            format_func=lambda k: tr(f"set.sla.hours_kind.{k}", LANG), key=f"sla_{uid}_hours",
        )  # fmt: skip
        minutes = {}
        for column, metric in zip(st.columns(3), sv.METRICS, strict=True):
            minutes[metric] = column.number_input(
                tr(f"set.sla.{metric}", LANG), min_value=0, max_value=60 * 24 * 60, step=15,
                value=policy["targets"].get(f"{metric}_minutes") or 0,
                help=tr("set.sla.target_none", LANG), key=f"sla_{uid}_{metric}",
            )  # fmt: skip
        st.caption(sv.targets_summary({f"{m}_minutes": v for m, v in minutes.items()}, LANG))
        choices = [None, *PRIORITIES]
        escalate = st.selectbox(
            tr("set.sla.escalate", LANG), choices, index=choices.index(policy["escalate_to"]),
            format_func=lambda p: tr(f"priority.{p}", LANG) if p else tr(
                "set.sla.escalate_none", LANG),
            key=f"sla_{uid}_escalate",
        )  # fmt: skip
        buttons = st.columns(2)
        if position > 1:
            buttons[0].button(
                tr("set.sla.move_up", LANG), icon=":material/arrow_upward:", key=f"sla_{uid}_up",
                on_click=_up, args=(uid,),
            )  # fmt: skip
        buttons[1].button(
            tr("set.sla.remove", LANG), icon=":material/delete:", key=f"sla_{uid}_remove",
            on_click=_remove, args=(uid,),
        )  # fmt: skip
    policies.append(
        sv.policy_body(
            name=name, channels=channels, priorities=priorities, hours=kind, minutes=minutes,
            escalate_to=escalate,
        )
    )  # fmt: skip
st.button(tr("set.sla.add", LANG), icon=":material/add:", key="sla_add", on_click=_add)

if st.button(tr("set.save", LANG), type="primary", icon=":material/save:", key="sla_save"):
    if unreadable:
        st.error(tr("set.nothing_saved", LANG), icon=":material/error:")
    else:
        body = sv.settings_body(
            business_hours=hours, holidays=region, at_risk_percent=at_risk, policies=policies
        )
        with api_errors(inline=True):
            api.request("PUT", PATH, json=body)
            st.session_state.pop("sla_policies", None)  # read back as saved
            notify(tr("set.saved", LANG))
            st.rerun()
