"""Bringing another helpdesk's history in: a source yields batches, each written in ONE write
transaction together with the cursor that follows it, so a killed import loses nothing and a
resumed one repeats nothing (and tickets are keyed by their source id besides).

A source (CSV, Zendesk, …) knows how to read its platform from a cursor; this module knows
nothing of platforms.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

from widget_api import clock
from widget_api.storage import Database
from widget_api.storage import imports as store
from widget_api.storage.imports import MessageRow, PersonRow, TicketRow

log = logging.getLogger(__name__)

SOURCES = ("csv", "zendesk", "freshdesk", "gorgias", "helpscout")


@dataclass
class Batch:
    """A slice of the source: its tickets with the people they name, the cursor to resume
    after it, and the bad records met on the way (``{"line"|"id": …, "reason": …}``).
    ``later`` holds messages of tickets written by earlier batches, as (ticket source id,
    message), for sources that export comments apart from tickets."""

    tickets: list[TicketRow]
    customers: dict[str, PersonRow]
    agents: dict[str, PersonRow]
    cursor: str | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None  # tickets the whole source holds, when it says
    later: list[tuple[str, MessageRow]] = field(default_factory=list)


def grouped(batches: Iterator[Batch], rows: int) -> Iterator[Batch]:
    """Consecutive batches merged until they hold ``rows`` tickets and messages: a write
    transaction costs about the same for 1,000 rows as for 5,000, so fewer, larger ones
    import faster. The merged batch resumes after its last part."""
    merged: Batch | None = None
    size = 0
    for batch in batches:
        if merged is None:
            merged, size = batch, 0
        else:
            merged.tickets += batch.tickets
            merged.customers.update(batch.customers)
            merged.agents.update(batch.agents)
            merged.later += batch.later
            merged.errors += batch.errors
            merged.cursor = batch.cursor
            merged.total = batch.total if batch.total is not None else merged.total
        size += len(batch.tickets) + sum(len(t.messages) for t in batch.tickets)
        size += len(batch.later)
        if size >= rows:
            yield merged
            merged = None
    if merged is not None:
        yield merged


class Source(Protocol):
    name: str  # one of SOURCES
    account: str  # what a resumed run must match (subdomain, file)

    def batches(self, cursor: str | None) -> Iterator[Batch]:
        """The batches after ``cursor`` (None: from the start)."""
        ...


class ImportFailed(RuntimeError):
    """The source could not be read; the run keeps its cursor and resumes next time."""


Progress = Callable[[dict], None]


def run_import(db: Database, source: Source, progress: Progress | None = None) -> dict:
    """Import everything ``source`` holds after the cursor of its unfinished run (or from the
    start); return the run as stored. ``progress`` gets the run after every batch.

    The source reads its next batch while the writer writes the previous one (at most one
    batch waits, so memory stays bounded and batches commit in order)."""
    run = db.write(lambda w: store.open_run(w, source.name, source.account, clock.utcnow()))
    run_id = run["id"]
    pending: Future | None = None

    def settle() -> None:
        if pending is not None:
            pending.result()
            if progress is not None:
                progress(db.read(lambda cur: store.run(cur, run_id)))

    try:
        for batch in source.batches(run["cursor"]):
            written = db.submit(lambda w, b=batch: _write(w, run_id, source.name, b))
            settle()
            pending = written
        settle()
    except BaseException as exc:
        if pending is not None:  # let the batch in flight land: its cursor is right
            with contextlib.suppress(Exception):
                pending.result()
        reason = str(exc) or type(exc).__name__
        db.write(lambda w: store.finish_run(w, run_id, "failed", clock.utcnow(), reason))
        raise
    db.write(lambda w: store.finish_run(w, run_id, "done", clock.utcnow(), None))
    return db.read(lambda cur: store.run(cur, run_id))  # type: ignore[return-value]


def _write(w, run_id: int, source: str, batch: Batch) -> store.BatchCounts:
    if batch.total is not None:
        store.set_total(w, run_id, batch.total)
    return store.write_batch(
        w,
        run_id=run_id,
        source=source,
        tickets=batch.tickets,
        customers=batch.customers,
        agents=batch.agents,
        cursor=batch.cursor,
        errors=batch.errors,
        at=clock.utcnow(),
        later=batch.later,
    )


def runs(db: Database, limit: int = 20) -> list[dict]:
    return db.read(lambda cur: store.recent_runs(cur, limit))
