"""Bulk loading of a generated store (the demo): what the generator reads first, and one
transaction that writes its Arrow tables. The generator (``data/demo_store``) builds rows; the
SQL is here, like all SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from widget_api.storage import tickets as tickets_repo

_REFERENCE_TABLES = ("agents", "customers", "products", "orders", "order_lines")


@dataclass(frozen=True)
class EventCodes:
    """The code lists the generator's compact event table indexes (code n is item n)."""

    names: tuple[str, ...]
    actor_types: tuple[str, ...]
    entity_types: tuple[str, ...]
    statuses: tuple[str, ...]
    message_kinds: tuple[str, ...]


def ticket_count(con) -> int:
    return int(con.execute("SELECT count(*) FROM tickets").fetchone()[0])


def seed_state(con, tables: tuple[str, ...]) -> dict[str, Any]:
    """Highest id of each table, agent and product ids by key, and known customer e-mails."""
    top = {
        t: int(con.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]) for t in tables
    }
    agents = dict(con.execute("SELECT lower(email), id FROM agents").fetchall())
    products = dict(con.execute("SELECT sku, id FROM products").fetchall())
    emails = [row[0] for row in con.execute("SELECT lower(email) FROM customers").fetchall()]
    return {"top": top, "agents": agents, "products": products, "customer_emails": emails}


def _codes(names: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{x}'" for x in names) + "]"


def _event_select(codes: EventCodes) -> str:
    """The generator's coded events as rows of ``events`` (before/after built in SQL)."""
    statuses = _codes(codes.statuses)
    return f"""
SELECT e.id, e.occurred_at,
       {_codes(codes.names)}[e.name_code + 1] AS name,
       {_codes(codes.actor_types)}[e.actor_code + 1] AS actor_type,
       e.actor_id,
       {_codes(codes.entity_types)}[e.entity_code + 1] AS entity_type,
       e.entity_id, e.ticket_id,
       CASE e.name_code
         WHEN 2 THEN json_object('assignee_id', e.a_before)
         WHEN 3 THEN json_object('status', {statuses}[e.s_before + 1])
       END AS before,
       CASE e.name_code
         WHEN 0 THEN json_object(
           'status', 'new', 'priority', t.priority, 'channel', t.channel,
           'language', t.language, 'subject', t.subject, 'customer_id', t.customer_id,
           'order_id', t.order_id, 'problem_type', t.problem_type)
         WHEN 1 THEN json_object(
           'kind', {_codes(codes.message_kinds)}[e.m_kind + 1],
           'author_type', CASE WHEN e.m_kind = 0 THEN 'customer' ELSE 'agent' END,
           'author_id', e.actor_id, 'channel', t.channel)
         WHEN 2 THEN json_object('assignee_id', e.a_after)
         WHEN 3 THEN json_object('status', {statuses}[e.s_after + 1])
         WHEN 4 THEN e.agent_json::JSON
       END AS after
FROM demo_events e
LEFT JOIN tickets t ON t.id = e.ticket_id
"""


def _list(column: str, item_type: str) -> str:
    """A comma-separated text column as a list (empty text → empty list)."""
    return (
        f"CASE WHEN {column}_csv = '' THEN []::{item_type}[]"
        f" ELSE string_split({column}_csv, ',')::{item_type}[] END AS {column}"
    )


_MESSAGE_LISTS = {"mentions_csv": _list("mentions", "BIGINT")}
_TICKET_LISTS = {"tags_csv": _list("tags", "VARCHAR"), "mentions_csv": _list("mentions", "BIGINT")}


def load_store(con, tables: dict[str, pa.Table], codes: EventCodes) -> None:
    """Write a generated store in one transaction, into a helpdesk without tickets."""
    count = ticket_count(con)
    if count:
        raise ValueError(f"the database already holds {count} tickets")
    con.begin()
    try:
        for name in _REFERENCE_TABLES:
            con.register("demo_rows", tables[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM demo_rows")
            con.unregister("demo_rows")
        for name, lists in (("messages", _MESSAGE_LISTS), ("tickets", _TICKET_LISTS)):
            con.register("demo_rows", tables[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * EXCLUDE ({', '.join(lists)}),"
                        f" {', '.join(lists.values())} FROM demo_rows")  # fmt: skip
            con.unregister("demo_rows")
        con.register("demo_events", tables["events"])
        con.execute(f"INSERT INTO events BY NAME {_event_select(codes)}")
        con.unregister("demo_events")
        tickets_repo.refresh_facts(con)  # replies and reopens, from the rows just written
        con.commit()
    except BaseException:
        con.rollback()
        raise


def solved_for_rating(con) -> list[tuple]:
    """(id, problem type, assignee, solved at, first-reply wait in seconds) of solved tickets."""
    return con.execute(
        "SELECT t.id, t.problem_type, t.assignee_id, t.solved_at,"
        " epoch(t.first_response_at) - epoch(t.created_at) AS wait_s"
        " FROM tickets t WHERE t.status IN ('solved', 'closed') AND t.solved_at IS NOT NULL"
        " AND t.first_response_at IS NOT NULL ORDER BY t.id"
    ).fetchall()


def next_rating_id(con) -> int:
    return int(con.execute("SELECT coalesce(max(id), 0) FROM csat_ratings").fetchall()[0][0]) + 1


def load_ratings(con, table: pa.Table) -> None:
    """Insert ratings given as an Arrow table with the columns of ``csat_ratings``."""
    con.register("demo_csat", table)
    con.execute("INSERT INTO csat_ratings SELECT * FROM demo_csat")
    con.unregister("demo_csat")
