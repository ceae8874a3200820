"""schemathesis over every operation of the OpenAPI document, against a real server on loopback:
no 5xx, and every answer (status code, content type, body) as the document says."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    RunningServer,
    login,
    make_database,
    start_server,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

# Small and derandomized: the same cases on every run, a few minutes on a loaded 2-core machine
# (COMPTOIR_FUZZ_EXAMPLES=50 for a deeper run by hand).
EXAMPLES = int(os.environ.get("COMPTOIR_FUZZ_EXAMPLES", "5"))
# A JSON string that is a date and time with no offset: every timestamp in an answer is UTC and
# says so, including in the free-form answers (reports, spikes) the document cannot describe.
NAIVE_TIMESTAMP = re.compile(r'"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?"')


def timestamps_carry_their_time_zone(ctx, response, case) -> None:
    if "json" in ",".join(response.headers.get("content-type", [])):
        found = NAIVE_TIMESTAMP.search(response.text)
        assert found is None, f"timestamp without a time zone: {found.group() if found else ''}"


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    timestamps_carry_their_time_zone,
]
# Agents the fuzzer may maim (PATCH /agents/{id}) and sign out, so the admin's session survives.
MAIMED = {"email": "maimed@shop.test", "password": "maimed agent password"}
LEAVER = {"email": "leaver@shop.test", "password": "leaver agent password"}


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db_path: Path = tmp_path_factory.mktemp("fuzz") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    yield running
    running.stop()


def _add_agent(client: httpx.Client, account: dict[str, str]) -> int:
    body = {"name": "Spare Agent", "role": "agent", **account}
    response = client.post("/api/v1/agents", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _seed(client: httpx.Client) -> None:
    """Some of everything, so that lists and reports answer with rows (and their timestamps)."""
    ticket = {
        "email": "client@example.com",
        "body": "Where is my parcel?",
        "order_number": "ND-200001",
    }
    assert client.post("/api/v1/tickets", json=ticket).status_code == 201
    macro = {"name_fr": "Suivi", "name_en": "Tracking", "body_fr": "Voici", "body_en": "Here"}
    assert client.post("/api/v1/macros", json=macro).status_code == 201
    block = {"kind": "email", "value": "spam@example.com"}
    assert client.post("/api/v1/blocks", json=block).status_code == 201


def _operations(schema) -> list:
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())
    # Login last: random failed logins may throttle this address, and logout's cases need logins.
    operations.sort(key=lambda op: op.path == "/api/v1/auth/login")
    return operations


def _fuzz(
    operation, mode: GenerationMode, fixed: dict, call: Callable, failures: dict[str, str]
) -> int:
    """Run the operation's cases in one mode; returns how many were sent."""
    sent = 0

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case) -> None:
        nonlocal sent
        sent += 1
        try:
            call(case)
        except schemathesis.errors.FailureGroup as group:
            # Collected, not raised: one run reports every kind of failure of every operation.
            for failure in group.exceptions:
                key = f"{operation.label} [{mode.value}] {failure.title}"
                failures.setdefault(key, str(group)[:3000])

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        # Negative mode on an operation with nothing to break (no parameters, no body).
        assert mode is GenerationMode.NEGATIVE, operation.label
    return sent


def test_every_operation_answers_as_documented(fuzz_server: RunningServer) -> None:
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        token = login(client)
        client.headers["Authorization"] = f"Bearer {token}"
        maimed_id = _add_agent(client, MAIMED)
        _add_agent(client, LEAVER)
        _seed(client)
        document = client.get("/schema/openapi.json").json()
    # The admin's own account must stay an active admin for every following case.
    fixed = {"PATCH /api/v1/agents/{agent_id}": {"path_parameters": {"agent_id": maimed_id}}}
    # 413 also rejects a body: one larger than the server takes, whatever its schema says.
    rejected = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
    config = schemathesis.Config.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": [*rejected, "5xx"]}}}
    )
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/schema/openapi.json", config=config)
    operations = _operations(schema)
    failures: dict[str, str] = {}

    def call_as_admin(case) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        if case.operation.label == "POST /api/v1/auth/logout":
            # Logout revokes the token it is given: a fresh token per case.
            with httpx.Client(base_url=fuzz_server.url, timeout=30) as fresh:
                headers = {"Authorization": f"Bearer {login(fresh, **LEAVER)}"}
        case.call_and_validate(base_url=fuzz_server.url, headers=headers, checks=CHECKS, timeout=30)

    sent: dict[str, int] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            label = operation.label
            sent[label] = sent.get(label, 0) + _fuzz(
                operation, mode, fixed.get(label, {}), call_as_admin, failures
            )
    documented = {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }
    assert documented == {label for label, count in sent.items() if count}, "not every operation"
    report = "\n\n".join(f"== {key}\n{text}" for key, text in sorted(failures.items()))
    assert not failures, f"{len(failures)} kinds of failure:\n{sorted(failures)}\n\n{report}"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("PUT", "/api/v1/mail/settings", {"listener_port": False}),
        ("PUT", "/api/v1/mail/settings", {"auto_ack": 0}),
        ("PUT", "/api/v1/mail/settings", {"max_message_bytes": "1000000"}),
        ("POST", "/api/v1/help/articles/fr/livraison/feedback", {"helpful": 1}),
    ],
)
def test_ints_and_booleans_are_not_coerced(fuzz_server, method, path, body) -> None:
    """`false` is not 0, 0 is not `false` and "1000000" is not a number: 400, as documented."""
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        response = client.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 400


def test_timestamps_in_answers_carry_their_time_zone(fuzz_server) -> None:
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        kpis = client.get("/api/v1/returns/kpis").json()
        me = client.post(
            "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).json()
    for value in (kpis["start"], kpis["end"], me["expires_at"]):
        assert datetime.fromisoformat(value).utcoffset() == timedelta(0), value


@pytest.mark.parametrize("report", ["spikes", "tickets", "report/volume"])
def test_an_unknown_channel_is_refused(fuzz_server, report) -> None:
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        refused = client.get(f"/api/v1/analytics/{report}", params={"channel": ["chat", "fax"]})
        known = client.get(f"/api/v1/analytics/{report}", params={"channel": ["chat", "email"]})
    assert refused.status_code == 400, refused.text
    assert known.status_code == 200, known.text


def test_reports_are_named_in_the_document(fuzz_server) -> None:
    """The document lists the report names and formats, so clients (and the fuzzer) can call
    every report; any other name is refused."""
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        operation = client.get("/schema/openapi.json").json()["paths"][
            "/api/v1/analytics/report/{name}"
        ]["get"]
        names = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert "csat" in names["name"]["enum"]
        for name in names["name"]["enum"]:
            assert client.get(f"/api/v1/analytics/report/{name}").status_code == 200, name
        assert client.get("/api/v1/analytics/report/nope").status_code in (400, 404)
        csv = client.get("/api/v1/analytics/tickets", params={"format": "xml"})
        assert csv.status_code == 400, csv.text
        # A section the report does not have (a header-breaking name in the file name was a 500).
        odd = {"format": "csv", "section": "·ñÚ"}
        assert client.get("/api/v1/analytics/report/backlog", params=odd).status_code == 200
        assert client.get("/api/v1/analytics/report/csat", params=odd).status_code == 400


def test_ticket_list_filters_list_their_values_in_the_document(fuzz_server) -> None:
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as client:
        document = client.get("/schema/openapi.json").json()
    operation = document["paths"]["/api/v1/tickets"]["get"]
    text = {p["name"]: str(p["schema"]) for p in operation["parameters"]}
    assert "'enum'" in text["view"] and "sla_at_risk" in text["view"]
    assert "'enum'" in text["sort"] and "waiting" in text["sort"]
    assert "on_hold" in text["status"] and "walmart" in text["channel"]
