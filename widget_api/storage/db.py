"""The DuckDB file, owned by one process: one writer thread, one read cursor per thread.

DuckDB lets one process write and uses optimistic concurrency, so every write goes through a
single writer thread (the pattern of datasette's ``database.py``). The writer drains its queue and
commits up to ``write_batch`` jobs in one transaction (group commit): under a burst of intake
requests that costs one WAL flush instead of one per ticket. A job is acknowledged only after its
transaction committed, so a 2xx answered from it means the row is in the WAL on disk.

A full disk fails the commit (nothing of it is kept) and the job gets ``StorageFull``; reads go on.
When DuckDB invalidates the instance (an automatic checkpoint that could not write), the writer
reopens the file: the commit that triggered it is durable, so its job still succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
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
# After a write failed for lack of space, the database counts as full until this much is free:
# small writes may still fit in the last pages while a ticket does not, and a checkpoint needs room.
RESUME_FREE_BYTES = 16 * 2**20


class DatabaseUnavailable(RuntimeError):
    """The database file cannot be opened; the message says why and what to do, in one line."""


class DatabaseLocked(DatabaseUnavailable):
    """Another process holds the database file (usually a running ``comptoir serve``)."""


class DatabaseNotWritable(DatabaseUnavailable):
    """The file or its directory cannot be written (read-only file system, permissions)."""


class StorageUnavailable(RuntimeError):
    """A read or write could not run now; nothing was committed. Worth retrying later."""


class StorageFull(StorageUnavailable):
    """A write failed for lack of disk space (or file-size limit); nothing of it was committed."""


# How the OS errors DuckDB passes on read (it gives text only): ENOSPC, EDQUOT, EFBIG.
_FULL_MARKERS = ("no space left on device", "disk quota exceeded", "file too large", "disk full")
_NOT_WRITABLE_MARKERS = ("read-only file system", "permission denied", "cannot open file")


def _is_full(exc: BaseException) -> bool:
    return any(marker in str(exc).lower() for marker in _FULL_MARKERS)


def _is_fatal(exc: BaseException) -> bool:
    """DuckDB invalidated the instance: every further statement fails until it is reopened."""
    return isinstance(exc, duckdb.FatalException) or "invalidated" in str(exc).lower()


def _durable(exc: BaseException) -> bool:
    """The commit reached the WAL and only the checkpoint after it failed."""
    return "commit succeeded and is durable" in str(exc).lower()


def _open_error(path: str, exc: BaseException) -> DatabaseUnavailable | None:
    """A one-line, actionable error for the usual reasons the file cannot be opened."""
    text = str(exc)
    lowered = text.lower()
    if "lock" in lowered:
        holder = ""
        if "pid " in lowered:
            pid = lowered.split("pid ", 1)[1].split(")")[0].split()[0]
            holder = f" (process {pid})"
        return DatabaseLocked(
            f"{path} is in use by another process{holder}, usually a running `comptoir serve` or "
            "`comptoir demo`: stop it, or give another database with --db (env COMPTOIR_DB__PATH)"
        )
    if any(marker in lowered for marker in (*_NOT_WRITABLE_MARKERS, *_FULL_MARKERS)):
        reason = text.splitlines()[-1].split(": ")[-1].strip() or text
        return DatabaseNotWritable(
            f"cannot write the database {path} ({reason}): give a file in a writable directory "
            "with --db (env COMPTOIR_DB__PATH)"
        )
    return None


def check_free(path: str | Path) -> None:
    """Raise ``DatabaseLocked`` when another process has ``path`` open (before deleting it)."""
    if not Path(path).exists():
        return
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as exc:
        problem = _open_error(str(path), exc)
        if isinstance(problem, DatabaseLocked):
            raise problem from exc


class ChangeFeed:
    """After commit, on the writer thread: wakes the async waiters of a ticket that changed
    (event-stream handlers re-read the database when woken or timed out), and hands every
    committed event, in id order, to the one listener of events — the dispatcher
    (``widget_api/listeners/dispatcher.py``), which runs the side effects on their own threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = {}
        self._listeners: list[Callable[[Any], None]] = []

    @property
    def has_listeners(self) -> bool:
        return bool(self._listeners)

    def listen(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback(event)`` for every committed event, in id order (on the writer
        thread: only the dispatcher listens, and it hands the work to its listeners' threads)."""
        self._listeners.append(callback)

    def dispatch_all(self, events: list[Any]) -> None:
        for event in events:
            for callback in self._listeners:
                callback(event)

    def publish(self, ticket_id: int) -> None:
        with self._lock:
            waiters = self._waiters.pop(ticket_id, [])
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve, future)

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
    #: What a storage module gathers during one job and writes when the job ends (the events).
    staged: dict[str, Any] = field(default_factory=dict)
    _job_end: list[Callable[[], None]] = field(default_factory=list)

    def touched(self, ticket_id: int) -> None:
        """Wake the ticket's live streams after this transaction commits."""
        self.after_commit(lambda: self.feed.publish(ticket_id))

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the current transaction has committed (never if it rolls back)."""
        self._after_commit.append(fn)

    def at_job_end(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` when the current job's function returns, inside its transaction (an
        exception fails the job like any other)."""
        self._job_end.append(fn)

    def run_job(self, fn: WriteFn[T]) -> T:
        result = fn(self)
        hooks, self._job_end = self._job_end, []
        self.staged.clear()
        for hook in hooks:
            hook()
        return result

    def _discard_job(self) -> None:
        self._job_end.clear()
        self.staged.clear()

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
        self._read_only = read_only
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseNotWritable(
                    f"cannot create the directory of the database {self.path} ({exc.strerror}): "
                    "give a file in a writable directory with --db (env COMPTOIR_DB__PATH)"
                ) from exc
        self._root = self._connect()
        self._generation = 0  # bumped on reopen: read cursors of an older connection are stale
        #: Why the last write failed ("full"), until a write succeeds again; /health reports it.
        self.write_problem: str | None = None
        self._write_batch = write_batch
        self._local = threading.local()
        self._cursors: list[Cursor] = []  # every thread's read cursor, closed before checkpoint
        self._cursors_lock = threading.Lock()
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self.changes = ChangeFeed()
        self._writer = Writer(self._root.cursor(), self.changes)
        self._broken: BaseException | None = None  # why the last reopen failed
        self._closed = False
        if not read_only:
            try:
                apply_migrations(self._writer.cur)
                search_signatures.backfill(self._writer.cur)
            except duckdb.Error as exc:
                self._root.close()
                problem = _open_error(self.path, exc)
                if problem is None:
                    raise
                raise problem from exc
        self._thread = threading.Thread(
            target=self._write_loop, name="comptoir-writer", daemon=True
        )
        self._thread.start()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(self.path, read_only=self._read_only)
        except duckdb.Error as exc:
            problem = _open_error(self.path, exc)
            if problem is None:
                raise
            raise problem from exc

    # -- reads -------------------------------------------------------------------------------
    def cursor(self) -> Cursor:
        """This thread's read cursor (DuckDB connections are not shared between threads)."""
        cur = getattr(self._local, "cur", None)
        if cur is None or getattr(self._local, "generation", -1) != self._generation:
            with self._cursors_lock:
                cur = self._root.cursor()
                self._cursors.append(cur)
            self._local.cur = cur
            self._local.generation = self._generation
        return cur

    def read(self, fn: Callable[[Cursor], T]) -> T:
        try:
            return fn(self.cursor())
        except duckdb.Error as exc:
            if not (_is_fatal(exc) or isinstance(exc, duckdb.ConnectionException)):
                raise
            # The writer reopens an invalidated instance; a no-op job makes it notice now.
            if not self._closed:
                self._queue.put(_Job(lambda w: None, Future()))
            raise StorageUnavailable(f"the database is being reopened: {exc}") from exc

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
        if not self._usable():
            return False
        cur = self._writer.cur
        results = []
        try:
            cur.begin()
            for job in batch:
                results.append(self._writer.run_job(job.fn))
            cur.commit()
        except Exception as exc:
            if not _durable(exc):
                # One job failed: undo all, then run each alone so only the faulty one fails.
                self._rollback()
                if _is_fatal(exc):
                    self._reopen(exc)
                return False
            self._reopen(exc)
        self._committed()
        for job, result in zip(batch, results, strict=True):
            job.future.set_result(result)
        return True

    def _run_alone(self, job: _Job) -> None:
        for attempt in range(_CONFLICT_RETRIES):
            if not self._usable():
                job.future.set_exception(StorageUnavailable("the database could not be reopened"))
                return
            cur = self._writer.cur
            try:
                cur.begin()
                result = self._writer.run_job(job.fn)
                cur.commit()
            except BaseException as exc:  # the caller gets every error, the writer lives on
                if not _durable(exc):
                    self._rollback()
                    if _is_fatal(exc):
                        self._reopen(exc)
                        if attempt == 0:  # nothing was written: once more on the new connection
                            continue
                    retry = (
                        isinstance(exc, duckdb.TransactionException)
                        and "conflict" in str(exc).lower()
                    )
                    if retry and attempt + 1 < _CONFLICT_RETRIES:
                        time.sleep(0.01 * 2**attempt)
                        continue
                    job.future.set_exception(self._failure(exc))
                    return
                self._reopen(exc)
            self._committed()
            job.future.set_result(result)
            return

    def _committed(self) -> None:
        if self.write_problem is not None:
            self.storage_problem()
        self._writer._run_after_commit()

    def storage_problem(self) -> str | None:
        """Why writes fail ("full", "unavailable"), or None. "full" lasts until space is back."""
        if self.write_problem == "full" and self._free_bytes() >= RESUME_FREE_BYTES:
            log.warning("disk space is back: writes are accepted again")
            self.write_problem = None
        return self.write_problem

    def _free_bytes(self) -> int:
        try:
            stat = os.statvfs(Path(self.path).resolve().parent)
        except OSError:
            return 0
        return stat.f_bavail * stat.f_frsize

    def _failure(self, exc: BaseException) -> BaseException:
        """What the caller gets: ``StorageFull`` (one log line, no traceback) for a full disk."""
        if not _is_full(exc):
            return exc
        if self.write_problem != "full":
            log.error("write refused, the disk is full: %s", str(exc).splitlines()[0])
        self.write_problem = "full"
        full = StorageFull(str(exc).splitlines()[0])
        full.__cause__ = exc
        return full

    def _usable(self) -> bool:
        """False while an invalidated instance could not be reopened (tries again each time)."""
        if self._broken is None:
            return True
        self._reopen(self._broken)
        return self._broken is None

    def _reopen(self, exc: BaseException) -> None:
        """Close every cursor and the invalidated instance, then connect again (writer thread)."""
        log.error("database invalidated, reopening it: %s", str(exc).splitlines()[0])
        with self._cursors_lock:
            for cur in [*self._cursors, self._writer.cur]:
                with contextlib.suppress(duckdb.Error):
                    cur.close()
            self._cursors.clear()
            self._generation += 1
            with contextlib.suppress(duckdb.Error):
                self._root.close()
            try:
                self._root = duckdb.connect(self.path)
            except duckdb.Error as again:
                self._broken = again
                self.write_problem = "full" if _is_full(again) else "unavailable"
                return
            self._broken = None
            if self.write_problem == "unavailable":
                self.write_problem = None
            self._writer.cur = self._root.cursor()
            self._writer.forget_ids()

    def _rollback(self) -> None:
        with contextlib.suppress(duckdb.Error):  # no transaction was open
            self._writer.cur.rollback()
        self._writer.forget_ids()
        self._writer._after_commit.clear()
        self._writer._discard_job()

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
