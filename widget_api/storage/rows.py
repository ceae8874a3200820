"""Turning DuckDB results into plain dicts with timezone-aware UTC datetimes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from widget_api import clock


def utcnow() -> datetime:
    """Naive UTC, the form every *_at column stores, by the server's clock."""
    return clock.utcnow()


def to_db_time(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _out(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def dicts(cur: duckdb.DuckDBPyConnection, json_columns: tuple[str, ...] = ()) -> list[dict]:
    names = [d[0] for d in cur.description]
    rows = []
    for row in cur.fetchall():
        item = {name: _out(value) for name, value in zip(names, row, strict=True)}
        for col in json_columns:
            if isinstance(item.get(col), str):
                item[col] = json.loads(item[col])
        rows.append(item)
    return rows


def one(cur: duckdb.DuckDBPyConnection, json_columns: tuple[str, ...] = ()) -> dict | None:
    found = dicts(cur, json_columns)
    return found[0] if found else None
