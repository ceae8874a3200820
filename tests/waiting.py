"""The one way tests wait: poll a condition until a generous deadline, then fail with what was
seen (and the server's log). CI runs on two busy cores, so deadlines are long and never asserted."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Long enough for a loaded 2-core machine; a healthy run waits a fraction of it.
DEFAULT_TIMEOUT = 120.0


class WaitTimeout(AssertionError):
    """The condition never held before the deadline."""


def wait_until(
    check: Callable[[], T],
    what: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.1,
    log: Path | None = None,
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    """Call ``check`` until it returns something truthy and return that value.

    Exceptions listed in ``ignore`` (a server not listening yet) count as "not yet". On timeout
    the error names ``what``, the last value or exception seen, and the tail of ``log``.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            value = check()
            if value:
                return value
            last = value
        except ignore as exc:
            last = exc
        if time.monotonic() >= deadline:
            raise WaitTimeout(_message(what, timeout, last, log))
        time.sleep(interval)


def _message(what: str, timeout: float, last: object, log: Path | None) -> str:
    text = f"timed out after {timeout:.0f} s waiting for {what}; last seen: {last!r}"
    if log is not None and log.exists():
        tail = log.read_text(errors="replace").splitlines()[-60:]
        text += f"\n--- {log.name} (last lines) ---\n" + "\n".join(tail)
    return text
