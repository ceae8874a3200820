"""``Server-Timing`` on every answer: time spent in the app, for benchmarks and browsers."""

from __future__ import annotations

import time

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def server_timing(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed_ms = (time.perf_counter() - started) * 1000
                MutableScopeHeaders.from_message(message)["Server-Timing"] = (
                    f"app;dur={elapsed_ms:.2f}"
                )
            await send(message)

        await app(scope, receive, send_with_timing)

    return middleware
