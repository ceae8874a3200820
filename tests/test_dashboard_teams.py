"""Teams and availability in the dashboard: the Agents page's teams (create, change strategy and
members, delete) and the roster's availability, the sidebar's available/away switch, against a
real server with Streamlit's AppTest; and the page's logic module ``dashboard.team_forms``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard import team_forms as tf
from tests.conftest import RunningServer
from tests.test_dashboard import (
    make_agent,
    new_app,
    open_page,
    shared_server,
    sign_in,
    signed_in,
    submit,
    texts,
    token_for,
)
from widget_api.contracts.auth import Agent
from widget_api.contracts.teams import Team


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture(scope="module")
def crew(server) -> dict[str, dict]:
    """Two agents to put in teams."""
    return {
        "Rosalie": make_agent(server.url, "rosalie.teams@shop.test", "Rosalie Teams"),
        "Félix": make_agent(server.url, "felix.teams@shop.test", "Félix Teams"),
    }


def _team(admin_api, name: str) -> dict:
    return next(t for t in admin_api.get("/api/v1/teams").json() if t["name"] == name)


def test_admin_creates_a_team_with_members_and_a_strategy(server, admin_token, crew, admin_api):
    at = open_page(signed_in(server.url, admin_token), "agents")
    at.text_input(key="agents_team_new_name").input("Retours dash")
    at.selectbox(key="agents_team_new_strategy").set_value("least_loaded")
    at.multiselect(key="agents_team_new_members").select(crew["Rosalie"]["id"])
    at.multiselect(key="agents_team_new_members").select(crew["Félix"]["id"])
    at = submit(at, "Créer l'équipe")
    assert not at.exception
    team = _team(admin_api, "Retours dash")
    assert team["strategy"] == "least_loaded"
    assert team["member_ids"] == sorted([crew["Rosalie"]["id"], crew["Félix"]["id"]])
    table = at.dataframe[1].value
    row = table[table["Nom de l'équipe"] == "Retours dash"].iloc[0]
    assert row["Assignation"] == "Le moins chargé"
    assert row["Membres"] == "Félix Teams, Rosalie Teams"
    roster = at.dataframe[0].value
    assert "Retours dash" in roster[roster["Nom"] == "Rosalie Teams"].iloc[0]["Équipes"]


def test_admin_changes_a_teams_strategy_and_members_then_deletes_it(
    server, admin_token, crew, admin_api
):
    made = admin_api.post("/api/v1/teams", json={
        "name": "Clavardage dash", "member_ids": [crew["Rosalie"]["id"]],
    }).json()  # fmt: skip
    at = open_page(signed_in(server.url, admin_token), "agents")
    at.selectbox(key="agents_team_pick").set_value(made["id"]).run()
    at.selectbox(key=f"agents_team_strategy_{made['id']}").set_value("least_loaded")
    at.multiselect(key=f"agents_team_members_{made['id']}").set_value([crew["Félix"]["id"]])
    at = submit(at, "Enregistrer l'équipe")
    assert not at.exception
    team = _team(admin_api, "Clavardage dash")
    assert team["strategy"] == "least_loaded" and team["member_ids"] == [crew["Félix"]["id"]]

    at.selectbox(key="agents_team_pick").set_value(made["id"]).run()
    at = at.button(key="agents_team_delete").click().run()
    assert not at.exception
    assert made["id"] not in [t["id"] for t in admin_api.get("/api/v1/teams").json()]


def test_a_duplicate_team_name_shows_the_apis_message(server, admin_token, admin_api):
    admin_api.post("/api/v1/teams", json={"name": "Doublon dash"})
    at = open_page(signed_in(server.url, admin_token), "agents")
    at.text_input(key="agents_team_new_name").input("doublon DASH")
    at = submit(at, "Créer l'équipe")
    assert not at.exception
    assert "existe déjà" in texts(at)


def test_an_agent_switches_themselves_away_and_back_from_the_sidebar(server, admin_api):
    make_agent(server.url, "zoe.away@shop.test", "Zoé Absente", "zoe-secret-1")
    at = sign_in(new_app(server.url), "zoe.away@shop.test", "zoe-secret-1")
    at = at.toggle(key="sidebar_available_available").set_value(False).run()
    assert not at.exception
    roster = {a["email"]: a for a in admin_api.get("/api/v1/agents").json()}
    assert roster["zoe.away@shop.test"]["availability"] == "away"
    assert "aucun nouveau billet" in texts(at)
    at = at.toggle(key="sidebar_available_away").set_value(True).run()
    roster = {a["email"]: a for a in admin_api.get("/api/v1/agents").json()}
    assert roster["zoe.away@shop.test"]["availability"] == "available"


def test_admin_sets_an_agents_availability_and_the_roster_shows_it(server, admin_token, admin_api):
    agent = make_agent(server.url, "marc.away@shop.test", "Marc Ailleurs", "marc-secret-1")
    at = open_page(signed_in(server.url, admin_token, lang="en"), "agents")
    at.selectbox(key="agents_pick").set_value(agent["id"]).run()
    at.button_group(key=f"agents_availability_{agent['id']}").set_value("away")
    at = submit(at, "Save")
    assert not at.exception
    roster = at.dataframe[0].value
    assert roster[roster["Name"] == "Marc Ailleurs"].iloc[0]["Availability"] == "Away"
    assert "Teams" in [h.value for h in at.subheader]
    found = {a["email"]: a for a in admin_api.get("/api/v1/agents").json()}
    assert found["marc.away@shop.test"]["availability"] == "away"


# -- the logic module ------------------------------------------------------------------------------
_AT = datetime(2026, 11, 2, tzinfo=UTC)
_TEAM = Team(id=1, name="Retours", strategy="round_robin", member_ids=[2, 3], created_at=_AT,
             updated_at=_AT)  # fmt: skip


def test_a_team_form_sends_only_what_changed():
    assert tf.team_changes(_TEAM, " Retours ", "round_robin", [3, 2]) == {}
    assert tf.team_changes(_TEAM, "Returns", "least_loaded", [2]) == {
        "name": "Returns", "strategy": "least_loaded", "member_ids": [2],
    }  # fmt: skip


def test_team_rows_name_members_and_strategy_in_the_agents_language():
    roster = [
        Agent(id=2, email="a@x.ca", name="Ana", role="agent", language="fr", active=True),
        Agent(id=3, email="b@x.ca", name="Ben", role="agent", language="en", active=True),
    ]
    rows = tf.team_rows([_TEAM], roster, "en")
    assert rows.to_dict("records") == [
        {"Team name": "Retours", "Assignment": "Round robin", "Members": "Ana, Ben"}
    ]
    assert list(tf.team_rows([], roster, "fr").columns) == ["Nom de l'équipe", "Assignation",
                                                             "Membres"]  # fmt: skip
