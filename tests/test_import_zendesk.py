"""``comptoir import zendesk`` against a fake Zendesk on loopback (tests/fakes/zendesk.py):
tickets, comments (private ones as internal notes), requesters and agents; ``429`` +
``Retry-After`` honoured; a second run creates nothing twice; history triggers nothing; and
50,000 tickets imported by the command as a process, killed (SIGKILL) halfway through the
tickets and again halfway through the comments, resumed each time, ending with every ticket
and message exactly once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fakes.zendesk import FakeZendesk, comments, customer, ticket
from tests.waiting import wait_until
from widget_api.cli import cli
from widget_api.contracts import events as ev
from widget_api.storage import Database, agents, events, imports, tickets

ROOT = Path(__file__).resolve().parent.parent
EMAIL, TOKEN = "admin@boutique.example", "zd-token"
_PROGRESS = re.compile(
    r"^(\d+)(?:/\d+)? tickets \((\d+) new, (\d+) already imported\), (\d+) messages$"
)


def _args(db_path: Path, fake: FakeZendesk, token: str = TOKEN) -> list[str]:
    return ["--db", str(db_path), "--subdomain", "boutique", "--email", EMAIL, "--token", token,
            "--api-base-url", fake.url]  # fmt: skip


def _import(db_path: Path, fake: FakeZendesk, token: str = TOKEN):
    return CliRunner().invoke(cli, ["import", "zendesk", *_args(db_path, fake, token)])


def _expected_messages(count: int) -> int:
    """Every ticket's question, a reply on even tickets, a note on every fifth (the fake)."""
    assert [len(comments(n)) for n in (1, 2, 5, 10)] == [1, 2, 2, 3]
    return count + count // 2 + count // 5


def _thread(db: Database, number: int) -> tuple[dict, list[dict]]:
    key = str(number)
    ticket_id = db.read(lambda cur: imports.imported_ticket_ids(cur, "zendesk", [key]))[key]
    return db.read(lambda cur: tickets.summary(cur, ticket_id)), db.read(
        lambda cur: tickets.messages(cur, ticket_id)
    )


def _check_ticket(db: Database, number: int) -> None:
    """The ticket and its messages as the fake account holds them."""
    stored, thread = _thread(db, number)
    source = ticket(number)
    assert stored["subject"] == source["subject"]
    assert stored["status"] == {"hold": "on_hold"}.get(source["status"], source["status"])
    assert stored["tags"] == source["tags"]
    assert stored["customer_email"] == customer(source["requester_id"])["email"]
    assert stored["source"] == {"import": {"source": "zendesk", "id": str(number)}}
    expected = [
        ("inbound" if c["author_id"] > 1000 else "outbound" if c["public"] else "note",
         "customer" if c["author_id"] > 1000 else "agent", c["body"])
        for c in comments(number)
    ]  # fmt: skip
    assert [(m["kind"], m["author_type"], m["body_text"]) for m in thread] == expected


def test_tickets_comments_notes_and_people_are_imported_with_the_rate_limit_honoured(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    with FakeZendesk(40, per_page=15) as fake:
        fake.rate_limit_at = {2}  # the second request is told to wait
        result = _import(db_path, fake)
        assert result.exit_code == 0, result.output
        assert fake.limited == 1
    assert f"40 ticket(s) imported, 0 already there; {_expected_messages(40)} message(s)" in (
        result.output
    )
    with Database(db_path) as db:
        for number in (1, 2, 5, 10, 40):
            _check_ticket(db, number)
        stored, thread = _thread(db, 10)
        assert stored["assignee_name"] == "Agent 1"
        assert stored["created_at"].isoformat().startswith("2023-01-02T10:10:00")
        note = next(m for m in thread if m["kind"] == "note")
        assert (note["author_name"], note["body_text"]) == ("Agent 1", "Note interne 10")
        agent = db.read(lambda cur: agents.by_email_with_hash(cur, "agent1@boutique.example"))
        assert agent["password_hash"] == ""  # no password: an administrator invites them
        logged = db.read(lambda cur: events.after_id(cur, 0, 10**9))
        assert {e.name for e in logged} == {ev.IMPORT_BATCH}
        assert set(db.read(lambda cur: imports.side_effects(cur, "zendesk")).values()) == {0}


def test_a_second_run_creates_nothing_twice(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    with FakeZendesk(30) as fake:
        assert _import(db_path, fake).exit_code == 0
        again = _import(db_path, fake)
    assert again.exit_code == 0, again.output
    assert "0 ticket(s) imported, 30 already there; 0 message(s)" in again.output
    with Database(db_path) as db:
        assert db.read(lambda cur: imports.totals(cur, "zendesk")) == {
            "tickets": 30, "distinct_ids": 30, "messages": _expected_messages(30),
        }  # fmt: skip


def test_refused_credentials_stop_with_a_clear_message(tmp_path):
    with FakeZendesk(5) as fake:
        result = _import(tmp_path / "shop.duckdb", fake, token="wrong")
    assert result.exit_code == 1
    assert "Zendesk refused the credentials (HTTP 401)" in result.output
    assert "run the same command again to resume" in result.output


# -- 50,000 tickets, killed and resumed ----------------------------------------------------------

BIG = 50_000


def _start(db_path: Path, fake: FakeZendesk, log: Path) -> subprocess.Popen:
    # The import command's own module: the same click command as `comptoir import zendesk`,
    # without loading every other command (seconds of start-up on a busy machine).
    return subprocess.Popen(
        [sys.executable, "-m", "widget_api.import_cli", "zendesk", *_args(db_path, fake)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _progress(log: Path) -> tuple[int, int]:
    """(tickets, messages) of the last progress line the import wrote."""
    for line in reversed(log.read_text().splitlines()):
        if match := _PROGRESS.match(line.strip()):
            return int(match[1]), int(match[4])
    return 0, 0


def _kill_when(process: subprocess.Popen, log: Path, reached, what: str) -> None:
    def check() -> bool:
        assert process.poll() is None, f"the import ended early:\n{log.read_text()[-2000:]}"
        return reached(*_progress(log))

    wait_until(check, what, log=log, timeout=300)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.timeout(900)
def test_fifty_thousand_tickets_killed_and_resumed_end_with_each_exactly_once(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    log = tmp_path / "import.log"
    messages = _expected_messages(BIG)
    began = time.monotonic()
    with FakeZendesk(BIG) as fake:
        fake.rate_limit_at = {3}
        first = _start(db_path, fake, log)
        _kill_when(first, log, lambda t, m: t >= BIG // 2, "half of the tickets")
        second = _start(db_path, fake, log)
        _kill_when(second, log, lambda t, m: m >= messages // 2, "half of the comments")
        third = _start(db_path, fake, log)
        assert third.wait(timeout=600) == 0, log.read_text()[-3000:]
        assert fake.limited == 1
    elapsed = time.monotonic() - began
    print(f"\n50,000 tickets imported with two kills in {elapsed:.1f} s")
    with Database(db_path) as db:
        assert db.read(lambda cur: imports.totals(cur, "zendesk")) == {
            "tickets": BIG, "distinct_ids": BIG, "messages": messages,
        }  # fmt: skip
        (run,) = db.read(imports.recent_runs)
        # One run, resumed twice, that never wrote a page twice.
        assert (run["state"], run["tickets"], run["skipped"], run["messages"]) == (
            "done", BIG, 0, messages,
        )  # fmt: skip
        for number in (1, 2, 10, BIG // 2, BIG // 2 + 1, BIG - 1, BIG):
            _check_ticket(db, number)
        assert set(db.read(lambda cur: imports.side_effects(cur, "zendesk")).values()) == {0}
