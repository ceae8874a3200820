"""Imports from another helpdesk, as the agent API shows them (the dashboard may import this)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

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


class ImportStart(BaseModel):
    """Start an import from the dashboard: a CSV file's text in the documented layout, or a
    Zendesk account (the token is used for this run only, never stored nor returned)."""

    source: Literal["csv", "zendesk"]
    file_name: str | None = Field(None, max_length=200)
    csv_text: str | None = Field(None, max_length=20_000_000)
    subdomain: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    email: str | None = Field(None, max_length=254)
    token: SecretStr | None = Field(None, max_length=200)
    api_base_url: str | None = Field(None, pattern=r"^https?://", max_length=300)

    @model_validator(mode="after")
    def _complete(self) -> ImportStart:
        if self.source == "csv" and not self.csv_text:
            raise ValueError("csv_text: the file's content is required")
        if self.source == "zendesk" and not (self.subdomain and self.email and self.token):
            raise ValueError("subdomain, email and token are required for Zendesk")
        return self
