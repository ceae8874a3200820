"""The widget's scripts, served from the support host with short caching."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from litestar import Response, get
from litestar.params import FromPath

from widget_api.domain.errors import NotFound

log = logging.getLogger("comptoir")
STATIC = Path(__file__).resolve().parent.parent / "static"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".svg": "image/svg+xml"}  # fmt: skip


@cache
def _shipped() -> frozenset[str]:
    """The names that may be served, listed once: a request never builds a path from its own
    text, so a name too long for the file system or one of a million unknown names costs a set
    lookup and no memory."""
    return frozenset(
        entry.name for entry in STATIC.iterdir() if entry.is_file() and entry.suffix in _TYPES
    )


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()  # only names from _shipped(): the cache stays small


def _serve(name: str) -> Response[bytes]:
    if name not in _shipped():
        # One line, without the name (it may be 30 KB): a probe must not flood the log.
        log.info("static: refused an unknown name (%d characters)", len(name))
        raise NotFound("error.not_found")
    return Response(
        _read(name),
        media_type=_TYPES[Path(name).suffix],
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


@get("/widget.js", include_in_schema=False)
async def widget_js() -> Response[bytes]:
    """The one script a store embeds."""
    return _serve("widget.js")


@get("/widget-panel.js", include_in_schema=False)
async def widget_panel_js() -> Response[bytes]:
    """The panel, loaded only when the customer opens the widget."""
    return _serve("widget-panel.js")


@get("/static/{name:str}", include_in_schema=False)
async def static_file(name: FromPath[str]) -> Response[bytes]:
    return _serve(name)


HANDLERS = [widget_js, widget_panel_js, static_file]
