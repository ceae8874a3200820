"""Storage: the only place where SQL is written and the only code that opens the DuckDB file."""

import duckdb

from widget_api.storage.db import (
    Database,
    DatabaseLocked,
    DatabaseNotWritable,
    DatabaseUnavailable,
    StorageFull,
    StorageUnavailable,
)

# A UNIQUE or NOT NULL rule of the schema refused a write (see ``widget_api.errors``).
ConstraintViolation = duckdb.ConstraintException

__all__ = (
    "ConstraintViolation",
    "Database",
    "DatabaseLocked",
    "DatabaseNotWritable",
    "DatabaseUnavailable",
    "StorageFull",
    "StorageUnavailable",
)
