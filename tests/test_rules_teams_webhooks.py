"""Rules that hand tickets to a team (round robin, least loaded, away agents skipped) and rules
that call a merchant's webhook: signed, retried through an outage, delivered once per event."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.test_webhooks import SECRET, Receiver
from tests.waiting import wait_until

_n = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The shared server, with webhook retries a fraction of a second apart."""
    db_path = tmp_path_factory.mktemp("server") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path, env={"COMPTOIR_WEBHOOKS__BASE_DELAY": "0.2",
                                         "COMPTOIR_WEBHOOKS__MAX_DELAY": "0.5"})  # fmt: skip
    yield running
    running.stop()


@pytest.fixture(scope="module")
def staff(server: RunningServer) -> dict[str, int]:
    ids = {}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        for name in ("Ana", "Ben", "Chloe"):
            made = client.post("/api/v1/agents", json={
                "email": f"{name.lower()}@rules.test", "name": name, "password": "agent-password",
            })  # fmt: skip
            assert made.status_code == 201, made.text
            ids[name] = made.json()["id"]
    return ids


def _rule(admin_api: httpx.Client, marker: str, actions: list[dict]) -> dict:
    answer = admin_api.post("/api/v1/rules", json={
        "name": f"Règle {marker}", "trigger": {"event": "ticket.created"}, "active": True,
        "conditions": {"all": [{"field": "subject", "operator": "starts_with", "value": marker}]},
        "actions": actions,
    })  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()


def _open(api: httpx.Client, subject: str) -> str:
    answer = api.post("/api/v1/tickets", json={
        "email": f"c{next(_n)}@example.com", "subject": subject, "body": "Bonjour!",
    })  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()["ticket_ref"]


def _assignee(admin_api: httpx.Client, ref: str) -> int:
    def assigned():
        return admin_api.get(f"/api/v1/tickets/{ref}").json()["assignee_id"]

    return wait_until(assigned, f"{ref} assigned by the rule")


def _team(admin_api: httpx.Client, name: str, strategy: str, members: list[int]) -> int:
    made = admin_api.post("/api/v1/teams", json={"name": name, "strategy": strategy,
                                                 "member_ids": members})  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _away(admin_api: httpx.Client, agent_id: int, away: bool) -> None:
    answer = admin_api.patch(f"/api/v1/agents/{agent_id}",
                             json={"availability": "away" if away else "available"})  # fmt: skip
    assert answer.is_success, answer.text


def test_round_robin_by_rule_takes_turns_and_skips_an_away_agent(api, admin_api, staff):
    team = _team(admin_api, "Tour de rôle", "round_robin", list(staff.values()))
    _rule(admin_api, "[RR]", [{"kind": "assign_team", "params": {"team_id": team}}])
    _away(admin_api, staff["Ben"], True)
    try:
        picked = [_assignee(admin_api, _open(api, f"[RR] question {i}")) for i in range(4)]
    finally:
        _away(admin_api, staff["Ben"], False)
    assert staff["Ben"] not in picked
    assert Counter(picked) == {staff["Ana"]: 2, staff["Chloe"]: 2}
    assert picked[0] != picked[1] and picked[1] != picked[2]  # in turn, not twice running


def test_least_loaded_by_rule_picks_the_available_agent_with_fewest_open_tickets(
    api, admin_api, staff
):
    team = _team(admin_api, "Moins chargé", "least_loaded", list(staff.values()))
    loads = Counter(
        t["assignee_id"]
        for t in admin_api.get("/api/v1/tickets", params={"limit": 200}).json()["items"]
        if t["status"] in ("new", "open", "pending")
    )
    # Give Ana two more open tickets than anyone, put the lightest agent away.
    for _ in range(max(loads.values(), default=0) + 2):
        ref = _open(api, "Chargement")
        admin_api.patch(f"/api/v1/tickets/{ref}", json={"assignee_id": staff["Ana"]})
    loads = Counter(
        t["assignee_id"]
        for t in admin_api.get("/api/v1/tickets", params={"limit": 200}).json()["items"]
        if t["status"] in ("new", "open", "pending")
    )
    lightest = min(staff.values(), key=lambda a: (loads.get(a, 0), a))
    _away(admin_api, lightest, True)
    try:
        _rule(admin_api, "[LL]", [{"kind": "assign_team", "params": {"team_id": team}}])
        picked = _assignee(admin_api, _open(api, "[LL] colis"))
    finally:
        _away(admin_api, lightest, False)
    available = [a for a in staff.values() if a != lightest]
    assert picked == min(available, key=lambda a: (loads.get(a, 0), a))
    assert picked != staff["Ana"]


@pytest.fixture
def outage() -> Iterator[Receiver]:
    receiver = Receiver(failures=[503, 503]).start()  # down for two attempts, then up
    yield receiver
    receiver.stop()


def test_a_rule_calls_a_signed_webhook_retried_through_an_outage_and_delivered_once(
    api, admin_api, outage
):
    call = {"kind": "webhook", "params": {"url": outage.url, "secret": SECRET}}
    rule = _rule(admin_api, "[WH]", [call])
    assert SECRET not in admin_api.get(f"/api/v1/rules/{rule['id']}").text  # write-only
    ref = _open(api, "[WH] où est mon colis?")
    delivered = wait_until(outage.accepted, "the webhook delivered after the outage")
    assert [r.answered for r in outage.receipts] == [503, 503, 200]
    assert all(r.signature_ok for r in outage.receipts)
    assert len({r.headers["X-Comptoir-Delivery"] for r in outage.receipts}) == 1
    body = httpx.Response(200, content=delivered[0].body).json()
    assert body["ticket_ref"] == ref and body["rule"]["id"] == rule["id"]
    assert body["event"] == "ticket.created"

    def statuses() -> list[str]:  # the 200 is recorded just after the receiver answered it
        rows = admin_api.get("/api/v1/webhooks/deliveries").json()
        found = [d["status"] for d in rows if d["url"] == outage.url]
        return found if found != ["queued"] else []

    assert wait_until(statuses, "the delivery recorded") == ["delivered"]
