"""The teams part of the Agents page, free of Streamlit: rows of the teams table, labels, and
what changed in a team form."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.i18n import tr
from widget_api.contracts.auth import Agent
from widget_api.contracts.teams import Team

STRATEGIES = ("round_robin", "least_loaded")


def strategy_label(strategy: str, lang: str) -> str:
    return tr(f"dash.teams.strategy.{strategy}", lang)


def availability_label(availability: str, lang: str) -> str:
    return tr(f"dash.availability.{availability}", lang)


def member_names(team: Team, roster: Sequence[Agent]) -> str:
    """Members by name (an id the roster lacks is shown as is)."""
    names = {a.id: a.name for a in roster}
    return ", ".join(sorted(names.get(i, f"#{i}") for i in team.member_ids))


def team_rows(teams: Sequence[Team], roster: Sequence[Agent], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("dash.teams.name", lang): team.name,
                tr("dash.teams.strategy", lang): strategy_label(team.strategy, lang),
                tr("dash.teams.members", lang): member_names(team, roster),
            }
            for team in teams
        ],
        columns=[tr(f"dash.teams.{c}", lang) for c in ("name", "strategy", "members")],
    )


def team_changes(team: Team, name: str, strategy: str, member_ids: Sequence[int]) -> dict:
    """Only what the admin changed in the team form."""
    changes: dict = {}
    if name.strip() != team.name:
        changes["name"] = name.strip()
    if strategy != team.strategy:
        changes["strategy"] = strategy
    if sorted(member_ids) != sorted(team.member_ids):
        changes["member_ids"] = sorted(member_ids)
    return changes
