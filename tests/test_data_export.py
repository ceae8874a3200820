"""Issue 17: the whole-store export (API and CLI) and per-customer access and erasure
requests, through the real server over HTTP."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT, login, make_database, start_server

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALICE = "alice.export@exemple.ca"
BOB = "bob.autre@exemple.ca"
AGENT_PASSWORD = "agent-password-zq81"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    db_path = tmp_path_factory.mktemp("export") / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path)
    with httpx.Client(base_url=running.url, timeout=30) as admin:
        token = login(admin)
        admin.headers["Authorization"] = f"Bearer {token}"
        identity = admin.post("/api/v1/settings/widget/identity-secret")
        assert identity.status_code == 201, identity.text
        made = admin.post("/api/v1/agents", json={
            "email": "julie@shop.test", "name": "Julie", "password": AGENT_PASSWORD})  # fmt: skip
        assert made.status_code == 201, made.text
        refs, tokens = {}, {}
        for email, name, words in ((ALICE, "Alice Zeppelin", "zorglub"),
                                   (BOB, "Bob Quenouille", "brindille")):  # fmt: skip
            created = admin.post("/api/v1/tickets", headers={"Authorization": ""}, json={
                "email": email, "name": name, "subject": f"Question {words}", "language": "fr",
                "body": f"Bonjour, c'est {name}, {words}."})  # fmt: skip
            assert created.status_code == 201, created.text
            refs[email] = created.json()["ticket_ref"]
            tokens[email] = created.json()["conversation_token"]
        up = admin.post(f"/api/v1/conversations/{tokens[ALICE]}/attachments",
                        headers={"Authorization": ""},
                        files={"data": ("photo.png", PNG, "image/png")})  # fmt: skip
        assert up.status_code == 201, up.text
        body = {"kind": "reply", "body": "Bonjour Alice Zeppelin, voilà."}
        reply = admin.post(f"/api/v1/tickets/{refs[ALICE]}/messages", json=body)
        assert reply.status_code == 201, reply.text
        yield {"server": running, "admin": admin, "token": token, "refs": refs,
               "tokens": tokens, "identity": identity.json(), "db": db_path}  # fmt: skip
    running.stop()


def _archive(response: httpx.Response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.text
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_export_holds_every_table_messages_attachments_csv_and_no_secret(world):
    admin = world["admin"]
    zf = _archive(admin.get("/api/v1/export"))
    names = zf.namelist()
    root = "comptoir-export/"
    for table in ("tickets", "messages", "customers", "agents", "attachments", "events",
                  "store_settings", "orders", "api_tokens"):  # fmt: skip
        assert f"{root}{table}.jsonl" in names
    readme = zf.read(root + "README.md").decode()
    assert "## messages.jsonl" in readme and "| body_text |" in readme
    messages = [json.loads(x) for x in zf.read(root + "messages.jsonl").splitlines()]
    assert any("zorglub" in (m.get("body_text") or "") for m in messages)
    attachment = [n for n in names if n.startswith(root + "attachments/")]
    assert len(attachment) == 1 and zf.read(attachment[0]) == PNG
    rows = list(csv.DictReader(io.StringIO(zf.read(root + "tickets.csv").decode())))
    assert len(rows) == 2
    assert list(rows[0]) == ["ref", "created", "channel", "status", "customer_email", "subject",
                             "first_reply_hours", "resolution_hours", "csat", "tags",
                             "problem_type"]  # fmt: skip
    alice = next(r for r in rows if r["ref"] == world["refs"][ALICE])
    assert alice["customer_email"] == ALICE and alice["first_reply_hours"] != ""
    blob = b"".join(zf.read(n) for n in names)
    secret = world["identity"]["secret"]
    for needle in (world["token"], secret, AGENT_PASSWORD, world["tokens"][ALICE]):
        assert needle.encode() not in blob, needle
    agents = [json.loads(x) for x in zf.read(root + "agents.jsonl").splitlines()]
    assert agents and all("password_hash" not in a for a in agents)
    assert b"$argon2" not in blob


def test_cli_export_refuses_while_the_server_runs_and_works_once_stopped(world, tmp_path):
    out = tmp_path / "all.tar.gz"
    busy = subprocess.run(
        [sys.executable, "-m", "widget_api.cli", "export", "--db", str(world["db"]),
         "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert busy.returncode != 0 and "/api/v1/export" in busy.stderr


def test_non_admin_is_refused(world):
    with httpx.Client(base_url=world["server"].url, timeout=10) as client:
        client.headers["Authorization"] = (
            f"Bearer {login(client, 'julie@shop.test', AGENT_PASSWORD)}"
        )
        assert client.get("/api/v1/export").status_code == 403
        assert client.get("/api/v1/customers/lookup", params={"q": ALICE}).status_code == 403
        assert client.get("/api/v1/customers/1/export").status_code == 403
        assert client.post("/api/v1/customers/1/erase").status_code == 403


def _customer_id(admin: httpx.Client, q: str) -> int:
    found = admin.get("/api/v1/customers/lookup", params={"q": q})
    assert found.status_code == 200, found.text
    assert len(found.json()) == 1, found.json()
    return found.json()[0]["id"]


def _events(admin: httpx.Client, name: str) -> list[dict]:
    zf = _archive(admin.get("/api/v1/export"))
    rows = [json.loads(x) for x in zf.read("comptoir-export/events.jsonl").splitlines()]
    return [r for r in rows if r["name"] == name]


def test_access_request_then_erasure(world):
    admin = world["admin"]
    alice = _customer_id(admin, ALICE.upper())
    zf = _archive(admin.get(f"/api/v1/customers/{alice}/export"))
    data = json.loads(zf.read("customer.json"))
    assert data["customer"]["email"] == ALICE
    assert [t["ref"] for t in data["tickets"]] == [world["refs"][ALICE]]
    assert any("zorglub" in m["body_text"] for m in data["tickets"][0]["messages"])
    assert [zf.read(n) for n in zf.namelist() if n.startswith("attachments/")] == [PNG]
    text = b"".join(zf.read(n) for n in zf.namelist())
    assert BOB.encode() not in text and b"brindille" not in text
    every = _archive(admin.get("/api/v1/export"))
    agents = [json.loads(x) for x in every.read("comptoir-export/agents.jsonl").splitlines()]
    me = next(a["id"] for a in agents if a["role"] == "admin")
    exported = _events(admin, "customer.data_exported")
    assert [(e["entity_id"], e["actor_type"], e["actor_id"]) for e in exported] == [
        (alice, "agent", me)]  # fmt: skip

    before = admin.get("/api/v1/analytics/report/volume").json()
    erased = admin.post(f"/api/v1/customers/{alice}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json()["tickets"] == 1
    assert admin.get("/api/v1/analytics/report/volume").json() == before
    ticket = admin.get(f"/api/v1/tickets/{world['refs'][ALICE]}").text
    assert ALICE not in ticket and "Zeppelin" not in ticket
    search = admin.get("/api/v1/tickets", params={"q": "zeppelin"})
    assert search.status_code == 200 and world["refs"][ALICE] not in search.text
    assert admin.get("/api/v1/customers/lookup", params={"q": ALICE}).json() == []
    redacted = _events(admin, "customer.redacted")
    assert [(e["entity_id"], e["actor_type"], e["actor_id"]) for e in redacted] == [
        (alice, "agent", me)]  # fmt: skip
    assert admin.post("/api/v1/customers/999999/erase").status_code == 404


def test_cli_export_of_a_stopped_database_to_tar_gz(tmp_path):
    import tarfile

    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    out = tmp_path / "out" / "all.tar.gz"
    done = subprocess.run(
        [sys.executable, "-m", "widget_api.cli", "export", "--db", str(db_path),
         "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with tarfile.open(out) as tar:
        names = tar.getnames()
        assert "comptoir-export/orders.jsonl" in names and "comptoir-export/README.md" in names
        agents = tar.extractfile("comptoir-export/agents.jsonl").read()
    assert b"alice" in agents.lower() and b"$argon2" not in agents
