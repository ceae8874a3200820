"""Imported history (issue 17): the import runs, and one transaction per batch that writes
agents, customers, tickets and messages keyed by their source id, with the run's cursor.

A batch writes its rows through Arrow tables (a few statements for hundreds of tickets), skips
the tickets a previous run already wrote (``import_source``/``import_id`` are unique), and logs
ONE ``import.batch`` event for the lot: no ``ticket.created``/``message.created``, so no rule,
SLA clock, survey, outbox or notification ever sees imported history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from widget_api.contracts import events as ev
from widget_api.refs import ticket_ref
from widget_api.storage import search_signatures as signatures
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import SYSTEM, append
from widget_api.storage.rows import dicts
from widget_api.text import fold

#: Bad rows kept on the run (the count goes on).
MAX_KEPT_ERRORS = 200
_RUN_COLUMNS = (
    "id, source, account, state, cursor, total, tickets, skipped, messages, customers, agents,"
    " errors, error_count, started_at, updated_at, finished_at"
)


@dataclass(frozen=True)
class PersonRow:
    """A customer or an agent of the source, as this helpdesk stores it."""

    source_id: str
    email: str | None
    name: str | None
    language: str = "fr"


@dataclass(frozen=True)
class MessageRow:
    source_id: str
    kind: str  # inbound | outbound | note
    author_type: str  # customer | agent | system
    author: str | None  # the source id of a person of the batch
    author_name: str | None
    body_text: str
    body_html: str | None
    at: datetime


@dataclass(frozen=True)
class TicketRow:
    source_id: str
    subject: str
    status: str
    priority: str
    channel: str
    language: str
    customer: str  # the source id of a person of the batch
    assignee: str | None
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    messages: tuple[MessageRow, ...]


@dataclass
class BatchCounts:
    tickets: int = 0
    skipped: int = 0
    messages: int = 0
    customers: int = 0
    agents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


# -- runs ---------------------------------------------------------------------------------------


def open_run(w: Writer, source: str, account: str, at: datetime) -> dict:
    """The unfinished run of this source and account (to resume), or a new one."""
    found = _unfinished(w.cur, source, account)
    if found is not None:
        w.cur.execute(
            "UPDATE import_runs SET state = 'running', updated_at = ? WHERE id = ?",
            [at, found["id"]],
        )
        return {**found, "state": "running"}
    run_id = w.next_id("import_runs")
    w.cur.execute(
        "INSERT INTO import_runs (id, source, account, state, started_at, updated_at)"
        " VALUES (?, ?, ?, 'running', ?, ?)",
        [run_id, source, account, at, at],
    )
    return run(w.cur, run_id)  # type: ignore[return-value]


def _unfinished(cur: Cursor, source: str, account: str) -> dict | None:
    cur.execute(
        f"SELECT {_RUN_COLUMNS} FROM import_runs WHERE source = ? AND account = ?"
        " AND state <> 'done' ORDER BY id DESC LIMIT 1",
        [source, account],
    )
    rows = dicts(cur, ("errors",))
    return rows[0] if rows else None


def run(cur: Cursor, run_id: int) -> dict | None:
    cur.execute(f"SELECT {_RUN_COLUMNS} FROM import_runs WHERE id = ?", [run_id])
    rows = dicts(cur, ("errors",))
    return rows[0] if rows else None


def recent_runs(cur: Cursor, limit: int = 20) -> list[dict]:
    cur.execute(f"SELECT {_RUN_COLUMNS} FROM import_runs ORDER BY id DESC LIMIT ?", [limit])
    return dicts(cur, ("errors",))


def set_total(w: Writer, run_id: int, total: int) -> None:
    w.cur.execute("UPDATE import_runs SET total = ? WHERE id = ?", [total, run_id])


def finish_run(w: Writer, run_id: int, state: str, at: datetime, error: str | None) -> None:
    """Mark the run done or failed (a failed run resumes from its cursor next time)."""
    w.cur.execute(
        "UPDATE import_runs SET state = ?, updated_at = ?,"
        " finished_at = CASE WHEN ? = 'done' THEN ?::TIMESTAMP END WHERE id = ?",
        [state, at, state, at, run_id],
    )
    if error is not None:
        _add_errors(w, run_id, [{"reason": error}], counted=False)


def _add_errors(w: Writer, run_id: int, errors: list[dict[str, Any]], *, counted: bool) -> None:
    """Keep the first bad rows on the run (the count counts them all)."""
    (text,) = w.cur.execute("SELECT errors FROM import_runs WHERE id = ?", [run_id]).fetchone()
    kept = (json.loads(text) + errors)[:MAX_KEPT_ERRORS]
    w.cur.execute(
        "UPDATE import_runs SET errors = ?, error_count = error_count + ? WHERE id = ?",
        [json.dumps(kept), len(errors) if counted else 0, run_id],
    )


def imported_ticket_ids(cur: Cursor, source: str, source_ids: list[str]) -> dict[str, int]:
    """Source id → ticket id of the tickets of ``source`` already imported."""
    if not source_ids:
        return {}
    rows = cur.execute(
        "SELECT import_id, id FROM tickets WHERE import_source = ?"
        " AND import_id IN (SELECT unnest(?::VARCHAR[]))",
        [source, source_ids],
    ).fetchall()
    return dict(rows)


# -- one batch ------------------------------------------------------------------------------------


def write_batch(
    w: Writer,
    *,
    run_id: int,
    source: str,
    tickets: list[TicketRow],
    customers: dict[str, PersonRow],
    agents: dict[str, PersonRow],
    cursor: str | None,
    errors: list[dict[str, Any]],
    at: datetime,
    later: list[tuple[str, MessageRow]] | None = None,
) -> BatchCounts:
    """Write the batch's new tickets with their people and messages, and the messages that come
    apart from their tickets (``later``: ticket source id, message; a source that exports
    comments in their own stream), move the run's cursor and counts, and log one
    ``import.batch`` event: all in the caller's one transaction."""
    counts = BatchCounts(errors=errors)
    done = imported_ticket_ids(w.cur, source, [t.source_id for t in tickets])
    fresh: list[TicketRow] = []
    seen: set[str] = set()
    for ticket in tickets:
        if ticket.source_id in done or ticket.source_id in seen:
            counts.skipped += 1
        else:
            seen.add(ticket.source_id)
            fresh.append(ticket)
    later = later or []
    every = [m for t in fresh for m in t.messages] + [m for _, m in later]
    needed_agents = {t.assignee for t in fresh if t.assignee} | {
        m.author for m in every if m.author_type == "agent" and m.author
    }
    needed_customers = {t.customer for t in fresh} | {
        m.author for m in every if m.author_type == "customer" and m.author
    }
    agent_ids, counts.agents = _agents(
        w, source, {k: agents[k] for k in needed_agents if k in agents}, at
    )
    customer_ids, counts.customers = _customers(
        w, source, {k: customers[k] for k in needed_customers if k in customers}, at
    )
    if fresh:
        counts.messages = _tickets(w, source, fresh, customers, agent_ids, customer_ids)
    counts.tickets = len(fresh)
    if later:
        counts.messages += _later_messages(w, source, later, agent_ids, customer_ids)
    _advance(w, run_id, cursor, counts, at)
    append(
        w,
        name=ev.IMPORT_BATCH,
        actor=SYSTEM,
        entity_type="import_run",
        entity_id=run_id,
        at=at,
        after={
            "source": source,
            "tickets": counts.tickets,
            "skipped": counts.skipped,
            "messages": counts.messages,
            "customers": counts.customers,
            "agents": counts.agents,
            "errors": len(errors),
        },
    )
    return counts


def _advance(w: Writer, run_id: int, cursor: str | None, counts: BatchCounts, at: datetime) -> None:
    w.cur.execute(
        "UPDATE import_runs SET cursor = ?, updated_at = ?, tickets = tickets + ?,"
        " skipped = skipped + ?, messages = messages + ?, customers = customers + ?,"
        " agents = agents + ?  WHERE id = ?",
        [cursor, at, counts.tickets, counts.skipped, counts.messages, counts.customers,
         counts.agents, run_id],
    )  # fmt: skip
    if counts.errors:
        _add_errors(w, run_id, counts.errors, counted=True)


def _agents(
    w: Writer, source: str, people: dict[str, PersonRow], at: datetime
) -> tuple[dict[str, int], int]:
    """Agent id per source id: an existing agent with the same e-mail, or a new one without a
    password (an empty hash matches no password: an administrator invites them to sign in)."""
    if not people:
        return {}, 0
    emails = {p.email.lower(): key for key, p in people.items() if p.email}
    found: dict[str, int] = {}
    rows = w.cur.execute(
        "SELECT lower(email), id FROM agents WHERE lower(email) IN (SELECT unnest(?::VARCHAR[]))",
        [list(emails)],
    ).fetchall()
    for email, agent_id in rows:
        found[emails[email]] = agent_id
    created = 0
    for key, person in people.items():
        if key in found or not person.email:
            continue
        agent_id = w.next_id("agents")
        w.cur.execute(
            "INSERT INTO agents (id, email, name, role, password_hash, language, active,"
            " created_at, updated_at, import_source, import_id)"
            " VALUES (?, ?, ?, 'agent', '', ?, TRUE, ?, ?, ?, ?)",
            [agent_id, person.email.lower(), person.name or person.email, person.language,
             at, at, source, key],
        )  # fmt: skip
        found[key] = agent_id
        emails[person.email.lower()] = key
        created += 1
    return found, created


def _customers(
    w: Writer, source: str, people: dict[str, PersonRow], at: datetime
) -> tuple[dict[str, int], int]:
    """Customer id per source id: imported before, or the same e-mail, or a new customer."""
    if not people:
        return {}, 0
    found: dict[str, int] = dict(
        w.cur.execute(
            "SELECT import_id, id FROM customers WHERE import_source = ?"
            " AND import_id IN (SELECT unnest(?::VARCHAR[]))",
            [source, list(people)],
        ).fetchall()
    )
    emails = {p.email.lower(): k for k, p in people.items() if p.email and k not in found}
    if emails:
        for email, customer_id in w.cur.execute(
            "SELECT email, id FROM customers WHERE email IN (SELECT unnest(?::VARCHAR[]))",
            [list(emails)],
        ).fetchall():
            found[emails[email]] = customer_id
    new = [(k, p) for k, p in people.items() if k not in found]
    taken: set[str] = set()
    rows = []
    for key, person in new:
        email = person.email.lower() if person.email else None
        if email in taken:  # two source users with one e-mail: one customer here
            found[key] = next(found[k] for k, p in new if p.email and p.email.lower() == email)
            continue
        if email:
            taken.add(email)
        found[key] = w.next_id("customers")
        rows.append((found[key], email, person.name, person.language, key))
    if rows:
        ids, mails, names, languages, keys = (list(c) for c in zip(*rows, strict=True))
        table = pa.table({
            "id": pa.array(ids, pa.int64()), "email": pa.array(mails, pa.string()),
            "name": pa.array(names, pa.string()), "language": pa.array(languages, pa.string()),
            "created_at": pa.array([at] * len(ids), pa.timestamp("us")),
            "import_source": pa.array([source] * len(ids), pa.string()),
            "import_id": pa.array(keys, pa.string()),
        })  # fmt: skip
        _insert(w, "customers", table)
    return found, len(rows)


def _tickets(
    w: Writer,
    source: str,
    tickets: list[TicketRow],
    people: dict[str, PersonRow],
    agent_ids: dict[str, int],
    customer_ids: dict[str, int],
) -> int:
    """Insert the tickets and their messages with the facts the inbox and reports read (first
    reply, last messages, reply count) computed from the imported messages."""
    t_cols: dict[str, list[Any]] = {k: [] for k in _TICKET_COLUMNS}
    m_cols: dict[str, list[Any]] = {k: [] for k in _MESSAGE_COLUMNS}
    docs: list[str] = []
    for ticket in tickets:
        ticket_id = w.next_id("tickets")
        ref = ticket_ref(ticket_id)
        customer = people.get(ticket.customer)
        parts = [ref, ticket.subject, customer.email if customer else None,
                 customer.name if customer else None, f"{source}:{ticket.source_id}",
                 f"#{ticket.source_id}"]  # fmt: skip
        texts = [fold(" ".join(filter(None, parts)))]
        first_reply = first_reply_by = last_in = last_out = None
        replies = 0
        for message in ticket.messages:
            author_id = _add_message(
                w, m_cols, source, (ticket_id, ticket.channel), message, (agent_ids, customer_ids)
            )
            if message.kind == "inbound":
                last_in = message.at
            elif message.kind == "outbound" and message.author_type == "agent":
                replies += 1
                last_out = message.at
                if first_reply is None:
                    first_reply, first_reply_by = message.at, author_id
            texts.append(fold(message.body_text)[:4000])
        closed = ticket.status in ("solved", "closed")
        solved_at = ticket.solved_at or (ticket.updated_at if closed else None)
        docs.append(" ".join(texts))
        for key, value in (
            ("id", ticket_id), ("ref", ref), ("subject", ticket.subject),
            ("status", ticket.status), ("priority", ticket.priority),
            ("channel", ticket.channel), ("language", ticket.language),
            ("customer_id", customer_ids[ticket.customer]),
            ("assignee_id", agent_ids.get(ticket.assignee or "")), ("tags", list(ticket.tags)),
            ("source", json.dumps({"import": {"source": source, "id": ticket.source_id}})),
            ("message_count", len(ticket.messages)), ("created_at", ticket.created_at),
            ("updated_at", ticket.updated_at), ("first_response_at", first_reply),
            ("first_reply_by", first_reply_by), ("agent_replies", replies),
            ("last_customer_message_at", last_in), ("last_agent_message_at", last_out),
            ("status_changed_at", ticket.updated_at), ("solved_at", solved_at),
            ("closed_at", ticket.updated_at if ticket.status == "closed" else None),
            ("search_doc", docs[-1]), ("import_source", source),
            ("import_id", ticket.source_id),
        ):  # fmt: skip
            t_cols[key].append(value)
    sigs = signatures.signatures(docs)
    table = pa.table({
        **{k: pa.array(v, _TICKET_COLUMNS[k]) for k, v in t_cols.items()},
        **{col: pa.array(sigs[:, i], pa.int64()) for i, col in enumerate(signatures.COLUMNS)},
    })  # fmt: skip
    _insert(w, "tickets", table)
    _insert(
        w, "messages", pa.table({k: pa.array(v, _MESSAGE_COLUMNS[k]) for k, v in m_cols.items()})
    )
    return len(m_cols["id"])


def _later_messages(
    w: Writer,
    source: str,
    later: list[tuple[str, MessageRow]],
    agent_ids: dict[str, int],
    customer_ids: dict[str, int],
) -> int:
    """Add messages to tickets imported earlier (skipping those written before and those of
    tickets not imported), then bring the tickets' facts and search text up to date."""
    keys = sorted({key for key, _ in later})
    tickets = {
        row[0]: (row[1], row[2])
        for row in w.cur.execute(
            "SELECT import_id, id, channel FROM tickets WHERE import_source = ?"
            " AND import_id IN (SELECT unnest(?::VARCHAR[]))",
            [source, keys],
        ).fetchall()
    }
    known = {
        row[0]
        for row in w.cur.execute(
            "SELECT import_id FROM messages WHERE import_source = ?"
            " AND import_id IN (SELECT unnest(?::VARCHAR[]))",
            [source, [m.source_id for _, m in later]],
        ).fetchall()
    }
    m_cols: dict[str, list[Any]] = {k: [] for k in _MESSAGE_COLUMNS}
    texts: dict[int, list[str]] = {}
    for key, message in later:
        ticket = tickets.get(key)
        if ticket is None or message.source_id in known:
            continue
        known.add(message.source_id)
        texts.setdefault(ticket[0], []).append(fold(message.body_text)[:4000])
        _add_message(w, m_cols, source, ticket, message, (agent_ids, customer_ids))
    if not texts:
        return 0
    _insert(
        w, "messages", pa.table({k: pa.array(v, _MESSAGE_COLUMNS[k]) for k, v in m_cols.items()})
    )
    ids = list(texts)
    docs = [" ".join(texts[i]) for i in ids]
    w.cur.execute(
        "UPDATE tickets SET search_doc = tickets.search_doc || ' ' || d.doc,"
        f" {', '.join(f'{c} = coalesce(tickets.{c}, 0) | d.{c}' for c in signatures.COLUMNS)}"
        f" FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS doc,"
        f" {signatures.unnest_sql()}) d WHERE tickets.id = d.id",
        [ids, docs, *signatures.column_lists(signatures.signatures(docs))],
    )
    w.cur.execute(
        "UPDATE tickets SET message_count = d.n, last_customer_message_at = d.last_in,"
        " last_agent_message_at = d.last_out, agent_replies = d.replies,"
        " first_response_at = d.first_at, first_reply_by = d.first_by"
        " FROM (SELECT ticket_id AS id, count(*) AS n,"
        "   max(created_at) FILTER (WHERE kind = 'inbound') AS last_in,"
        "   max(created_at) FILTER (WHERE kind = 'outbound' AND author_type = 'agent') AS last_out,"
        "   count(*) FILTER (WHERE kind = 'outbound' AND author_type = 'agent') AS replies,"
        "   min(created_at) FILTER (WHERE kind = 'outbound' AND author_type = 'agent') AS first_at,"
        "   arg_min(author_id, created_at) FILTER (WHERE kind = 'outbound'"
        "     AND author_type = 'agent') AS first_by"
        "   FROM messages WHERE ticket_id IN (SELECT unnest(?::BIGINT[])) GROUP BY 1) d"
        " WHERE tickets.id = d.id",
        [ids],
    )
    return len(m_cols["id"])


def _add_message(
    w: Writer,
    m_cols: dict[str, list[Any]],
    source: str,
    ticket: tuple[int, str],
    message: MessageRow,
    authors: tuple[dict[str, int], dict[str, int]],
) -> int | None:
    """Append a message's columns (its author resolved to this helpdesk's agent or customer)
    to ``m_cols``; return the author's id."""
    agent_ids, customer_ids = authors
    people = agent_ids if message.author_type == "agent" else customer_ids
    author_id = people.get(message.author or "") if message.author_type != "system" else None
    for key, value in (
        ("id", w.next_id("messages")), ("ticket_id", ticket[0]), ("kind", message.kind),
        ("author_type", message.author_type), ("author_id", author_id),
        ("author_name", message.author_name), ("channel", ticket[1]),
        ("body_text", message.body_text), ("body_html", message.body_html),
        ("created_at", message.at), ("import_source", source), ("import_id", message.source_id),
    ):  # fmt: skip
        m_cols[key].append(value)
    return author_id


_TS = pa.timestamp("us")
_TICKET_COLUMNS: dict[str, pa.DataType] = {
    "id": pa.int64(), "ref": pa.string(), "subject": pa.string(), "status": pa.string(),
    "priority": pa.string(), "channel": pa.string(), "language": pa.string(),
    "customer_id": pa.int64(), "assignee_id": pa.int64(), "tags": pa.list_(pa.string()),
    "source": pa.string(), "message_count": pa.int32(), "created_at": _TS, "updated_at": _TS,
    "first_response_at": _TS, "first_reply_by": pa.int64(), "agent_replies": pa.int32(),
    "last_customer_message_at": _TS, "last_agent_message_at": _TS, "status_changed_at": _TS,
    "solved_at": _TS, "closed_at": _TS, "search_doc": pa.string(),
    "import_source": pa.string(), "import_id": pa.string(),
}  # fmt: skip
_MESSAGE_COLUMNS: dict[str, pa.DataType] = {
    "id": pa.int64(), "ticket_id": pa.int64(), "kind": pa.string(),
    "author_type": pa.string(), "author_id": pa.int64(), "author_name": pa.string(),
    "channel": pa.string(), "body_text": pa.string(), "body_html": pa.string(),
    "created_at": _TS, "import_source": pa.string(), "import_id": pa.string(),
}  # fmt: skip


def _insert(w: Writer, table_name: str, rows: pa.Table) -> None:
    # register() refuses while a previous statement's result is not read to its end (the
    # writer's id counters fetch one row): finish it with a statement read to the end.
    w.cur.execute("SELECT 1").fetchall()
    w.cur.register("import_rows", rows)
    try:
        w.cur.execute(f"INSERT INTO {table_name} BY NAME SELECT * FROM import_rows")
    finally:
        w.cur.unregister("import_rows")


# -- reading --------------------------------------------------------------------------------------


def counts_by_source(cur: Cursor) -> dict[str, int]:
    """Imported tickets per source."""
    rows = cur.execute(
        "SELECT import_source, count(*) FROM tickets WHERE import_source IS NOT NULL GROUP BY 1"
    ).fetchall()
    return dict(rows)


#: Where a side effect of a ticket leaves a row (imported history must leave none).
_EFFECT_TABLES = (
    "events", "sla_outcomes", "mail_outbox", "csat_ratings", "rule_runs", "agent_notifications",
    "sms_outbox", "whatsapp_outbox",
)  # fmt: skip


def side_effects(cur: Cursor, source: str) -> dict[str, int]:
    """Rows that name a ticket imported from ``source``, per table, and imported tickets with
    an SLA state: all zero when history triggered nothing."""
    found = {}
    for table in _EFFECT_TABLES:
        (found[table],) = cur.execute(
            f"SELECT count(*) FROM {table} WHERE ticket_id IN"
            " (SELECT id FROM tickets WHERE import_source = ?)",
            [source],
        ).fetchone()
    (found["sla_state"],) = cur.execute(
        "SELECT count(*) FROM tickets WHERE import_source = ? AND sla_state IS NOT NULL", [source]
    ).fetchone()
    return found


def totals(cur: Cursor, source: str) -> dict[str, int]:
    """Imported tickets (and distinct source ids) and messages of ``source``."""
    tickets, distinct = cur.execute(
        "SELECT count(*), count(DISTINCT import_id) FROM tickets WHERE import_source = ?",
        [source],
    ).fetchone()
    (messages,) = cur.execute(
        "SELECT count(*) FROM messages WHERE import_source = ?", [source]
    ).fetchone()
    return {"tickets": tickets, "distinct_ids": distinct, "messages": messages}
