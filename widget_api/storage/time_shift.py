"""Moving a whole helpdesk in time: every stored time, by the same amount, in one write.

A prepared demo database reused weeks later would open on tickets weeks old; shifting it so
its latest event is "now" makes it the store's today again, with every gap (waits, SLA due
times, delivery dates, report weeks) as it was. The tables and columns are read from the
catalogue, so tables added later are shifted too. Left alone: sign-in credentials (a token
that expired must stay expired), the business-hours calendar (it follows the real calendar and
is rebuilt from the tickets when the server starts) and the migrations' own log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from widget_api.storage.db import Cursor, Writer

#: Tables whose times are not the helpdesk's history.
KEPT = frozenset({"api_tokens", "tpl_keys", "schema_migrations", "business_spans"})
#: Times held inside the events' JSON payloads, which readers cast back to times.
_EVENT_JSON_TIMES = ("snoozed_until",)


def latest_event(cur: Cursor) -> datetime | None:
    """When the last thing happened: every change is in the events log."""
    return cur.execute("SELECT max(occurred_at) FROM events").fetchone()[0]


def timestamp_columns(cur: Cursor) -> dict[str, list[str]]:
    """Time columns per table (of the main schema), except the tables in ``KEPT``."""
    rows = cur.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)"
        " WHERE t.table_type = 'BASE TABLE' AND c.table_schema = current_schema()"
        " AND c.data_type IN ('TIMESTAMP', 'DATE') ORDER BY c.table_name, c.ordinal_position"
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        if table not in KEPT:
            found.setdefault(table, []).append(column)
    return found


def _json_shift(column: str) -> str:
    """``column`` (JSON) with each time of ``_EVENT_JSON_TIMES`` it holds moved by $1."""
    expr = column
    for key in _EVENT_JSON_TIMES:
        moved = (
            f"json_merge_patch({expr}, json_object('{key}', strftime("
            f"TRY_CAST({column} ->> '{key}' AS TIMESTAMP) + $1, '%Y-%m-%dT%H:%M:%S.%f')))"
        )
        held = f"TRY_CAST({column} ->> '{key}' AS TIMESTAMP)"
        expr = f"CASE WHEN {held} IS NULL THEN {expr} ELSE {moved} END"
    return expr


def shift(w: Writer, delta: timedelta, forget_settings: tuple[str, ...] = ()) -> dict[str, int]:
    """Add ``delta`` to every time of the helpdesk (one UPDATE per table), and forget the
    ``forget_settings`` keys (bookkeeping computed for the old times). Returns the rows
    updated per table."""
    cur = w.cur
    counts: dict[str, int] = {}
    for table, columns in timestamp_columns(cur).items():
        sets = [f'"{c}" = "{c}" + $1' for c in columns]
        if table == "events":
            sets += [f"{c} = {_json_shift(c)}" for c in ("before", "after")]
        cur.execute(f'UPDATE "{table}" SET {", ".join(sets)}', [delta])
        counts[table] = cur.fetchone()[0]
    for key in forget_settings:
        cur.execute("DELETE FROM store_settings WHERE key = ?", [key])
    return counts
