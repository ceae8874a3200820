"""What ``comptoir orders import`` writes beside the commerce mirror's upserts."""

from __future__ import annotations

from widget_api.storage.db import Cursor, Writer


def numbers_taken(cur: Cursor, numbers: list[str]) -> dict[str, dict]:
    """Stored orders with these numbers: number → {id, source, external_id}."""
    if not numbers:
        return {}
    cur.execute(
        "SELECT number, id, source, external_id FROM orders WHERE list_contains(?, number)",
        [numbers],
    )
    return {
        row[0]: {"id": row[1], "source": row[2], "external_id": row[3]} for row in cur.fetchall()
    }


def fill_phone(w: Writer, customer_id: int, phone: str) -> None:
    """A known customer's missing phone is filled in, never overwritten."""
    w.cur.execute(
        "UPDATE customers SET phone = coalesce(phone, ?) WHERE id = ?", [phone, customer_id]
    )
