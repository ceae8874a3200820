"""What the mail outbox and the webhook sender share: a thread that sends what is due, sleeps
until the next due time (or until woken), retries with doubling back-off, and counts its rounds
so tests can wait for "one more whole round" instead of sleeping."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class DueSender:
    #: Longest sleep with nothing due; waking it ends the sleep early.
    idle_seconds = 60.0
    #: After waking, let a burst of wake-ups gather into one round.
    gather_seconds = 0.0
    thread_name = "comptoir-sender"

    def __init__(self, *, base_delay: float, max_delay: float, max_attempts: int):
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rounds = 0
        self._round_done = threading.Condition()

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt (1, 2, ...): doubling, capped."""
        return timedelta(seconds=min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1)))

    def round(self) -> datetime | None:
        """Send what is due now; answer when the next item falls due (None: nothing waits)."""
        raise NotImplementedError

    # -- thread -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wait_rounds(self, count: int = 2, timeout: float = 120.0) -> bool:
        """For tests: True once the sender finished ``count`` more rounds (with 2, at least one
        whole round started after this call), so "nothing more was sent" can be checked."""
        deadline = time.monotonic() + timeout
        with self._round_done:
            target = self._rounds + count
            while self._rounds < target:
                self._wake.set()  # again before each round: a round clears it when it starts
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._round_done.wait(remaining)
            return True

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before reading: what is queued from here on wakes the wait
            try:
                nxt = self.round()
                wait = self.idle_seconds
                if nxt is not None:
                    wait = max(0.05, min(wait, (nxt - utcnow()).total_seconds()))
            except Exception:  # a bad row or a busy database must not end the sender
                log.exception("%s: round failed", self.thread_name)
                wait = min(self.base_delay, self.idle_seconds)
            with self._round_done:
                self._rounds += 1
                self._round_done.notify_all()
            self._wake.wait(wait)
            if self.gather_seconds:
                self._stop.wait(self.gather_seconds)
