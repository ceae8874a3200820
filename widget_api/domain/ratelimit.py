"""Per-client request budgets for the public surface (sliding one-minute window).

Litestar's RateLimitMiddleware does not send ``Retry-After`` and counts per route, while the
public surface needs named budgets (intake, order lookups, uploads) and a Retry-After that tells a
well-behaved client exactly how long to wait.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

_WINDOW = 60.0
_MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, per_minute: int | None = None) -> int | None:
        """Count one request for ``key``; None if allowed, else seconds until one is.

        ``per_minute`` overrides the default budget for this key; a default of 0 turns every
        budget off (benchmarks)."""
        if self.per_minute <= 0:
            return None
        limit = per_minute or self.per_minute
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= _MAX_KEYS:
                    self._evict(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - _WINDOW:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil(hits[0] + _WINDOW - now))
            hits.append(now)
            return None

    def _evict(self, now: float) -> None:
        stale = [k for k, h in self._hits.items() if not h or h[-1] <= now - _WINDOW]
        for key in stale:
            del self._hits[key]
