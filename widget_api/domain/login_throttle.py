"""Sign-in throttling per account and per client address.

Per account (the e-mail as typed, known or not, so answers never tell which addresses are agents):
after ``free_failures`` failed sign-ins each next try must wait ``first_delay`` seconds, doubling
with each failure up to 60 s (or ``first_delay`` if longer), and after ``lock_failures`` the
account is locked for ``lock_seconds``. Per address: locked for
``lock_seconds`` after ``address_lock_failures`` failures (the public rate limit already bounds its
pace). A success clears the account's record, not the address's (one's own account must not wash
an address's guesses at others). Failures are forgotten after ``lock_seconds`` of quiet.

State is in memory, shared by the server's threads under one lock: a restart forgets it, and each
server process keeps its own (one process per database, so one per deployment).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from widget_api.domain.errors import RateLimited

_MAX_DELAY = 60.0
_MAX_KEYS = 100_000


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    next_at: float = 0.0  # earliest next try (progressive delay)
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(
        self,
        *,
        free_failures: int,
        first_delay: float = 1.0,
        lock_failures: int,
        address_lock_failures: int,
        lock_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._free, self._lock_after = free_failures, lock_failures
        self._first_delay, self._max_delay = first_delay, max(_MAX_DELAY, first_delay)
        self._address_lock_after, self._lock_seconds = address_lock_failures, lock_seconds
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._mutex = threading.Lock()

    def admit(self, account: str, address: str) -> None:
        """Raise 429 with ``Retry-After`` if this try must wait; else count it as in flight."""
        keys = (_account_key(account), f"address:{address}")
        with self._mutex:
            now = self._clock()
            records = [self._record(key, now) for key in keys]
            locked = max(r.locked_until for r in records)
            if locked > now:
                seconds = math.ceil(locked - now)
                raise RateLimited("error.login_locked", headers={"Retry-After": str(seconds)},
                                  minutes=math.ceil(seconds / 60))  # fmt: skip
            account_record = records[0]
            if account_record.next_at > now:
                seconds = math.ceil(account_record.next_at - now)
                raise RateLimited("error.login_wait", headers={"Retry-After": str(seconds)},
                                  seconds=seconds)  # fmt: skip
            if account_record.failures >= self._free:
                # Reserve the slot so that concurrent tries cannot slip through the same delay.
                account_record.next_at = now + self._delay(account_record.failures)

    def failed(self, account: str, address: str) -> None:
        with self._mutex:
            now = self._clock()
            for key, lock_after in ((_account_key(account), self._lock_after),
                                    (f"address:{address}", self._address_lock_after)):  # fmt: skip
                record = self._record(key, now)
                record.failures += 1
                record.last = now
                if record.failures >= lock_after:
                    record.locked_until = now + self._lock_seconds
                if key.startswith("account:") and record.failures >= self._free:
                    record.next_at = now + self._delay(record.failures)

    def succeeded(self, account: str) -> None:
        with self._mutex:
            self._records.pop(_account_key(account), None)

    def _delay(self, failures: int) -> float:
        return min(self._first_delay * 2.0 ** (failures - self._free), self._max_delay)

    def _record(self, key: str, now: float) -> _Record:
        record = self._records.get(key)
        if record is not None and self._stale(record, now):
            record = None
        if record is None:
            if len(self._records) >= _MAX_KEYS:
                self._evict(now)
            record = self._records[key] = _Record()
        return record

    def _stale(self, record: _Record, now: float) -> bool:
        quiet_since = max(record.last, record.locked_until)
        return now - quiet_since >= self._lock_seconds

    def _evict(self, now: float) -> None:
        stale = [key for key, record in self._records.items() if self._stale(record, now)]
        for key in stale:
            del self._records[key]
        if len(self._records) >= _MAX_KEYS:  # all recent: forget the oldest tenth
            for key in list(self._records)[: _MAX_KEYS // 10]:
                del self._records[key]


def _account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"
