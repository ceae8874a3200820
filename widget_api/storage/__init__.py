"""Storage: the only place where SQL is written and the only code that opens the DuckDB file."""

from widget_api.storage.db import Database, DatabaseLocked

__all__ = ("Database", "DatabaseLocked")
