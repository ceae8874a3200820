"""Backups: the whole database exported to Parquet with a manifest, in one ``.tar.gz`` file.

EXPORT/IMPORT DATABASE carries the schema (with indexes and the migration record) and every row,
and the manifest's row counts let ``restore`` prove that nothing was lost.
"""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from pathlib import Path

import duckdb

from widget_api.storage.db import DatabaseLocked

MANIFEST = "comptoir-backup.json"


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(
                f"{path} is in use by another process: stop `comptoir serve` first"
            ) from exc
        raise


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def backup(db_path: Path, out_file: Path) -> dict[str, int]:
    """Write a backup of ``db_path`` to ``out_file``; return the row counts it holds."""
    if not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}")
    con = _connect(db_path, read_only=True)
    try:
        counts = row_counts(con)
        with tempfile.TemporaryDirectory() as tmp:
            export_dir = Path(tmp) / "export"
            con.execute(f"EXPORT DATABASE '{export_dir}' (FORMAT parquet)")
            (export_dir / MANIFEST).write_text(json.dumps({"row_counts": counts}, indent=2))
            out_file.parent.mkdir(parents=True, exist_ok=True)
            partial = out_file.with_name(out_file.name + ".partial")
            partial.unlink(missing_ok=True)
            # Owner-only from its first byte: a backup holds every customer's data (and the
            # sealed secrets, whose key is never in it).
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(export_dir, arcname="export")
            partial.replace(out_file)
    finally:
        con.close()
    return counts


def restore(backup_file: Path, db_path: Path, *, force: bool = False) -> dict[str, int]:
    """Recreate ``db_path`` from a backup and check every table's row count against it."""
    if db_path.exists() and not force:
        raise FileExistsError(f"{db_path} exists; pass --force to replace it")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(backup_file, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        export_dir = Path(tmp) / "export"
        expected = json.loads((export_dir / MANIFEST).read_text())["row_counts"]
        staging = db_path.with_name(db_path.name + ".restoring")
        staging.unlink(missing_ok=True)
        con = duckdb.connect(str(staging))
        try:
            con.execute(f"IMPORT DATABASE '{export_dir}'")
            restored = row_counts(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if restored != expected:
            staging.unlink(missing_ok=True)
            raise RuntimeError(f"restore incomplete: expected {expected}, got {restored}")
        for leftover in (db_path, db_path.with_name(db_path.name + ".wal")):
            leftover.unlink(missing_ok=True)
        staging.replace(db_path)
    return restored


def compact(db_path: Path) -> dict[str, int]:
    """Rewrite the database file from an export of itself: DuckDB leaves overwritten values in
    freed pages, and a value that must not stay on disk (a secret once stored in clear) goes
    only with the pages. The database must be closed."""
    with tempfile.TemporaryDirectory(dir=db_path.parent) as tmp:
        copy = Path(tmp) / "compact.tar.gz"
        backup(db_path, copy)
        return restore(copy, db_path, force=True)
