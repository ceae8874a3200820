"""The widget's scripts, served from the support host with short caching."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from litestar import Response, get

from widget_api.domain.errors import NotFound

STATIC = Path(__file__).resolve().parent.parent / "static"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".svg": "image/svg+xml"}  # fmt: skip


@cache
def _read(name: str) -> bytes | None:
    path = STATIC / name
    if path.parent != STATIC or not path.is_file():
        return None
    return path.read_bytes()


def _serve(name: str) -> Response[bytes]:
    content = _read(name)
    if content is None or Path(name).suffix not in _TYPES:
        raise NotFound("error.not_found")
    return Response(
        content,
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
async def static_file(name: str) -> Response[bytes]:
    return _serve(name)


HANDLERS = [widget_js, widget_panel_js, static_file]
