"""Orders and customers mirrored from a commerce platform, stored in the same ``orders`` /
``order_lines`` / ``customers`` tables as the built-in store's, keyed by (source, external_id).

Callers pass plain column dicts (``dataclasses.asdict`` of ``commerce.platform.SyncedOrder``
less ``lines``/``customer``); an upsert that changes anything logs ``order.updated`` with the
changed columns, so rules and listeners see orders move.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, append
from widget_api.storage.rows import one, to_db_time

_LINE_COLUMNS = (
    "external_id", "sku", "title", "size", "color", "quantity", "unit_price_cents",
    "variant_title", "tax_cents",
)  # fmt: skip
# Order columns a platform may set (the rest are ours: id, customer_id, source, synced_at).
ORDER_COLUMNS = (
    "external_id", "number", "placed_at", "platform_updated_at", "currency", "subtotal_cents",
    "shipping_cents", "discount_cents", "gst_cents", "qst_cents", "total_cents",
    "financial_status", "fulfillment_status", "platform_financial_status",
    "platform_fulfillment_status", "email", "payment_method", "carrier", "tracking_number",
    "tracking_url", "shipped_at", "delivered_at", "cancelled_at", "ship_name", "ship_address1",
    "ship_address2", "ship_city", "ship_province", "ship_postal_code", "ship_country",
    "ship_phone", "channel",
)  # fmt: skip


def order_id_by_external(cur: Cursor, source: str, external_id: str) -> int | None:
    row = cur.execute(
        "SELECT id FROM orders WHERE source = ? AND external_id = ?", [source, external_id]
    ).fetchone()
    return int(row[0]) if row else None


def upsert_customer(w: Writer, source: str, customer: dict[str, Any], at: datetime) -> int:
    """The Comptoir customer for a platform customer: found by its platform id, else by e-mail,
    else created. Platform data fills what is missing and never blanks what is known."""
    external_id = str(customer["external_id"])
    email = (customer.get("email") or "").lower() or None
    found = one(
        w.cur.execute(
            "SELECT id, email, name, phone, external_ids FROM customers"
            " WHERE json_extract_string(external_ids, ?) = ?"
            " OR (? IS NOT NULL AND email = ?) ORDER BY (email = ?) DESC NULLS LAST LIMIT 1",
            [f"$.{source}", external_id, email, email, email],
        )
    )
    if found is None:
        customer_id = w.next_id("customers")
        w.cur.execute(
            "INSERT INTO customers (id, email, name, phone, language, created_at, external_ids)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [customer_id, email, customer.get("name"), customer.get("phone"),
             customer.get("language") or "fr", at, json.dumps({source: external_id})],
        )  # fmt: skip
        return customer_id
    ids = json.loads(found["external_ids"] or "{}") | {source: external_id}
    w.cur.execute(
        "UPDATE customers SET external_ids = ?, email = coalesce(email, ?),"
        " name = coalesce(name, ?), phone = coalesce(phone, ?) WHERE id = ?",
        [json.dumps(ids), email, customer.get("name"), customer.get("phone"), found["id"]],
    )
    return int(found["id"])


def upsert_order(
    w: Writer,
    source: str,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    customer_id: int,
    at: datetime,
) -> tuple[int, dict[str, list]]:
    """Insert or update one platform order and replace its lines; returns (order id, changes)
    where changes maps each changed column to [before, after] (empty when nothing changed, in
    which case nothing is written). A delivery older than what is stored is ignored."""
    row = {k: _db(order.get(k)) for k in ORDER_COLUMNS}
    row["ship_country"] = row["ship_country"] or "CA"
    row["channel"] = row["channel"] or "web"
    existing_id = order_id_by_external(w.cur, source, str(row["external_id"]))
    if existing_id is None:
        order_id = w.next_id("orders")
        full = {"id": order_id, "source": source, "customer_id": customer_id, "synced_at": at}
        full |= row
        w.cur.execute(
            f"INSERT INTO orders ({', '.join(full)}) VALUES ({', '.join('?' for _ in full)})",
            list(full.values()),
        )
        _replace_lines(w, order_id, lines)
        append(w, name=ev.ORDER_UPDATED, actor=SYSTEM, entity_type="order", entity_id=order_id,
               at=at, after={"changes": {"created": [None, True]}})  # fmt: skip
        return order_id, {"created": [None, True]}
    before = one(
        w.cur.execute(f"SELECT {', '.join(ORDER_COLUMNS)} FROM orders WHERE id = ?", [existing_id])
    )
    stored_at, new_at = before.get("platform_updated_at"), row.get("platform_updated_at")
    if stored_at and new_at and new_at < to_db_time(stored_at):
        return existing_id, {}
    changes = {
        k: [_plain(before[k]), _plain(row[k])]
        for k in ORDER_COLUMNS
        if k != "platform_updated_at" and _plain(before[k]) != _plain(row[k])
    }
    lines_changed = _lines_differ(w.cur, existing_id, lines)
    if not changes and not lines_changed:
        return existing_id, {}
    sets = ", ".join(f"{k} = ?" for k in row)
    w.cur.execute(
        f"UPDATE orders SET {sets}, customer_id = ?, synced_at = ? WHERE id = ?",
        [*row.values(), customer_id, at, existing_id],
    )
    if lines_changed:
        _replace_lines(w, existing_id, lines)
        changes["lines"] = [None, len(lines)]
    append(w, name=ev.ORDER_UPDATED, actor=SYSTEM, entity_type="order", entity_id=existing_id,
           at=at, after={"changes": changes})  # fmt: skip
    return existing_id, changes


def delete_order(w: Writer, source: str, external_id: str, at: datetime) -> int | None:
    """A platform deleted the order: it is kept (tickets refer to it) but marked cancelled."""
    order_id = order_id_by_external(w.cur, source, external_id)
    if order_id is None:
        return None
    w.cur.execute(
        "UPDATE orders SET fulfillment_status = 'cancelled', cancelled_at = coalesce(cancelled_at,"
        " ?), platform_fulfillment_status = 'deleted', synced_at = ? WHERE id = ?",
        [at, at, order_id],
    )
    append(w, name=ev.ORDER_UPDATED, actor=SYSTEM, entity_type="order", entity_id=order_id,
           at=at, after={"changes": {"deleted": [False, True]}})  # fmt: skip
    return order_id


def _db(value: Any) -> Any:
    return to_db_time(value) if isinstance(value, datetime) else value


def _plain(value: Any) -> Any:
    """Comparable and JSON-ready: datetimes as naive-UTC ISO text."""
    return to_db_time(value).isoformat() if isinstance(value, datetime) else value


def _lines_differ(cur: Cursor, order_id: int, lines: list[dict[str, Any]]) -> bool:
    cur.execute(
        f"SELECT {', '.join(_LINE_COLUMNS)} FROM order_lines WHERE order_id = ? ORDER BY id",
        [order_id],
    )
    stored = [tuple(r) for r in cur.fetchall()]
    wanted = [tuple(line.get(k) for k in _LINE_COLUMNS) for line in lines]
    return stored != wanted


def _replace_lines(w: Writer, order_id: int, lines: list[dict[str, Any]]) -> None:
    """Lines keep their Comptoir id when the platform line id is known (refunds name them)."""
    cur = w.cur
    cur.execute("SELECT external_id, id FROM order_lines WHERE order_id = ?", [order_id])
    kept = {ext: line_id for ext, line_id in cur.fetchall() if ext}
    cur.execute("DELETE FROM order_lines WHERE order_id = ?", [order_id])
    for line in lines:
        line_id = kept.get(line.get("external_id")) or w.next_id("order_lines")
        values = {"id": line_id, "order_id": order_id} | {k: line.get(k) for k in _LINE_COLUMNS}
        cur.execute(
            f"INSERT INTO order_lines ({', '.join(values)})"
            f" VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )


def synced_customers(cur: Cursor, source: str) -> int:
    """How many customers came from ``source`` (their platform id is known)."""
    return cur.execute(
        "SELECT count(*) FROM customers WHERE json_extract_string(external_ids, ?) IS NOT NULL",
        [f"$.{source}"],
    ).fetchone()[0]
