"""``comptoir import csv FILE``: the documented layout (sample in tests/fixtures/imports), good
rows kept and bad ones reported with their line number, a second run creates nothing twice,
history kept as it was (dates, statuses, tags, authors, internal notes), agents without a
password, no side effect, and the original id searchable and shown through the agent API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
from click.testing import CliRunner

from tests.conftest import ADMIN_EMAIL, login, make_database, start_server
from tests.waiting import wait_until
from widget_api.cli import cli
from widget_api.contracts import events as ev
from widget_api.storage import Database, agents, events, imports, tickets

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "imports" / "tickets.csv"


def _import(db_path: Path, csv_path: Path = SAMPLE):
    return CliRunner().invoke(cli, ["import", "csv", "--db", str(db_path), str(csv_path)])


def _ticket(db: Database, source_id: str) -> tuple[dict, list[dict]]:
    ticket_id = db.read(lambda cur: imports.imported_ticket_ids(cur, "csv", [source_id]))[source_id]
    return db.read(lambda cur: tickets.summary(cur, ticket_id)), db.read(
        lambda cur: tickets.messages(cur, ticket_id)
    )


def test_good_rows_are_kept_and_bad_rows_reported_with_line_and_reason(tmp_path):
    result = _import(tmp_path / "shop.duckdb")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "line 6: created_at: Input should be a valid datetime" in out
    assert "line 7: status: Input should be 'new', 'open', 'pending'" in out
    assert "line 8: customer_email: value is not a valid email address" in out
    assert "2 ticket(s) imported, 0 already there; 4 message(s), 2 new customer(s)," in out
    assert "1 new agent(s); 3 bad row(s)." in out
    with Database(tmp_path / "shop.duckdb") as db:
        assert db.read(lambda cur: imports.totals(cur, "csv")) == {
            "tickets": 2, "distinct_ids": 2, "messages": 4,
        }  # fmt: skip


def test_history_keeps_its_dates_statuses_tags_authors_and_notes(tmp_path):
    _import(tmp_path / "shop.duckdb")
    with Database(tmp_path / "shop.duckdb") as db:
        ticket, thread = _ticket(db, "FS-1001")
        assert ticket["status"] == "solved"
        assert ticket["tags"] == ["taille", "manteau"]
        assert ticket["customer_email"] == "julie.tremblay@example.ca"
        assert ticket["assignee_name"] == "Marc Gagnon"
        assert ticket["source"] == {"import": {"source": "csv", "id": "FS-1001"}}
        # 09:15 at -05:00 is 14:15 UTC; the ticket opens with its first message.
        assert ticket["created_at"] == datetime(2024, 3, 2, 14, 15, tzinfo=UTC)
        seen = [(m["kind"], m["author_type"], m["author_name"], m["created_at"]) for m in thread]
        assert seen == [
            ("inbound", "customer", "Julie Tremblay", datetime(2024, 3, 2, 14, 15, tzinfo=UTC)),
            ("note", "agent", "Marc Gagnon", datetime(2024, 3, 2, 14, 20, tzinfo=UTC)),
            ("outbound", "agent", "Marc Gagnon", datetime(2024, 3, 2, 15, 2, tzinfo=UTC)),
        ]  # fmt: skip
        assert thread[1]["body_text"] == "Vérifier le guide des tailles avant de répondre."
        agent = db.read(lambda cur: agents.by_email_with_hash(cur, "marc@boutique.example"))
        assert agent["password_hash"] == ""  # no password: an administrator invites them


def test_a_second_run_creates_nothing_twice(tmp_path):
    _import(tmp_path / "shop.duckdb")
    again = _import(tmp_path / "shop.duckdb")
    assert again.exit_code == 0, again.output
    assert "0 ticket(s) imported, 2 already there; 0 message(s), 0 new customer(s)" in again.output
    with Database(tmp_path / "shop.duckdb") as db:
        assert db.read(lambda cur: imports.totals(cur, "csv"))["tickets"] == 2


def test_history_is_logged_per_batch_and_triggers_nothing(tmp_path):
    _import(tmp_path / "shop.duckdb")
    with Database(tmp_path / "shop.duckdb") as db:
        logged = db.read(lambda cur: events.after_id(cur, 0, 10**9))
        assert [e.name for e in logged] == [ev.IMPORT_BATCH]
        assert logged[0].after["tickets"] == 2 and logged[0].after["errors"] == 3
        assert set(db.read(lambda cur: imports.side_effects(cur, "csv")).values()) == {0}


def test_a_file_without_the_layout_is_refused(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("id,title\n1,Hello\n", encoding="utf-8")
    result = _import(tmp_path / "shop.duckdb", bad)
    assert result.exit_code == 1
    assert "missing column(s): ticket_id, created_at, body" in result.output


def test_the_original_id_is_searchable_and_analytics_can_leave_history_out(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    make_database(db_path)
    assert _import(db_path).exit_code == 0
    server = start_server(db_path)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            client.headers["Authorization"] = f"Bearer {login(client, ADMIN_EMAIL)}"
            found = client.get("/api/v1/tickets", params={"q": "FS-1002"}).json()
            assert [t["subject"] for t in found["items"]] == ["Where is my order?"]
            runs = client.get("/api/v1/imports").json()
            assert runs[0]["source"] == "csv" and runs[0]["state"] == "done"
            assert (runs[0]["tickets"], runs[0]["total"], runs[0]["error_count"]) == (2, 2, 3)
            assert runs[0]["errors"][0]["line"] == 6
            window = {"start": "2024-03-01", "end": "2024-03-31"}
            with_history = client.get("/api/v1/analytics/tickets", params=window).json()
            without = client.get(
                "/api/v1/analytics/tickets", params={**window, "imported": "false"}
            ).json()
            assert len(with_history) == 2 and without == []

            # The same from the dashboard: the server runs it in the background.
            refused = client.post("/api/v1/imports", json={"source": "csv", "csv_text": "a,b\n"})
            assert refused.status_code == 400
            assert "missing column(s): ticket_id, created_at, body" in refused.text
            text = SAMPLE.read_text(encoding="utf-8").replace("FS-100", "WEB-100")
            started = client.post(
                "/api/v1/imports", json={"source": "csv", "csv_text": text, "file_name": "web.csv"}
            )
            assert started.status_code == 202, started.text

            def finished() -> dict | None:
                last = client.get("/api/v1/imports").json()[0]
                return (
                    last
                    if last["account"].startswith("web.csv") and last["state"] == "done"
                    else None
                )

            run = wait_until(finished, "the import started from the API to finish")
            assert (run["tickets"], run["error_count"]) == (2, 3)
            found = client.get("/api/v1/tickets", params={"q": "WEB-1001"}).json()
            assert [t["subject"] for t in found["items"]] == ["Taille du manteau"]
    finally:
        server.stop()
