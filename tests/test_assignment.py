"""Assignment strategies (widget_api/domain/assignment.py): round robin and least loaded over a
team's members, skipping away and inactive agents, run inside write transactions of a real
database file that is closed and opened again as a server restart would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from widget_api.domain.assignment import pick_assignee
from widget_api.storage import Database, agents, customers
from widget_api.storage import teams as team_store
from widget_api.storage import tickets as ticket_store
from widget_api.storage.events import SYSTEM

AT = datetime(2026, 11, 2, 15, 0)


def _agent(w, name: str) -> int:
    email = f"{name.lower()}@shop.test"
    return agents.create(w, email=email, name=name, role="agent", password_hash="x",
                         language="fr", at=AT, actor=SYSTEM)  # fmt: skip


def _team(db: Database, names: tuple[str, ...], strategy: str) -> tuple[int, dict[str, int]]:
    def job(w):
        ids = {name: _agent(w, name) for name in names}
        members = sorted(ids.values())
        team_id = team_store.create(
            w, name="Retours", strategy=strategy, member_ids=members, actor=SYSTEM, at=AT
        )
        return team_id, ids

    return db.write(job)


def _away(db: Database, agent_id: int) -> None:
    db.write(lambda w: team_store.set_availability(w, agent_id, "away", SYSTEM, AT))


def _pick(db: Database, team_id: int, strategy: str) -> int | None:
    return db.write(lambda w: pick_assignee(w, team_id, strategy))


def _assign_tickets(db: Database, agent_id: int, statuses: list[str]) -> None:
    def job(w):
        customer_id, _ = customers.find_or_create(
            w, email="client@example.com", name="Client", language="fr", at=AT
        )
        for status in statuses:
            new = ticket_store.NewTicket(
                subject="Retour", body_text="Bonjour", channel="email", language="fr",
                customer_id=customer_id, customer_email="client@example.com",
                customer_name="Client", order_id=None, order_number=None, token_hash="h",
                source=None, at=AT,
            )  # fmt: skip
            ticket_id, _, _ = ticket_store.create(w, new, SYSTEM)
            ticket_store.update(w, ticket_id, {"status": status, "assignee_id": agent_id},
                                SYSTEM, AT)  # fmt: skip

    db.write(job)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "comptoir.duckdb"


def test_round_robin_takes_members_in_turn_never_the_away_one_and_resumes_after_restart(
    db_path: Path,
):
    with Database(db_path) as db:
        team_id, ids = _team(db, ("Ana", "Ben", "Chloe"), "round_robin")
        _away(db, ids["Ben"])
        first = [_pick(db, team_id, "round_robin") for _ in range(3)]
    assert first == [ids["Ana"], ids["Chloe"], ids["Ana"]]
    with Database(db_path) as db:  # the pointer is in the file: the turn goes on from Ana
        after = [_pick(db, team_id, "round_robin") for _ in range(4)]
    assert after == [ids["Chloe"], ids["Ana"], ids["Chloe"], ids["Ana"]]


def test_round_robin_is_fair_when_an_away_agent_comes_back(db_path: Path):
    with Database(db_path) as db:
        team_id, ids = _team(db, ("Ana", "Ben", "Chloe"), "round_robin")
        _away(db, ids["Ben"])
        assert _pick(db, team_id, "round_robin") == ids["Ana"]
        db.write(lambda w: team_store.set_availability(w, ids["Ben"], "available", SYSTEM, AT))
        picks = [_pick(db, team_id, "round_robin") for _ in range(6)]
    assert picks == [ids["Ben"], ids["Chloe"], ids["Ana"]] * 2


def test_round_robin_pointer_moves_only_with_a_committed_pick(db_path: Path):
    class RuleFailed(Exception):
        pass

    def pick_then_fail(w, team_id):
        pick_assignee(w, team_id, "round_robin")
        raise RuleFailed

    with Database(db_path) as db:
        team_id, ids = _team(db, ("Ana", "Ben"), "round_robin")
        with pytest.raises(RuleFailed):
            db.write(lambda w: pick_then_fail(w, team_id))
        assert _pick(db, team_id, "round_robin") == ids["Ana"]


def test_least_loaded_picks_the_available_member_with_fewest_open_and_pending_tickets(
    db_path: Path,
):
    with Database(db_path) as db:
        team_id, ids = _team(db, ("Ana", "Ben", "Chloe", "Dan"), "least_loaded")
        _assign_tickets(db, ids["Ana"], ["open", "open", "pending"])
        _assign_tickets(db, ids["Ben"], ["open"])  # least loaded, but away
        _assign_tickets(db, ids["Chloe"], ["open", "pending", "solved", "closed", "solved"])
        _assign_tickets(db, ids["Dan"], ["pending", "open", "open", "on_hold"])
        _away(db, ids["Ben"])
        assert _pick(db, team_id, "least_loaded") == ids["Chloe"]  # 2 against 3 and 3
        _assign_tickets(db, ids["Chloe"], ["open"])  # 3, 3, 3: the lowest id wins the tie
        assert _pick(db, team_id, "least_loaded") == ids["Ana"]


def test_least_loaded_does_not_move_anything(db_path: Path):
    with Database(db_path) as db:
        team_id, ids = _team(db, ("Ana", "Ben"), "least_loaded")
        picks = {_pick(db, team_id, "least_loaded") for _ in range(3)}
    assert picks == {ids["Ana"]}


@pytest.mark.parametrize("strategy", ["round_robin", "least_loaded"])
def test_no_one_is_picked_when_every_member_is_away_or_inactive(db_path: Path, strategy: str):
    with Database(db_path) as db:
        team_id, ids = _team(db, ("Ana", "Ben", "Chloe"), strategy)
        _away(db, ids["Ana"])
        _away(db, ids["Ben"])
        db.write(lambda w: agents.update(w, ids["Chloe"], {"active": False}, SYSTEM, AT))
        assert _pick(db, team_id, strategy) is None


@pytest.mark.parametrize("strategy", ["round_robin", "least_loaded"])
def test_an_unknown_or_empty_team_picks_no_one(db_path: Path, strategy: str):
    with Database(db_path) as db:
        empty = db.write(
            lambda w: team_store.create(
                w, name="Vide", strategy=strategy, member_ids=[], actor=SYSTEM, at=AT
            )
        )
        assert _pick(db, empty, strategy) is None
        assert _pick(db, 999, strategy) is None
