"""The ticket's SLA targets as the workspace shows them: one coloured badge per target (first
reply, next reply, resolution) with its state, and its due time in words in the reader's
language ("dû à 14 h 30 (dans 2 heures)", "due at 2:30 p.m. (in 2 hours)"); and the warning
above the composer when a reply cannot reach the customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st
from babel.dates import format_datetime, format_time

from dashboard.i18n import DEFAULT_TZ, ago, tr
from widget_api.contracts.tickets import SlaTarget, TicketDetail
from widget_api.i18n import LOCALES

COLOURS = {
    "on_track": "green",
    "at_risk": "orange",
    "breached": "red",
    "met": "blue",
    "paused": "gray",
}
ICONS = {
    "on_track": ":material/schedule:",
    "at_risk": ":material/hourglass_bottom:",
    "breached": ":material/alarm:",
    "met": ":material/check_circle:",
    "paused": ":material/pause_circle:",
}


@dataclass(frozen=True)
class SlaBadge:
    label: str  # "Première réponse : En retard"
    colour: str
    icon: str
    detail: str  # "en retard depuis 14 h 30 (il y a 2 heures)"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def at_time(value: datetime, lang: str, tz: str, now: datetime) -> str:
    """The time alone when it falls today in the store's zone, else the date and the time."""
    locale = LOCALES.get(lang, "fr_CA")
    zone = ZoneInfo(tz)
    local, today = _aware(value).astimezone(zone), _aware(now).astimezone(zone)
    if local.date() == today.date():
        return format_time(local, "short", locale=locale)
    pattern = "d MMMM, HH 'h' mm" if lang == "fr" else "MMMM d, h:mm a"
    return format_datetime(local, pattern, locale=locale)


def describe(target: SlaTarget, lang: str, tz: str, now: datetime) -> str:
    """The target's time in words, by state."""
    if target.state == "paused":
        return tr("ws.sla.when.paused", lang)
    if target.state == "met" and target.met_at is not None:
        return tr("ws.sla.when.met", lang, at=at_time(target.met_at, lang, tz, now))
    if target.met_at is not None:  # met, but late
        return tr("ws.sla.when.met_late", lang, at=at_time(target.met_at, lang, tz, now))
    if target.due_at is None:
        return ""
    at = at_time(target.due_at, lang, tz, now)
    relative = ago(target.due_at, lang, now)
    key = "ws.sla.when.breached" if target.state == "breached" else "ws.sla.when.due"
    return tr(key, lang, at=at, relative=relative)


def badges(
    ticket: TicketDetail, lang: str, tz: str = DEFAULT_TZ, now: datetime | None = None
) -> list[SlaBadge]:
    now = now or datetime.now(UTC)
    found = []
    for target in ticket.sla_targets:
        name = tr(f"ws.sla.target.{target.target}", lang)
        state = tr(f"ws.sla.state.{target.state}", lang)
        found.append(
            SlaBadge(
                label=tr("ws.sla.badge", lang, target=name, state=state),
                colour=COLOURS[target.state],
                icon=ICONS[target.state],
                detail=describe(target, lang, tz, now),
            )
        )
    return found


def reply_warning(ticket: TicketDetail, lang: str) -> str | None:
    """Why a reply typed now would not reach the customer, in words; None when it would."""
    if ticket.reply_channel_ready or not ticket.reply_channel_issue:
        return None
    if ticket.reply_channel_issue == "sms_opted_out":
        return None  # the composer's SMS notes already say so, with the date
    return tr(f"ws.reply_blocked.{ticket.reply_channel_issue}", lang)


def render(ticket: TicketDetail, lang: str, tz: str, now: datetime) -> None:
    """One badge per SLA target, its time in words beside it."""
    shown = badges(ticket, lang, tz, now)
    if not shown:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="ticket_sla"):
        st.caption(tr("ws.sla.title", lang))
        for item in shown:
            st.badge(item.label, icon=item.icon, color=item.colour)
            if item.detail:
                st.caption(item.detail)
