"""Imports from another helpdesk (administrators): the runs and their progress."""

from __future__ import annotations

import threading
from typing import Annotated

from litestar import get, post
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.contracts.imports import ImportRun, ImportStart
from widget_api.domain import imports
from widget_api.domain.import_jobs import ImportJobs
from widget_api.routes.guards import admin_required, json_body
from widget_api.routes.params import limit_param

_JOBS_LOCK = threading.Lock()

_TAGS = ["imports"]


@get("/api/v1/imports", operation_id="ListImports", tags=_TAGS, guards=[admin_required],
     sync_to_thread=True)  # fmt: skip
def list_imports(state: State, limit: Annotated[int, limit_param(100)] = 20) -> list[ImportRun]:
    """The latest imports first, each with its counts, state and first bad rows (a progress
    bar reads ``tickets + skipped`` of ``total``)."""
    return [ImportRun.model_validate(run) for run in imports.runs(state.db, limit)]


def _jobs(state: State) -> ImportJobs:
    with _JOBS_LOCK:
        if "import_jobs" not in state:
            state["import_jobs"] = ImportJobs()
        return state["import_jobs"]


@post("/api/v1/imports", operation_id="StartImport", tags=_TAGS, status_code=202,
      guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def start_import(state: State, data: JSONBody[ImportStart]) -> list[ImportRun]:
    """Start an import in the background (administrators): a CSV file's text or a Zendesk
    account. 409 while another import runs; the runs follow, the new one first once it began."""
    _jobs(state).start(state.db, data)
    return [ImportRun.model_validate(run) for run in imports.runs(state.db, 20)]


HANDLERS = [list_imports, start_import]
