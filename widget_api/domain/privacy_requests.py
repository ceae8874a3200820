"""A customer's access and erasure requests handled by an administrator (Law 25, GDPR): find
them, hand over their data, erase it. Both are logged with the agent."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from widget_api.contracts import events as ev
from widget_api.domain.errors import NotFound
from widget_api.storage import Database, customer_data, privacy
from widget_api.storage.events import Actor, append
from widget_api.storage.export import safe_name
from widget_api.storage.rows import utcnow


def lookup(db: Database, q: str) -> list[dict]:
    if not q.strip():
        return []
    return db.read(lambda cur: customer_data.lookup(cur, q))


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return str(value)


def export_customer(db: Database, customer_id: int, agent_id: int) -> bytes:
    """A zip: ``customer.json`` (customer, tickets with messages, orders, returns, CSAT) and
    ``attachments/<ticket_id>/<id>-<name>``. Logs ``customer.data_exported``."""
    data = db.read(lambda cur: customer_data.collect(cur, customer_id))
    if data is None:
        raise NotFound("error.not_found")
    files = data.pop("attachments")
    for ticket in data["tickets"]:
        ticket["attachments"] = [
            {k: v for k, v in a.items() if k != "data"} | {"file": _path(a)}
            for a in files
            if a["ticket_id"] == ticket["id"]
        ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("customer.json", json.dumps(data, default=_default, ensure_ascii=False,
                                                indent=2))  # fmt: skip
        for a in files:
            zf.writestr(_path(a), bytes(a["data"]))
    counts = {"tickets": len(data["tickets"]), "orders": len(data["orders"]),
              "attachments": len(files)}  # fmt: skip
    db.write(lambda w: append(w, name=ev.CUSTOMER_DATA_EXPORTED, actor=Actor("agent", agent_id),
                              entity_type="customer", entity_id=customer_id, at=utcnow(),
                              after=counts))  # fmt: skip
    return buf.getvalue()


def _path(attachment: dict) -> str:
    name = safe_name(str(attachment.get("filename") or "file"))
    return f"attachments/{attachment['ticket_id']}/{attachment['id']}-{name}"


def erase(db: Database, customer_id: int, agent_id: int) -> dict[str, int]:
    """Erase the customer everywhere (``storage.privacy.erase_customer``, counts kept)."""
    result = db.write(
        lambda w: privacy.erase_customer(
            w, customer_id, utcnow(), actor=Actor("agent", agent_id), reason="agent"
        )
    )
    if result is None:
        raise NotFound("error.not_found")
    return result
