"""Identities linked by agents: merging one customer into another, attaching one identity, and
undoing either from the record kept in ``customer_links`` (migration 0025)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from widget_api.storage.db import Cursor, Writer
from widget_api.storage.rows import dicts, one

#: Rows that belong to a customer and move with a merge (table → its customer column).
OWNED = ("tickets", "orders", "returns", "store_credits")
_CUSTOMER_COLUMNS = ("id", "email", "name", "phone", "language", "created_at", "external_ids")
#: Fields of the kept customer a merge fills when empty (cleared again on unlink).
FILLABLE = ("email", "name", "phone")


def customer_row(cur: Cursor, customer_id: int) -> dict | None:
    cur.execute(f"SELECT {', '.join(_CUSTOMER_COLUMNS)} FROM customers WHERE id = ?", [customer_id])
    return one(cur)


def owned_ids(cur: Cursor, customer_id: int) -> dict[str, list[int]]:
    """Every ticket, order, return and store credit of the customer."""
    return {
        table: [
            int(r[0])
            for r in cur.execute(
                f"SELECT id FROM {table} WHERE customer_id = ? ORDER BY id", [customer_id]
            ).fetchall()
        ]
        for table in OWNED
    }


def move_owned(w: Writer, ids: dict[str, list[int]], to_customer: int) -> None:
    for table in OWNED:
        if ids.get(table):
            w.cur.execute(
                f"UPDATE {table} SET customer_id = ? WHERE list_contains(?::BIGINT[], id)",
                [to_customer, ids[table]],
            )


def still_owned(cur: Cursor, ids: dict[str, list[int]], customer_id: int) -> dict[str, list[int]]:
    """Of ``ids``, those the customer still has (a ticket merged away since stays where it is)."""
    out = {}
    for table in OWNED:
        wanted = ids.get(table) or []
        out[table] = (
            [
                int(r[0])
                for r in cur.execute(
                    f"SELECT id FROM {table} WHERE customer_id = ?"
                    " AND list_contains(?::BIGINT[], id) ORDER BY id",
                    [customer_id, wanted],
                ).fetchall()
            ]
            if wanted
            else []
        )
    return out


#: Where a ticket's source names the identity it came through, per identity kind.
_SOURCE_SENDER = {"phone": "sms", "whatsapp": "whatsapp", "email": "mail",
                  "messenger": "messenger", "instagram": "instagram"}  # fmt: skip
_VIAS = tuple(dict.fromkeys(_SOURCE_SENDER.values()))


def tickets_through(
    cur: Cursor, customer_id: int, since: datetime, identities: list[dict[str, str]]
) -> list[int]:
    """The customer's tickets opened at or after ``since`` through one of these identities
    (an SMS, WhatsApp, Messenger or Instagram message from the number or id, a mail from the
    address; as the ticket's source says: ``{"sms": {"from": ...}}``)."""
    wanted = [
        (_SOURCE_SENDER[i["kind"]], i["value"].lower())
        for i in identities
        if i["kind"] in _SOURCE_SENDER
    ]
    if not wanted:
        return []
    paths = [f"'$.{via}.from'" for via in _VIAS]
    via = " ".join(
        f"WHEN json_extract_string(source, {path}) IS NOT NULL THEN '{name}'"
        for name, path in zip(_VIAS, paths, strict=True)
    )
    sender = ", ".join(f"json_extract_string(source, {path})" for path in paths)
    rows = cur.execute(
        f"SELECT id FROM (SELECT id, CASE {via} END AS via, lower(coalesce({sender})) AS sender"
        " FROM tickets WHERE customer_id = ? AND created_at >= ?)"
        " WHERE list_contains(?::VARCHAR[][], [via, sender]) ORDER BY id",
        [customer_id, since, [list(w) for w in wanted]],
    ).fetchall()
    return [int(r[0]) for r in rows]


def move_identities(w: Writer, identity_ids: list[int], to_customer: int, linked: bool) -> None:
    if identity_ids:
        w.cur.execute(
            "UPDATE customer_identities SET customer_id = ?, linked = ?"
            " WHERE list_contains(?::BIGINT[], id)",
            [to_customer, linked, identity_ids],
        )


def set_identity(w: Writer, identity_id: int, customer_id: int, linked: bool) -> None:
    w.cur.execute(
        "UPDATE customer_identities SET customer_id = ?, linked = ? WHERE id = ?",
        [customer_id, linked, identity_id],
    )


def delete_identities(w: Writer, identity_ids: list[int]) -> None:
    if identity_ids:
        w.cur.execute(
            "DELETE FROM customer_identities WHERE list_contains(?::BIGINT[], id)", [identity_ids]
        )


def identity_by_id(cur: Cursor, identity_id: int) -> dict | None:
    cur.execute(
        "SELECT id, customer_id, kind, value, verified, linked, opted_out_at, created_at"
        " FROM customer_identities WHERE id = ?",
        [identity_id],
    )
    return one(cur)


def identities_by_ids(cur: Cursor, identity_ids: list[int]) -> list[dict]:
    if not identity_ids:
        return []
    cur.execute(
        "SELECT id, customer_id, kind, value FROM customer_identities"
        " WHERE list_contains(?::BIGINT[], id) ORDER BY kind, id",
        [identity_ids],
    )
    return dicts(cur)


def customer_by_email(cur: Cursor, email: str) -> int | None:
    """The customer an address belongs to: its own e-mail, else an e-mail identity."""
    row = cur.execute(
        "SELECT id FROM (SELECT id, 0 AS rank FROM customers WHERE email = ? UNION ALL"
        " SELECT customer_id, 1 FROM customer_identities WHERE kind = 'email' AND value = ?)"
        " ORDER BY rank LIMIT 1",
        [email.lower(), email.lower()],
    ).fetchone()
    return int(row[0]) if row else None


def email_in_use(cur: Cursor, email: str) -> bool:
    """Whether a customer row has this e-mail (it is unique there)."""
    return cur.execute("SELECT 1 FROM customers WHERE email = ?", [email]).fetchone() is not None


def fill(w: Writer, customer_id: int, fields: dict[str, Any]) -> None:
    for field, value in fields.items():
        assert field in FILLABLE
        w.cur.execute(f"UPDATE customers SET {field} = ? WHERE id = ?", [value, customer_id])


def clear_filled(w: Writer, customer_id: int, fields: dict[str, Any]) -> None:
    """Empty the fields a merge filled, where they still hold what it put there."""
    for field, value in fields.items():
        assert field in FILLABLE
        w.cur.execute(
            f"UPDATE customers SET {field} = NULL WHERE id = ? AND {field} = ?",
            [customer_id, value],
        )


def set_external_ids(w: Writer, customer_id: int, external_ids: dict | None) -> None:
    w.cur.execute(
        "UPDATE customers SET external_ids = ? WHERE id = ?",
        [json.dumps(external_ids) if external_ids else None, customer_id],
    )


def delete_customer(w: Writer, customer_id: int) -> None:
    w.cur.execute("DELETE FROM customers WHERE id = ?", [customer_id])


def insert_customer(w: Writer, row: dict[str, Any]) -> None:
    """A customer again, with the id and values it had (a merge undone)."""
    external = row.get("external_ids")
    if isinstance(external, dict):
        external = json.dumps(external)
    w.cur.execute(
        f"INSERT INTO customers ({', '.join(_CUSTOMER_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [row["id"], row.get("email"), row.get("name"), row.get("phone"),
         row.get("language") or "fr", row["created_at"], external],
    )  # fmt: skip


def new_customer(
    w: Writer, *, email: str | None, phone: str | None, language: str, at: datetime
) -> int:
    customer_id = w.next_id("customers")
    w.cur.execute(
        "INSERT INTO customers (id, email, name, phone, language, created_at)"
        " VALUES (?, ?, NULL, ?, ?, ?)",
        [customer_id, email, phone, language, at],
    )
    return customer_id


# -- the records ----------------------------------------------------------------------------------
def record(
    w: Writer, *, customer_id: int, other_customer_id: int | None, other_customer: dict | None,
    moved: dict[str, Any], agent_id: int, at: datetime,
) -> int:  # fmt: skip
    link_id = w.next_id("customer_links")
    w.cur.execute(
        "INSERT INTO customer_links (id, customer_id, other_customer_id, other_customer, moved,"
        " linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [link_id, customer_id, other_customer_id,
         json.dumps(other_customer, default=str) if other_customer else None,
         json.dumps(moved), agent_id, at],
    )  # fmt: skip
    return link_id


def active_links(cur: Cursor, customer_id: int) -> list[dict]:
    """The customer's links not undone, newest first."""
    cur.execute(
        "SELECT id, customer_id, other_customer_id, other_customer, moved, linked_by, linked_at"
        " FROM customer_links WHERE customer_id = ? AND unlinked_at IS NULL ORDER BY id DESC",
        [customer_id],
    )
    return dicts(cur, ("other_customer", "moved"))


def mark_unlinked(w: Writer, link_id: int, agent_id: int, at: datetime) -> None:
    w.cur.execute(
        "UPDATE customer_links SET unlinked_by = ?, unlinked_at = ? WHERE id = ?",
        [agent_id, at, link_id],
    )


def move_links(w: Writer, from_customer: int, to_customer: int) -> list[int]:
    """A merged customer's own active links now belong to the customer it joined."""
    rows = w.cur.execute(
        "UPDATE customer_links SET customer_id = ? WHERE customer_id = ? AND unlinked_at IS NULL"
        " RETURNING id",
        [to_customer, from_customer],
    ).fetchall()
    return [int(r[0]) for r in rows]


def set_link_customer(w: Writer, link_ids: list[int], customer_id: int) -> None:
    if link_ids:
        w.cur.execute(
            "UPDATE customer_links SET customer_id = ? WHERE list_contains(?::BIGINT[], id)",
            [customer_id, link_ids],
        )


# -- finding a customer to link -------------------------------------------------------------------
def search(cur: Cursor, q: str, digits: str, limit: int = 20) -> list[dict]:
    """Customers whose name or e-mail contains ``q`` (accents and case aside), or whose phone or
    any identity holds ``digits`` (seven or more), best first: exact e-mail, then by name."""
    text = q.strip().lower()
    cur.execute(
        "WITH hits AS ("
        " SELECT id FROM customers WHERE contains(lower(email), ?)"
        "  OR contains(strip_accents(lower(name)), strip_accents(?))"
        " UNION SELECT customer_id FROM customer_identities WHERE contains(lower(value), ?)"
        " UNION SELECT id FROM customers WHERE length(?) >= 7"
        "  AND contains(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), ?)"
        " UNION SELECT customer_id FROM customer_identities WHERE length(?) >= 7"
        "  AND kind IN ('phone', 'whatsapp')"
        "  AND contains(regexp_replace(value, '[^0-9]', '', 'g'), ?))"
        " SELECT c.id, c.email, c.name, c.phone, c.language, c.created_at,"
        " (SELECT count(*) FROM tickets t WHERE t.customer_id = c.id) AS ticket_count"
        " FROM customers c JOIN hits h ON h.id = c.id"
        " ORDER BY (lower(c.email) = ?) DESC NULLS LAST, c.name NULLS LAST, c.id LIMIT ?",
        [text, text, text, digits, digits, digits, digits, text, limit],
    )
    return dicts(cur)


def identities_of_many(cur: Cursor, customer_ids: list[int]) -> dict[int, list[dict]]:
    if not customer_ids:
        return {}
    cur.execute(
        "SELECT id, customer_id, kind, value, verified, linked, opted_out_at, created_at"
        " FROM customer_identities WHERE list_contains(?::BIGINT[], customer_id)"
        " ORDER BY kind, id",
        [customer_ids],
    )
    out: dict[int, list[dict]] = {}
    for row in dicts(cur):
        out.setdefault(row.pop("customer_id"), []).append(row)
    return out
