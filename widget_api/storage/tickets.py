"""Tickets and their messages: creation, the filtered list, the full thread, changes.

Every change writes its event in the same transaction (see ``events.py``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from widget_api.contracts import events as ev
from widget_api.contracts.tickets import TicketQuery
from widget_api.refs import ticket_ref
from widget_api.storage import search_signatures as signatures
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append, inserted, snapshot_of_new
from widget_api.storage.rows import dicts, one, utcnow
from widget_api.storage.ticket_filter import TicketFilter, filter_sql
from widget_api.text import fold, search_terms


class BadCursor(ValueError):
    """A pagination cursor that this server did not hand out."""


@dataclass(frozen=True)
class NewTicket:
    subject: str
    body_text: str
    channel: str
    language: str
    customer_id: int
    customer_email: str
    customer_name: str | None
    order_id: int | None
    order_number: str | None
    token_hash: str
    source: dict[str, Any] | None
    at: datetime
    tags: tuple[str, ...] = ()
    status: str = "new"
    priority: str = "normal"
    #: The first message's HTML and metadata (a mail's headers); the metadata defaults to source.
    body_html: str | None = None
    message_meta: dict[str, Any] | None = None


@dataclass(frozen=True)
class NewMessage:
    ticket_id: int
    kind: str  # inbound | outbound | note
    author_type: str
    author_id: int | None
    author_name: str | None
    channel: str
    body_text: str
    body_html: str | None
    meta: dict[str, Any] | None
    at: datetime
    delivery: str = "none"
    mentions: tuple[int, ...] = ()


_SIGNATURE_PARAMS = ", ".join("?" for _ in signatures.COLUMNS)


# -- writes -----------------------------------------------------------------------------------
def create(w: Writer, new: NewTicket, actor: Actor) -> tuple[int, str, int]:
    """Insert the ticket and its first message; return (id, public reference, message id)."""
    return create_many(w, [(new, actor)])[0]


_TICKET_ROW = f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, {_SIGNATURE_PARAMS})"
_ROWS_PER_INSERT = 64  # bounds a statement's parameters (about 35 a ticket)


def create_many(w: Writer, items: list[tuple[NewTicket, Actor]]) -> list[tuple[int, str, int]]:
    """Several tickets with their first messages: one INSERT per table for the lot (a burst of
    intakes costs a few statements, not a few per ticket) and each ticket's events in order.
    Answers (id, public reference, first message id) per ticket."""
    made, texts = [], []
    for new, _ in items:
        ticket_id = w.next_id("tickets")
        ref = ticket_ref(ticket_id)
        parts = [ref, new.subject, new.customer_email, new.customer_name, new.order_number]
        search = fold(" ".join(filter(None, parts)))
        # The first message's effects on the ticket (count, last customer message, its text and
        # trigram bits) go into the INSERT itself: the same row add_message's UPDATE would
        # leave, without that UPDATE of a wide row (the costliest statement of intake).
        added = fold(new.body_text)[:4000]
        made.append((ticket_id, ref, search, added))
        texts += [search, added]
    sigs = signatures.signatures(texts)
    params: list[list[Any]] = []
    for i, ((new, _), (ticket_id, ref, search, added)) in enumerate(zip(items, made, strict=True)):
        params.append([
            ticket_id, ref, new.subject, new.status, new.priority, new.channel, new.language,
            new.customer_id, new.order_id, new.order_number, new.token_hash,
            json.dumps(new.source) if new.source else None, list(new.tags), new.at, new.at,
            new.at, new.at, f"{search} {added}",
            *(int(a) | int(b) for a, b in zip(sigs[2 * i], sigs[2 * i + 1], strict=True)),
        ])  # fmt: skip
    for chunk in range(0, len(params), _ROWS_PER_INSERT):
        rows = params[chunk : chunk + _ROWS_PER_INSERT]
        w.cur.execute(
            "INSERT INTO tickets (id, ref, subject, status, priority, channel, language,"
            " customer_id, order_id, order_number, conversation_token_hash, source, tags,"
            " created_at, updated_at, message_count, last_customer_message_at, status_changed_at,"
            f" search_doc, {', '.join(signatures.COLUMNS)})"
            f" VALUES {', '.join([_TICKET_ROW] * len(rows))}",
            [value for row in rows for value in row],
        )
    firsts = []
    for (new, actor), (ticket_id, *_) in zip(items, made, strict=True):
        row = {"status": new.status, "priority": new.priority, "channel": new.channel,
                    "language": new.language, "tags": list(new.tags),
                    "customer_id": new.customer_id, "order_id": new.order_id}  # fmt: skip
        if (snapshot := snapshot_of_new(row, new.source)) is not None:
            inserted(w, ticket_id, snapshot)
        append(
            w,
            name=ev.TICKET_CREATED,
            actor=actor,
            entity_type="ticket",
            entity_id=ticket_id,
            ticket_id=ticket_id,
            at=new.at,
            after={
                "status": new.status,
                "priority": new.priority,
                "channel": new.channel,
                "language": new.language,
                "subject": new.subject,
                "customer_id": new.customer_id,
                "order_id": new.order_id,
                "problem_type": None,
            },
        )
        firsts.append(
            NewMessage(
                ticket_id=ticket_id,
                kind="inbound",
                author_type="customer",
                author_id=new.customer_id,
                author_name=new.customer_name,
                channel=new.channel,
                body_text=new.body_text,
                body_html=new.body_html,
                meta=new.message_meta if new.message_meta is not None else new.source,
                at=new.at,
            )
        )
    message_ids = _insert_messages(w, firsts)
    for (_, actor), first, message_id in zip(items, firsts, message_ids, strict=True):
        _message_created(w, first, message_id, actor)
    return [(t[0], t[1], m) for t, m in zip(made, message_ids, strict=True)]


def add_message(w: Writer, msg: NewMessage, actor: Actor) -> int:
    """Append a message and keep the ticket's counters, timestamps and search text in step."""
    message_id = _insert_message(w, msg)
    is_customer = msg.kind == "inbound"
    is_public_reply = msg.kind == "outbound" and msg.author_type == "agent"
    added = fold(msg.body_text)[:4000]
    w.cur.execute(
        "UPDATE tickets SET message_count = message_count + 1, updated_at = ?,"
        f" search_doc = search_doc || ' ' || ?, {signatures.or_assignments()},"
        " last_customer_message_at = CASE WHEN ? THEN ? ELSE last_customer_message_at END,"
        " last_agent_message_at = CASE WHEN ? THEN ? ELSE last_agent_message_at END,"
        " first_reply_by = CASE WHEN ? AND first_response_at IS NULL THEN ?"
        "                  ELSE first_reply_by END,"
        " first_response_at = CASE WHEN ? AND first_response_at IS NULL THEN ?"
        "                     ELSE first_response_at END,"
        " agent_replies = agent_replies + CASE WHEN ? THEN 1 ELSE 0 END"
        " WHERE id = ?",
        [
            msg.at,
            added,
            *signatures.signature(added),
            is_customer,
            msg.at,
            is_public_reply,
            msg.at,
            is_public_reply,
            msg.author_id,
            is_public_reply,
            msg.at,
            is_public_reply,
            msg.ticket_id,
        ],
    )
    _message_created(w, msg, message_id, actor)
    return message_id


def _insert_message(w: Writer, msg: NewMessage) -> int:
    """The message row (and the ticket's mentions); the ticket's counters are the caller's."""
    (message_id,) = _insert_messages(w, [msg])
    if msg.mentions:
        w.cur.execute(
            "UPDATE tickets SET mentions = list_distinct(list_concat(mentions, ?)) WHERE id = ?",
            [list(msg.mentions), msg.ticket_id],
        )
    return message_id


_MESSAGE_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _insert_messages(w: Writer, msgs: list[NewMessage]) -> list[int]:
    """The message rows, one INSERT per 64; their ids in order."""
    ids = [w.next_id("messages") for _ in msgs]
    params = [
        [
            message_id, msg.ticket_id, msg.kind, msg.author_type, msg.author_id,
            msg.author_name, msg.channel, msg.body_text, msg.body_html,
            json.dumps(msg.meta) if msg.meta else None, msg.delivery, msg.at,
            list(msg.mentions),
        ]
        for message_id, msg in zip(ids, msgs, strict=True)
    ]  # fmt: skip
    for chunk in range(0, len(params), _ROWS_PER_INSERT):
        rows = params[chunk : chunk + _ROWS_PER_INSERT]
        w.cur.execute(
            "INSERT INTO messages (id, ticket_id, kind, author_type, author_id, author_name,"
            " channel, body_text, body_html, meta, delivery, created_at, mentions)"
            f" VALUES {', '.join([_MESSAGE_ROW] * len(rows))}",
            [value for row in rows for value in row],
        )
    return ids


def _message_created(w: Writer, msg: NewMessage, message_id: int, actor: Actor) -> None:
    w.touched(msg.ticket_id)
    append(
        w,
        name=ev.MESSAGE_CREATED,
        actor=actor,
        entity_type="message",
        entity_id=message_id,
        ticket_id=msg.ticket_id,
        at=msg.at,
        after={
            "kind": msg.kind,
            "author_type": msg.author_type,
            "author_id": msg.author_id,
            "channel": msg.channel,
        },
    )


_EVENT_FOR_FIELD = ev.EVENT_FOR_FIELD


def update(
    w: Writer, ticket_id: int, changes: dict[str, Any], actor: Actor, at: datetime
) -> dict[str, tuple[Any, Any]]:
    """Apply ``changes`` (column → new value); return what really changed as (before, after)."""
    columns = list(changes)
    current = w.cur.execute(
        f"SELECT {', '.join(columns)} FROM tickets WHERE id = ?", [ticket_id]
    ).fetchone()
    if current is None:
        raise LookupError(ticket_id)
    changed = {
        col: (old, new)
        for col, old, new in zip(columns, current, changes.values(), strict=True)
        if old != new
    }
    if not changed:
        return {}
    w.touched(ticket_id)
    sets = [f"{col} = ?" for col in changed]
    values = [new for _, new in changed.values()]
    if "status" in changed:
        old_status, new_status = changed["status"]
        sets.append("solved_at = CASE WHEN ? THEN ? ELSE solved_at END")
        values += [new_status == "solved", at]
        sets.append("closed_at = CASE WHEN ? THEN ? ELSE closed_at END")
        values += [new_status == "closed", at]
        if old_status in RESOLVED_STATUSES and new_status not in RESOLVED_STATUSES:
            sets.append("reopens = reopens + 1")
        sets.append("status_changed_at = ?")  # schedule rules ("in status S for N hours")
        values.append(at)
    w.cur.execute(
        f"UPDATE tickets SET {', '.join(sets)}, updated_at = ? WHERE id = ?",
        [*values, at, ticket_id],
    )
    _change_events(w, ticket_id, changed, actor, at)
    return changed


def _change_events(
    w: Writer, ticket_id: int, changed: dict[str, tuple[Any, Any]], actor: Actor, at: datetime
) -> None:
    """One event per changed field, then the summary events."""
    for col, (old, new) in changed.items():
        append(
            w,
            name=_EVENT_FOR_FIELD[col],
            actor=actor,
            entity_type="ticket",
            entity_id=ticket_id,
            ticket_id=ticket_id,
            at=at,
            before={col: old},
            after={col: new},
        )
    _summary_events(w, ticket_id, changed, actor, at)


def _summary_events(
    w: Writer, ticket_id: int, changed: dict[str, tuple[Any, Any]], actor: Actor, at: datetime
) -> None:
    """``ticket.updated`` with every changed field, and ``ticket.solved``/``ticket.reopened``
    when the status crossed the line: what automation rules listen to."""
    log = lambda name, before, after: append(  # noqa: E731
        w, name=name, actor=actor, entity_type="ticket", entity_id=ticket_id,
        ticket_id=ticket_id, at=at, before=before, after=after,
    )  # fmt: skip
    log(ev.TICKET_UPDATED, None, {"changes": {c: [o, n] for c, (o, n) in changed.items()}})
    if "status" in changed:
        old_status, new_status = changed["status"]
        if new_status == "solved":
            log(ev.TICKET_SOLVED, {"status": old_status}, {"field": "status", "value": "solved"})
        elif old_status in RESOLVED_STATUSES and new_status not in RESOLVED_STATUSES:
            log(ev.TICKET_REOPENED, {"status": old_status},
                {"field": "status", "value": new_status})  # fmt: skip


# -- reads ------------------------------------------------------------------------------------
_SUMMARY_COLUMNS = (
    "t.id, t.ref, t.subject, t.status, t.priority, t.channel, t.language, t.customer_id,"
    " t.assignee_id, t.problem_type, t.problem_confidence, t.tags, t.order_id, t.order_number,"
    " t.message_count, t.created_at, t.updated_at, t.first_response_at,"
    " t.last_customer_message_at, t.snoozed_until, t.solved_at, t.sla_state, t.sla_due_at"
)

# Sort keys: (SQL expression, direction, how to read a cursor value back).
_PRIORITY_RANK = (
    "CASE priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END"
)
_SORTS: dict[str, list[tuple[str, str, type]]] = {
    "newest": [("created_at", "DESC", datetime), ("id", "DESC", int)],
    "oldest": [("created_at", "ASC", datetime), ("id", "ASC", int)],
    "updated": [("updated_at", "DESC", datetime), ("id", "DESC", int)],
    "waiting": [
        ("coalesce(last_customer_message_at, created_at)", "ASC", datetime),
        ("id", "ASC", int),
    ],
    "priority": [
        (_PRIORITY_RANK, "DESC", int),
        ("created_at", "ASC", datetime),
        ("id", "ASC", int),
    ],
}


def ref_to_id(cur: Cursor, ref: str) -> int | None:
    row = cur.execute("SELECT id FROM tickets WHERE ref = ?", [ref.strip().upper()]).fetchone()
    return row[0] if row else None


def id_for_token(cur: Cursor, token_hash: str) -> int | None:
    row = cur.execute(
        "SELECT id FROM tickets WHERE conversation_token_hash = ?", [token_hash]
    ).fetchone()
    return row[0] if row else None


RESOLVED_STATUSES = ("solved", "closed")


def _where(
    query: TicketQuery, view: TicketFilter | None, agent_id: int | None, now: datetime
) -> tuple[list[str], list[Any]]:
    if query.view and view is None:
        raise ValueError("query.view needs its filter (widget_api.domain.inbox_views)")
    clauses: list[str] = []
    params: list[Any] = []
    if view is not None:
        sql, view_params = filter_sql(view, agent_id, now)
        clauses.append(f"({sql})")
        params += view_params
    if query.status:
        clauses.append(f"status IN ({', '.join('?' for _ in query.status)})")
        params += query.status
    if query.unassigned:
        clauses.append("assignee_id IS NULL")
    elif query.assignee_id is not None:
        clauses.append("assignee_id = ?")
        params.append(query.assignee_id)
    if query.channel:
        clauses.append(f"channel IN ({', '.join('?' for _ in query.channel)})")
        params += query.channel
    if query.tag:
        clauses.append("list_contains(tags, ?)")
        params.append(query.tag.strip().lower())
    if query.problem_type:
        clauses.append("problem_type = ?")
        params.append(query.problem_type)
    if query.customer_id is not None:
        clauses.append("customer_id = ?")
        params.append(query.customer_id)
    return clauses, params


def _text_clauses(terms: list[str]) -> tuple[list[str], list[Any]]:
    sql, params = signatures.match_sql(terms)
    return [sql], params


def _encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, kinds: list[type]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("invalid cursor") from exc
    if not isinstance(values, list) or len(values) != len(kinds):
        raise BadCursor("invalid cursor")
    out: list[Any] = []
    for value, kind in zip(values, kinds, strict=True):
        if kind is datetime and isinstance(value, str):
            try:
                out.append(datetime.fromisoformat(value).replace(tzinfo=None))
            except ValueError as exc:
                raise BadCursor("invalid cursor") from exc
        elif kind is int and isinstance(value, int) and not isinstance(value, bool):
            out.append(value)
        else:
            raise BadCursor("invalid cursor")
    return out


def _after_cursor(keys: list[tuple[str, str, type]], values: list[Any]) -> tuple[str, list[Any]]:
    """Keyset predicate: rows strictly after ``values`` in the order ``keys`` define."""
    ors, params = [], []
    for i, (expr, direction, _) in enumerate(keys):
        ands = [f"{keys[j][0]} = ?" for j in range(i)]
        params += values[:i]
        ands.append(f"{expr} {'<' if direction == 'DESC' else '>'} ?")
        params.append(values[i])
        ors.append("(" + " AND ".join(ands) + ")")
    return "(" + " OR ".join(ors) + ")", params


def list_page(
    cur: Cursor,
    query: TicketQuery,
    agent_id: int | None = None,
    now: datetime | None = None,
    view: TicketFilter | None = None,
) -> tuple[list[dict], int, str | None]:
    """One page of ticket summaries, how many match, and the next page's cursor. ``view`` is
    the filter of ``query.view`` (the domain defines the views).

    A text query reads the ticket texts once: the matches are kept and both the page and the
    count come from them.
    """
    clauses, params = _where(query, view, agent_id, now or utcnow())
    terms = search_terms(query.q or "")
    if not terms:
        rows, next_cursor = _page(cur, query, clauses, params)
        where = " AND ".join(clauses) or "TRUE"
        (total,) = cur.execute(f"SELECT count(*) FROM tickets WHERE {where}", params).fetchone()
        return rows, total, next_cursor
    text, text_params = _text_clauses(terms)
    rows, next_cursor, total = _page(cur, query, clauses + text, params + text_params, count=True)
    return rows, total, next_cursor


def _page(
    cur: Cursor, query: TicketQuery, clauses: list[str], params: list[Any], count: bool = False
) -> tuple:
    """The page's rows and next cursor; with ``count``, also the number of matches, from the
    same pass over the tickets.

    Only the ids and sort keys of the matching tickets are read to pick the page; its rows are
    then fetched by id (the scan never carries the summary columns of every match). With
    ``count`` (a text search) the matches are materialised once for the page and the count."""
    keys = _SORTS[query.sort]
    aliased = [(f"_k{i}", direction, kind) for i, (_, direction, kind) in enumerate(keys)]
    cursor_clauses: list[str] = []
    cursor_params: list[Any] = []
    if query.cursor:
        values = _decode_cursor(query.cursor, [kind for _, _, kind in keys])
        predicate, cursor_params = _after_cursor(aliased if count else keys, values)
        cursor_clauses.append(predicate)
    key_order = ", ".join(f"_k{i} {direction}" for i, (_, direction, _) in enumerate(keys))
    key_select = ", ".join(f"{expr} AS _k{i}" for i, (expr, _, _) in enumerate(keys))
    key_columns = ", ".join(f"k._k{i}" for i in range(len(keys)))
    if count:
        # All matches once; the count ignores the cursor, the page honours it.
        source = (
            f"WITH matches AS MATERIALIZED (SELECT id AS _id, {key_select} FROM tickets"
            f" WHERE {' AND '.join(clauses) or 'TRUE'}),"
            f" page_keys AS (SELECT * FROM matches WHERE {' AND '.join(cursor_clauses) or 'TRUE'}"
            f" ORDER BY {key_order} LIMIT ?),"
        )
        extra = ", (SELECT count(*) FROM matches) AS _total"
    else:
        source = (
            f"WITH page_keys AS (SELECT id AS _id, {key_select} FROM tickets"
            f" WHERE {' AND '.join(clauses + cursor_clauses) or 'TRUE'}"
            f" ORDER BY {key_order} LIMIT ?),"
        )
        extra = ""
    columns = _SUMMARY_COLUMNS.replace("t.", "tickets.")
    cur.execute(
        f"{source} page AS (SELECT {columns}, {key_columns} FROM page_keys k"
        " JOIN tickets ON tickets.id = k._id)"
        f" SELECT {_SUMMARY_COLUMNS}, {', '.join(f't._k{i}' for i in range(len(keys)))},"
        f" c.email AS customer_email, c.name AS customer_name, a.name AS assignee_name{extra}"
        " FROM page t JOIN customers c ON c.id = t.customer_id"
        f" LEFT JOIN agents a ON a.id = t.assignee_id ORDER BY {key_order}",
        [*params, *cursor_params, query.limit + 1],
    )
    rows = dicts(cur)
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        last = rows[-1]
        next_cursor = _encode_cursor(
            [
                last[f"_k{i}"].replace(tzinfo=None)
                if isinstance(last[f"_k{i}"], datetime)
                else last[f"_k{i}"]
                for i in range(len(keys))
            ]
        )
    if count:
        total = rows[0]["_total"] if rows else _count_matches(cur, clauses, params)
        return rows, next_cursor, total
    return rows, next_cursor


def _count_matches(cur: Cursor, clauses: list[str], params: list[Any]) -> int:
    where = " AND ".join(clauses) or "TRUE"
    return cur.execute(f"SELECT count(*) FROM tickets WHERE {where}", params).fetchone()[0]


def summary(cur: Cursor, ticket_id: int) -> dict | None:
    cur.execute(
        f"SELECT {_SUMMARY_COLUMNS}, t.source, t.merged_into_id, c.email AS customer_email,"
        " c.name AS customer_name, a.name AS assignee_name"
        " FROM tickets t JOIN customers c ON c.id = t.customer_id"
        " LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.id = ?",
        [ticket_id],
    )
    return one(cur, ("source",))


def messages(cur: Cursor, ticket_id: int, *, public_only: bool = False) -> list[dict]:
    kinds = "AND kind <> 'note'" if public_only else ""
    cur.execute(
        "SELECT id, kind, author_type, author_id, author_name, channel, body_text, body_html,"
        f" meta, delivery, created_at, mentions FROM messages WHERE ticket_id = ? {kinds}"
        " ORDER BY created_at, id",
        [ticket_id],
    )
    return dicts(cur, ("meta",))


def count(cur: Cursor) -> int:
    return cur.execute("SELECT count(*) FROM tickets").fetchone()[0]


def fields(cur: Cursor, ticket_id: int, *names: str) -> tuple:
    """Current values of a few columns of one ticket (inside a write, before changing them)."""
    allowed = {
        "channel", "status", "tags", "assignee_id", "priority", "language", "customer_id",
        "order_id", "subject", "merged_into_id", "problem_type", "problem_confidence", "ref",
    }  # fmt: skip
    if not set(names) <= allowed:
        raise ValueError(f"not a readable field: {set(names) - allowed}")
    row = cur.execute(
        f"SELECT {', '.join(names)} FROM tickets WHERE id = ?", [ticket_id]
    ).fetchone()
    if row is None:
        raise LookupError(ticket_id)
    return row


def view_counts(
    cur: Cursor,
    views: Mapping[str, TicketFilter],
    unresolved: TicketFilter,
    agent_id: int,
    now: datetime,
) -> dict[str, dict[str, int]]:
    """Every view's count, and the ``unresolved`` tickets by channel and problem type, in one
    scan each."""
    selects, params = [], []
    for i, wanted in enumerate(views.values()):
        sql, view_params = filter_sql(wanted, agent_id, now)
        selects.append(f"count(*) FILTER (WHERE {sql}) AS v{i}")
        params += view_params
    row = cur.execute(f"SELECT {', '.join(selects)} FROM tickets", params).fetchone()
    counts = dict(zip(views, row, strict=True))
    where, where_params = filter_sql(unresolved, agent_id, now)
    by_channel = dict(
        cur.execute(
            f"SELECT channel, count(*) FROM tickets WHERE {where} GROUP BY 1 ORDER BY 2 DESC",
            where_params,
        ).fetchall()
    )
    by_type = dict(
        cur.execute(
            f"SELECT coalesce(problem_type, 'untyped'), count(*) FROM tickets WHERE {where}"
            " GROUP BY 1 ORDER BY 2 DESC",
            where_params,
        ).fetchall()
    )
    return {"views": counts, "by_channel": by_channel, "by_problem_type": by_type}


def newest_message_after(cur: Cursor, ticket_id: int, seen_id: int) -> list[dict]:
    """Messages others added to the thread after ``seen_id`` (collision detection)."""
    cur.execute(
        "SELECT id, kind, author_type, author_id, author_name, channel, body_text, body_html,"
        " meta, delivery, created_at, mentions FROM messages"
        " WHERE ticket_id = ? AND id > ? ORDER BY id",
        [ticket_id, seen_id],
    )
    return dicts(cur, ("meta",))


def move_messages(w: Writer, from_ticket: int, to_ticket: int) -> int:
    """Re-home a merged ticket's messages; return how many moved."""
    (moved,) = w.cur.execute(
        "SELECT count(*) FROM messages WHERE ticket_id = ?", [from_ticket]
    ).fetchone()
    w.cur.execute("UPDATE messages SET ticket_id = ? WHERE ticket_id = ?", [to_ticket, from_ticket])
    doc, *sig = w.cur.execute(
        f"SELECT search_doc, {', '.join(signatures.COLUMNS)} FROM tickets WHERE id = ?",
        [from_ticket],
    ).fetchone()
    w.cur.execute(
        "UPDATE tickets SET message_count = (SELECT count(*) FROM messages WHERE ticket_id = ?),"
        f" search_doc = search_doc || ' ' || ?, {signatures.or_assignments()} WHERE id = ?",
        [to_ticket, doc, *sig, to_ticket],
    )
    w.cur.execute(
        "UPDATE tickets SET message_count = 0, merged_into_id = ? WHERE id = ?",
        [to_ticket, from_ticket],
    )
    refresh_facts(w.cur, [to_ticket, from_ticket])
    return moved


def refresh_facts(cur: Cursor, ticket_ids: list[int] | None = None) -> None:
    """Recount the per-ticket facts the writer keeps (public agent replies: how many, the first
    when and by whom; reopens) from the messages and the event log, for ``ticket_ids`` or every
    ticket: after a merge moves messages, or after a bulk load."""
    only = "" if ticket_ids is None else " AND {col} IN (SELECT unnest(?::BIGINT[]))"
    cur.execute(
        "UPDATE tickets SET agent_replies = d.replies, first_reply_by = d.first_by,"
        " first_response_at = d.first_at, reopens = d.reopens"
        " FROM (SELECT t.id, coalesce(r.replies, 0) AS replies, r.first_by, r.first_at,"
        "       coalesce(o.reopens, 0) AS reopens FROM tickets t"
        "   LEFT JOIN (SELECT ticket_id, count(*) AS replies,"
        "              arg_min(author_id, created_at) AS first_by, min(created_at) AS first_at"
        "              FROM messages WHERE kind = 'outbound' AND author_type = 'agent'"
        f"             {only.format(col='ticket_id')} GROUP BY 1) r ON r.ticket_id = t.id"
        "   LEFT JOIN (SELECT ticket_id, count(*) AS reopens FROM events"
        "              WHERE name = 'ticket.status_changed'"
        "                AND before ->> 'status' IN ('solved', 'closed')"
        "                AND after ->> 'status' NOT IN ('solved', 'closed')"
        f"             {only.format(col='ticket_id')} GROUP BY 1) o ON o.ticket_id = t.id"
        f"   WHERE TRUE{only.format(col='t.id')}) d"
        " WHERE tickets.id = d.id",
        [] if ticket_ids is None else [ticket_ids] * 3,
    )


def resolve_merged(cur: Cursor, ticket_id: int) -> int:
    """Follow merges to the ticket that now holds the conversation."""
    seen = set()
    while ticket_id not in seen:
        seen.add(ticket_id)
        row = cur.execute("SELECT merged_into_id FROM tickets WHERE id = ?", [ticket_id]).fetchone()
        if not row or row[0] is None:
            return ticket_id
        ticket_id = row[0]
    return ticket_id


def ref_of(cur: Cursor, ticket_id: int) -> str | None:
    row = cur.execute("SELECT ref FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    return row[0] if row else None


def for_customer(cur: Cursor, customer_id: int, limit: int = 50) -> list[dict]:
    cur.execute(
        f"SELECT {_SUMMARY_COLUMNS}, c.email AS customer_email, c.name AS customer_name,"
        " a.name AS assignee_name FROM tickets t JOIN customers c ON c.id = t.customer_id"
        " LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.customer_id = ?"
        " ORDER BY t.created_at DESC LIMIT ?",
        [customer_id, limit],
    )
    return dicts(cur)


@dataclass(frozen=True)
class Typing:
    """What the auto-typer found for one ticket."""

    ticket_id: int
    confidence: float
    problem_type: str | None  # None: below the threshold, left for an agent
    order_id: int | None  # an order the customer's text named


def set_typing_many(
    w: Writer, found: list[Typing], actor: Actor, at: datetime
) -> dict[int, dict[str, tuple[Any, Any]]]:
    """Record each ticket's confidence, and set its problem type and order where it has none (a
    type or order already there, an agent's or the form's, is kept), with the events
    :func:`update` would log for them. One SELECT and one UPDATE for the lot, whatever its size;
    answers what changed per ticket, as (before, after)."""
    if not found:
        return {}
    ids = [f.ticket_id for f in found]
    if len(set(ids)) != len(ids):
        raise ValueError("a ticket is typed once per call")
    current = {
        row[0]: row[1:]
        for row in w.cur.execute(
            "SELECT id, problem_type, order_id FROM tickets WHERE id IN (SELECT unnest(?))",
            [ids],
        ).fetchall()
    }
    if missing := [i for i in ids if i not in current]:
        raise LookupError(missing[0])
    changes: dict[int, dict[str, tuple[Any, Any]]] = {}
    for f in found:
        problem_type, order_id = current[f.ticket_id]
        changed = {}
        if problem_type is None and f.problem_type is not None:
            changed["problem_type"] = (None, f.problem_type)
        if order_id is None and f.order_id is not None:
            changed["order_id"] = (None, f.order_id)
        if changed:
            changes[f.ticket_id] = changed
    w.cur.execute(
        "UPDATE tickets SET problem_confidence = v.confidence,"
        " problem_type = CASE WHEN v.set_type THEN v.problem_type ELSE tickets.problem_type END,"
        " order_id = CASE WHEN v.set_order THEN v.order_id ELSE tickets.order_id END,"
        " updated_at = CASE WHEN v.set_type OR v.set_order THEN ? ELSE tickets.updated_at END"
        " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::DOUBLE[]) AS confidence,"
        "       unnest(?::VARCHAR[]) AS problem_type, unnest(?::BIGINT[]) AS order_id,"
        "       unnest(?::BOOLEAN[]) AS set_type, unnest(?::BOOLEAN[]) AS set_order) v"
        " WHERE tickets.id = v.id",
        [
            at,
            ids,
            [f.confidence for f in found],
            [f.problem_type for f in found],
            [f.order_id for f in found],
            ["problem_type" in changes.get(i, {}) for i in ids],
            ["order_id" in changes.get(i, {}) for i in ids],
        ],
    )
    for ticket_id, changed in changes.items():
        w.touched(ticket_id)
        _change_events(w, ticket_id, changed, actor, at)
    return changes


def first_texts(cur: Cursor, ticket_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(subject, first customer message) of these tickets."""
    if not ticket_ids:
        return {}
    # The first message's id on narrow columns (the tickets' range of messages, by zone maps),
    # then its body by id: a correlated sub-query read every message (160 ms at 200,000
    # tickets, for each batch the auto-typer takes).
    marks = ", ".join("?" for _ in ticket_ids)
    cur.execute(
        "WITH firsts AS (SELECT min(id) AS id FROM messages WHERE kind = 'inbound'"
        f" AND ticket_id IN ({marks}) GROUP BY ticket_id)"
        " SELECT t.id, t.subject, m.body_text FROM tickets t LEFT JOIN (SELECT ticket_id,"
        " body_text FROM messages WHERE id IN (SELECT id FROM firsts)) m ON m.ticket_id = t.id"
        f" WHERE t.id IN ({marks})",
        [*ticket_ids, *ticket_ids],
    )
    return {row[0]: (row[1], row[2] or "") for row in cur.fetchall()}


def mark_customer_read(w: Writer, ticket_id: int, at: datetime) -> None:
    w.cur.execute("UPDATE tickets SET customer_read_at = ? WHERE id = ?", [at, ticket_id])
    w.touched(ticket_id)


def type_corrections(cur: Cursor, limit: int = 5000) -> list[tuple[str, str, str, str]]:
    """(subject, first customer message, corrected type, language) of tickets whose problem type
    an agent set or changed, the latest correction of each ticket, newest first."""
    cur.execute(
        "WITH corrected AS (SELECT ticket_id, arg_max(after ->> 'problem_type', id) AS label"
        " FROM events WHERE name = 'ticket.problem_type_changed' AND actor_type = 'agent'"
        " GROUP BY 1)"
        " SELECT t.subject, (SELECT m.body_text FROM messages m WHERE m.ticket_id = t.id"
        " AND m.kind = 'inbound' ORDER BY m.id LIMIT 1), c.label, t.language"
        " FROM corrected c JOIN tickets t ON t.id = c.ticket_id"
        " WHERE c.label IS NOT NULL ORDER BY t.id DESC LIMIT ?",
        [limit],
    )
    return [r for r in cur.fetchall() if r[1]]
