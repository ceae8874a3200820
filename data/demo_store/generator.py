"""``seed_demo``: fill an empty Comptoir database with the Nordet demo store.

Everything is drawn from ``numpy.random.default_rng(seed)`` streams and built column-wise, then
bulk-loaded table by table from Arrow in one transaction; a million tickets take a few minutes.
The same seed, span, ticket count and ``now`` give identical rows.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from data.demo_store.catalogue import build_products
from data.demo_store.clock import DAY, NEVER
from data.demo_store.compose import render, ticket_slots
from data.demo_store.incidents import PLANTED_INCIDENTS, WAREHOUSE_3PL
from data.demo_store.lifecycle import STATUSES, messages, simulate
from data.demo_store.liveliness import enliven
from data.demo_store.orders import build_orders, draw_logistics, finish_orders
from data.demo_store.people import (
    DEMO_AGENTS,
    DEMO_PASSWORD,
    DemoAgent,
    draw_addresses,
    draw_people,
)
from data.demo_store.plan import TicketPlan, assign_customers, plan_tickets, product_helpers
from data.demo_store.satisfaction import seed_ratings
from data.demo_store.tables import (
    ACTOR_TYPES,
    ENTITY_TYPES,
    EVENT_NAMES,
    MESSAGE_KINDS,
    agents_table,
    customers_table,
    draw_priority,
    event_table,
    message_table,
    order_lines_table,
    orders_table,
    products_table,
    tickets_table,
)
from widget_api.storage import demo_load

if TYPE_CHECKING:
    from widget_api.storage.db import Database

TABLES = (
    "agents",
    "customers",
    "products",
    "orders",
    "order_lines",
    "tickets",
    "messages",
    "events",
)


class SeedSummary(BaseModel):
    """What ``seed_demo`` wrote."""

    model_config = ConfigDict(frozen=True)

    seed: int
    days: int
    start: datetime = Field(description="Start of the seeded span (naive UTC).")
    end: datetime = Field(description="The demo's 'now' (naive UTC): everything is before it.")
    counts: dict[str, int] = Field(description="Rows written per table.")
    agent_emails: tuple[str, ...] = Field(description="The demo agents (password 'demo-agent').")
    planted: dict[str, int] = Field(
        default_factory=dict, description="Extra tickets planted per incident key."
    )
    seconds: float = 0.0


def default_now() -> datetime:
    """The current UTC time truncated to the hour, naive: ``COMPTOIR_CLOCK__NOW`` when set, so
    that a server started on the demo with the same setting calls the same day "today"."""
    from widget_api.settings import Settings

    at = Settings().clock.now or datetime.now(UTC)
    at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return at.replace(tzinfo=None, minute=0, second=0, microsecond=0)


def demo_password_hash() -> str:
    """The hash of the demo agents' password."""
    from widget_api.domain.secrets import hash_password

    return hash_password(DEMO_PASSWORD)


def seed_demo(
    db: Database,
    *,
    seed: int = 7,
    days: int = 90,
    tickets: int = 3000,
    now: datetime | None = None,
    password_hash: str | None = None,
) -> SeedSummary:
    """Fill ``db`` (migrated, without tickets) with the Nordet demo: agents, customers,
    products, orders, ``tickets`` tickets over the ``days`` days before ``now``, their messages
    and their events. Raises ``ValueError`` if the database already holds tickets.

    ``password_hash`` is the demo agents' (see ``demo_password_hash``): one who seeds many
    stores hashes it once, argon2 being slow on purpose."""
    started = time.perf_counter()
    if tickets < 1:
        raise ValueError("tickets must be at least 1")
    if days < 1:
        raise ValueError("days must be at least 1")
    if now is None:
        now = default_now()
    elif now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    state = db.run_unqueued(_read_state)

    password_hash = password_hash or demo_password_hash()  # once: argon2 is slow on purpose
    built = build(
        seed=seed, days=days, tickets=tickets, now=now, state=state, password_hash=password_hash
    )
    db.run_unqueued(lambda con: _write(con, built["tables"]))
    rated = db.run_unqueued(lambda con: seed_ratings(con, seed, now))
    return SeedSummary(
        seed=seed,
        days=days,
        start=now - timedelta(days=days),
        end=now,
        counts={
            **{name: built["tables"][name].num_rows for name in TABLES},
            "csat_ratings": rated,
        },
        agent_emails=tuple(a.email for a in DEMO_AGENTS),
        planted=built["planted"],
        seconds=round(time.perf_counter() - started, 2),
    )


# -- reading what is there --------------------------------------------------------------------
def _read_state(con) -> dict[str, Any]:
    count = demo_load.ticket_count(con)
    if count:
        raise ValueError(
            f"the database already holds {count} tickets: the demo store is only seeded into a "
            "helpdesk without tickets (use a new database file)"
        )
    return demo_load.seed_state(con, TABLES)


# -- building ---------------------------------------------------------------------------------
def build(
    *,
    seed: int,
    days: int,
    tickets: int,
    now: datetime,
    state: dict[str, Any],
    password_hash: str,
) -> dict[str, Any]:
    """Every row of the demo as Arrow tables, built without touching the database.

    ``state`` says what the database holds already (see ``_read_state``): new ids follow the
    highest ones, demo agents and products that exist are reused.
    Returns {"tables": {table name: Arrow table}, "planted": {incident key: extra tickets}}."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9)]
    rng_plan, rng_people, rng_life, rng_orders, rng_text, rng_misc, rng_prod, rng_log = streams[:8]
    rng_today = streams[8]
    now_s = _epoch(now)
    start_s = now_s - days * DAY
    top = state["top"]
    agent_ids, new_agents = _agents(state)
    products = _products(state, rng_prod)

    # What each ticket is about, who writes it, how its thread unfolds.
    windows = [
        (inc, _epoch(start), _epoch(end))
        for inc in PLANTED_INCIDENTS
        for start, end in [inc.window(now)]
        if _epoch(start) >= start_s + DAY  # only incidents inside the span
    ]
    plan, planted = plan_tickets(rng_plan, tickets, start_s, now_s, products, windows)
    people, vip = _people(rng_people, plan, tickets, state["customer_emails"])
    lang = people["language"].to_numpy()[plan.customer]
    warehouse, carrier = draw_logistics(rng_log, plan, people["province"].to_numpy()[plan.customer])
    lc = simulate(rng_life, plan.t0, plan.channel, plan.ptype, lang, warehouse == WAREHOUSE_3PL,
                  now_s)  # fmt: skip
    priority = draw_priority(rng_today, plan, vip)
    enliven(lc, plan.t0, plan.channel, priority, now_s, rng_today)  # a queue of an ordinary day

    # Orders: one per ticket that has one, the rest without a ticket.
    draft = build_orders(
        rng_orders, plan, people, products, warehouse, carrier, lc.resolution,
        total_orders=round(1.2 * tickets), start_s=start_s, now_s=now_s,
    )  # fmt: skip
    new_address = _new_addresses(rng_orders, draft, people, plan)
    orders, order_lines, order_new_index = finish_orders(
        rng_orders, draft, people, products, top["orders"] + 1, top["order_lines"] + 1, now_s
    )
    order_row = np.where(draft.ticket_order >= 0, order_new_index[draft.ticket_order], -1)
    created, customer_id = _customer_ids(rng_misc, people, plan, draft, start_s, now_s, top)

    # Texts, then the rows that depend on them.
    slots = ticket_slots(rng_text, plan, people, products, orders, order_row, lang, lc,
                         warehouse, carrier, new_address)  # fmt: skip
    steps = messages(lc, plan.t0, now_s)
    bodies, subjects = render(rng_text, plan, lang, slots, steps, lc)
    sources = slots["_source"]
    del slots  # the biggest Python objects: free them before the Arrow copies are made
    ticket_ids = top["tickets"] + 1 + np.arange(len(plan), dtype=np.int64)
    msg = message_table(steps, plan, people, bodies, sources, agent_ids, customer_id, top)
    del bodies
    events = event_table(plan, lc, steps, msg["id_by_step"], agent_ids, customer_id,
                         ticket_ids, now_s, top, new_agents, start_s)  # fmt: skip
    tickets_rows = tickets_table(
        rng_misc, plan, lc, steps, events, msg, people, orders, order_row, lang,
        subjects, sources, vip, priority, warehouse, agent_ids, customer_id, ticket_ids,
        now_s,
    )  # fmt: skip
    return {
        "tables": {
            "agents": agents_table(new_agents, password_hash, start_s),
            "customers": customers_table(people, customer_id, created),
            "products": products_table(products[products["id"] > top["products"]]),
            "orders": orders_table(orders, customer_id),
            "order_lines": order_lines_table(order_lines, orders, products, people),
            "tickets": tickets_rows,
            "messages": msg["table"],
            "events": events["table"],
        },
        "planted": planted,
    }


def _epoch(at: datetime) -> int:
    """Seconds since the epoch of a naive UTC time."""
    return int((at - datetime(1970, 1, 1)).total_seconds())


def _agents(state: dict[str, Any]) -> tuple[np.ndarray, list[tuple[int, DemoAgent]]]:
    """Ids of the demo agents, reusing those whose e-mail exists; and the ones to create."""
    agent_ids = np.empty(len(DEMO_AGENTS), dtype=np.int64)
    new_agents = []
    next_id = state["top"]["agents"]
    for i, agent in enumerate(DEMO_AGENTS):
        if agent.email in state["agents"]:
            agent_ids[i] = state["agents"][agent.email]
        else:
            next_id += 1
            agent_ids[i] = next_id
            new_agents.append((next_id, agent))
    return agent_ids, new_agents


def _products(state: dict[str, Any], rng: np.random.Generator) -> pd.DataFrame:
    """The catalogue; SKUs already in the database keep their id."""
    top = state["top"]["products"]
    products = product_helpers(build_products(top + 1, rng))
    known = state["products"]
    if known:
        products["id"] = [known.get(sku, 0) for sku in products["sku"]]
        missing = products["id"] == 0
        products.loc[missing, "id"] = top + 1 + np.arange(int(missing.sum()))
    return products


def _people(
    rng: np.random.Generator, plan: TicketPlan, tickets: int, taken: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers (0.7 per ticket, at least 50) assigned to the tickets; and who is a VIP."""
    n_customers = max(50, round(0.7 * tickets))
    people = draw_people(rng, n_customers)
    if taken:
        clash = people["email"].isin(set(taken)).to_numpy()
        people.loc[clash, "email"] = [
            f"demo{i}.{e}"
            for i, e in zip(np.flatnonzero(clash), people["email"][clash], strict=True)
        ]
    assign_customers(rng, plan, people)
    keep_phone = rng.random(n_customers) < 0.55
    keep_phone[np.unique(plan.customer[plan.channel == "sms"])] = True  # they texted us
    people.loc[~keep_phone, "phone"] = None
    vip = rng.random(n_customers) < 0.04
    return people, vip


def _new_addresses(rng, draft, people: pd.DataFrame, plan: TicketPlan) -> np.ndarray:
    """For "ship it elsewhere" requests: the new address, put on the order (applied once the
    agent made the change) and returned as text per ticket."""
    f = draft.frame
    moving = np.flatnonzero(f["variant"].to_numpy() == "before_ship")
    province = people["province"].to_numpy()[f["customer"].to_numpy()]
    home = draw_addresses(rng, province[moving])
    for column, values in (
        ("new_address1", home.address1),
        ("new_address2", home.address2),
        ("new_city", home.city),
        ("new_postal", home.postal),
    ):
        f[column] = pd.Series([None] * len(f), dtype=object)
        f.loc[moving, column] = values
    text = np.full(len(plan), "", dtype=object)
    rows = np.flatnonzero(plan.variant == "before_ship")
    at = draft.ticket_order[rows]
    text[rows] = [
        f"{a1}{', ' + a2 if isinstance(a2, str) else ''}, {city} {postal}"
        for a1, a2, city, postal in zip(*(f[c].to_numpy()[at] for c in (
            "new_address1", "new_address2", "new_city", "new_postal")), strict=True)
    ]  # fmt: skip
    return text


def _customer_ids(rng, people, plan, draft, start_s: int, now_s: int, top: dict[str, int]):
    """When each customer signed up (at or before their first ticket or order, within the span)
    and their ids, given in that order. Returns (created seconds, id per customer index)."""
    n = len(people)
    first_seen = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(first_seen, plan.customer, plan.t0)
    np.minimum.at(first_seen, draft.frame["customer"].to_numpy(), draft.frame["placed"].to_numpy())
    unseen = first_seen == NEVER
    first_seen[unseen] = start_s + rng.integers(0, now_s - start_s, int(unseen.sum()))
    head_start = np.where(rng.random(n) < 0.5, 0.0, rng.random(n))
    created = first_seen - ((first_seen - start_s) * head_start).astype(np.int64)
    order = np.lexsort((np.arange(n), created))
    customer_id = np.empty(n, dtype=np.int64)
    customer_id[order] = top["customers"] + 1 + np.arange(n)
    return created, customer_id


# -- writing ------------------------------------------------------------------------------------
_EVENT_CODES = demo_load.EventCodes(
    names=EVENT_NAMES,
    actor_types=ACTOR_TYPES,
    entity_types=ENTITY_TYPES,
    statuses=STATUSES,
    message_kinds=MESSAGE_KINDS,
)


def _write(con, tables: dict[str, pa.Table]) -> None:
    demo_load.load_store(con, tables, _EVENT_CODES)
