"""`comptoir demo`: one command creates the demo store, starts server and dashboard, prints the
URLs and the login, and stops both cleanly on Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading

import httpx

from tests.conftest import free_port


def _default_ctrl_c() -> None:
    """A test run started in the background (``cmd &`` without job control) ignores SIGINT, and
    children inherit that: give the demo the terminal's default, as a user at a prompt has."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_demo_starts_both_and_stops_cleanly_on_ctrl_c(tmp_path):
    db = tmp_path / "demo.duckdb"
    api_port, dash_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "widget_api.cli", "demo", "--db", str(db), "--port",
         str(api_port), "--dashboard-port", str(dash_port), "--tickets", "300"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
        preexec_fn=_default_ctrl_c,
    )  # fmt: skip
    lines: list[str] = []
    try:
        for line in process.stdout:  # the banner ends with the Ctrl-C hint
            lines.append(line)
            if "Ctrl-C" in line:
                break
        text = "".join(lines)
        assert f"http://127.0.0.1:{dash_port}" in text and "admin@nordet.example" in text, text
        assert httpx.get(f"http://127.0.0.1:{api_port}/health", timeout=5).json()["status"] == "ok"
        login = httpx.post(
            f"http://127.0.0.1:{api_port}/api/v1/auth/login",
            json={"email": "admin@nordet.example", "password": "comptoir-demo"},
        )
        token = login.json()["token"]
        page = httpx.get(
            f"http://127.0.0.1:{api_port}/api/v1/tickets",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert page["total"] >= 300  # the demo tickets, plus those of demo returns
        # The banner is printed only once both answer: no waiting here.
        assert httpx.get(f"http://127.0.0.1:{dash_port}/_stcore/health", timeout=10).is_success
    finally:
        # Keep reading what the demo and its children print: a full pipe would block them.
        reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
        reader.start()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("the demo did not stop:\n" + "".join(lines[-60:])) from None
        reader.join(timeout=10)
    for port in (api_port, dash_port):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"something still listens on {port}")
        except httpx.HTTPError:
            pass
    assert not db.with_name(db.name + ".wal").exists()  # checkpointed on the way out
    assert re.search(r"Stopping", "".join(lines))
