"""What a person sees when `comptoir serve` or `comptoir demo` cannot start: one line saying what,
why and which flag to use, exit code 1, no traceback. And `comptoir demo` prints its banner only
once server and dashboard answer, listens where the server does, and SIGTERM stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port, make_database, start_server
from tests.waiting import wait_until
from widget_api.cli import _dashboard_argv
from widget_api.settings import Settings


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "widget_api.cli", *args], capture_output=True, text=True,
        cwd=cwd, env={**os.environ, **(env or {})}, timeout=600,
    )  # fmt: skip


def one_clear_line(done: subprocess.CompletedProcess, *words: str) -> str:
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, output
    assert "Traceback" not in output, output
    assert len(done.stderr.strip().splitlines()) == 1, output
    for word in words:
        assert word in done.stderr, output
    return done.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port some other program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_second_serve_or_demo_on_a_database_in_use(tmp_path: Path):
    db = tmp_path / "busy.duckdb"
    make_database(db)
    server = start_server(db)
    try:
        second = run("serve", "--db", str(db), "--port", str(free_port()), cwd=tmp_path)
        one_clear_line(second, "in use", "--db")
        demo = run("demo", "--db", str(db), "--fresh", "--port", str(free_port()),
                   "--dashboard-port", str(free_port()), cwd=tmp_path)  # fmt: skip
        one_clear_line(demo, "in use", "--db")
        assert db.exists()  # --fresh did not delete the database under the running server
        assert httpx.get(f"{server.url}/health").json()["status"] == "ok"
    finally:
        server.stop()


def test_serve_and_demo_on_a_port_in_use(tmp_path: Path, busy_port: int):
    db = tmp_path / "c.duckdb"
    make_database(db)
    serve = run("serve", "--db", str(db), "--port", str(busy_port), cwd=tmp_path)
    one_clear_line(serve, f"127.0.0.1:{busy_port}", "in use", "--port")
    demo_db = tmp_path / "demo.duckdb"
    demo = run("demo", "--db", str(demo_db), "--port", str(free_port()),
               "--dashboard-port", str(busy_port), cwd=tmp_path)  # fmt: skip
    one_clear_line(demo, "in use", "--dashboard-port")
    assert not demo_db.exists()  # checked before seeding anything


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory holding a database that this process cannot write: a read-only tmpfs as root
    (root writes through file modes), a mode 0555 directory otherwise."""
    place = tmp_path / "ro"
    place.mkdir()
    if os.geteuid() != 0:
        make_database(place / "c.duckdb")
        place.chmod(0o555)
        yield place
        place.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(place)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"root, but mounting a tmpfs is not permitted: {mounted.stderr.strip()}")
    try:
        make_database(place / "c.duckdb")
        subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
        yield place
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)


def test_serve_in_a_read_only_directory(tmp_path: Path, read_only_dir: Path):
    port = str(free_port())
    existing = run("serve", "--db", str(read_only_dir / "c.duckdb"), "--port", port, cwd=tmp_path)
    one_clear_line(existing, "cannot write the database", "--db")
    new = run("serve", "--db", str(read_only_dir / "sub" / "new.duckdb"), "--port", port,
              cwd=tmp_path)  # fmt: skip
    one_clear_line(new, "--db")
    seed = run("seed-demo", "--db", str(read_only_dir / "c.duckdb"), cwd=tmp_path)
    one_clear_line(seed, "cannot write the database")


def test_dashboard_listens_where_told_else_where_the_server_does():
    def address(env: dict[str, str], host: str | None = None) -> str:
        argv = _dashboard_argv(Settings(**env), None, None, host)
        return argv[argv.index("--server.address") + 1]

    assert address({}) == "127.0.0.1"
    assert address({"api": {"host": "0.0.0.0"}}) == "0.0.0.0"
    assert address({"api": {"host": "0.0.0.0"}, "dashboard": {"host": "127.0.0.1"}}) == "127.0.0.1"
    assert address({"api": {"host": "0.0.0.0"}}, host="127.0.0.5") == "127.0.0.5"


def test_demo_banner_waits_for_both_and_sigterm_stops_both(tmp_path: Path):
    """On a database fresh from `comptoir init`, with the server told to listen on 127.0.0.2:
    the dashboard follows it there, and not on 127.0.0.1."""
    db = tmp_path / "fresh.duckdb"
    init = run("init", "--db", str(db), "--admin-email", "boss@shop.test",
               "--admin-password", "longenough", cwd=tmp_path)  # fmt: skip
    assert init.returncode == 0, init.stderr
    api_port, dash_port = free_port(), free_port()
    env = {**os.environ, "COMPTOIR_API__HOST": "127.0.0.2"}
    env.pop("COMPTOIR_DASHBOARD__HOST", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "widget_api.cli", "demo", "--db", str(db), "--port", str(api_port),
         "--dashboard-port", str(dash_port), "--tickets", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=env,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    dashboard, api = f"http://127.0.0.2:{dash_port}", f"http://127.0.0.2:{api_port}"
    try:
        wait_until(lambda: any("Ctrl-C" in line for line in lines) or process.poll() is not None,
                   "the demo's banner")  # fmt: skip
        text = "".join(lines)
        assert f"Dashboard : {dashboard}" in text, text
        # The banner came after both answered: no waiting here.
        assert httpx.get(f"{dashboard}/_stcore/health", timeout=10).status_code == 200
        assert httpx.get(f"{api}/health", timeout=10).json()["status"] == "ok"
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{dash_port}/_stcore/health", timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("SIGTERM did not stop the demo:\n" + "".join(lines)) from None
        reader.join(timeout=10)
    assert code == 0, "".join(lines)
    assert "Stopping" in "".join(lines)
    for url in (dashboard, api):
        with pytest.raises(httpx.ConnectError):
            httpx.get(url, timeout=5)
    assert not db.with_name(db.name + ".wal").exists()  # the server checkpointed on its way out
