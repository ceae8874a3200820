"""Every `comptoir` command works on a database fresh from `comptoir init`, run as a person runs
it: the installed console script, in its own process, with no server secret in the environment
(the secret used to be made only by the server's start-up, so `mail import` crashed)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
import httpx
import pytest

from tests.conftest import ROOT, free_port
from tests.waiting import wait_until
from widget_api.cli import cli

MAIL = ROOT / "tests" / "fixtures" / "mail"
HELP = ROOT / "tests" / "fixtures" / "help_center"

# Commands taking --db, and the test below that runs each on a fresh `init` database
# (`demo`: tests/test_startup_errors.py::test_demo_banner_waits_for_both_and_sigterm_stops_both).
COVERED = {
    "init", "serve", "demo", "seed-demo", "backup", "restore", "bench", "mail import",
    "secrets rotate", "orders import", "export", "import csv", "import zendesk",
}  # fmt: skip


def _env(db: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    if db is not None:
        env["COMPTOIR_DB__PATH"] = str(db)
    return env


def comptoir(*args: str, cwd: Path, db: Path | None = None, timeout: float = 600) -> str:
    """Run the command; it must succeed without a traceback. Returns what it printed."""
    done = subprocess.run(
        ["comptoir", *args], capture_output=True, text=True, cwd=cwd, env=_env(db),
        timeout=timeout,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output, output
    return done.stdout


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    db = tmp_path / "fresh.duckdb"
    comptoir("init", "--db", str(db), "--admin-email", "boss@shop.test",
             "--admin-password", "longenough", cwd=tmp_path)  # fmt: skip
    return db


def _db_commands(group: click.Group, prefix: str = "") -> set[str]:
    found = set()
    context = click.Context(group)
    for name in group.list_commands(context):  # the lazily loaded ones too
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found |= _db_commands(command, f"{prefix}{name} ")
        elif any("--db" in param.opts for param in command.params):
            found.add(prefix + name)
    return found


def test_every_command_with_a_database_is_tried_on_a_fresh_one():
    assert _db_commands(cli) == COVERED


def test_mail_import_on_a_fresh_database(fresh: Path, tmp_path: Path):
    files = [MAIL / "customer-fr-html-only.eml", MAIL / "amazon-buyer-message.eml"]
    out = comptoir("mail", "import", "--db", str(fresh), *map(str, files), cwd=tmp_path)
    outcomes = [json.loads(line)["outcome"] for line in out.splitlines() if line.startswith("{")]
    assert outcomes and all(o in ("ticket", "joined") for o in outcomes), out
    # Replies sent later are signed with the same secret: a second run finds it, makes no other.
    again = comptoir("mail", "import", "--db", str(fresh), str(files[0]), cwd=tmp_path)
    assert json.loads(again.splitlines()[0])["outcome"] == "ignored"


def test_seed_demo_on_a_fresh_database(fresh: Path, tmp_path: Path):
    out = comptoir("seed-demo", "--db", str(fresh), "--tickets", "40", "--days", "7", cwd=tmp_path)
    assert "Seeded in" in out


def test_backup_restore_then_import_on_a_fresh_database(fresh: Path, tmp_path: Path):
    archive = tmp_path / "fresh.tar.gz"
    comptoir("backup", "--db", str(fresh), str(archive), cwd=tmp_path)
    restored = tmp_path / "restored.duckdb"
    comptoir("restore", "--db", str(restored), str(archive), cwd=tmp_path)
    out = comptoir("mail", "import", "--db", str(restored),
                   str(MAIL / "customer-fr-html-only.eml"), cwd=tmp_path)  # fmt: skip
    assert json.loads(out.splitlines()[0])["outcome"] == "ticket"


def test_secrets_rotate_on_a_fresh_database(fresh: Path, tmp_path: Path):
    comptoir("secrets", "rotate", "--db", str(fresh), cwd=tmp_path)


def test_bench_on_a_fresh_database(fresh: Path, tmp_path: Path):
    out = comptoir("bench", "--db", str(fresh), "--tickets", "50", "--requests", "10",
                   "--concurrency", "2", "--repeat", "1", "--sequential", "20",
                   "--schedule-tickets", "2000", cwd=tmp_path)  # fmt: skip
    assert "p50" in out
    assert "sequential intake p50 with 50 active rules" in out
    assert "schedule pass over 2000 tickets" in out


def test_commands_without_a_database_run_beside_a_fresh_one(fresh: Path, tmp_path: Path):
    config = json.loads(comptoir("config", cwd=tmp_path, db=fresh))
    assert config["db"]["path"] == str(fresh)
    queries = tmp_path / "tickets.jsonl"
    queries.write_text('{"id": 1, "subject": "Remboursement", "body": "Où est mon argent?"}\n')
    typed = comptoir("classify", "--jsonl", str(queries), cwd=tmp_path, db=fresh)
    assert json.loads(typed)["id"] == 1
    articles, questions = HELP / "articles", HELP / "cli_queries.jsonl"
    found = comptoir("help-center", "search", "--articles", str(articles),
                     "--jsonl", str(questions), cwd=tmp_path, db=fresh)  # fmt: skip
    assert found.strip()
    comptoir("help-center", "evaluate", cwd=tmp_path, db=fresh)


def test_serve_on_a_fresh_database_then_stops_cleanly(fresh: Path, tmp_path: Path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "widget_api.cli", "serve", "--db", str(fresh),
             "--port", str(port), "--log-level", "warning"],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, env=_env(),
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(f"{url}/health").json()["status"] == "ok",
                   "the server on a fresh database", log=log_path,
                   ignore=(httpx.HTTPError,))  # fmt: skip
        login = httpx.post(f"{url}/api/v1/auth/login",
                           json={"email": "boss@shop.test", "password": "longenough"})  # fmt: skip
        assert login.status_code == 200, login.text
    finally:
        process.terminate()
        # uvicorn shuts down, then dies of the SIGTERM it caught, as a service manager expects.
        assert process.wait(timeout=120) in (0, -signal.SIGTERM), log_path.read_text()
    assert "Traceback" not in log_path.read_text()
    assert not fresh.with_name(fresh.name + ".wal").exists()  # checkpointed on the way out


def test_orders_import_on_a_fresh_database(fresh: Path, tmp_path: Path):
    csv_file = tmp_path / "orders.csv"
    csv_file.write_text(
        "order_number,placed_at,email,sku,title,quantity,unit_price\n"
        "ND-9001,2026-11-02 10:00,marie@example.ca,TUQ-NOIR,Tuque,2,25.00\n",
        encoding="utf-8",
    )
    out = comptoir("orders", "import", "--db", str(fresh), str(csv_file), cwd=tmp_path)
    assert "1 order(s) imported (1 new" in out


def test_export_on_a_fresh_database(fresh: Path, tmp_path: Path):
    archive = tmp_path / "export.zip"
    comptoir("export", "--db", str(fresh), "--out", str(archive), cwd=tmp_path)
    assert archive.stat().st_size > 0


def test_helpdesk_imports_on_a_fresh_database(fresh: Path, tmp_path: Path):
    from tests.fakes.zendesk import FakeZendesk

    layout = ROOT / "tests" / "fixtures" / "imports" / "tickets.csv"
    out = comptoir("import", "csv", "--db", str(fresh), str(layout), cwd=tmp_path)
    assert "ticket(s) imported" in out
    with FakeZendesk(3) as fake:
        out = comptoir("import", "zendesk", "--db", str(fresh), "--subdomain", "boutique",
                       "--email", "admin@boutique.example", "--token", "zd-token",
                       "--api-base-url", fake.url, cwd=tmp_path)  # fmt: skip
    assert "3 ticket(s) imported" in out
