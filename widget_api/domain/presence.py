"""Who has a ticket open and who is typing, kept in the server's memory.

Presence is ephemeral by nature: a heartbeat every few seconds keeps an agent listed, silence
longer than ``ttl`` drops them, and a restart forgets everyone, which is the right answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class _Seen:
    name: str
    typing: bool
    since: datetime
    last_beat: float


class Presence:
    def __init__(self, ttl: float = 15.0, clock=time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._tickets: dict[str, dict[int, _Seen]] = {}
        self._lock = threading.Lock()

    def beat(self, ref: str, agent_id: int, name: str, typing: bool) -> None:
        now = self._clock()
        with self._lock:
            viewers = self._tickets.setdefault(ref, {})
            seen = viewers.get(agent_id)
            if seen is None:
                viewers[agent_id] = _Seen(name, typing, datetime.now(UTC), now)
            else:
                seen.typing, seen.last_beat = typing, now

    def leave(self, ref: str, agent_id: int) -> None:
        with self._lock:
            self._tickets.get(ref, {}).pop(agent_id, None)

    def others(self, ref: str, agent_id: int) -> list[dict]:
        """Everyone else with ``ref`` open, dropping the silent ones."""
        now = self._clock()
        with self._lock:
            viewers = self._tickets.get(ref, {})
            for gone in [a for a, s in viewers.items() if now - s.last_beat > self.ttl]:
                del viewers[gone]
            return [
                {"agent_id": a, "name": s.name, "typing": s.typing, "since": s.since}
                for a, s in sorted(viewers.items())
                if a != agent_id
            ]
