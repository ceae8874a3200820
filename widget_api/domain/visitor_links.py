"""Whether a chat visitor is still connected: the widget keeps the conversation's live stream
open while its page is open, so an open stream (or one closed a moment ago, while the browser's
EventSource reconnects) means a reply reaches the visitor. Kept in memory, like presence."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# The stream ends every few minutes and the browser reconnects 3 s later (``retry: 3000``).
GRACE_SECONDS = 10.0


class VisitorLinks:
    def __init__(self, grace: float = GRACE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._grace = grace
        self._clock = clock
        self._open: dict[str, int] = {}
        self._closed_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def opened(self, ref: str) -> None:
        with self._lock:
            self._open[ref] = self._open.get(ref, 0) + 1

    def closed(self, ref: str) -> None:
        with self._lock:
            left = self._open.get(ref, 0) - 1
            if left > 0:
                self._open[ref] = left
                return
            self._open.pop(ref, None)
            self._closed_at[ref] = self._clock()
            now = self._clock()  # forget visitors long gone, so the map stays small
            for gone in [r for r, at in self._closed_at.items() if now - at > self._grace]:
                del self._closed_at[gone]

    def connected(self, ref: str) -> bool:
        with self._lock:
            if self._open.get(ref, 0) > 0:
                return True
            closed_at = self._closed_at.get(ref)
            return closed_at is not None and self._clock() - closed_at <= self._grace
