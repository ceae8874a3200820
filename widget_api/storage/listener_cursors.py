"""Where each durable listener got to in the event log (its replay starts after it)."""

from __future__ import annotations

from datetime import datetime

from widget_api.storage.db import Cursor, Writer


def all_cursors(cur: Cursor) -> dict[str, int]:
    return dict(cur.execute("SELECT name, last_event FROM listener_cursors").fetchall())


def save(w: Writer, positions: dict[str, int], at: datetime) -> None:
    """Every listener's position in one statement (it runs every few seconds)."""
    if not positions:
        return
    values = [value for name, last in positions.items() for value in (name, last, at)]
    w.cur.execute(
        "INSERT INTO listener_cursors (name, last_event, updated_at) VALUES "
        + ", ".join("(?, ?, ?)" for _ in positions)
        + " ON CONFLICT (name) DO UPDATE SET last_event = excluded.last_event,"
        " updated_at = excluded.updated_at",
        values,
    )
