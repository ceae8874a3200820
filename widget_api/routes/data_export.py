"""Export and privacy requests (issue 17), administrators only: the whole store as one
archive, and one customer's lookup, data download and erasure."""

from __future__ import annotations

import tempfile
from pathlib import Path

from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import File
from pydantic import BaseModel

from widget_api.domain import data_export, privacy_requests
from widget_api.routes.guards import admin_required
from widget_api.storage.rows import utcnow

_TAGS = ["export"]


class CustomerMatch(BaseModel):
    id: int
    email: str | None
    name: str | None
    phone: str | None
    language: str | None


class ErasureResult(BaseModel):
    customer_id: int
    tickets: int
    messages: int
    orders: int


@get("/api/v1/export", operation_id="ExportEverything", tags=_TAGS, guards=[admin_required],
     media_type="application/zip", sync_to_thread=True)  # fmt: skip
def export_everything(state: State) -> File:
    """Every table as JSON Lines, attachments as files, ``tickets.csv`` and a ``README.md``
    describing each file and column, in one zip. Secrets are never in it."""
    tmp = Path(tempfile.mkdtemp(prefix="comptoir-export-"))
    name = f"comptoir-export-{utcnow():%Y%m%d-%H%M%S}.zip"
    out = tmp / name
    data_export.export(state.db, out)

    def cleanup() -> None:
        out.unlink(missing_ok=True)
        tmp.rmdir()

    return File(path=out, filename=name, media_type="application/zip",
                background=BackgroundTask(cleanup))  # fmt: skip


@get("/api/v1/customers/lookup", operation_id="LookupCustomer", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def lookup_customer(state: State, q: FromQuery[str]) -> list[CustomerMatch]:
    """Customers found by e-mail, phone or order number (at most 20)."""
    return [CustomerMatch(**row) for row in privacy_requests.lookup(state.db, q)]


@get("/api/v1/customers/{customer_id:int}/export", operation_id="ExportCustomerData",
     tags=_TAGS, guards=[admin_required], media_type="application/zip",
     sync_to_thread=True)  # fmt: skip
def export_customer(state: State, request: Request, customer_id: FromPath[int]) -> Response:
    """An access request: a zip of the customer's data (``customer.json``: customer, tickets
    with messages, orders, returns, CSAT) and their attachments. Logged
    (``customer.data_exported``) with the agent."""
    body = privacy_requests.export_customer(state.db, customer_id, request.state.agent.id)
    return Response(
        body, media_type="application/zip",
        headers={"Content-Disposition":
                 f'attachment; filename="customer-{customer_id}.zip"'},
    )  # fmt: skip


@post("/api/v1/customers/{customer_id:int}/erase", operation_id="EraseCustomer", tags=_TAGS,
      guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def erase_customer(state: State, request: Request, customer_id: FromPath[int]) -> ErasureResult:
    """Erase the customer's personal data everywhere while every count stays; logged
    (``customer.redacted``) with the agent."""
    counts = privacy_requests.erase(state.db, customer_id, request.state.agent.id)
    return ErasureResult(customer_id=customer_id, **counts)


HANDLERS = [export_everything, lookup_customer, export_customer, erase_customer]
