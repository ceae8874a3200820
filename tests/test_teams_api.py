"""Teams and availability over the agent API (widget_api/routes/teams.py): CRUD, the 4xx of bad
input, who may change what, the roster's availability and teams; and the events they log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunningServer, login
from widget_api.contracts import events as ev
from widget_api.contracts.auth import Agent
from widget_api.contracts.teams import TeamCreate, TeamUpdate
from widget_api.domain import availability, teams
from widget_api.storage import Database
from widget_api.storage import agents as agent_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow


@pytest.fixture(scope="module")
def staff(server: RunningServer) -> dict[str, int]:
    """Two agents besides the administrator: name → id."""
    ids = {}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        for name in ("Julie", "Kevin"):
            made = client.post("/api/v1/agents", json={
                "email": f"{name.lower()}@shop.test", "name": name, "password": "agent-password",
            })  # fmt: skip
            assert made.status_code == 201, made.text
            ids[name] = made.json()["id"]
    return ids


@pytest.fixture
def agent_api(server: RunningServer, staff) -> Iterator[httpx.Client]:
    """Julie, an agent (not an administrator)."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        token = login(client, "julie@shop.test", "agent-password")
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def _create(api: httpx.Client, **body) -> httpx.Response:
    return api.post("/api/v1/teams", json=body)


def test_an_admin_creates_reads_updates_and_deletes_a_team(admin_api, staff):
    made = _create(admin_api, name="Retours / Returns", strategy="least_loaded",
                   member_ids=[staff["Kevin"], staff["Julie"], staff["Kevin"]])  # fmt: skip
    assert made.status_code == 201, made.text
    team = made.json()
    assert team["name"] == "Retours / Returns" and team["strategy"] == "least_loaded"
    assert team["member_ids"] == sorted([staff["Julie"], staff["Kevin"]])
    assert team in admin_api.get("/api/v1/teams").json()
    assert admin_api.get(f"/api/v1/teams/{team['id']}").json() == team

    changed = admin_api.patch(f"/api/v1/teams/{team['id']}",
                              json={"name": "Retours", "strategy": "round_robin",
                                    "member_ids": [staff["Julie"]]})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Retours" and changed.json()["strategy"] == "round_robin"
    assert changed.json()["member_ids"] == [staff["Julie"]]

    assert admin_api.delete(f"/api/v1/teams/{team['id']}").status_code == 204
    assert admin_api.get(f"/api/v1/teams/{team['id']}").status_code == 404
    assert team["id"] not in [t["id"] for t in admin_api.get("/api/v1/teams").json()]


def test_a_team_name_is_unique_whatever_its_case_and_spaces(admin_api):
    first = _create(admin_api, name="Service client")
    twin = _create(admin_api, name="  service   CLIENT ")
    other = _create(admin_api, name="Expéditions")
    renamed = admin_api.patch(f"/api/v1/teams/{other.json()['id']}",
                              json={"name": "SERVICE CLIENT"})  # fmt: skip
    own_case = admin_api.patch(f"/api/v1/teams/{first.json()['id']}",
                               json={"name": "Service Client"})  # fmt: skip
    assert first.status_code == 201 and other.status_code == 201
    assert twin.status_code == 409 and "Service client" not in twin.json()["detail"].lower()
    assert renamed.status_code == 409
    assert own_case.status_code == 200 and own_case.json()["name"] == "Service Client"


def test_unknown_agents_are_refused_and_named(admin_api, staff):
    made = _create(admin_api, name="Fantômes", member_ids=[staff["Julie"], 98765, 98766])
    assert made.status_code == 400
    assert "98765" in made.json()["detail"] and "98766" in made.json()["detail"]
    real = _create(admin_api, name="Vrais").json()
    patched = admin_api.patch(f"/api/v1/teams/{real['id']}", json={"member_ids": [424242]})
    assert patched.status_code == 400
    assert admin_api.get(f"/api/v1/teams/{real['id']}").json()["member_ids"] == []
    assert "Fantômes" not in [t["name"] for t in admin_api.get("/api/v1/teams").json()]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "   "},
        {"name": "\u0000\u200b\t"},
        {"name": ""},
        {"name": "x" * 81},
        {"name": "A", "strategy": "random"},
        {"name": "A", "member_ids": ["1"]},
        {"name": "A", "member_ids": [True]},
        {"name": "A", "colour": "blue"},
        {},
    ],
)
def test_bad_team_bodies_are_a_400(admin_api, body):
    answer = _create(admin_api, **body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"]


@pytest.mark.parametrize(
    "body", [{"name": None}, {"strategy": None}, {"member_ids": None}, {"strategy": "random"}]
)
def test_null_or_bad_fields_in_an_update_are_a_400(admin_api, body):
    team = _create(admin_api, name=f"Équipe {body!r}").json()
    answer = admin_api.patch(f"/api/v1/teams/{team['id']}", json=body)
    assert answer.status_code == 400, answer.text


def test_an_unknown_team_is_a_404(admin_api):
    assert admin_api.get("/api/v1/teams/99999").status_code == 404
    assert admin_api.patch("/api/v1/teams/99999", json={"name": "X"}).status_code == 404
    assert admin_api.delete("/api/v1/teams/99999").status_code == 404


def test_answers_are_in_the_callers_language(admin_api):
    _create(admin_api, name="Entrepôt")
    fr = admin_api.post("/api/v1/teams", json={"name": "Entrepôt"},
                        headers={"Accept-Language": "fr-CA"})  # fmt: skip
    en = admin_api.post("/api/v1/teams", json={"name": "Entrepôt"},
                        headers={"Accept-Language": "en-CA"})  # fmt: skip
    assert "existe déjà" in fr.json()["detail"] and "already exists" in en.json()["detail"]


def test_agents_read_teams_but_only_admins_change_them(agent_api, admin_api):
    team = _create(admin_api, name="Lecture seule").json()
    assert agent_api.get("/api/v1/teams").status_code == 200
    assert agent_api.get(f"/api/v1/teams/{team['id']}").status_code == 200
    assert _create(agent_api, name="Putsch").status_code == 403
    assert agent_api.patch(f"/api/v1/teams/{team['id']}", json={"name": "P"}).status_code == 403
    assert agent_api.delete(f"/api/v1/teams/{team['id']}").status_code == 403
    with httpx.Client(base_url=str(admin_api.base_url)) as anonymous:
        assert anonymous.get("/api/v1/teams").status_code == 401


def test_an_agent_sets_their_own_availability_and_the_roster_shows_it_with_teams(
    agent_api, admin_api, staff
):
    team = _create(admin_api, name="Clavardage", member_ids=[staff["Julie"]]).json()
    away = agent_api.patch("/api/v1/agents/me/availability", json={"availability": "away"})
    assert away.status_code == 200, away.text
    assert away.json()["availability"] == "away" and away.json()["id"] == staff["Julie"]
    roster = {a["id"]: a for a in agent_api.get("/api/v1/agents").json()}
    assert roster[staff["Julie"]]["availability"] == "away"
    assert {"id": team["id"], "name": "Clavardage"} in roster[staff["Julie"]]["teams"]
    assert roster[staff["Kevin"]]["availability"] == "available"
    back = agent_api.patch("/api/v1/agents/me/availability", json={"availability": "available"})
    assert back.json()["availability"] == "available"


@pytest.mark.parametrize("body", [{"availability": "busy"}, {}, {"availability": None},
                                  {"availability": "away", "extra": 1}])  # fmt: skip
def test_a_bad_availability_is_a_400(agent_api, body):
    assert agent_api.patch("/api/v1/agents/me/availability", json=body).status_code == 400


def test_admins_set_anyones_availability_agents_only_their_own(agent_api, admin_api, staff):
    by_admin = admin_api.patch(f"/api/v1/agents/{staff['Kevin']}", json={"availability": "away"})
    assert by_admin.status_code == 200 and by_admin.json()["availability"] == "away"
    by_agent = agent_api.patch(f"/api/v1/agents/{staff['Kevin']}",
                               json={"availability": "available"})  # fmt: skip
    assert by_agent.status_code == 403
    own = agent_api.patch(f"/api/v1/agents/{staff['Julie']}", json={"availability": "away"})
    assert own.status_code == 200 and own.json()["availability"] == "away"
    roster = {a["id"]: a for a in admin_api.get("/api/v1/agents").json()}
    assert roster[staff["Kevin"]]["availability"] == "away"
    agent_api.patch("/api/v1/agents/me/availability", json={"availability": "available"})
    admin_api.patch(f"/api/v1/agents/{staff['Kevin']}", json={"availability": "available"})


def test_every_team_and_availability_change_is_an_event(tmp_path: Path):
    with Database(tmp_path / "comptoir.duckdb") as db:
        admin_id = db.write(lambda w: agent_store.create(
            w, email="a@shop.test", name="Alice", role="admin", password_hash="x",
            language="fr", at=utcnow(), actor=SYSTEM))  # fmt: skip
        admin = Agent.model_validate(db.read(lambda cur: agent_store.by_id(cur, admin_id)))
        team = teams.create_team(db, admin, TeamCreate(name="Retours", member_ids=[admin_id]))
        teams.update_team(db, admin, team.id, TeamUpdate(strategy="least_loaded"))
        teams.update_team(db, admin, team.id, TeamUpdate(strategy="least_loaded"))  # no change
        availability.set_availability(db, admin, admin_id, "away")
        availability.set_availability(db, admin, admin_id, "away")  # no change
        teams.delete_team(db, admin, team.id)
        logged = db.read(lambda cur: cur.execute(
            "SELECT name, actor_type, actor_id, entity_id, before, after FROM events"
            " WHERE entity_type IN ('team', 'agent') AND name <> ? ORDER BY id",
            [ev.AGENT_CREATED]).fetchall())  # fmt: skip
    assert [(name, actor, who, entity) for name, actor, who, entity, *_ in logged] == [
        (ev.TEAM_CREATED, "agent", admin_id, team.id),
        (ev.TEAM_UPDATED, "agent", admin_id, team.id),
        (ev.AGENT_AVAILABILITY_CHANGED, "agent", admin_id, admin_id),
        (ev.TEAM_DELETED, "agent", admin_id, team.id),
    ]
    assert '"round_robin"' in logged[1][4] and '"least_loaded"' in logged[1][5]
    assert '"available"' in logged[2][4] and '"away"' in logged[2][5]


def test_the_demo_store_gets_its_teams_of_demo_agents_once(tmp_path: Path):
    from data.demo_store import seed_demo
    from data.demo_store.people import DEMO_AGENTS
    from data.demo_store.teams import seed_demo_teams

    with Database(tmp_path / "demo.duckdb") as db:
        seed_demo(db, tickets=20, days=5, password_hash="not-a-real-hash")
        assert seed_demo_teams(db) == 2
        assert seed_demo_teams(db) == 0  # a store with teams is left alone
        made = {team.name: team for team in teams.list_teams(db)}
        emails = {d.email for d in DEMO_AGENTS}
        demo_ids = {a.id for a in _all_agents(db) if a.email in emails}
    assert set(made) == {"Retours / Returns", "Service client / Customer care"}
    assert made["Retours / Returns"].strategy == "least_loaded"
    assert all(len(team.member_ids) >= 3 for team in made.values())
    assert set().union(*(team.member_ids for team in made.values())) <= demo_ids


def _all_agents(db: Database) -> list[Agent]:
    return [Agent.model_validate(row) for row in db.read(agent_store.all_agents)]
