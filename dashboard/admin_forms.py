"""The admin pages' logic, free of Streamlit: roster rows, what changed in an agent or a macro
form, time zones to offer, and the macro list."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import available_timezones

import pandas as pd

from dashboard.i18n import label, tr
from dashboard.ticket_view import macro_summary
from widget_api.contracts.auth import Agent
from widget_api.contracts.inbox import Macro

# Canada first (the stores Comptoir is for), then every other zone the system knows.
CANADIAN_TIMEZONES = (
    "America/Toronto",
    "America/Halifax",
    "America/Moncton",
    "America/St_Johns",
    "America/Winnipeg",
    "America/Regina",
    "America/Edmonton",
    "America/Vancouver",
    "America/Whitehorse",
    "America/Iqaluit",
)
MACRO_STATUSES = (None, "open", "pending", "on_hold", "solved")
# The server fills these in a macro's text from the ticket (widget_api.domain.macros).
PLACEHOLDERS = (
    "customer_first_name",
    "customer_name",
    "order_number",
    "tracking_number",
    "tracking_link",
    "carrier",
    "agent_name",
    "agent_first_name",
    "ticket_ref",
    "store_name",
)


def timezones(current: str) -> list[str]:
    rest = sorted(z for z in available_timezones() if "/" in z and z not in CANADIAN_TIMEZONES)
    zones = [*CANADIAN_TIMEZONES, *rest]
    return zones if current in zones else [current, *zones]


def agent_rows(agents: Sequence[Agent], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("dash.agents.name", lang): a.name,
                tr("dash.agents.email", lang): a.email,
                tr("dash.agents.role", lang): tr(f"role.{a.role}", lang),
                tr("dash.agents.language", lang): tr(f"dash.language.{a.language}", lang),
                tr("dash.agents.state", lang): tr(
                    "dash.agents.active" if a.active else "dash.agents.inactive", lang
                ),
                tr("dash.agents.availability", lang): tr(
                    f"dash.availability.{a.availability}", lang
                ),
                tr("dash.agents.teams", lang): ", ".join(t.name for t in a.teams),
            }
            for a in agents
        ]
    )


def agent_changes(
    agent: Agent, role: str, active: bool, password: str, availability: str | None = None
) -> dict:
    """Only what the admin changed (the API refuses, for example, demoting the last admin)."""
    changes: dict = {}
    if availability is not None and availability != agent.availability:
        changes["availability"] = availability
    if role != agent.role:
        changes["role"] = role
    if active != agent.active:
        changes["active"] = active
    if password:
        changes["password"] = password
    return changes


def macro_actions(tags_text: str, status: str | None, assign_me: bool) -> dict | None:
    """The ``actions`` of a macro form; None when the macro only replies."""
    tags: list[str] = []
    for part in tags_text.replace(",", " ").split():
        tag = part.strip().lower().lstrip("#")
        if tag and tag not in tags:
            tags.append(tag)
    actions: dict = {}
    if tags:
        actions["add_tags"] = tags
    if status:
        actions["status"] = status
    if assign_me:
        actions["assign"] = "me"
    return actions or None


def macro_fields(
    name_fr: str,
    name_en: str,
    body_fr: str,
    body_en: str,
    tags_text: str,
    status: str | None,
    assign_me: bool,
) -> dict:
    """The body of ``POST``/``PATCH /api/v1/macros`` from the form's fields."""
    return {
        "name_fr": name_fr.strip(),
        "name_en": name_en.strip(),
        "body_fr": body_fr.strip(),
        "body_en": body_en.strip(),
        "actions": macro_actions(tags_text, status, assign_me),
    }


def macro_rows(macros: Sequence[Macro], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("dash.macros.name", lang): m.name_fr if lang == "fr" else m.name_en,
                tr("dash.macros.body", lang): (m.body_fr if lang == "fr" else m.body_en)[:90],
                tr("dash.macros.actions", lang): macro_summary(m.actions, lang) or "—",
                tr("dash.macros.state", lang): tr(
                    "dash.macros.active" if m.active else "dash.macros.inactive", lang
                ),
            }
            for m in macros
        ]
    )


def status_choice(status: str | None, lang: str) -> str:
    return label("status", status, lang) if status else tr("dash.macros.no_status", lang)
