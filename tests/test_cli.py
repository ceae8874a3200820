"""The `comptoir` command: help texts, init, backup and restore."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from click.testing import CliRunner

from tests.conftest import make_database
from widget_api.cli import cli
from widget_api.storage import Database, tickets
from widget_api.storage.backup import row_counts

SUBCOMMANDS = ["serve", "dashboard", "demo", "init", "backup", "restore", "seed-demo", "config"]


def test_comptoir_help_lists_every_subcommand():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in SUBCOMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_useful_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) >= 4
    assert "--help" in result.output


def test_console_script_is_installed():
    result = subprocess.run(["comptoir", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "comptoir" in result.stdout


def test_init_creates_database_and_admin_once(tmp_path):
    db = tmp_path / "new.duckdb"
    args = ["init", "--db", str(db), "--admin-email", "Boss@Shop.test", "--admin-password"]
    first = CliRunner().invoke(cli, [*args, "longenough"])
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(cli, [*args, "longenough"])
    assert second.exit_code != 0 and "already exists" in second.output
    other = ["init", "--db", str(tmp_path / "x.duckdb"), "--admin-email", "a@b.ca"]
    short = CliRunner().invoke(cli, [*other, "--admin-password", "short"])
    assert short.exit_code != 0 and "8 characters" in short.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT email, role FROM agents").fetchall() == [("boss@shop.test", "admin")]
    con.close()


def test_config_hides_secrets(monkeypatch):
    monkeypatch.setenv("COMPTOIR_SECURITY__SECRET_KEY", "super-secret-value")
    monkeypatch.setenv("COMPTOIR_API__PORT", "9123")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0
    assert "super-secret-value" not in result.output and '"port": 9123' in result.output


def test_backup_and_restore_round_trip_every_row(tmp_path):
    source = tmp_path / "source.duckdb"
    make_database(source)
    with Database(source) as db:
        import asyncio

        from widget_api.contracts.tickets import TicketCreate
        from widget_api.domain.intake import open_ticket

        for i in range(5):
            data = TicketCreate(email=f"r{i}@example.com", body=f"Colis {i} — déjà reçu?")
            asyncio.run(open_ticket(db, data, channel="web", default_language="fr"))
        assert db.read(tickets.count) == 5
    archive = tmp_path / "backup.tar.gz"
    result = CliRunner().invoke(cli, ["backup", "--db", str(source), str(archive)])
    assert result.exit_code == 0, result.output

    target = tmp_path / "restored.duckdb"
    result = CliRunner().invoke(cli, ["restore", "--db", str(target), str(archive)])
    assert result.exit_code == 0, result.output
    before = duckdb.connect(str(source), read_only=True)
    after = duckdb.connect(str(target), read_only=True)
    assert row_counts(after) == row_counts(before)
    query = "SELECT ref, subject, tags, search_doc FROM tickets ORDER BY id"
    assert after.execute(query).fetchall() == before.execute(query).fetchall()
    query = "SELECT * FROM events ORDER BY id"
    assert after.execute(query).fetchall() == before.execute(query).fetchall()
    before.close()
    after.close()
    with Database(target) as db:  # the restored file opens as a normal database
        assert db.read(tickets.count) == 5

    again = CliRunner().invoke(cli, ["restore", "--db", str(target), str(archive)])
    assert again.exit_code != 0 and "--force" in again.output


def test_backup_of_a_running_server_database_explains_the_lock(tmp_path, server):
    result = subprocess.run(
        [sys.executable, "-m", "widget_api.cli", "backup", "--db", str(server.db_path),
         str(tmp_path / "b.tar.gz")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "in use" in result.stderr


def test_init_installs_the_bilingual_starter_macros_with_known_placeholders(tmp_path):
    import re

    from widget_api.domain.macros import PLACEHOLDERS

    db = tmp_path / "macros.duckdb"
    args = ["init", "--db", str(db), "--admin-email", "a@shop.test", "--admin-password", "12345678"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT name_fr, name_en, body_fr, body_en FROM macros").fetchall()
    con.close()
    names = {r[1] for r in rows}
    assert {"Where is my order (tracking)", "Return instructions", "Address confirmation",
            "Refund timing", "Wrong size exchange (our mistake)"} <= names  # fmt: skip
    for _, _, body_fr, body_en in rows:
        used = set(re.findall(r"\{(\w+)\}", body_fr + body_en))
        assert used <= set(PLACEHOLDERS)
        assert body_fr != body_en
