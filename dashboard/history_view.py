"""The ticket's history as sentences in the reader's language: "Émilie a changé la priorité :
Normale → Haute", "Marc-André a ajouté l'étiquette : promo", "Type de problème : Mauvais
article (automatique)" — agents by name, every code by its name, dates in fr-CA/en-CA."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import streamlit as st

from dashboard.i18n import DEFAULT_TZ, known, label, short_when, tr
from dashboard.identity_text import summary_of
from dashboard.safe import md as escape
from widget_api.contracts import events as ev
from widget_api.contracts.inbox import Event

#: Which label family names a field's codes.
_LABELS = {
    "status": "status",
    "priority": "priority",
    "channel": "channel",
    "problem_type": "ptype",
}


def who(event: Event, names: Mapping[int, str], lang: str) -> str:
    if event.actor_type == "agent" and event.actor_id is not None:
        return names.get(event.actor_id) or tr("dash.actor.agent", lang)
    if known(f"ws.actor.{event.actor_type}", lang):
        return tr(f"ws.actor.{event.actor_type}", lang)
    return tr(f"dash.actor.{event.actor_type}", lang)


def _named(field: str, value: object, lang: str, names: Mapping[int, str], tz: str) -> str:
    if value in (None, "", []):
        return "—"
    if field == "assignee_id" and isinstance(value, int):
        return names.get(value) or tr("dash.actor.agent", lang)
    if field in _LABELS:
        return label(_LABELS[field], str(value), lang)
    if field == "language":
        return tr(f"dash.language_inline.{value}", lang)
    if field == "snoozed_until" and isinstance(value, str):
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return "—"
        return short_when(at if at.tzinfo else at.replace(tzinfo=UTC), lang, tz)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def sentence(event: Event, names: Mapping[int, str], lang: str, tz: str = DEFAULT_TZ) -> str | None:
    """One event in words, or None for one the history does not show."""
    if event.rule_line:  # «Règle « nom » : étiquette ajoutée : vip», already in words
        return event.rule_line
    before, after = event.before or {}, event.after or {}
    actor = who(event, names, lang)

    def old_new(field: str) -> dict[str, str]:
        return {
            "who": actor,
            "old": _named(field, before.get(field), lang, names, tz),
            "new": _named(field, after.get(field), lang, names, tz),
        }

    name = event.name
    if name == ev.TICKET_CREATED:
        return tr(
            "ws.history.created_from",
            lang,
            who=actor,
            channel=_named("channel", after.get("channel"), lang, names, tz),
            language=_named("language", after.get("language"), lang, names, tz),
        )
    if name == ev.MESSAGE_CREATED:
        kind = str(after.get("kind") or "inbound")
        return tr(f"ws.history.message.{kind}", lang, who=actor)
    if name == ev.TICKET_STATUS_CHANGED:
        return tr("ws.history.status", lang, **old_new("status"))
    if name == ev.TICKET_PRIORITY_CHANGED:
        return tr("ws.history.priority", lang, **old_new("priority"))
    if name == ev.TICKET_ASSIGNED:
        if after.get("assignee_id") is None:
            return tr("ws.history.unassigned", lang, who=actor)
        return tr("ws.history.assigned", lang, **old_new("assignee_id"))
    if name == ev.TICKET_TAGS_CHANGED:
        old, new = before.get("tags") or [], after.get("tags") or []
        added = [t for t in new if t not in old]
        removed = [t for t in old if t not in new]
        parts = []
        if added:
            parts.append(tr("ws.history.tag_added", lang, who=actor, tags=", ".join(added)))
        if removed:
            parts.append(tr("ws.history.tag_removed", lang, who=actor, tags=", ".join(removed)))
        return " · ".join(parts) or None
    if name == ev.TICKET_PROBLEM_TYPE_CHANGED:
        if event.actor_type != "agent":
            return tr("ws.history.problem_type_auto", lang, **old_new("problem_type"))
        return tr("ws.history.problem_type", lang, **old_new("problem_type"))
    if name == ev.TICKET_SNOOZED:
        if not after.get("snoozed_until"):
            return tr("ws.history.woken", lang, who=actor)
        return tr("ws.history.snoozed", lang, **old_new("snoozed_until"))
    if name == ev.TICKET_MERGED:
        return tr("ws.history.merged", lang, who=actor)
    if name == ev.TICKET_ORDER_LINKED:
        return tr("ws.history.order_linked", lang, who=actor)
    if name in (ev.SLA_WARNING, ev.TICKET_SLA_BREACHED):
        metric = str(after.get("metric") or "")
        target = (
            tr(f"ws.sla.target.{metric}", lang) if known(f"ws.sla.target.{metric}", lang) else ""
        )
        key = "ws.history.sla_warning" if name == ev.SLA_WARNING else "ws.history.sla_breached"
        return tr(key, lang, target=target or "—")
    if name in (ev.CUSTOMER_LINKED, ev.CUSTOMER_UNLINKED):
        what = summary_of(after.get("identities") or [], lang) or "—"
        if name == ev.CUSTOMER_UNLINKED:
            return tr("identities.history.unlinked", lang, who=actor, identities=what)
        merged = after.get("other_customer_id") is not None
        key = "identities.history.linked" if merged else "identities.history.attached"
        return tr(key, lang, who=actor, identities=what)
    # Anything else with a name in words: that name, by whom (never raw values or codes).
    if known(f"dash.event.{name}", lang):
        return tr("ws.history.other", lang, who=actor, what=label("dash.event", name, lang))
    return None


def render(events: Sequence[Event], names: Mapping[int, str], lang: str, tz: str) -> None:
    """The history as a list of dated sentences (escaped: tags and names are typed by people)."""
    shown = rows(events, names, lang, tz)
    if not shown:
        st.caption("—")
    for when, text in shown:
        st.markdown(f"`{when}` {escape(text)}")


def rows(
    events: Sequence[Event], names: Mapping[int, str], lang: str, tz: str = DEFAULT_TZ
) -> list[tuple[str, str]]:
    """(when, sentence) per shown event, oldest first."""
    found = []
    for event in events:
        text = sentence(event, names, lang, tz)
        if text:
            found.append((short_when(event.occurred_at, lang, tz), text))
    return found
