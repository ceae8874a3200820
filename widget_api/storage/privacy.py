"""Erasing a customer's personal data (Shopify ``customers/redact`` and ``shop/redact``, or a
merchant's own decision) while keeping every row, so ticket, message, order and SLA counts and
the analytics computed from the event log stay right.

What is erased, table by table (every table of the migrations that holds personal data):

- ``customers``: e-mail, phone and platform ids are cleared, the name becomes :data:`REDACTED`;
- ``tickets`` of the customer: subject, search text, channel metadata (``source``); the search
  document and its trigram signatures are rebuilt from what is left, so a search for the
  customer's name, address or words finds nothing;
- ``messages`` of those tickets (the customer's, and the replies and notes written to or about
  them) and the customer's own messages in any ticket (merged ones): bodies, the customer's
  author name, metadata values that name them;
- ``attachments`` of those tickets: content, file name and digest;
- ``mail_messages`` (raw mail, addresses, subject) and ``mail_outbox`` (raw mail, recipients; a
  queued one is failed, never sent) of those tickets or from/to the customer's address;
- ``orders`` of the customer (and the platform orders named by the request): e-mail, shipping
  name, street, city, postal code, phone and tracking (province and country stay for the tax
  reports); ``order_actions`` requests that name them;
- ``returns``: the customer's comment, and the return labels' content (they print the address);
- ``csat_ratings``: the comment (the score stays);
- ``events`` of those tickets, orders, returns and of the customer, and any event naming the
  e-mail: personal fields (subject, addresses, ...) and any text naming the customer;
- ``agent_notifications`` and ``commerce_webhooks`` bodies naming the customer (a delivery still
  waiting is ignored: it would bring the data back).

Left as they are: ``blocks`` (a blocked address keeps being blocked), aggregate tables
(``sla_outcomes``, ``help_searches``: no link to a customer), refunds and store credits (amounts
and codes).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.storage import search_signatures as signatures
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, Actor, append
from widget_api.text import fold

#: What erased text reads as, in both languages (stored data, not a UI string).
REDACTED = "[effacé / erased]"
#: JSON keys whose values are personal wherever they appear in an erased record.
PERSONAL_KEYS = frozenset({
    "subject", "email", "name", "phone", "first_name", "last_name", "address", "address1",
    "address2", "city", "zip", "postal_code", "body", "body_text", "body_html", "comment",
    "note", "ship_name", "ship_address1", "ship_address2", "ship_city", "ship_postal_code",
    "ship_phone", "tracking_number", "tracking_url", "author_name", "from", "to", "reply_to",
    "customer_name", "customer_email", "filename", "page_url", "url", "ip",
})  # fmt: skip
_ORDER_PERSONAL = (
    "email", "ship_name", "ship_address1", "ship_address2", "ship_city", "ship_postal_code",
    "ship_phone", "tracking_number", "tracking_url",
)  # fmt: skip
# The order fields searched for in other text (the city alone names nobody).
_ORDER_NEEDLES = ("email", "ship_name", "ship_address1", "ship_address2", "ship_postal_code",
                  "ship_phone", "tracking_number")  # fmt: skip
_ORDER_STRONG = ("email", "ship_address1", "ship_phone", "tracking_number")
_EMPTY_SHA = hashlib.sha256(b"").hexdigest()


# -- who ------------------------------------------------------------------------------------------
def customers_matching(
    cur: Cursor, platform: str, external_id: str | None, email: str | None,
    order_external_ids: list[str] | tuple[str, ...] = (),
) -> list[int]:  # fmt: skip
    """The customers a platform's privacy request names: by the platform's customer id, by
    e-mail, and the owners of the platform orders it lists."""
    email = (email or "").strip().lower() or None
    cur.execute(
        "SELECT id FROM customers WHERE (? IS NOT NULL"
        " AND json_extract_string(external_ids, ?) = ?) OR (? IS NOT NULL AND email = ?)"
        " UNION SELECT customer_id FROM orders WHERE source = ? AND list_contains(?::VARCHAR[],"
        " external_id) ORDER BY 1",
        [external_id, f"$.{platform}", external_id, email, email, platform,
         list(order_external_ids)],
    )  # fmt: skip
    return [int(row[0]) for row in cur.fetchall()]


def customers_of_platform(cur: Cursor, platform: str) -> list[int]:
    """Every customer synced from ``platform`` (its id is in ``customers.external_ids``)."""
    cur.execute(
        "SELECT id FROM customers WHERE json_extract_string(external_ids, ?) IS NOT NULL"
        " ORDER BY id",
        [f"$.{platform}"],
    )
    return [int(row[0]) for row in cur.fetchall()]


def orders_by_external(cur: Cursor, platform: str, external_ids: list[str]) -> list[int]:
    cur.execute(
        "SELECT id FROM orders WHERE source = ? AND list_contains(?::VARCHAR[], external_id)",
        [platform, list(external_ids)],
    )
    return [int(row[0]) for row in cur.fetchall()]


# -- erasing --------------------------------------------------------------------------------------
def erase_customer(
    w: Writer, customer_id: int, at: datetime, *, actor: Actor = SYSTEM, reason: str = "",
    extra_order_ids: list[int] | tuple[int, ...] = (),
) -> dict[str, int] | None:  # fmt: skip
    """Erase one customer's personal data everywhere (see the module docstring); logs
    ``customer.redacted`` with counts only. None when there is no such customer."""
    cur = w.cur
    row = cur.execute(
        "SELECT email, name, phone, external_ids FROM customers WHERE id = ?", [customer_id]
    ).fetchone()
    if row is None:
        return None
    email, name, phone, external_ids = row
    ticket_ids = _ids(cur, "SELECT id FROM tickets WHERE customer_id = ?", [customer_id])
    order_ids = sorted(
        set(_ids(cur, "SELECT id FROM orders WHERE customer_id = ?", [customer_id]))
        | set(extra_order_ids)
    )
    return_ids = _ids(
        cur, "SELECT id FROM returns WHERE customer_id = ? OR list_contains(?::BIGINT[], order_id)",
        [customer_id, order_ids],
    )  # fmt: skip
    needles = _needles(cur, [email, name, phone], order_ids, external_ids)
    strong = _needles(cur, [email, phone], order_ids, external_ids, strong=True)

    cur.execute(
        "UPDATE customers SET email = NULL, phone = NULL, external_ids = NULL, name = ?"
        " WHERE id = ?",
        [REDACTED, customer_id],
    )
    # Channel identities and the profiles agents linked (kept to undo a link) name them too.
    cur.execute("DELETE FROM customer_identities WHERE customer_id = ?", [customer_id])
    cur.execute(
        "UPDATE customer_links SET other_customer = NULL, unlinked_at = coalesce(unlinked_at, ?)"
        " WHERE customer_id = ? OR other_customer_id = ?",
        [at, customer_id, customer_id],
    )
    messages = _erase_messages(w, customer_id, ticket_ids, needles)
    _erase_tickets(w, ticket_ids, needles)
    _erase_mail(w, ticket_ids, email)
    _erase_orders(w, order_ids, needles)
    if return_ids:
        cur.execute(
            "UPDATE returns SET comment = NULL WHERE list_contains(?::BIGINT[], id)", [return_ids]
        )
        cur.execute(
            "UPDATE return_labels SET data = ''::BLOB WHERE list_contains(?::BIGINT[], return_id)",
            [return_ids],
        )
    if ticket_ids:
        cur.execute(
            "UPDATE csat_ratings SET comment = NULL WHERE list_contains(?::BIGINT[], ticket_id)",
            [ticket_ids],
        )
    _erase_events(w, customer_id, ticket_ids, order_ids, return_ids, email, needles)
    _erase_texts(w, strong)
    rebuild_search(w, ticket_ids + _ids(
        cur, "SELECT DISTINCT ticket_id FROM messages WHERE author_type = 'customer'"
        " AND author_id = ?", [customer_id],
    ))  # fmt: skip
    counts = {"tickets": len(ticket_ids), "messages": messages, "orders": len(order_ids)}
    append(w, name=ev.CUSTOMER_REDACTED, actor=actor, entity_type="customer",
           entity_id=customer_id, at=at, after={"reason": reason, **counts})  # fmt: skip
    return counts


def erase_orders(w: Writer, order_ids: list[int]) -> None:
    """Erase the personal fields of orders whose customer is not known here (a platform's
    redact request naming orders only)."""
    needles = _needles(w.cur, [], order_ids, None)
    strong = _needles(w.cur, [], order_ids, None, strong=True)
    _erase_orders(w, order_ids, needles)
    _erase_events(w, None, [], order_ids, [], None, needles)
    _erase_texts(w, strong)


def rebuild_search(w: Writer, ticket_ids: list[int]) -> None:
    """Recompute the search document and trigram signatures of these tickets from what they
    hold now (reference, subject, customer, order number, messages)."""
    ticket_ids = sorted(set(ticket_ids))
    if not ticket_ids:
        return
    cur = w.cur
    cur.execute(
        "SELECT t.id, t.ref, t.subject, c.email, c.name, t.order_number FROM tickets t"
        " LEFT JOIN customers c ON c.id = t.customer_id"
        " WHERE list_contains(?::BIGINT[], t.id) ORDER BY t.id",
        [ticket_ids],
    )
    heads = {r[0]: fold(" ".join(filter(None, r[1:]))) for r in cur.fetchall()}
    cur.execute(
        "SELECT ticket_id, body_text FROM messages WHERE list_contains(?::BIGINT[], ticket_id)"
        " ORDER BY id",
        [ticket_ids],
    )
    docs = dict(heads)
    for ticket_id, body in cur.fetchall():
        if ticket_id in docs:
            docs[ticket_id] += " " + fold(body or "")[:4000]
    ids = list(docs)
    sigs = signatures.signatures([docs[i] for i in ids])
    cur.execute(
        f"UPDATE tickets SET search_text = '', search_doc = d.doc,"
        f" {', '.join(f'{col} = d.{col}' for col in signatures.COLUMNS)}"
        " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS doc,"
        f" {signatures.unnest_sql()}) d WHERE tickets.id = d.id",
        [ids, [docs[i] for i in ids], *signatures.column_lists(sigs)],
    )


# -- the parts ------------------------------------------------------------------------------------
def _ids(cur: Cursor, sql: str, params: list) -> list[int]:
    return [int(r[0]) for r in cur.execute(sql, params).fetchall() if r[0] is not None]


def _needles(
    cur: Cursor, values: list[str | None], order_ids: list[int], external_ids: str | None,
    *, strong: bool = False,
) -> list[str]:  # fmt: skip
    """The strings that name the customer, lower-case, longest first: contact details, shipping
    details of their orders, their platform ids. ``strong``: only those that name nobody else
    (e-mail, phone, street, platform ids), for text outside the customer's own records, where
    a first name or a city would erase other people's data."""
    found = [v for v in values if v]
    if order_ids:
        columns = _ORDER_STRONG if strong else _ORDER_NEEDLES
        cur.execute(
            f"SELECT {', '.join(columns)} FROM orders WHERE list_contains(?::BIGINT[], id)",
            [order_ids],
        )
        found += [v for r in cur.fetchall() for v in r if isinstance(v, str)]
    if external_ids:
        found += [str(v) for v in json.loads(external_ids).values() if v]
    # Short values (initials, "QC") would erase unrelated words.
    return sorted({v.strip().lower() for v in found if len(v.strip()) >= 4}, key=len, reverse=True)


def scrub_text(text: str, needles: list[str]) -> str:
    """``text`` with every occurrence of a needle (any case) replaced by :data:`REDACTED`."""
    if not needles or not text:
        return text
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    return pattern.sub(REDACTED, text)


def scrub_json(value: Any, needles: list[str], personal: bool = False) -> Any:
    """A JSON value with personal fields redacted and the needles removed from other text."""
    if isinstance(value, dict):
        return {k: scrub_json(v, needles, personal or k in PERSONAL_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v, needles, personal) for v in value]
    if isinstance(value, str):
        return REDACTED if personal and value else scrub_text(value, needles)
    return value


def _scrub_column(text: str | None, needles: list[str]) -> str | None:
    if text is None:
        return None
    try:
        return json.dumps(scrub_json(json.loads(text), needles))
    except ValueError:
        return json.dumps(scrub_text(text, needles))


def _erase_messages(w: Writer, customer_id: int, ticket_ids: list[int], needles: list[str]) -> int:
    cur = w.cur
    cur.execute(
        "SELECT id, meta FROM messages WHERE list_contains(?::BIGINT[], ticket_id)"
        " OR (author_type = 'customer' AND author_id = ?)",
        [ticket_ids, customer_id],
    )
    rows = cur.fetchall()
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    metas = [_scrub_column(r[1], needles) for r in rows]
    cur.execute(
        "UPDATE messages SET body_text = ?, body_html = NULL, meta = d.meta::JSON,"
        " author_name = CASE WHEN author_type = 'customer' THEN ? ELSE author_name END"
        " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS meta) d"
        " WHERE messages.id = d.id",
        [REDACTED, REDACTED, ids, metas],
    )
    cur.execute(
        "UPDATE attachments SET data = ''::BLOB, filename = ?, sha256 = ?"
        " WHERE list_contains(?::BIGINT[], ticket_id) OR list_contains(?::BIGINT[], message_id)",
        [REDACTED, _EMPTY_SHA, ticket_ids, ids],
    )
    return len(ids)


def _erase_tickets(w: Writer, ticket_ids: list[int], needles: list[str]) -> None:
    if not ticket_ids:
        return
    cur = w.cur
    cur.execute("SELECT id, source FROM tickets WHERE list_contains(?::BIGINT[], id)", [ticket_ids])
    rows = cur.fetchall()
    cur.execute(
        "UPDATE tickets SET subject = ?, source = d.source::JSON"
        " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS source) d"
        " WHERE tickets.id = d.id",
        [REDACTED, [r[0] for r in rows], [_scrub_column(r[1], needles) for r in rows]],
    )


def _erase_mail(w: Writer, ticket_ids: list[int], email: str | None) -> None:
    cur = w.cur
    email = (email or "").lower() or None
    cur.execute(
        "UPDATE mail_messages SET raw = ''::BLOB, from_address = NULL, reply_address = NULL,"
        " recipients = [], subject = ?, envelope = NULL"
        " WHERE list_contains(?::BIGINT[], ticket_id) OR (? IS NOT NULL AND"
        " (lower(from_address) = ? OR lower(reply_address) = ?"
        "  OR list_contains(list_transform(recipients, lambda r: lower(r)), ?)))",
        [REDACTED, ticket_ids, email, email, email, email],
    )
    cur.execute(
        "UPDATE mail_outbox SET raw = ''::BLOB, rcpt_to = [],"
        " status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END,"
        " last_error = CASE WHEN status = 'queued' THEN 'erased' ELSE last_error END"
        " WHERE list_contains(?::BIGINT[], ticket_id) OR (? IS NOT NULL AND"
        " list_contains(list_transform(rcpt_to, lambda r: lower(r)), ?))",
        [ticket_ids, email, email],
    )


def _erase_orders(w: Writer, order_ids: list[int], needles: list[str]) -> None:
    if not order_ids:
        return
    cur = w.cur
    cur.execute(
        f"UPDATE orders SET {', '.join(f'{c} = NULL' for c in _ORDER_PERSONAL)}"
        " WHERE list_contains(?::BIGINT[], id)",
        [order_ids],
    )
    cur.execute(
        "SELECT id, request FROM order_actions WHERE list_contains(?::BIGINT[], order_id)",
        [order_ids],
    )
    for action_id, request in cur.fetchall():
        cur.execute(
            "UPDATE order_actions SET request = ?::JSON WHERE id = ?",
            [_scrub_column(request, needles) or "{}", action_id],
        )


def _erase_events(
    w: Writer, customer_id: int | None, ticket_ids: list[int], order_ids: list[int],
    return_ids: list[int], email: str | None, needles: list[str],
) -> None:  # fmt: skip
    cur = w.cur
    email = (email or "").lower() or None
    cur.execute(
        "SELECT id, before, after FROM events WHERE list_contains(?::BIGINT[], ticket_id)"
        " OR (entity_type = 'order' AND list_contains(?::BIGINT[], entity_id))"
        " OR (entity_type = 'return' AND list_contains(?::BIGINT[], entity_id))"
        " OR (entity_type = 'customer' AND entity_id = ?)"
        " OR (? IS NOT NULL AND contains(lower(CAST(after AS VARCHAR)), ?))",
        [ticket_ids, order_ids, return_ids, customer_id, email, email],
    )
    rows = cur.fetchall()
    if not rows:
        return
    cur.execute(
        "UPDATE events SET before = d.b::JSON, after = d.a::JSON"
        " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS b,"
        " unnest(?::VARCHAR[]) AS a) d WHERE events.id = d.id",
        [[r[0] for r in rows], [_scrub_column(r[1], needles) for r in rows],
         [_scrub_column(r[2], needles) for r in rows]],
    )  # fmt: skip


def _erase_texts(w: Writer, needles: list[str]) -> None:
    """Free text elsewhere that names the customer: notifications, raw platform webhooks."""
    if not needles:
        return
    cur = w.cur
    test = " OR ".join("contains(lower(body), ?)" for _ in needles)
    cur.execute(f"SELECT id, body FROM agent_notifications WHERE {test}", needles)
    for notification_id, body in cur.fetchall():
        cur.execute(
            "UPDATE agent_notifications SET body = ? WHERE id = ?",
            [scrub_text(body, needles), notification_id],
        )
    cur.execute(
        "UPDATE commerce_webhooks SET body = '{}',"
        " error = CASE WHEN status = 'received' THEN 'erased' ELSE error END,"
        " status = CASE WHEN status = 'received' THEN 'ignored' ELSE status END"
        f" WHERE {test}",
        needles,
    )
