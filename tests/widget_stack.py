"""What the widget's browser tests stand on: Comptoir and a store page on another loopback
origin whose widget tag points at Comptoir, an administrator's API client, and browser tabs that
fail the test on any page error."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import httpx

from tests.conftest import RunningServer, free_port, login, start_server

STORE_PAGES = Path(__file__).parent / "fixtures" / "store_page"
ALWAYS_OPEN = {d: [{"start": "00:00", "end": "23:59"}]
               for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}  # fmt: skip


@dataclass
class Stack:
    comptoir: RunningServer
    store_url: str
    admin: httpx.Client


@contextmanager
def running_stack(db_path: Path) -> Iterator[Stack]:
    """Comptoir on ``db_path`` allowing the store's origin, the store page, and an admin."""
    store_port = free_port()
    store_origin = f"http://127.0.0.1:{store_port}"
    comptoir = start_server(db_path, widget_origins=(store_origin,))
    store = store_server(store_port, comptoir.url)
    admin = httpx.Client(base_url=comptoir.url, timeout=10)
    admin.headers["Authorization"] = f"Bearer {login(admin)}"
    try:
        yield Stack(comptoir, store_origin, admin)
    finally:
        admin.close()
        store.shutdown()
        comptoir.stop()


def widget_settings(admin: httpx.Client, **changes) -> None:
    """Change the widget settings, and be an agent online (the chat is then live)."""
    current = admin.get("/api/v1/settings/widget").json()
    current.pop("identity_secret_set")
    answer = admin.put("/api/v1/settings/widget", json={**current, **changes})
    assert answer.status_code == 200, answer.text
    admin.get("/api/v1/me")


@contextmanager
def isolated_tab(browser, width: int, height: int) -> Iterator:
    """A fresh browser profile (empty localStorage); any page error fails the test."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA")
    tab = context.new_page()
    tab.set_default_timeout(8000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, errors


def store_server(port: int, comptoir_url: str) -> ThreadingHTTPServer:
    """The store's pages on their own origin, with the widget tag pointing at Comptoir.

    ``data-*`` query parameters become attributes of the widget tag:
    ``/index.html?data-lang=en`` embeds ``<script src=".../widget.js" defer data-lang="en">``."""

    class StorePage(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(STORE_PAGES), **kwargs)

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path == "/":
                path = "/index.html"
            if not path.endswith(".html"):
                return super().do_GET()
            file = STORE_PAGES / path.lstrip("/")
            if not file.is_file() or file.parent != STORE_PAGES:
                return self.send_error(404)
            html = file.read_text(encoding="utf-8").replace("__COMPTOIR_URL__", comptoir_url)
            attrs = [(k, v) for k, v in parse_qsl(query) if re.fullmatch(r"data-[a-z-]+", k)]
            extra = "".join(f' {k}="{escape(v)}"' for k, v in attrs)
            html = html.replace('widget.js" defer', f'widget.js" defer{extra}')
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), StorePage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
