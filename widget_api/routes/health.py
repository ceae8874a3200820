"""Liveness and database status."""

from __future__ import annotations

from datetime import datetime

from litestar import get
from litestar.datastructures import State
from pydantic import BaseModel, Field

from widget_api import __version__, clock
from widget_api.storage import Database
from widget_api.storage.migrate import current_version


class Health(BaseModel):
    status: str = Field(description="`ok`, or `degraded` when the database is not `ok`.")
    version: str
    database: str = Field(
        description="`ok`; `degraded` when writes fail (disk full: reads work, writes answer 503 "
        "with Retry-After, until space is back); `unavailable` when even reads fail."
    )
    schema_version: int
    now: datetime = Field(
        description="The server's clock (UTC): the wall clock, unless `COMPTOIR_CLOCK__NOW` set "
        "it for a demo or a test. The dashboard's 'today' follows it."
    )


@get("/health", operation_id="Health", tags=["system"])
async def health(state: State) -> Health:
    """Whether the server and its database answer. Always 200: read `status` and `database`."""
    db: Database = state.db
    try:
        version = db.read(current_version)
        database = "ok" if db.storage_problem() is None else "degraded"
    except Exception:  # the point of a health check is to report, not to crash
        version, database = 0, "unavailable"
    return Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        database=database,
        schema_version=version,
        now=clock.now(),
    )
