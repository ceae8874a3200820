"""The documented CSV layout for helpdesks without an importer (README, "Importing tickets"):
one row per message, the rows of a ticket one after the other. Bad rows are reported with their
line number and reason; the good ones are kept. The cursor is the number of tickets written."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator

from widget_api.contracts.common import Channel, Language, Priority, Status
from widget_api.domain.imports import Batch
from widget_api.storage.imports import MessageRow, PersonRow, TicketRow

REQUIRED = ("ticket_id", "created_at", "body")
COLUMNS = (
    "ticket_id", "subject", "status", "priority", "channel", "language", "tags",
    "customer_email", "customer_name", "assignee_email", "assignee_name", "message_id",
    "author", "author_email", "author_name", "internal", "created_at", "body",
)  # fmt: skip
BATCH_TICKETS = 200


class BadFile(ValueError):
    """The file is not in the layout at all (no header, missing columns)."""


class CsvRow(BaseModel):
    """One row: one message of a ticket; the ticket's columns are read from its first row."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    ticket_id: str = Field(min_length=1, max_length=100)
    subject: str | None = Field(None, max_length=500)
    status: Status = "open"
    priority: Priority = "normal"
    channel: Channel = "email"
    language: Language = "fr"
    tags: str | None = None
    customer_email: EmailStr | None = None
    customer_name: str | None = Field(None, max_length=200)
    assignee_email: EmailStr | None = None
    assignee_name: str | None = Field(None, max_length=200)
    message_id: str | None = Field(None, max_length=100)
    author: Literal["customer", "agent", "system"] = "customer"
    author_email: EmailStr | None = None
    author_name: str | None = Field(None, max_length=200)
    internal: bool = False
    created_at: datetime
    body: str = Field(min_length=1, max_length=200_000)

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """Times with an offset are moved to UTC; times without one are taken as UTC."""
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "row"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


class CsvSource:
    """A CSV file in the documented layout."""

    name = "csv"

    def __init__(self, text: str, label: str) -> None:
        self.text = text
        # The same file resumes its run; another file (or an edited one) starts its own.
        self.account = f"{label}#{hashlib.sha256(text.encode()).hexdigest()[:12]}"

    @classmethod
    def from_path(cls, path: Path) -> CsvSource:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadFile(f"{path} is not UTF-8 text ({exc.reason})") from exc
        return cls(text, path.name)

    def check(self) -> None:
        """Raise BadFile when the file is not in the layout at all (before starting)."""
        self._groups()

    def batches(self, cursor: str | None) -> Iterator[Batch]:
        groups, errors = self._groups()
        done = int(cursor or 0)
        total = len(groups)
        # Bad rows are reported once, with the first batch.
        pending_errors = errors if done == 0 else []
        if done >= total:
            if pending_errors:
                yield Batch([], {}, {}, str(done), pending_errors, total)
            return
        for start in range(done, total, BATCH_TICKETS):
            chunk = groups[start : start + BATCH_TICKETS]
            batch = Batch([], {}, {}, str(start + len(chunk)), pending_errors, total)
            pending_errors = []
            for lines, rows in chunk:
                self._ticket(batch, lines, rows)
            yield batch

    def _groups(self) -> tuple[list[tuple[list[int], list[CsvRow]]], list[dict]]:
        """The valid rows grouped by ticket in file order, and the bad rows."""
        reader = csv.DictReader(io.StringIO(self.text, newline=""))
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise BadFile(f"missing column(s): {', '.join(missing)} (layout: README)")
        reader.fieldnames = header
        groups: dict[str, tuple[list[int], list[CsvRow]]] = {}
        errors: list[dict] = []
        for raw in reader:
            line = reader.line_num
            if None in raw:
                errors.append({"line": line, "reason": "more cells than columns"})
                continue
            try:
                # A blank cell is an absent one (the ticket's columns are on its first row).
                row = CsvRow.model_validate({k: v for k, v in raw.items() if v and v.strip()})
            except ValidationError as exc:
                errors.append({"line": line, "reason": _reason(exc)})
                continue
            lines, rows = groups.setdefault(row.ticket_id, ([], []))
            lines.append(line)
            rows.append(row)
        return list(groups.values()), errors

    def _ticket(self, batch: Batch, lines: list[int], rows: list[CsvRow]) -> None:
        first = rows[0]
        customer = next((r for r in rows if r.customer_email), None)
        if customer is None or not first.subject:
            what = "customer_email" if customer is None else "subject"
            batch.errors.append(
                {"line": lines[0], "reason": f"ticket {first.ticket_id}: no {what}"}
            )
            return
        customer_key = str(customer.customer_email).lower()
        batch.customers[customer_key] = PersonRow(
            customer_key, customer_key, customer.customer_name, first.language
        )
        assignee = None
        if first.assignee_email:
            assignee = str(first.assignee_email).lower()
            batch.agents[assignee] = PersonRow(
                assignee, assignee, first.assignee_name, first.language
            )
        messages = []
        for n, row in enumerate(sorted(rows, key=lambda r: r.created_at)):
            author = None
            if row.author == "agent" and row.author_email:
                author = str(row.author_email).lower()
                batch.agents.setdefault(
                    author, PersonRow(author, author, row.author_name, first.language)
                )
            elif row.author == "customer":
                author = customer_key
            kind = "note" if row.internal else "inbound" if row.author == "customer" else "outbound"
            messages.append(
                MessageRow(
                    # A message id is the ticket's own (other helpdesks number per ticket).
                    source_id=f"{row.ticket_id}/{row.message_id or n + 1}",
                    kind=kind,
                    author_type=row.author,
                    author=author,
                    author_name=row.author_name
                    or (customer.customer_name if author == customer_key else None),
                    body_text=row.body,
                    body_html=None,
                    at=row.created_at,
                )
            )
        tags = tuple(t.strip() for t in (first.tags or "").split(";") if t.strip())
        batch.tickets.append(
            TicketRow(
                source_id=first.ticket_id,
                subject=first.subject,
                status=first.status,
                priority=first.priority,
                channel=first.channel,
                language=first.language,
                customer=customer_key,
                assignee=assignee,
                tags=tags,
                created_at=messages[0].at,
                updated_at=messages[-1].at,
                solved_at=messages[-1].at if first.status in ("solved", "closed") else None,
                messages=tuple(messages),
            )
        )
