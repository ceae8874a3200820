"""Imports from another helpdesk (administrators): the runs and their progress."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.datastructures import State

from widget_api.contracts.imports import ImportRun
from widget_api.domain import imports
from widget_api.routes.guards import admin_required
from widget_api.routes.params import limit_param

_TAGS = ["imports"]


@get("/api/v1/imports", operation_id="ListImports", tags=_TAGS, guards=[admin_required],
     sync_to_thread=True)  # fmt: skip
def list_imports(state: State, limit: Annotated[int, limit_param(100)] = 20) -> list[ImportRun]:
    """The latest imports first, each with its counts, state and first bad rows (a progress
    bar reads ``tickets + skipped`` of ``total``)."""
    return [ImportRun.model_validate(run) for run in imports.runs(state.db, limit)]


HANDLERS = [list_imports]
