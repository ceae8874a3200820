"""The storage layer: migrations, the single writer with group commit, the event log."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import pytest

from widget_api.storage import Database
from widget_api.storage.migrate import available_migrations, current_version

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_are_numbered_contiguously_from_one():
    versions = [m.version for m in available_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_migrations_are_applied_once_and_recorded(tmp_path):
    path = tmp_path / "m.duckdb"
    with Database(path) as db:
        assert db.read(current_version) == len(available_migrations())
    with Database(path) as db:  # reopening applies nothing twice
        rows = db.read(lambda c: c.execute("SELECT count(*) FROM schema_migrations").fetchone())
        assert rows[0] == len(available_migrations())


def test_a_second_process_cannot_open_the_file(tmp_path):
    path = tmp_path / "locked.duckdb"
    with Database(path):
        script = f"from widget_api.storage import Database; Database({str(path)!r})"
        import subprocess
        import sys

        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert result.returncode != 0
        assert "DatabaseLocked" in result.stderr


def test_concurrent_writes_all_commit_with_unique_ids(tmp_path):
    with Database(tmp_path / "w.duckdb", write_batch=16) as db:
        ids: list[int] = []
        lock = threading.Lock()

        def insert(n: int) -> None:
            def job(w):
                cid = w.next_id("customers")
                w.cur.execute(
                    "INSERT INTO customers (id, email, created_at) VALUES (?, ?, now())",
                    [cid, f"c{n}@example.com"],
                )
                return cid

            got = db.write(job)
            with lock:
                ids.append(got)

        threads = [threading.Thread(target=insert, args=(n,)) for n in range(200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(ids) == list(range(1, 201))
        assert db.read(lambda c: c.execute("SELECT count(*) FROM customers").fetchone()[0]) == 200


def test_a_failing_job_in_a_batch_does_not_take_the_others_down(tmp_path):
    with Database(tmp_path / "b.duckdb", write_batch=64) as db:
        gate = threading.Event()
        db.submit(lambda w: gate.wait(5))  # hold the writer so the next jobs queue together

        def good(n):
            return lambda w: w.cur.execute(
                "INSERT INTO customers (id, email, created_at) VALUES (?, ?, now())",
                [w.next_id("customers"), f"ok{n}@example.com"],
            )

        def bad(w):
            w.cur.execute("INSERT INTO customers (id, email, created_at) VALUES (1, NULL, now())")

        futures = [db.submit(good(1)), db.submit(bad), db.submit(good(2))]
        gate.set()
        assert futures[0].result(5) is not None and futures[2].result(5) is not None
        with pytest.raises(duckdb.ConstraintException):
            futures[1].result(5)
        emails = db.read(lambda c: c.execute("SELECT email FROM customers ORDER BY 1").fetchall())
        assert emails == [("ok1@example.com",), ("ok2@example.com",)]


def test_close_checkpoints_so_the_file_holds_everything(tmp_path):
    path = tmp_path / "c.duckdb"
    with Database(path) as db:
        db.write(
            lambda w: w.cur.execute(
                "INSERT INTO customers (id, email, created_at) VALUES (1, 'x@example.com', now())"
            )
        )
    wal = path.with_name(path.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT email FROM customers").fetchall() == [("x@example.com",)]
    con.close()


def test_sql_lives_only_in_the_storage_package():
    sql = re.compile(r"""["'](SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b""")
    offenders = []
    for folder in ("widget_api", "dashboard", "help_center"):
        for file in (ROOT / folder).rglob("*.py"):
            if "storage" in file.relative_to(ROOT).parts:
                continue
            if sql.search(file.read_text(encoding="utf-8")):
                offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
