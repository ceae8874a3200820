"""A full disk: writes answer 503 with Retry-After and a bilingual message, /health says the
database is degraded, reads go on, nothing acknowledged is lost, and writes work again once space
is back. The database lives on a small tmpfs that the test fills (mounting needs root)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import login, make_database, start_server
from tests.waiting import wait_until
from widget_api.storage import Database, StorageFull

DISK_SIZE = "48m"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of DISK_SIZE at ``tmp_path/disk``, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no `mount` command: a small file system cannot be made for this test")
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full; deleting it gives the space back."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
    for size in (4096, 512, 1):  # the last few pages too
        with filler.open("ab", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    assert os.statvfs(disk).f_bavail == 0
    return filler


def new_ticket(client: httpx.Client, n: int, lang: str = "fr") -> httpx.Response:
    return client.post(
        "/api/v1/tickets",
        json={"email": f"disque{n}@example.com", "body": f"Commande {n}: où est mon colis?"},
        headers={"Accept-Language": lang},
    )


def test_full_disk_refuses_writes_keeps_reads_and_loses_nothing(small_disk: Path, tmp_path):
    db_path = small_disk / "comptoir.duckdb"
    make_database(db_path)
    server = start_server(db_path, log_dir=tmp_path)  # the log must not need the full disk
    acknowledged: dict[str, int] = {}
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for n in range(5):
                response = new_ticket(client, n)
                assert response.status_code == 201, response.text
                acknowledged[response.json()["ticket_ref"]] = n

            # Signing in stores a session (a write): done while there is room.
            token = login(client)
            filler = fill(small_disk)
            refused = None
            for n in range(5, 400):  # a little space may remain inside the last pages
                response = new_ticket(client, n)
                if response.status_code == 201:
                    acknowledged[response.json()["ticket_ref"]] = n
                    continue
                refused = response
                break
            assert refused is not None, "every write succeeded on a full disk"
            assert refused.status_code == 503, refused.text
            assert int(refused.headers["Retry-After"]) > 0
            assert "disque du serveur est plein" in refused.json()["detail"]
            english = new_ticket(client, 1000, lang="en")
            assert english.status_code == 503
            assert "disk is full" in english.json()["detail"]
            assert "Retry-After" in english.headers

            health = client.get("/health")
            assert health.status_code == 200
            assert health.json()["database"] == "degraded"
            assert health.json()["status"] == "degraded"

            client.headers["Authorization"] = f"Bearer {token}"  # reads, on a full disk
            for ref, n in acknowledged.items():
                ticket = client.get(f"/api/v1/tickets/{ref}")
                assert ticket.status_code == 200, ticket.text
                assert ticket.json()["customer"]["email"] == f"disque{n}@example.com"

            filler.unlink()
            wait_until(
                lambda: client.get("/health").json()["database"] == "ok",
                "the database to be reported ok once space is back",
                log=server.log_path,
            )
            again = new_ticket(client, 2000)
            assert again.status_code == 201, again.text
            acknowledged[again.json()["ticket_ref"]] = 2000
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert "Traceback" not in log, log

    restarted = start_server(db_path, log_dir=tmp_path)
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            for ref, n in acknowledged.items():
                ticket = client.get(f"/api/v1/tickets/{ref}")
                assert ticket.status_code == 200, f"acknowledged {ref} lost: {ticket.text}"
                assert (
                    ticket.json()["messages"][0]["body_text"] == f"Commande {n}: où est mon colis?"
                )
            assert new_ticket(client, 3000).status_code == 201
    finally:
        restarted.stop()


def test_failed_checkpoint_reopens_the_database_and_keeps_the_commit(small_disk: Path, caplog):
    """DuckDB invalidates its instance when an automatic checkpoint cannot write, after the
    commit itself reached the WAL: that job succeeded, and the writer reopens the file."""
    db = Database(small_disk / "checkpoint.duckdb")
    try:
        db.write(lambda w: w.cur.execute("CREATE TABLE notes (id INTEGER, body VARCHAR)"))
        # Checkpoint after (nearly) every commit, so the one after the disk fills fails.
        db.run_unqueued(lambda cur: cur.execute("SET checkpoint_threshold = '1KB'"))
        filler = fill(small_disk)
        filler_size = filler.stat().st_size
        # Leave room for a few WAL appends but not for a checkpoint of the table.
        os.truncate(filler, filler_size - 300_000)
        kept: list[int] = []
        outcomes: list[str] = []
        for n in range(200):
            body = f"note {n} " + "x" * 3000

            def insert(w, n=n, body=body) -> int:
                w.cur.execute("INSERT INTO notes SELECT ?, ? FROM range(20)", [n, body])
                return n

            try:
                kept.append(db.write(insert))
                outcomes.append("ok")
            except StorageFull:
                outcomes.append("full")
                if outcomes.count("full") >= 3:
                    break
        assert "full" in outcomes, outcomes
        assert "database invalidated, reopening it" in caplog.text  # the path under test ran
        # Reads work on the reopened instance and see every acknowledged write.
        rows = db.read(lambda cur: cur.execute("SELECT DISTINCT id FROM notes").fetchall())
        assert sorted(r[0] for r in rows) == kept
        assert db.write_problem == "full"
        filler.unlink()
        db.write(lambda w: w.cur.execute("INSERT INTO notes VALUES (-1, 'back')"))
        assert db.write_problem is None
    finally:
        db.close()
    with Database(small_disk / "checkpoint.duckdb") as reopened:
        rows = reopened.read(lambda cur: cur.execute("SELECT DISTINCT id FROM notes").fetchall())
        assert sorted(r[0] for r in rows) == sorted([*kept, -1])
