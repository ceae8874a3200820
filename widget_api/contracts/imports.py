"""Imports from another helpdesk, as the agent API shows them (the dashboard may import this)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

ImportSourceName = Literal["csv", "zendesk", "freshdesk", "gorgias", "helpscout"]


class ImportProblem(BaseModel):
    """A bad row or record: its line (CSV) or source id, and why it was left out."""

    line: int | None = None
    id: str | None = None
    reason: str


class ImportRun(BaseModel):
    """One import: where it stands and what it wrote. ``total`` is known for some sources only
    (a CSV file); ``cursor`` is where a stopped run resumes."""

    id: int
    source: ImportSourceName
    account: str
    state: Literal["running", "done", "failed"]
    total: int | None
    tickets: int
    skipped: int
    messages: int
    customers: int
    agents: int
    error_count: int
    errors: list[ImportProblem]
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
