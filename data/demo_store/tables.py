"""Arrow tables of the demo rows: ticket columns derived from the thread, messages, events
(ids in the order things happened) and the search text."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.demo_store import texts
from data.demo_store.clock import NEVER
from data.demo_store.incidents import WAREHOUSE_3PL
from data.demo_store.lifecycle import (
    M_CUSTOMER2,
    M_FIRST,
    M_NOTE1,
    M_NOTE2,
    M_REPLY1,
    M_REPLY2,
    STATUSES,
    assignments,
    status_changes,
)
from data.demo_store.people import DEMO_AGENTS
from data.demo_store.plan import CLASSIFIED_SHARE, MARKETPLACES
from widget_api.contracts import events as ev
from widget_api.domain.mentions import mentioned_agents
from widget_api.refs import ticket_ref
from widget_api.storage import search_signatures


# -- helpers: arrays to Arrow -----------------------------------------------------------------
def ts(seconds: np.ndarray) -> pa.Array:
    seconds = np.asarray(seconds, dtype=np.int64)
    missing = seconds >= NEVER
    micros = np.where(missing, 0, seconds) * 1_000_000
    return pa.array(micros, pa.timestamp("us"), mask=missing)


def strings(values) -> pa.Array:
    """A string column; None and NaN (pandas' missing string) become NULL."""
    return pa.array(values, pa.string(), from_pandas=True)


def agent_column(agent_index: np.ndarray, agent_ids: np.ndarray) -> pa.Array:
    missing = agent_index < 0
    return pa.array(
        np.where(missing, 0, agent_ids[np.maximum(agent_index, 0)]), pa.int64(), mask=missing
    )


def orders_table(orders: pd.DataFrame, customer_id: np.ndarray) -> pa.Table:
    cols: dict[str, pa.Array] = {}
    for name in (
        "id", "number", "customer_id", "placed_at", "currency", "subtotal_cents",
        "shipping_cents", "discount_cents", "gst_cents", "qst_cents", "total_cents",
        "financial_status", "fulfillment_status", "warehouse", "carrier", "tracking_number",
        "tracking_url", "shipped_at", "delivered_at", "ship_name", "ship_address1",
        "ship_address2", "ship_city", "ship_province", "ship_postal_code", "ship_country",
        "ship_phone", "channel",
    ):  # fmt: skip
        values = orders[name].to_numpy()
        if name == "customer_id":
            cols[name] = pa.array(customer_id[values], pa.int64())
        elif name.endswith("_at"):
            cols[name] = ts(values)
        elif name.endswith("_cents") or name == "id":
            cols[name] = pa.array(values.astype(np.int64), pa.int64())
        else:
            cols[name] = strings(values)
    return pa.table(cols)


def draw_priority(rng, plan, vip) -> np.ndarray:
    """Each ticket's priority, from its problem and whether its customer is a VIP (drawn before
    the threads unfold: the SLA policy, hence the live SLA state, depends on it)."""
    n = len(plan)
    cust_vip = vip[plan.customer]
    ptype, variant = plan.ptype, plan.variant
    u = rng.random(n)
    return np.select(
        [
            (variant == "cancel") & (u < 0.1),
            (variant == "before_ship") & (u < 0.15),
            cust_vip & (ptype == "delivery_problem") & (u < 0.15),
            cust_vip & (u < 0.5),
            np.isin(ptype, ["delivery_problem", "wrong_item", "defective_product"]) & (u < 0.15),
            (ptype == "address_change") & (u < 0.25),
            np.isin(ptype, ["product_question", "other"]) & (u < 0.35),
            u < 0.03,
        ],
        ["urgent", "urgent", "urgent", "high", "high", "high", "low", "low"],
        default="normal",
    )


# -- ticket columns --------------------------------------------------------------------------
def ticket_columns(rng, plan, vip, priority, warehouse, lc, steps, now_s):
    n = len(plan)
    statuses = status_changes(lc, now_s)
    status = np.full(n, "new", dtype=object)
    last = np.r_[statuses.ticket[1:] != statuses.ticket[:-1], True] if len(statuses.ticket) else []
    status[statuses.ticket[last]] = np.array(STATUSES, dtype=object)[statuses.after[last]]

    assigned = assignments(lc, now_s)
    assignee = np.full(n, -1, dtype=np.int64)
    if len(assigned.ticket):
        last = np.r_[assigned.ticket[1:] != assigned.ticket[:-1], True]
        assignee[assigned.ticket[last]] = assigned.after[last]

    inbound = np.isin(steps.what, [M_FIRST, M_CUSTOMER2])
    outbound = np.isin(steps.what, [M_REPLY1, M_REPLY2])
    last_customer = np.full(n, NEVER, dtype=np.int64)
    last_agent = np.full(n, NEVER, dtype=np.int64)
    _max_at(last_customer, steps.ticket[inbound], steps.at[inbound])
    _max_at(last_agent, steps.ticket[outbound], steps.at[outbound])

    cust_vip = vip[plan.customer]
    ptype, variant = plan.ptype, plan.variant
    classified = rng.random(n) >= 1 - CLASSIFIED_SHARE
    confidence = np.round(0.6 + 0.39 * rng.beta(5, 2, n), 2)
    tag_lists: list[list[str]] = [[] for _ in range(n)]
    is_3pl = warehouse == WAREHOUSE_3PL
    rules = (
        ("3pl", is_3pl & ((ptype == "wrong_item") | (variant == "damaged"))),
        ("exchange", (variant == "exchange") | (variant == "wrong_size")),
        ("marketplace", np.isin(plan.channel, list(MARKETPLACES))),
        ("vip", cust_vip),
    )
    for tag, mask in rules:
        for i in np.flatnonzero(mask):
            tag_lists[i].append(tag)
    return {
        "status": status,
        "assignee": assignee,
        "last_customer": last_customer,
        "last_agent": last_agent,
        "priority": priority,
        "problem_type": np.where(classified, ptype, None),
        "confidence": np.where(classified, confidence, np.nan),
        "tags": np.array([",".join(x) for x in tag_lists], dtype=object),
    }


def _max_at(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``target[i] = max(values at i)``, where ``target`` starts as NEVER meaning "none"."""
    tmp = np.full(len(target), -1, dtype=np.int64)
    np.maximum.at(tmp, index, values)
    target[:] = np.where(tmp >= 0, tmp, NEVER)


# -- messages and events ----------------------------------------------------------------------
_KIND = {M_FIRST: "inbound", M_REPLY1: "outbound", M_NOTE1: "note", M_CUSTOMER2: "inbound",
         M_NOTE2: "note", M_REPLY2: "outbound"}  # fmt: skip


def message_table(steps, plan, people, bodies, sources, agent_ids, customer_id, top):
    """Messages in chronological id order; also the id of each step."""
    m = len(steps.ticket)
    order = np.lexsort((steps.seq, steps.ticket, steps.at))
    ids = np.empty(m, dtype=np.int64)
    ids[order] = top["messages"] + 1 + np.arange(m)
    kinds = np.array([_KIND[w] for w in range(6)], dtype=object)[steps.what]
    customer = kinds == "inbound"
    agent_names = np.array([a.name for a in DEMO_AGENTS], dtype=object)
    author_name = np.where(
        customer,
        people["name"].to_numpy()[plan.customer[steps.ticket]],
        agent_names[np.maximum(steps.agent, 0)],
    )
    author_id = np.where(
        customer, customer_id[plan.customer[steps.ticket]], agent_ids[np.maximum(steps.agent, 0)]
    )
    first = steps.what == M_FIRST
    meta = np.where(first, sources[steps.ticket], None)
    tickets_ids = top["tickets"] + 1 + steps.ticket
    # @mentions in notes, read the way the live writer reads them.
    roster = [(int(agent_ids[i]), a.name, a.email) for i, a in enumerate(DEMO_AGENTS)]
    mentions = np.full(m, "", dtype=object)
    by_ticket: dict[int, set[int]] = {}
    for i in np.flatnonzero((kinds == "note") & np.array(["@" in b for b in bodies])):
        found = mentioned_agents(bodies[i], roster)
        mentions[i] = ",".join(str(x) for x in found)
        by_ticket.setdefault(int(steps.ticket[i]), set()).update(found)
    table = pa.table(
        {
            "id": pa.array(ids[order], pa.int64()),
            "ticket_id": pa.array(tickets_ids[order], pa.int64()),
            "kind": strings(kinds[order]),
            "author_type": strings(np.where(customer, "customer", "agent")[order]),
            "author_id": pa.array(author_id[order], pa.int64()),
            "author_name": strings(author_name[order]),
            "channel": strings(plan.channel[steps.ticket][order]),
            "body_text": pa.array(bodies[order], pa.large_string()),
            "body_html": pa.nulls(m, pa.string()),
            "meta": strings(meta[order]),
            "delivery": pa.array(np.where(kinds == "outbound", "sent", "none")[order], pa.string()),
            "created_at": ts(steps.at[order]),
            "mentions_csv": strings(mentions[order]),
        }
    )
    ticket_mentions = np.full(len(plan), "", dtype=object)
    for ticket, found in by_ticket.items():
        ticket_mentions[ticket] = ",".join(str(x) for x in sorted(found))
    return {"table": table, "id_by_step": ids, "ticket_mentions": ticket_mentions}


def search_doc(header: pa.Array, messages_table: pa.Table, first_ticket_id: int, n: int):
    """fold(ref subject e-mail name order) + " " + fold(message) for each message in order,
    as the live writer builds it."""
    ticket = messages_table["ticket_id"].to_numpy() - first_ticket_id
    order = np.argsort(ticket, kind="stable")  # the table is in id order already
    folded = texts.fold_many(messages_table["body_text"]).take(pa.array(order))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(ticket, minlength=n))])
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), folded)
    joined = pc.binary_join(lists, pa.scalar(" ", pa.large_string()))
    return pc.binary_join_element_wise(header, joined, pa.scalar(" ", pa.large_string()))


EVENT_NAMES = (ev.TICKET_CREATED, ev.MESSAGE_CREATED, ev.TICKET_ASSIGNED, ev.TICKET_STATUS_CHANGED,
               ev.AGENT_CREATED)  # fmt: skip
ACTOR_TYPES = ("customer", "agent", "system")
ENTITY_TYPES = ("ticket", "message", "agent")
MESSAGE_KINDS = ("inbound", "outbound", "note")


def event_table(plan, lc, steps, message_ids, agent_ids, customer_id, ticket_ids, now_s, top,
                 new_agents, start_s):  # fmt: skip
    """Every event, ids in the order things happened. Columns are codes (see the *_NAMES
    tuples, -1 for none); ``widget_api.storage.demo_load`` turns them into strings and JSON
    payloads."""
    n = len(plan)
    cust_ids = customer_id[plan.customer]
    statuses = status_changes(lc, now_s)
    assigned = assignments(lc, now_s)
    null = -1
    parts: list[dict[str, np.ndarray]] = []

    def part(ticket, at, seq, name, actor, actor_id, entity, entity_id, **payload):
        k = len(ticket)
        cols = {
            "ticket_index": ticket,
            "at": at,
            "seq": seq,
            "name": np.full(k, name, dtype=np.int8),
            "actor": actor.astype(np.int8),
            "actor_id": actor_id,
            "entity": np.full(k, entity, dtype=np.int8),
            "entity_id": entity_id,
        }
        for key in ("m_kind", "s_before", "s_after", "a_before", "a_after"):
            cols[key] = payload.get(key, np.full(k, null, dtype=np.int64))
        parts.append(cols)

    def actor_of(codes, tickets):
        """Agent index ≥ 0, -1 the ticket's customer, -2 the system → (actor code, id)."""
        code = np.where(codes == -2, 2, np.where(codes == -1, 0, 1))
        ids = np.where(codes >= 0, agent_ids[np.maximum(codes, 0)], null)
        ids = np.where(codes == -1, cust_ids[tickets], ids)
        return code, ids

    idx = np.arange(n)
    part(idx, plan.t0, np.zeros(n, np.int64), 0, np.zeros(n), cust_ids, 0, ticket_ids)
    kind = np.array([_KIND_CODE[w] for w in range(6)])[steps.what]
    inbound = kind == 0
    author = np.where(inbound, cust_ids[steps.ticket], agent_ids[np.maximum(steps.agent, 0)])
    part(steps.ticket, steps.at, steps.seq, 1, np.where(inbound, 0, 1), author, 1, message_ids,
         m_kind=kind)  # fmt: skip
    code, ids = actor_of(assigned.agent, assigned.ticket)
    part(assigned.ticket, assigned.at, assigned.seq, 2, code, ids, 0,
         ticket_ids[assigned.ticket],
         a_before=np.where(assigned.before >= 0, agent_ids[np.maximum(assigned.before, 0)], null),
         a_after=agent_ids[assigned.after])  # fmt: skip
    code, ids = actor_of(statuses.agent, statuses.ticket)
    part(
        statuses.ticket,
        statuses.at,
        statuses.seq,
        3,
        code,
        ids,
        0,
        ticket_ids[statuses.ticket],
        s_before=statuses.before,
        s_after=statuses.after,
    )

    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((cols["seq"], cols["ticket_index"], cols["at"]))
    cols = {k: v[order] for k, v in cols.items()}
    # Agents created for the demo come first, at the start of the span.
    n_agents = len(new_agents)
    k = len(order)
    ids = top["events"] + 1 + np.arange(n_agents + k, dtype=np.int64)

    def column(values, agent_value, dtype=np.int64):
        return np.concatenate([np.full(n_agents, agent_value, dtype=dtype),
                               np.asarray(values, dtype=dtype)])  # fmt: skip

    def nullable(values):
        return pa.array(values, pa.int64(), mask=values == null)

    ticket_id = column(ticket_ids[cols["ticket_index"]], null)
    entity_id = column(cols["entity_id"], 0)
    entity_id[:n_agents] = [i for i, _ in new_agents]
    table = pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "occurred_at": ts(column(cols["at"], start_s)),
            "name_code": pa.array(column(cols["name"], 4, np.int8), pa.int8()),
            "actor_code": pa.array(column(cols["actor"], 2, np.int8), pa.int8()),
            "actor_id": nullable(column(cols["actor_id"], null)),
            "entity_code": pa.array(column(cols["entity"], 2, np.int8), pa.int8()),
            "entity_id": pa.array(entity_id, pa.int64()),
            "ticket_id": nullable(ticket_id),
            "m_kind": pa.array(column(cols["m_kind"], null, np.int8), pa.int8()),
            "s_before": pa.array(column(cols["s_before"], null, np.int8), pa.int8()),
            "s_after": pa.array(column(cols["s_after"], null, np.int8), pa.int8()),
            "a_before": nullable(column(cols["a_before"], null)),
            "a_after": nullable(column(cols["a_after"], null)),
            "agent_json": strings(
                [json.dumps({"email": a.email, "name": a.name, "role": a.role})
                 for _, a in new_agents] + [None] * k
            ),
        }
    )  # fmt: skip
    return {"table": table, "ticket_index": cols["ticket_index"], "at": cols["at"]}


_KIND_CODE = {M_FIRST: 0, M_REPLY1: 1, M_NOTE1: 2, M_CUSTOMER2: 0, M_NOTE2: 2, M_REPLY2: 1}


# -- whole tables -------------------------------------------------------------------------------
def tickets_table(
    rng, plan, lc, steps, events, msg, people, orders, order_row, lang, subjects,
    sources, vip, priority, warehouse, agent_ids, customer_id, ticket_ids, now_s,
) -> pa.Table:  # fmt: skip
    """The tickets, with every column derived from their thread and event log."""
    n = len(plan)
    cols = ticket_columns(rng, plan, vip, priority, warehouse, lc, steps, now_s)
    has_order = order_row >= 0
    row = np.maximum(order_row, 0)
    refs = np.array([ticket_ref(i) for i in ticket_ids.tolist()], dtype=object)
    order_numbers = np.where(has_order, orders["number"].to_numpy()[row], None)
    emails = people["email"].to_numpy()[plan.customer]
    names = people["name"].to_numpy()[plan.customer]
    header = [
        " ".join(x for x in (r, s, e, nm, o) if x)
        for r, s, e, nm, o in zip(refs, subjects, emails, names, order_numbers, strict=True)
    ]
    updated = np.array(plan.t0)
    np.maximum.at(updated, events["ticket_index"], events["at"])
    token_bytes = rng.bytes(32 * n)  # the demo never needs the tokens, only their hashes
    token_hash = [hashlib.sha256(token_bytes[i * 32 : i * 32 + 32]).hexdigest() for i in range(n)]
    confidence = cols["confidence"]
    doc = search_doc(texts.fold_many(header), msg["table"], int(ticket_ids[0]), n)
    sigs = search_signatures.signatures(doc.to_pylist())
    return pa.table(
        {
            "id": pa.array(ticket_ids, pa.int64()),
            "ref": strings(refs),
            "subject": strings(subjects),
            "status": strings(cols["status"]),
            "priority": strings(cols["priority"]),
            "channel": strings(plan.channel),
            "language": strings(lang),
            "customer_id": pa.array(customer_id[plan.customer], pa.int64()),
            "assignee_id": agent_column(cols["assignee"], agent_ids),
            "problem_type": strings(cols["problem_type"]),
            "problem_confidence": pa.array(confidence, pa.float64(), mask=np.isnan(confidence)),
            "tags_csv": strings(cols["tags"]),
            "mentions_csv": strings(msg["ticket_mentions"]),
            "order_id": pa.array(
                np.where(has_order, orders["id"].to_numpy()[row], 0), pa.int64(), mask=~has_order
            ),
            "order_number": strings(order_numbers),
            "conversation_token_hash": strings(token_hash),
            "source": strings(sources),
            "message_count": pa.array(np.bincount(steps.ticket, minlength=n), pa.int32()),
            "created_at": ts(plan.t0),
            "updated_at": ts(updated),
            "first_response_at": ts(np.where(lc.r1 <= now_s, lc.r1, NEVER)),
            "last_customer_message_at": ts(cols["last_customer"]),
            "last_agent_message_at": ts(cols["last_agent"]),
            "snoozed_until": ts(np.full(n, NEVER)),
            "solved_at": ts(np.where(lc.solve <= now_s, lc.solve, NEVER)),
            "closed_at": ts(np.where(lc.close <= now_s, lc.close, NEVER)),
            "search_doc": doc,
            **{
                column: pa.array(sigs[:, i], pa.int64())
                for i, column in enumerate(search_signatures.COLUMNS)
            },
        }
    )


def agents_table(new_agents: list, password_hash: str, start_s: int) -> pa.Table:
    n = len(new_agents)
    return pa.table(
        {
            "id": pa.array([i for i, _ in new_agents], pa.int64()),
            "email": strings([a.email for _, a in new_agents]),
            "name": strings([a.name for _, a in new_agents]),
            "role": strings([a.role for _, a in new_agents]),
            "password_hash": strings([password_hash] * n),
            "language": strings([a.language for _, a in new_agents]),
            "active": pa.array([True] * n, pa.bool_()),
            "created_at": ts(np.full(n, start_s)),
            "updated_at": ts(np.full(n, start_s)),
        }
    )


def customers_table(people: pd.DataFrame, customer_id: np.ndarray, created: np.ndarray):
    order = np.argsort(customer_id, kind="stable")
    return pa.table(
        {
            "id": pa.array(customer_id[order], pa.int64()),
            "email": strings(people["email"].to_numpy()[order]),
            "name": strings(people["name"].to_numpy()[order]),
            "phone": strings(people["phone"].to_numpy()[order]),
            "language": strings(people["language"].to_numpy()[order]),
            "created_at": ts(created[order]),
        }
    )


def products_table(products: pd.DataFrame) -> pa.Table:
    cols: dict[str, pa.Array] = {"id": pa.array(products["id"].to_numpy(), pa.int64())}
    for name in ("sku", "style", "name_fr", "name_en", "category", "size", "color_fr", "color_en"):
        cols[name] = strings(products[name].to_numpy())
    cols["price_cents"] = pa.array(products["price_cents"].to_numpy(), pa.int64())
    cols["stock"] = pa.array(products["stock"].to_numpy(), pa.int32())
    cols["final_sale"] = pa.array(products["final_sale"].to_numpy(), pa.bool_())
    return pa.table(cols)


def order_lines_table(
    order_lines: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame, people: pd.DataFrame
) -> pa.Table:
    """Line items, titled in the customer's language."""
    prod = order_lines["product"].to_numpy()
    order_lang = pd.Series(
        people["language"].to_numpy()[orders["customer_id"].to_numpy()],
        index=orders["id"].to_numpy(),
    )
    is_fr = order_lang.loc[order_lines["order_id"].to_numpy()].to_numpy() == "fr"

    def localized(fr: str, en: str) -> pa.Array:
        return strings(
            np.where(is_fr, products[fr].to_numpy()[prod], products[en].to_numpy()[prod])
        )

    return pa.table(
        {
            "id": pa.array(order_lines["id"].to_numpy(), pa.int64()),
            "order_id": pa.array(order_lines["order_id"].to_numpy(), pa.int64()),
            "product_id": pa.array(products["id"].to_numpy()[prod], pa.int64()),
            "sku": strings(products["sku"].to_numpy()[prod]),
            "title": localized("name_fr", "name_en"),
            "size": strings(products["size"].to_numpy()[prod]),
            "color": localized("color_fr", "color_en"),
            "quantity": pa.array(order_lines["quantity"].to_numpy(), pa.int32()),
            "unit_price_cents": pa.array(order_lines["unit_price_cents"].to_numpy(), pa.int64()),
        }
    )
