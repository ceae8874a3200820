"""The DuckDB file, owned by one process: one writer thread, one read cursor per thread.

DuckDB lets one process write and uses optimistic concurrency, so every write goes through a
single writer thread (the pattern of datasette's ``database.py``). The writer drains its queue and
commits up to ``write_batch`` jobs in one transaction (group commit): under a burst of intake
requests that costs one WAL flush instead of one per ticket. A job is acknowledged only after its
transaction committed, so a 2xx answered from it means the row is in the WAL on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from widget_api.storage import search_signatures
from widget_api.storage.migrate import apply_migrations

log = logging.getLogger(__name__)

T = TypeVar("T")
Cursor = duckdb.DuckDBPyConnection
WriteFn = Callable[["Writer"], T]

_CONFLICT_RETRIES = 5


class DatabaseLocked(RuntimeError):
    """Another process holds the database file (usually a running ``comptoir serve``)."""


class ChangeFeed:
    """Tells async waiters that a ticket changed (a committed write touched it).

    Published from the writer thread after commit; awaited by event-stream handlers on the
    server's loop. Nothing is stored: a waiter re-reads the database when woken or timed out.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = {}
        self._subscribers: list[Callable[[int], None]] = []
        self._listeners: list[Callable[[Any], None]] = []

    @property
    def has_listeners(self) -> bool:
        return bool(self._listeners)

    def listen(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback(event)`` for every committed event (on the writer thread: hand work
        to another thread, and never write from inside the callback)."""
        self._listeners.append(callback)

    def dispatch(self, event: Any) -> None:
        for callback in self._listeners:
            callback(event)

    def subscribe(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(ticket_id)`` (on the writer thread: keep it quick) on every change."""
        self._subscribers.append(callback)

    def publish(self, ticket_id: int) -> None:
        with self._lock:
            waiters = self._waiters.pop(ticket_id, [])
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve, future)
        for callback in self._subscribers:
            callback(ticket_id)

    async def wait(self, ticket_id: int, timeout: float) -> bool:
        """True when the ticket changed within ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        entry = (loop, future)
        with self._lock:
            self._waiters.setdefault(ticket_id, []).append(entry)
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                waiting = self._waiters.get(ticket_id, [])
                if entry in waiting:
                    waiting.remove(entry)


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(True)


@dataclass
class Writer:
    """What a write job receives: the writer's cursor, the id allocator and post-commit hooks."""

    cur: Cursor
    feed: ChangeFeed = field(default_factory=ChangeFeed)
    _next_ids: dict[str, int] = field(default_factory=dict)
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def touched(self, ticket_id: int) -> None:
        """Wake the ticket's live streams after this transaction commits."""
        self.after_commit(lambda: self.feed.publish(ticket_id))

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the current transaction has committed (never if it rolls back)."""
        self._after_commit.append(fn)

    def _run_after_commit(self) -> None:
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            try:
                hook()
            except Exception:  # a listener must never undo or block a committed write
                log.exception("after-commit hook failed")

    def next_id(self, table: str) -> int:
        """The next free id of ``table``; only the writer thread allocates, so no race exists."""
        if table not in self._next_ids:
            (top,) = self.cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            self._next_ids[table] = int(top)
        self._next_ids[table] += 1
        return self._next_ids[table]

    def forget_ids(self) -> None:
        """Drop cached counters (after a rollback, or after a bulk load changed the tables)."""
        self._next_ids.clear()


@dataclass
class _Job:
    fn: WriteFn[Any]
    future: Future[Any]


class Database:
    """The open database. ``read`` runs on the caller's thread, ``write`` on the writer thread."""

    def __init__(self, path: str | Path, *, write_batch: int = 64, read_only: bool = False):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._root = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(
                    f"{self.path} is in use by another process (is `comptoir serve` running?)"
                ) from exc
            raise
        self._write_batch = write_batch
        self._local = threading.local()
        self._cursors: list[Cursor] = []  # every thread's read cursor, closed before checkpoint
        self._cursors_lock = threading.Lock()
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self.changes = ChangeFeed()
        self._writer = Writer(self._root.cursor(), self.changes)
        self._closed = False
        if not read_only:
            apply_migrations(self._writer.cur)
            search_signatures.backfill(self._writer.cur)
        self._thread = threading.Thread(
            target=self._write_loop, name="comptoir-writer", daemon=True
        )
        self._thread.start()

    # -- reads -------------------------------------------------------------------------------
    def cursor(self) -> Cursor:
        """This thread's read cursor (DuckDB connections are not shared between threads)."""
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self._root.cursor()
            self._local.cur = cur
            with self._cursors_lock:
                self._cursors.append(cur)
        return cur

    def read(self, fn: Callable[[Cursor], T]) -> T:
        return fn(self.cursor())

    # -- writes ------------------------------------------------------------------------------
    def submit(self, fn: WriteFn[T]) -> Future[T]:
        if self._closed:
            raise RuntimeError("database is closed")
        fut: Future[T] = Future()
        self._queue.put(_Job(fn, fut))
        return fut

    def write(self, fn: WriteFn[T]) -> T:
        """Run ``fn`` in a committed transaction on the writer thread and return its result."""
        return self.submit(fn).result()

    async def awrite(self, fn: WriteFn[T]) -> T:
        return await asyncio.wrap_future(self.submit(fn))

    def _write_loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            stop = False
            while len(batch) < self._write_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._run_batch(batch)
            if stop:
                return

    def _run_batch(self, batch: list[_Job]) -> None:
        if len(batch) > 1 and self._try_together(batch):
            return
        for job in batch:
            self._run_alone(job)

    def _try_together(self, batch: list[_Job]) -> bool:
        cur = self._writer.cur
        results = []
        try:
            cur.begin()
            for job in batch:
                results.append(job.fn(self._writer))
            cur.commit()
        except Exception:
            # One job failed: undo all, then run each alone so only the faulty one fails.
            self._rollback()
            return False
        self._writer._run_after_commit()
        for job, result in zip(batch, results, strict=True):
            job.future.set_result(result)
        return True

    def _run_alone(self, job: _Job) -> None:
        cur = self._writer.cur
        for attempt in range(_CONFLICT_RETRIES):
            try:
                cur.begin()
                result = job.fn(self._writer)
                cur.commit()
            except duckdb.TransactionException as exc:
                self._rollback()
                if "conflict" in str(exc).lower() and attempt + 1 < _CONFLICT_RETRIES:
                    time.sleep(0.01 * 2**attempt)
                    continue
                job.future.set_exception(exc)
                return
            except BaseException as exc:  # the caller gets every error, the writer lives on
                self._rollback()
                job.future.set_exception(exc)
                return
            self._writer._run_after_commit()
            job.future.set_result(result)
            return

    def _rollback(self) -> None:
        with contextlib.suppress(duckdb.Error):  # no transaction was open
            self._writer.cur.rollback()
        self._writer.forget_ids()
        self._writer._after_commit.clear()

    # -- lifecycle ---------------------------------------------------------------------------
    def run_unqueued(self, fn: Callable[[Cursor], T]) -> T:
        """Run ``fn`` directly on the root connection: for bulk loads while nothing else runs."""
        result = fn(self._root)
        self._writer.forget_ids()
        return result

    def close(self) -> None:
        """Finish queued writes, checkpoint the WAL into the file and close."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        # Readers left with an unfinished result keep a transaction open, which CHECKPOINT
        # refuses (and FORCE CHECKPOINT waits on forever): close every cursor first.
        with self._cursors_lock:
            for cur in [*self._cursors, self._writer.cur]:
                with contextlib.suppress(duckdb.Error):
                    cur.close()
            self._cursors.clear()
        try:
            self._root.execute("CHECKPOINT")
        except duckdb.Error as exc:  # read-only or already failing: closing still matters more
            log.warning("checkpoint on close failed: %s", exc)
        self._root.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
