"""Returns (RMA): requests and their lines, inspections, labels, the local store's refunds,
credits, exchange orders and stock, the 3PL keys, and the KPIs computed from the event log.

Every state change writes its ``return.*`` event in the same transaction (see ``events.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage import search_signatures
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append, changed_without_event
from widget_api.storage.rows import dicts, one

RESOLUTION_EVENTS = ev.RESOLUTION_EVENTS
# Returns that no longer hold units: their quantities can be asked for again.
VOID_STATES = ("cancelled", "rejected")

_RETURN_COLUMNS = (
    "r.id, r.rma, r.order_id, r.customer_id, r.ticket_id, r.state, r.reason, r.outcome,"
    " r.language, r.comment, r.created_by, r.shipping_payer, r.shipping_fee_cents,"
    " r.estimate_cents, r.refund_cents, r.resolution_ref, r.auto_approved, r.policy_override,"
    " r.rejection_reason, r.photo_ids, r.requested_at, r.state_changed_at, r.received_at,"
    " r.inspected_at, r.resolved_at, r.closed_at, o.number AS order_number, t.ref AS ticket_ref,"
    " c.email AS customer_email, c.name AS customer_name"
)
_FROM = (
    " FROM returns r JOIN orders o ON o.id = r.order_id JOIN tickets t ON t.id = r.ticket_id"
    " JOIN customers c ON c.id = r.customer_id"
)


# -- orders and products, as a return needs them -------------------------------------------------
def order_for_return(cur: Cursor, order_id: int) -> dict | None:
    """The order with its lines (ids, product facts) and the units already in live returns."""
    return orders_for_return(cur, [order_id]).get(order_id)


def orders_for_return(cur: Cursor, order_ids: Sequence[int]) -> dict[int, dict]:
    """``order_for_return`` for many orders at once."""
    ids = sorted(set(order_ids))
    cur.execute(
        "SELECT id, number, customer_id, placed_at, currency, subtotal_cents, shipping_cents,"
        " discount_cents, gst_cents, qst_cents, total_cents, financial_status,"
        " fulfillment_status, shipped_at, delivered_at, ship_name, ship_address1, ship_address2,"
        " ship_city, ship_province, ship_postal_code, ship_country, ship_phone"
        " FROM orders WHERE list_contains(?, id)",
        [ids],
    )
    found = {order["id"]: {**order, "lines": []} for order in dicts(cur)}
    cur.execute(
        "WITH taken AS (SELECT rl.order_line_id, sum(rl.quantity) AS units FROM return_lines rl"
        " JOIN returns r ON r.id = rl.return_id"
        f" WHERE r.state NOT IN {VOID_STATES} AND list_contains(?, r.order_id) GROUP BY 1)"
        " SELECT l.order_id, l.id, l.sku, l.title, l.size, l.color, l.quantity,"
        " l.unit_price_cents, coalesce(p.final_sale, FALSE) AS final_sale,"
        " lower(p.category) AS category, p.style, p.stock, (p.id IS NOT NULL) AS known_product,"
        " coalesce(t.units, 0)::INTEGER AS returned"
        " FROM order_lines l LEFT JOIN products p ON p.sku = l.sku"
        " LEFT JOIN taken t ON t.order_line_id = l.id"
        " WHERE list_contains(?, l.order_id) ORDER BY l.order_id, l.id",
        [ids, ids],
    )
    for line in dicts(cur):
        found[line.pop("order_id")]["lines"].append(line)
    return found


def variants(cur: Cursor, styles: Iterable[str]) -> list[dict]:
    """Every SKU of the given styles, for exchanges."""
    wanted = sorted({s for s in styles if s})
    if not wanted:
        return []
    cur.execute(
        "SELECT sku, style, size, color_fr, color_en, stock, final_sale FROM products"
        " WHERE list_contains(?, style) ORDER BY sku",
        [wanted],
    )
    return dicts(cur)


def recent_returns(cur: Cursor, customer_id: int, since: datetime) -> int:
    """Returns the customer asked for since ``since`` (cancelled ones excluded)."""
    (count,) = cur.execute(
        "SELECT count(*) FROM returns WHERE customer_id = ? AND requested_at >= ?"
        " AND state <> 'cancelled'",
        [customer_id, since],
    ).fetchone()
    return int(count)


def customer_email(cur: Cursor, customer_id: int) -> str | None:
    row = cur.execute("SELECT email FROM customers WHERE id = ?", [customer_id]).fetchone()
    return row[0] if row else None


# -- returns -------------------------------------------------------------------------------------
def insert(w: Writer, ret: dict[str, Any], lines: Sequence[dict[str, Any]], actor: Actor) -> int:
    """Store a new return (state ``requested``) and its lines; log ``return.requested``."""
    return_id = ret["id"]
    row = {**ret, "state": "requested", "state_changed_at": ret["requested_at"]}
    w.cur.execute(
        f"INSERT INTO returns ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )
    for line in lines:
        line_row = {"id": w.next_id("return_lines"), "return_id": return_id, **line}
        w.cur.execute(
            f"INSERT INTO return_lines ({', '.join(line_row)})"
            f" VALUES ({', '.join('?' for _ in line_row)})",
            list(line_row.values()),
        )
    append(w, name=ev.RETURN_REQUESTED, actor=actor, entity_type="return", entity_id=return_id,
           ticket_id=ret["ticket_id"], at=ret["requested_at"],
           after=requested_details(ret, lines))  # fmt: skip
    return return_id


def requested_details(ret: dict[str, Any], lines: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ``after`` of ``return.requested``: the KPIs read the reason and lines from it."""
    return {
        "state": "requested", "rma": ret["rma"], "order_id": ret["order_id"],
        "reason": ret["reason"], "outcome": ret["outcome"],
        "estimate_cents": ret["estimate_cents"], "auto_approved": ret["auto_approved"],
        "lines": [{"sku": ln["sku"], "quantity": ln["quantity"],
                   "unit_price_cents": ln["unit_price_cents"]} for ln in lines],
    }  # fmt: skip


_SETTABLE = {
    "received_at", "inspected_at", "resolved_at", "closed_at", "refund_cents", "resolution_ref",
    "rejection_reason", "auto_approved", "outcome",
}  # fmt: skip


def set_state(
    w: Writer,
    return_id: int,
    *,
    before: str,
    after: str,
    actor: Actor,
    at: datetime,
    ticket_id: int,
    columns: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Move a return from ``before`` to ``after`` and log ``return.<after>``."""
    columns = columns or {}
    if not set(columns) <= _SETTABLE:
        raise ValueError(f"not a settable column: {set(columns) - _SETTABLE}")
    sets = ", ".join(f"{col} = ?" for col in ["state", "state_changed_at", *columns])
    w.cur.execute(
        f"UPDATE returns SET {sets} WHERE id = ? AND state = ?",
        [after, at, *columns.values(), return_id, before],
    )
    append(w, name=ev.return_state_event(after), actor=actor, entity_type="return",
           entity_id=return_id, ticket_id=ticket_id, at=at, before={"state": before},
           after={"state": after, **(details or {})})  # fmt: skip
    # The one event a rule listens to for any move of a return.
    append(w, name=ev.RETURN_STATE_CHANGED, actor=actor, entity_type="return",
           entity_id=return_id, ticket_id=ticket_id, at=at, before={"state": before},
           after={"state": after})  # fmt: skip


def log(
    w: Writer, return_id: int, name: str, actor: Actor, at: datetime, ticket_id: int,
    details: dict[str, Any],
) -> None:  # fmt: skip
    """An event about a return that does not change its state (a label issued again...)."""
    append(w, name=name, actor=actor, entity_type="return", entity_id=return_id,
           ticket_id=ticket_id, at=at, after=details)  # fmt: skip


def current(cur: Cursor, return_id: int) -> dict | None:
    """The few fields a write checks before changing a return."""
    cur.execute(
        "SELECT id, rma, state, ticket_id, order_id, customer_id, outcome, language, reason,"
        " shipping_payer, shipping_fee_cents FROM returns WHERE id = ?",
        [return_id],
    )
    return one(cur)


def id_for_rma(cur: Cursor, rma: str) -> int | None:
    row = cur.execute("SELECT id FROM returns WHERE rma = ?", [rma]).fetchone()
    return row[0] if row else None


def token_hash_of(cur: Cursor, return_id: int) -> str | None:
    row = cur.execute("SELECT token_hash FROM returns WHERE id = ?", [return_id]).fetchone()
    return row[0] if row else None


def get(cur: Cursor, return_id: int) -> dict | None:
    cur.execute(f"SELECT {_RETURN_COLUMNS}{_FROM} WHERE r.id = ?", [return_id])
    return one(cur)


def lines(cur: Cursor, return_id: int) -> list[dict]:
    """The return's lines, each with its inspections (oldest first)."""
    cur.execute(
        "SELECT id, order_line_id, sku, title, quantity, unit_price_cents, exchange_sku,"
        " restocked FROM return_lines WHERE return_id = ? ORDER BY id",
        [return_id],
    )
    found = dicts(cur)
    cur.execute(
        "SELECT i.return_line_id, i.quantity, i.outcome, i.accepted, i.notes, i.inspected_at"
        " FROM return_inspections i JOIN return_lines l ON l.id = i.return_line_id"
        " WHERE l.return_id = ? ORDER BY i.id",
        [return_id],
    )
    by_line: dict[int, list[dict]] = {}
    for row in dicts(cur):
        by_line.setdefault(row.pop("return_line_id"), []).append(row)
    for line in found:
        line["inspections"] = by_line.get(line["id"], [])
    return found


def add_inspections(w: Writer, rows: Sequence[dict[str, Any]], at: datetime) -> None:
    for row in rows:
        w.cur.execute(
            "INSERT INTO return_inspections (id, return_line_id, quantity, outcome, accepted,"
            " notes, inspected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [w.next_id("return_inspections"), row["return_line_id"], row["quantity"],
             row["outcome"], row["accepted"], row.get("notes"), at],
        )  # fmt: skip


def mark_restocked(w: Writer, return_line_id: int, quantity: int) -> None:
    w.cur.execute(
        "UPDATE return_lines SET restocked = restocked + ? WHERE id = ?", [quantity, return_line_id]
    )


def add_photo(w: Writer, return_id: int, attachment_id: int) -> None:
    w.cur.execute(
        "UPDATE returns SET photo_ids = list_append(photo_ids, ?) WHERE id = ?",
        [attachment_id, return_id],
    )


def events(cur: Cursor, return_id: int) -> list[dict]:
    """The return's history (without ``return.state_changed``, which repeats each step)."""
    cur.execute(
        "SELECT id, occurred_at, name, actor_type, actor_id, before, after FROM events"
        " WHERE entity_type = 'return' AND entity_id = ? AND name <> ? ORDER BY id",
        [return_id, ev.RETURN_STATE_CHANGED],
    )
    return dicts(cur, ("before", "after"))


# -- labels --------------------------------------------------------------------------------------
def add_label(
    w: Writer, return_id: int, *, carrier: str, tracking_number: str | None, content_type: str,
    data: bytes, at: datetime,
) -> int:  # fmt: skip
    label_id = w.next_id("return_labels")
    w.cur.execute(
        "INSERT INTO return_labels (id, return_id, carrier, tracking_number, content_type, data,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [label_id, return_id, carrier, tracking_number, content_type, data, at],
    )
    return label_id


def label(cur: Cursor, return_id: int, *, with_data: bool = True) -> dict | None:
    """The newest label of the return."""
    data = ", data" if with_data else ""
    cur.execute(
        f"SELECT carrier, tracking_number, content_type, created_at{data} FROM return_labels"
        " WHERE return_id = ? ORDER BY id DESC LIMIT 1",
        [return_id],
    )
    return one(cur)


# -- the dashboard list --------------------------------------------------------------------------
def _where(query, states_only: Sequence[str] | None = None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    states = list(query.state or [])
    if states_only is not None:
        states = [s for s in states if s in states_only] if states else list(states_only)
        if not states:
            return "FALSE", []
    if states:
        clauses.append(f"r.state IN ({', '.join('?' for _ in states)})")
        params += states
    if query.reason:
        clauses.append(f"r.reason IN ({', '.join('?' for _ in query.reason)})")
        params += list(query.reason)
    if query.sku:
        clauses.append(
            "EXISTS (SELECT 1 FROM return_lines l WHERE l.return_id = r.id AND l.sku = ?)"
        )
        params.append(query.sku.strip().upper())
    if query.q:
        clauses.append("(r.rma = ? OR upper(o.number) = ? OR lower(c.email) = ?)")
        text = query.q.strip()
        params += [text.upper(), text.upper(), text.lower()]
    if query.requested_from:
        clauses.append("r.requested_at >= ?")
        params.append(query.requested_from)
    if query.requested_to:
        clauses.append("r.requested_at < ?::DATE + 1")
        params.append(query.requested_to)
    return " AND ".join(clauses) or "TRUE", params


def list_rows(
    cur: Cursor, query, *, states_only: Sequence[str] | None = None, paged: bool = True
) -> tuple[list[dict], int]:
    """Matching returns, newest first, with their SKUs and units; and how many match."""
    where, params = _where(query, states_only)
    (total,) = cur.execute(f"SELECT count(*){_FROM} WHERE {where}", params).fetchone()
    limit = " LIMIT ? OFFSET ?" if paged else ""
    cur.execute(
        f"SELECT {_RETURN_COLUMNS},"
        " (SELECT list(l.sku ORDER BY l.id) FROM return_lines l WHERE l.return_id = r.id) AS skus,"
        " (SELECT sum(l.quantity) FROM return_lines l WHERE l.return_id = r.id)::INTEGER AS units"
        f"{_FROM} WHERE {where} ORDER BY r.requested_at DESC, r.id DESC{limit}",
        [*params, query.limit, query.offset] if paged else params,
    )
    return dicts(cur), int(total)


# -- the local store backend ---------------------------------------------------------------------
def refund_by_reference(cur: Cursor, reference: str) -> dict | None:
    cur.execute("SELECT id, amount_cents FROM refunds WHERE reference = ?", [reference])
    return one(cur)


def refunded_total(cur: Cursor, order_id: int) -> int:
    (total,) = cur.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM refunds WHERE order_id = ?", [order_id]
    ).fetchone()
    return int(total)


def add_refund(
    w: Writer, *, order_id: int, return_id: int | None, method: str, amount_cents: int,
    lines: list[dict], reference: str, actor: Actor, at: datetime,
) -> int:  # fmt: skip
    """Record money given back and move the order to partially_refunded or refunded."""
    refund_id = w.next_id("refunds")
    w.cur.execute(
        "INSERT INTO refunds (id, order_id, return_id, method, amount_cents, lines, reference,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [refund_id, order_id, return_id, method, amount_cents, json.dumps(lines), reference, at],
    )
    status, total = w.cur.execute(
        "SELECT financial_status, total_cents FROM orders WHERE id = ?", [order_id]
    ).fetchone()
    refunded = refunded_total(w.cur, order_id)
    new_status = "refunded" if refunded >= total else "partially_refunded"
    if new_status != status:
        w.cur.execute("UPDATE orders SET financial_status = ? WHERE id = ?", [new_status, order_id])
    append(w, name=ev.ORDER_REFUNDED, actor=actor, entity_type="order", entity_id=order_id,
           at=at, before={"financial_status": status},
           after={"financial_status": new_status, "amount_cents": amount_cents,
                  "method": method, "reference": reference, "refund_id": refund_id})  # fmt: skip
    return refund_id


def credit_by_reference(cur: Cursor, reference: str) -> dict | None:
    cur.execute("SELECT code, amount_cents FROM store_credits WHERE reference = ?", [reference])
    return one(cur)


def add_store_credit(
    w: Writer, *, customer_id: int, code: str, amount_cents: int, reference: str, at: datetime
) -> int:
    credit_id = w.next_id("store_credits")
    w.cur.execute(
        "INSERT INTO store_credits (id, customer_id, code, amount_cents, reference, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [credit_id, customer_id, code, amount_cents, reference, at],
    )
    return credit_id


def order_id_by_number(cur: Cursor, number: str) -> int | None:
    row = cur.execute("SELECT id FROM orders WHERE number = ?", [number]).fetchone()
    return row[0] if row else None


def change_stock(w: Writer, sku: str, delta: int, actor: Actor, at: datetime, why: str) -> bool:
    """Add ``delta`` units to a SKU's stock; False when the SKU is not in the catalogue."""
    row = w.cur.execute("SELECT id, stock FROM products WHERE sku = ?", [sku]).fetchone()
    if row is None:
        return False
    product_id, stock = row
    w.cur.execute("UPDATE products SET stock = stock + ? WHERE id = ?", [delta, product_id])
    append(w, name=ev.PRODUCT_STOCK_CHANGED, actor=actor, entity_type="product",
           entity_id=product_id, at=at, before={"stock": stock},
           after={"stock": stock + delta, "sku": sku, "why": why})  # fmt: skip
    return True


def stock_of(cur: Cursor, sku: str) -> int | None:
    row = cur.execute("SELECT stock FROM products WHERE sku = ?", [sku]).fetchone()
    return row[0] if row else None


def product_by_sku(cur: Cursor, sku: str) -> dict | None:
    cur.execute(
        "SELECT id, sku, style, name_fr, name_en, size, color_fr, color_en, price_cents, stock"
        " FROM products WHERE sku = ?",
        [sku],
    )
    return one(cur)


# -- 3PL keys ------------------------------------------------------------------------------------
def rotate_tpl_key(w: Writer, key_hash: str, prefix: str, agent_id: int, at: datetime) -> None:
    """Revoke the key in force (if any) and store the new one."""
    w.cur.execute("UPDATE tpl_keys SET revoked_at = ? WHERE revoked_at IS NULL", [at])
    w.cur.execute(
        "INSERT INTO tpl_keys (id, key_hash, prefix, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [w.next_id("tpl_keys"), key_hash, prefix, agent_id, at],
    )
    append(w, name=ev.SETTINGS_TPL_KEY_ROTATED, actor=Actor("agent", agent_id),
           entity_type="settings", entity_id=0, at=at, after={"prefix": prefix})  # fmt: skip


def revoke_tpl_keys(w: Writer, agent_id: int, at: datetime) -> int:
    (count,) = w.cur.execute("SELECT count(*) FROM tpl_keys WHERE revoked_at IS NULL").fetchone()
    w.cur.execute("UPDATE tpl_keys SET revoked_at = ? WHERE revoked_at IS NULL", [at])
    if count:
        append(w, name=ev.SETTINGS_TPL_KEY_REVOKED, actor=Actor("agent", agent_id),
               entity_type="settings", entity_id=0, at=at, after={"revoked": count})  # fmt: skip
    return int(count)


def tpl_key_in_force(cur: Cursor) -> dict | None:
    cur.execute(
        "SELECT prefix, created_at FROM tpl_keys WHERE revoked_at IS NULL ORDER BY id DESC LIMIT 1"
    )
    return one(cur)


def tpl_key_valid(cur: Cursor, key_hash: str) -> bool:
    row = cur.execute(
        "SELECT 1 FROM tpl_keys WHERE key_hash = ? AND revoked_at IS NULL", [key_hash]
    ).fetchone()
    return row is not None


# -- KPIs, from the event log ------------------------------------------------------------------
_REQUESTED_LINES = """
WITH requested AS (
    SELECT e.entity_id AS return_id, e.after->>'reason' AS reason,
           unnest(from_json(e.after->'lines', '[{"sku": "VARCHAR", "quantity": "INTEGER"}]'),
                  recursive := true)
    FROM events e
    WHERE e.entity_type = 'return' AND e.name = 'return.requested'
      AND e.occurred_at >= $start AND e.occurred_at < $end
      AND NOT EXISTS (SELECT 1 FROM events x WHERE x.entity_type = 'return'
                      AND x.entity_id = e.entity_id
                      AND x.name IN ('return.cancelled', 'return.rejected'))
),
sold AS (
    SELECT l.sku, sum(l.quantity)::BIGINT AS units
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE o.placed_at >= $start AND o.placed_at < $end
      AND o.fulfillment_status <> 'cancelled' AND o.channel <> 'exchange'
    GROUP BY l.sku
)
"""


def kpi_by_sku(cur: Cursor, start: datetime, end: datetime, limit: int = 200) -> list[dict]:
    """Units returned (requests in the period not cancelled or rejected) over units sold (orders
    placed in the period), per SKU with returns."""
    cur.execute(
        _REQUESTED_LINES
        + """
        SELECT r.sku, coalesce(s.units, 0)::BIGINT AS units_sold,
               sum(r.quantity)::BIGINT AS units_returned,
               round(sum(r.quantity) / nullif(s.units, 0), 4)::DOUBLE AS return_rate
        FROM requested r LEFT JOIN sold s ON s.sku = r.sku
        GROUP BY r.sku, s.units
        ORDER BY units_returned DESC, r.sku
        LIMIT $limit
        """,
        {"start": start, "end": end, "limit": limit},
    )
    return dicts(cur)


def kpi_by_reason(cur: Cursor, start: datetime, end: datetime) -> list[dict]:
    """Returns and units per reason, over every unit sold in the period."""
    cur.execute(
        _REQUESTED_LINES
        + """
        SELECT r.reason, count(DISTINCT r.return_id)::BIGINT AS returns,
               sum(r.quantity)::BIGINT AS units_returned,
               (SELECT coalesce(sum(units), 0) FROM sold)::BIGINT AS units_sold,
               round(sum(r.quantity) / nullif((SELECT sum(units) FROM sold), 0), 4)::DOUBLE
                   AS return_rate
        FROM requested r GROUP BY r.reason ORDER BY units_returned DESC, r.reason
        """,
        {"start": start, "end": end},
    )
    return dicts(cur)


def kpi_totals(cur: Cursor, start: datetime, end: datetime) -> dict:
    cur.execute(
        _REQUESTED_LINES
        + """
        SELECT count(DISTINCT r.return_id)::BIGINT AS returns_requested,
               coalesce(sum(r.quantity), 0)::BIGINT AS units_returned,
               (SELECT coalesce(sum(units), 0) FROM sold)::BIGINT AS units_sold
        FROM requested r
        """,
        {"start": start, "end": end},
    )
    return one(cur)


def kpi_durations(cur: Cursor, start: datetime, end: datetime) -> list[dict]:
    """Hours from receipt, and from request, to the refund (or exchange, or credit), for
    returns resolved in the period; first occurrence of each event."""
    names = (ev.RETURN_REQUESTED, ev.RETURN_RECEIVED, *RESOLUTION_EVENTS)
    cur.execute(
        f"""
        WITH t AS (
            SELECT entity_id,
                   min(occurred_at) FILTER (WHERE name = 'return.requested') AS requested,
                   min(occurred_at) FILTER (WHERE name = 'return.received') AS received,
                   min(occurred_at) FILTER (WHERE name IN {RESOLUTION_EVENTS}) AS resolved
            FROM events WHERE entity_type = 'return' AND name IN {names}
            GROUP BY entity_id
        ),
        spans AS (
            SELECT 'receipt_to_refund' AS span, epoch(resolved - received) / 3600.0 AS hours
            FROM t WHERE resolved >= $start AND resolved < $end AND received IS NOT NULL
            UNION ALL
            SELECT 'request_to_refund', epoch(resolved - requested) / 3600.0
            FROM t WHERE resolved >= $start AND resolved < $end AND requested IS NOT NULL
        )
        SELECT s.span, count(h.hours)::BIGINT AS returns,
               round(avg(h.hours), 2)::DOUBLE AS mean_hours,
               round(median(h.hours), 2)::DOUBLE AS median_hours
        FROM (VALUES ('receipt_to_refund'), ('request_to_refund')) s(span)
        LEFT JOIN spans h ON h.span = s.span
        GROUP BY s.span ORDER BY s.span
        """,
        {"start": start, "end": end},
    )
    return dicts(cur)


def kpi_inspections(cur: Cursor, start: datetime, end: datetime) -> list[dict]:
    """Units per inspection outcome (``return.inspected`` events in the period)."""
    cur.execute(
        """
        WITH lines AS (
            SELECT unnest(from_json(after->'lines',
                   '[{"sku": "VARCHAR", "quantity": "INTEGER", "outcome": "VARCHAR"}]'),
                   recursive := true)
            FROM events WHERE entity_type = 'return' AND name = 'return.inspected'
              AND occurred_at >= $start AND occurred_at < $end
        )
        SELECT outcome, sum(quantity)::BIGINT AS units,
               round(sum(quantity) / sum(sum(quantity)) OVER (), 4)::DOUBLE AS share
        FROM lines GROUP BY outcome ORDER BY units DESC, outcome
        """,
        {"start": start, "end": end},
    )
    return dicts(cur)


def kpi_value_by_week(cur: Cursor, start: datetime, end: datetime) -> list[dict]:
    """Money given back per week (Monday), by resolution."""
    cur.execute(
        f"""
        WITH r AS (
            SELECT date_trunc('week', occurred_at)::DATE AS week, name,
                   coalesce((after->>'amount_cents')::BIGINT, 0) AS amount
            FROM events WHERE entity_type = 'return' AND name IN {RESOLUTION_EVENTS}
              AND occurred_at >= $start AND occurred_at < $end
        )
        SELECT week,
               coalesce(sum(amount) FILTER (WHERE name = 'return.refunded'), 0)::BIGINT
                   AS refunded_cents,
               coalesce(sum(amount) FILTER (WHERE name = 'return.credited'), 0)::BIGINT
                   AS credited_cents,
               coalesce(sum(amount) FILTER (WHERE name = 'return.exchanged'), 0)::BIGINT
                   AS exchanged_cents,
               count(*) FILTER (WHERE name = 'return.refunded')::BIGINT AS refunds,
               count(*) FILTER (WHERE name = 'return.credited')::BIGINT AS credits,
               count(*) FILTER (WHERE name = 'return.exchanged')::BIGINT AS exchanges
        FROM r GROUP BY week ORDER BY week
        """,
        {"start": start, "end": end},
    )
    return dicts(cur)


def kpi_resolutions(cur: Cursor, start: datetime, end: datetime) -> list[dict]:
    """Exchanges against refunds and credits in the period."""
    cur.execute(
        f"""
        SELECT replace(name, 'return.', '') AS resolution, count(*)::BIGINT AS returns,
               coalesce(sum((after->>'amount_cents')::BIGINT), 0)::BIGINT AS value_cents
        FROM events WHERE entity_type = 'return' AND name IN {RESOLUTION_EVENTS}
          AND occurred_at >= $start AND occurred_at < $end
        GROUP BY name ORDER BY returns DESC, resolution
        """,
        {"start": start, "end": end},
    )
    return dicts(cur)


# -- demo seeding --------------------------------------------------------------------------------
def delivered_orders(cur: Cursor, since: datetime, until: datetime) -> list[dict]:
    """Delivered orders without a return, with their customer's language and the newest ticket
    about each (id and problem type), oldest delivery first."""
    cur.execute(
        "WITH latest AS (SELECT order_id, arg_max(id, created_at) AS ticket_id,"
        " arg_max(problem_type, created_at) AS problem_type FROM tickets"
        " WHERE order_id IS NOT NULL AND merged_into_id IS NULL GROUP BY order_id)"
        " SELECT o.id, o.delivered_at, o.customer_id, c.language, l.ticket_id, l.problem_type"
        " FROM orders o JOIN customers c ON c.id = o.customer_id"
        " LEFT JOIN latest l ON l.order_id = o.id"
        " WHERE o.fulfillment_status = 'delivered' AND o.delivered_at >= ?"
        " AND o.delivered_at < ? AND o.channel <> 'exchange'"
        " AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id)"
        " ORDER BY o.delivered_at, o.id",
        [since, until],
    )
    return dicts(cur)


def state_counts(cur: Cursor) -> dict[str, int]:
    return dict(cur.execute("SELECT state, count(*) FROM returns GROUP BY state").fetchall())


def ticket_facts(cur: Cursor, ticket_ids: Sequence[int]) -> dict[int, dict]:
    cur.execute(
        "SELECT id, channel, tags, status FROM tickets WHERE list_contains(?, id)",
        [list(ticket_ids)],
    )
    return {row["id"]: row for row in dicts(cur)}


def stock_by_sku(cur: Cursor) -> dict[str, tuple[int, int]]:
    """SKU → (product id, stock)."""
    return {sku: (pid, stock) for pid, sku, stock in cur.execute(
        "SELECT id, sku, stock FROM products").fetchall()}  # fmt: skip


def refunded_by_order(cur: Cursor, order_ids: Sequence[int]) -> dict[int, int]:
    return dict(
        cur.execute(
            "SELECT order_id, sum(amount_cents) FROM refunds WHERE list_contains(?, order_id)"
            " GROUP BY order_id",
            [list(order_ids)],
        ).fetchall()
    )


def bulk_insert(w: Writer, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows in one statement (a column of values per parameter, typed after the
    table). Ids must be allocated already (``w.next_id``); no event is written."""
    if not rows:
        return
    types = dict(
        w.cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
            [table],
        ).fetchall()
    )
    columns = list(rows[0])
    values = ", ".join(f"unnest(?::{types[c]}[])" for c in columns)
    w.cur.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values}",
        [[row[c] for row in rows] for c in columns],
    )


def bulk_ticket_changes(w: Writer, changes: Sequence[dict[str, Any]]) -> None:
    """Per ticket: messages added, newest time, search text to append, tags."""
    if not changes:
        return
    changed_without_event(w, [c["id"] for c in changes])  # their tags
    sigs = search_signatures.signatures([c["search"] for c in changes])
    ors = ", ".join(f"{col} = tickets.{col} | d.{col}" for col in search_signatures.COLUMNS)
    w.cur.execute(
        "UPDATE tickets SET message_count = message_count + d.n,"
        f" updated_at = greatest(updated_at, d.at), search_doc = search_doc || d.search, {ors},"
        " tags = d.tags FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::INTEGER[]) AS n,"
        " unnest(?::TIMESTAMP[]) AS at, unnest(?::VARCHAR[]) AS search,"
        f" unnest(?::VARCHAR[][]) AS tags, {search_signatures.unnest_sql()}) d"
        " WHERE tickets.id = d.id",
        [
            *([c[k] for c in changes] for k in ("id", "messages", "at", "search", "tags")),
            *search_signatures.column_lists(sigs),
        ],
    )


def bulk_financial_status(w: Writer, statuses: dict[int, str]) -> None:
    if statuses:
        w.cur.execute(
            "UPDATE orders SET financial_status = d.s FROM (SELECT unnest(?::BIGINT[]) AS id,"
            " unnest(?::VARCHAR[]) AS s) d WHERE orders.id = d.id",
            [list(statuses), list(statuses.values())],
        )


def bulk_stock(w: Writer, deltas: dict[str, int]) -> None:
    if deltas:
        w.cur.execute(
            "UPDATE products SET stock = stock + d.n FROM (SELECT unnest(?::VARCHAR[]) AS sku,"
            " unnest(?::INTEGER[]) AS n) d WHERE products.sku = d.sku",
            [list(deltas), list(deltas.values())],
        )


def customer_facts(cur: Cursor, customer_ids: Sequence[int]) -> dict[int, dict]:
    cur.execute(
        "SELECT id, email, name, language FROM customers WHERE list_contains(?, id)",
        [sorted(set(customer_ids))],
    )
    return {row["id"]: row for row in dicts(cur)}
