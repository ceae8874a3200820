"""Real Chromium (Debian's package) driven by Playwright, as docs/testing.md describes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@contextmanager
def chromium() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def streamlit_dashboard(api_url: str, log_name: str) -> Iterator[str]:
    """The real dashboard (`streamlit run`) on a free port, pointed at ``api_url``."""
    import os
    import subprocess
    import sys

    import httpx

    from tests.conftest import ROOT, free_port
    from tests.waiting import wait_until

    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / log_name).open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/serve.py",
             "--server.port", str(port), "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "COMPTOIR_DASHBOARD__API_URL": api_url},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited: {(ARTIFACTS / log_name).read_text()}")
        return httpx.get(f"{url}/_stcore/health", timeout=5).status_code == 200

    try:
        wait_until(healthy, "the dashboard", log=ARTIFACTS / log_name, ignore=(httpx.HTTPError,))
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in(page, dashboard_url: str, email: str, password: str) -> None:
    """Open the dashboard and sign in through its form (in French, the default language)."""
    page.goto(dashboard_url)
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def settle(page) -> None:
    """Wait until the page's CSS animations and transitions (the shadow DOM's too) are over, so
    a screenshot shows the final state."""
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')", timeout=120_000
    )


def wait_in_page(page, check, what: str):
    """``wait_until`` for lists that Playwright's event handlers fill: the handlers run only while
    Playwright is called, so each poll gives the page a moment."""
    from tests.waiting import wait_until

    return wait_until(lambda: page.wait_for_timeout(50) or check(), what, interval=0)


def charts_drawn(page, minimum: int = 1) -> None:
    """Wait until at least ``minimum`` Vega charts have drawn their marks (Vega draws after
    Streamlit renders the page; charts far below the fold wait until scrolled to), then for the
    page to settle."""
    page.wait_for_function(
        """n => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
            .filter(c => c.querySelector("canvas.marks, svg.marks")).length >= n""",
        arg=minimum,
        timeout=120_000,
    )
    settle(page)
