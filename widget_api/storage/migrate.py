"""Numbered SQL migrations (``NNNN_description.sql``), applied in order at start-up and recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import duckdb

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    folder = resources.files("widget_api.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def apply_migrations(cur: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded, each in its own transaction; return those applied."""
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for migration in available_migrations():
        if migration.version in done:
            continue
        cur.begin()
        try:
            cur.execute(migration.sql)
            cur.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC).replace(tzinfo=None)],
            )
            cur.commit()
        except Exception:
            cur.rollback()
            raise
        applied.append(migration.version)
    return applied


def current_version(cur: duckdb.DuckDBPyConnection) -> int:
    (version,) = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(version)
