"""The request class of the app: JSON bodies are decoded once, here, with a nesting bound.

msgspec recurses per level: ~1,000 levels exhaust Python's stack (RecursionError, a 500), and
fewer still reach pydantic, the storage and the log deep. No endpoint takes more than a few
levels, so anything deeper than ``MAX_JSON_DEPTH`` is refused with a 400 for every endpoint."""

from __future__ import annotations

from typing import Any

from litestar import Request

from widget_api.domain.errors import Invalid

MAX_JSON_DEPTH = 32


def json_depth(value: Any, stop_after: int = MAX_JSON_DEPTH) -> int:
    """How many arrays/objects deep ``value`` goes (no recursion); stops past ``stop_after``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > stop_after:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


class ComptoirRequest(Request):
    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise Invalid("error.json_too_deep", limit=MAX_JSON_DEPTH) from None
        if json_depth(value) > MAX_JSON_DEPTH:
            raise Invalid("error.json_too_deep", limit=MAX_JSON_DEPTH)
        return value
