"""Demo returns for the Nordet store: a few hundred returns of delivered orders, in every state,
built through the same steps as live ones (events, notes, customer messages, refunds and stock
through the local store), with backdated timestamps.

Each return is planned backwards from ``now``: the state it has reached and how long it has been
there, then the earlier steps with realistic gaps. The order is then picked among delivered
orders whose delivery fits the return window. Reasons follow the order's ticket when it has one
(wrong items and defects, so the planted incidents show in returns too); otherwise wrong size
is the most frequent. A few returns are stuck on purpose: received six days ago and never
inspected, inspected four days ago and never refunded (both overdue).
"""

from __future__ import annotations

import bisect
import json
import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from widget_api.commerce import local as local_store
from widget_api.contracts import events as ev
from widget_api.contracts.returns import ReturnLineRequest, ReturnPolicy
from widget_api.domain import secrets, server_secret, store
from widget_api.domain.returns import flow, policy
from widget_api.domain.returns.errors import PolicyRefused
from widget_api.domain.returns.money import refund_breakdown
from widget_api.i18n import money, t
from widget_api.refs import ticket_ref
from widget_api.settings import Settings
from widget_api.storage import Database, agents, search_signatures
from widget_api.storage import returns as repo
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM, Actor
from widget_api.text import fold

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# Where returns stand today: (final state, weight).
_TARGETS = (
    ("requested", 5), ("approved", 2), ("rejected", 4), ("label_issued", 10),
    ("in_transit", 8), ("received", 5), ("inspected", 3), ("refunded", 24), ("exchanged", 8),
    ("credited", 6), ("closed", 20), ("cancelled", 5),
)  # fmt: skip
# Every state at least once, then the stuck ones: (target, days in that state).
_FORCED = (
    *((s, None) for s, _ in _TARGETS),
    ("received", 6.0), ("inspected", 4.0),
)  # fmt: skip
_BASE_REASONS = (
    ("wrong_size", 42), ("changed_mind", 18), ("not_as_described", 12), ("defective", 10),
    ("wrong_item", 10), ("arrived_damaged", 8),
)  # fmt: skip
# A return on an order whose ticket reports a problem takes that problem as its reason.
_TICKET_REASONS = {
    "wrong_item": (("wrong_item", 70), ("wrong_size", 30)),
    "defective_product": (("defective", 80), ("arrived_damaged", 20)),
    "return_request": (("wrong_size", 55), ("changed_mind", 30), ("not_as_described", 15)),
}
_INSPECTION = {
    "wrong_size": (("restock", 85), ("second_quality", 15)),
    "changed_mind": (("restock", 80), ("second_quality", 20)),
    "wrong_item": (("restock", 90), ("second_quality", 10)),
    "not_as_described": (("restock", 60), ("second_quality", 40)),
    "defective": (("refurbish", 45), ("write_off", 40), ("second_quality", 15)),
    "arrived_damaged": (("write_off", 50), ("refurbish", 50)),
}
_RESOLUTION = {"refunded": "refund", "exchanged": "exchange", "credited": "store_credit"}


@dataclass(frozen=True)
class DemoReturnsSummary:
    """What ``seed_demo_returns`` wrote."""

    returns: int
    states: dict[str, int]
    stuck: list[str] = field(default_factory=list)  # RMAs of the overdue ones


@dataclass
class _Scenario:
    target: str
    steps: list[tuple[str, datetime]]  # (state, when), oldest first
    resolution: str | None  # refund / exchange / store_credit when the path resolves
    stuck: bool = False

    @property
    def requested_at(self) -> datetime:
        return self.steps[0][1]


def _pick(rng: random.Random, table) -> str:
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights)[0]


def _path(target: str, resolution: str | None, rng: random.Random) -> list[str]:
    shipped = ["requested", "approved", "label_issued"]
    if target in ("requested", "approved", "rejected"):
        return {"requested": ["requested"], "approved": ["requested", "approved"],
                "rejected": ["requested", "rejected"]}[target]  # fmt: skip
    if target == "cancelled":
        return [*shipped[: rng.choice([1, 2, 3])], "cancelled"]
    transit = ["in_transit"] if target == "in_transit" or rng.random() < 0.7 else []
    path = [*shipped, *transit]
    if target in ("label_issued", "in_transit"):
        return path[: path.index(target) + 1]
    path.append("received")
    if target == "received":
        return path
    path.append("inspected")
    if target == "inspected":
        return path
    path.append({"refund": "refunded", "exchange": "exchanged", "store_credit": "credited"}[
        resolution or "refund"])  # fmt: skip
    return [*path, "closed"] if target == "closed" else path


def _gap(before: str, after: str, rng: random.Random) -> timedelta:
    """How long the step ``before`` → ``after`` takes."""
    u = rng.uniform
    if after == "approved":
        return timedelta(0) if rng.random() < 0.65 else u(1, 26) * HOUR
    if after in ("rejected", "cancelled"):
        return u(2, 60) * HOUR
    if after == "label_issued":
        return timedelta(minutes=1)
    if after == "in_transit":
        return u(12, 96) * HOUR
    if after == "received":
        return u(1, 5) * DAY
    if after == "inspected":
        return u(2, 40) * HOUR
    if after in _RESOLUTION:
        return u(0.2, 20) * HOUR
    return u(1, 5) * DAY  # closed


def _age(target: str, rng: random.Random) -> timedelta:
    """How long ago the return reached ``target`` (kept short where a target would be late)."""
    u = rng.uniform
    return {
        "requested": u(1, 30) * HOUR,
        "approved": u(1, 20) * HOUR,
        "label_issued": u(0.2, 5) * DAY,
        "in_transit": u(0.3, 4) * DAY,
        "received": u(1, 18) * HOUR,
        "inspected": u(0.5, 4) * HOUR,
    }.get(target, u(0.5, 45) * DAY)


def _scenario(target: str, days_in_state: float | None, rng: random.Random, now: datetime):
    resolution = _RESOLUTION.get(target)
    if target == "closed":
        resolution = _pick(rng, (("refund", 70), ("exchange", 18), ("store_credit", 12)))
    names = _path(target, resolution, rng)
    when = now - (timedelta(days=days_in_state) if days_in_state else _age(names[-1], rng))
    steps = [(names[-1], when)]
    for before, after in zip(reversed(names[:-1]), reversed(names[1:]), strict=True):
        when = when - _gap(before, after, rng)
        steps.append((before, when))
    steps.reverse()
    return _Scenario(target, steps, resolution, stuck=days_in_state is not None)


def seed_demo_returns(
    db: Database,
    seed: int = 7,
    now: datetime | None = None,
    *,
    count: int | None = None,
    settings: Settings | None = None,
) -> DemoReturnsSummary:
    """Add returns to a seeded demo store: ``count`` of them (default: about one delivered
    order in eight, 12 to 400), every state present, six overdue ones. Idempotent per order:
    orders that have a return are left alone."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    settings = settings or Settings()
    rng = random.Random(seed)
    rules = policy.load(db)
    window = timedelta(days=max(rules.window_days, 2))
    candidates = db.read(lambda cur: repo.delivered_orders(cur, now - 120 * DAY, now - HOUR))
    if not candidates:
        return DemoReturnsSummary(0, {})
    wanted = count if count is not None else min(400, max(12, round(len(candidates) / 8)))
    plans = [_scenario(target, days, rng, now) for target, days in _FORCED[:wanted]]
    plans += [_scenario(_pick(rng, _TARGETS), None, rng, now) for _ in range(wanted - len(plans))]
    plans.sort(key=lambda p: p.requested_at)  # ids (and RMAs) follow the request dates

    delivered = [_naive(c["delivered_at"]) for c in candidates]
    used: set[int] = set()
    matched: list[tuple[_Scenario, dict]] = []
    for plan in plans:
        lo = bisect.bisect_left(delivered, plan.requested_at - window + HOUR)
        hi = bisect.bisect_right(delivered, plan.requested_at - 6 * HOUR)
        pool = [i for i in range(lo, hi) if i not in used]
        if not pool:
            continue
        weights = [6 if candidates[i]["problem_type"] in _TICKET_REASONS else 1 for i in pool]
        index = rng.choices(pool, weights)[0]
        used.add(index)
        matched.append((plan, candidates[index]))

    orders = db.read(lambda cur: repo.orders_for_return(cur, [c["id"] for _, c in matched]))
    styles = {ln["style"] for o in orders.values() for ln in o["lines"] if ln.get("style")}
    variants = db.read(lambda cur: repo.variants(cur, styles))
    ctx = flow.Context(
        store_name=store.get(db, settings).name,
        base_url=settings.api.public_base_url,
        secret=server_secret.ensure(db, settings),
    )
    team = [(a["id"], a["name"]) for a in db.read(agents.all_agents) if a["active"]] or [(None, "")]
    builds = []
    for plan, candidate in matched:
        built = _plan_return(plan, candidate, orders[candidate["id"]], rules, variants, rng)
        if built is not None:
            built.agent_id, built.agent_name = rng.choice(team)
            builds.append(built)
    stuck = db.write(lambda w: _write(w, ctx, builds))
    return DemoReturnsSummary(returns=len(builds), states=db.read(repo.state_counts), stuck=stuck)


@dataclass
class _Build:
    plan: _Scenario
    candidate: dict
    order: dict
    request: policy.Plan
    reason: str
    outcome: str
    inspection: list[tuple[str, int, str]]  # (sku, quantity, outcome)
    agent_id: int | None = None  # the agent who handles it
    agent_name: str = ""


def _plan_return(plan: _Scenario, candidate: dict, order: dict, rules: ReturnPolicy,
                 variants: list[dict], rng: random.Random) -> _Build | None:  # fmt: skip
    returnable = [ln for ln in order["lines"] if policy.returnable_quantity(ln, rules) > 0]
    if not returnable:
        return None
    reason = _pick(rng, _TICKET_REASONS.get(candidate["problem_type"] or "", _BASE_REASONS))
    chosen = rng.sample(returnable, 2 if len(returnable) > 1 and rng.random() < 0.2 else 1)
    outcome = plan.resolution or _pick(
        rng,
        (("exchange", 55), ("refund", 35), ("store_credit", 10))
        if reason == "wrong_size"
        else (("refund", 72), ("store_credit", 18), ("exchange", 10)),
    )
    lines = []
    for line in chosen:
        swap = None
        if outcome == "exchange":
            options = [
                v["sku"] for v in variants
                if v["style"] == line.get("style") and v["sku"] != line["sku"] and v["stock"] > 0
            ]  # fmt: skip
            swap = rng.choice(options) if options else None
        lines.append(ReturnLineRequest(sku=line["sku"], quantity=1, exchange_sku=swap))
    if outcome == "exchange" and any(ln.exchange_sku is None for ln in lines):
        if plan.resolution == "exchange":
            return None
        outcome = "refund"
        lines = [ReturnLineRequest(sku=ln.sku, quantity=ln.quantity) for ln in lines]
    try:
        request = policy.plan_request(
            order, rules, lines, reason=reason, outcome=outcome, now=plan.requested_at,
            lang=candidate["language"], variants=variants,
        )  # fmt: skip
    except PolicyRefused:
        return None
    for p in request.lines:  # reserve the exchanged variant for this return
        if p.exchange_sku:
            for v in variants:
                if v["sku"] == p.exchange_sku:
                    v["stock"] -= p.quantity
    inspection = [(p.sku, p.quantity, _pick(rng, _INSPECTION[reason])) for p in request.lines]
    return _Build(plan, candidate, order, request, reason, outcome, inspection)


_TICKET_STATUS = {
    "requested": "open", "received": "open", "inspected": "open",
    "approved": "pending", "label_issued": "pending", "in_transit": "pending",
}  # fmt: skip


class _Bulk:
    """The rows every step of many returns would write, gathered in memory and inserted a
    table at a time (DuckDB answers one statement in about a millisecond: a few hundred returns
    one step at a time would take over a minute)."""

    def __init__(self, w: Writer, ctx: flow.Context, b: list[_Build]):
        self.w, self.ctx = w, ctx
        self.rows: dict[str, list[dict]] = defaultdict(list)
        linked = {x.candidate["ticket_id"] for x in b if x.candidate["ticket_id"]}
        self.tickets = repo.ticket_facts(w.cur, list(linked))
        for facts in self.tickets.values():
            facts["tags"] = list(facts["tags"])
        self.new_tickets: dict[int, dict] = {}
        self.changes: dict[int, dict] = {}
        self.customers = repo.customer_facts(w.cur, [x.order["customer_id"] for x in b])
        self.stock = {sku: list(v) for sku, v in repo.stock_by_sku(w.cur).items()}
        self.stock_delta: dict[str, int] = defaultdict(int)
        self.refunded = repo.refunded_by_order(w.cur, [x.order["id"] for x in b])
        self.statuses: dict[int, str] = {}

    # -- the generic rows --------------------------------------------------------------------
    def event(self, name: str, actor: Actor, entity_type: str, entity_id: int, at: datetime,
              ticket_id: int | None = None, before: dict | None = None,
              after: dict | None = None) -> None:  # fmt: skip
        self.rows["events"].append(
            {"id": self.w.next_id("events"), "occurred_at": at, "name": name,
             "actor_type": actor.type, "actor_id": actor.id, "entity_type": entity_type,
             "entity_id": entity_id, "ticket_id": ticket_id,
             "before": json.dumps(before, default=str) if before is not None else None,
             "after": json.dumps(after, default=str) if after is not None else None}
        )  # fmt: skip

    def message(self, ticket_id: int, kind: str, author: Actor, name: str | None, text: str,
                at: datetime) -> None:  # fmt: skip
        message_id = self.w.next_id("messages")
        channel = (self.new_tickets.get(ticket_id) or self.tickets[ticket_id])["channel"]
        self.rows["messages"].append(
            {"id": message_id, "ticket_id": ticket_id, "kind": kind, "author_type": author.type,
             "author_id": author.id, "author_name": name, "channel": channel, "body_text": text,
             "body_html": None, "meta": json.dumps(flow.MESSAGE_META), "delivery": "none",
             "created_at": at, "mentions": []}
        )  # fmt: skip
        change = self.changes.setdefault(ticket_id, {"id": ticket_id, "messages": 0, "at": at,
                                                     "search": "", "tags": None})  # fmt: skip
        change["messages"] += 1
        change["at"] = max(change["at"], at)
        change["search"] += " " + fold(text)[:4000]
        self.event(ev.MESSAGE_CREATED, author, "message", message_id, at, ticket_id,
                   after={"kind": kind, "author_type": author.type, "author_id": author.id,
                          "channel": channel})  # fmt: skip

    def notify(self, ret: dict, step: str, at: datetime, params: dict,
               author: tuple[Actor, str] | None = None) -> None:  # fmt: skip
        """The step's note and message to the customer (sent by ``author``, else the store)."""
        note, text = flow.step_texts(self.ctx, ret, step, params)
        actor, name = author or (SYSTEM, self.ctx.store_name)
        self.message(ret["ticket_id"], "note", SYSTEM, flow.NOTE_AUTHOR, note, at)
        self.message(ret["ticket_id"], "outbound", actor, name, text, at)

    # -- tickets -----------------------------------------------------------------------------
    def open_ticket(self, b: _Build, at: datetime) -> int:
        order, lang = b.order, b.candidate["language"]
        customer = self.customers[order["customer_id"]]
        ticket_id = self.w.next_id("tickets")
        ref = ticket_ref(ticket_id)
        subject = t("returns.ticket.subject", lang, order=order["number"])
        body = flow.request_body(order["number"], b.request.lines, b.reason, b.outcome, None,
                                 lang)  # fmt: skip
        search = fold(" ".join(filter(None, [ref, subject, customer["email"], customer["name"],
                                             order["number"]])))  # fmt: skip
        row = {
            "id": ticket_id, "ref": ref, "subject": subject, "status": "new",
            "priority": "normal", "channel": "web", "language": lang,
            "customer_id": order["customer_id"], "order_id": order["id"],
            "order_number": order["number"],
            "conversation_token_hash": secrets.token_hash(secrets.new_token()),
            "source": json.dumps({"origin": "returns"}), "tags": ["return"],
            "problem_type": "return_request", "message_count": 0, "created_at": at,
            "updated_at": at, "last_customer_message_at": at, "solved_at": None,
            "search_doc": search,
            **dict(zip(search_signatures.COLUMNS, search_signatures.signature(search),
                       strict=True)),
        }  # fmt: skip
        self.rows["tickets"].append(row)
        self.new_tickets[ticket_id] = row
        customer_actor = Actor("customer", order["customer_id"])
        self.event(ev.TICKET_CREATED, customer_actor, "ticket", ticket_id, at, ticket_id,
                   after={"status": "new", "priority": "normal", "channel": "web",
                          "language": lang, "subject": subject,
                          "customer_id": order["customer_id"], "order_id": order["id"],
                          "problem_type": None})  # fmt: skip
        self.message(ticket_id, "inbound", customer_actor, customer["name"], body, at)
        self.event(
            ev.TICKET_PROBLEM_TYPE_CHANGED,
            SYSTEM,
            "ticket",
            ticket_id,
            at,
            ticket_id,
            before={"problem_type": None},
            after={"problem_type": "return_request"},
        )
        return ticket_id

    def tag(self, ticket_id: int, at: datetime) -> None:
        facts = self.tickets[ticket_id]
        if "return" in facts["tags"]:
            return
        before = list(facts["tags"])
        facts["tags"].append("return")
        self.event(ev.TICKET_TAGS_CHANGED, SYSTEM, "ticket", ticket_id, at, ticket_id,
                   before={"tags": before}, after={"tags": list(facts["tags"])})  # fmt: skip

    def settle_ticket(self, ticket_id: int, state: str, at: datetime) -> None:
        """A ticket the demo opened ends open, pending or solved, as an agent would leave it."""
        row = self.new_tickets.get(ticket_id)
        status = _TICKET_STATUS.get(state, "solved")
        if row is None or status == row["status"]:
            return
        self.event(ev.TICKET_STATUS_CHANGED, SYSTEM, "ticket", ticket_id, at, ticket_id,
                   before={"status": row["status"]}, after={"status": status})  # fmt: skip
        row["status"] = status
        row["solved_at"] = at if status == "solved" else None

    # -- the store ---------------------------------------------------------------------------
    def restock(self, sku: str, quantity: int, at: datetime, why: str) -> bool:
        if sku not in self.stock:
            return False
        product_id, stock = self.stock[sku]
        self.stock[sku][1] = stock + quantity
        self.stock_delta[sku] += quantity
        self.event(ev.PRODUCT_STOCK_CHANGED, SYSTEM, "product", product_id, at,
                   before={"stock": stock},
                   after={"stock": stock + quantity, "sku": sku, "why": why})  # fmt: skip
        return True

    def refund(self, b: _Build, return_id: int, rma: str, method: str, amount: int,
               at: datetime, reference: str) -> int:  # fmt: skip
        order = b.order
        done = self.refunded.get(order["id"], 0)
        amount = max(0, min(amount, order["total_cents"] - done))
        self.refunded[order["id"]] = done + amount
        refund_id = self.w.next_id("refunds")
        lines = [{"sku": p.sku, "quantity": p.quantity, "unit_price_cents": p.unit_price_cents}
                 for p in b.request.lines] if method == "original_payment" else []  # fmt: skip
        self.rows["refunds"].append(
            {"id": refund_id, "order_id": order["id"], "return_id": return_id, "method": method,
             "amount_cents": amount, "lines": json.dumps(lines), "reference": reference,
             "created_at": at}
        )  # fmt: skip
        before = self.statuses.get(order["id"], order["financial_status"])
        status = "refunded" if done + amount >= order["total_cents"] else "partially_refunded"
        self.statuses[order["id"]] = status
        self.event(ev.ORDER_REFUNDED, SYSTEM, "order", order["id"], at,
                   before={"financial_status": before},
                   after={"financial_status": status, "amount_cents": amount, "method": method,
                          "reference": reference, "refund_id": refund_id})  # fmt: skip
        return refund_id if method == "original_payment" else amount

    def exchange(self, b: _Build, rma: str, at: datetime) -> tuple[str, int]:
        order = b.order
        number = local_store.exchange_number(order["number"], rma)
        value = sum(p.quantity * p.unit_price_cents for p in b.request.lines)
        order_id = self.w.next_id("orders")
        address = {k: order[k] for k in order if k.startswith("ship_")}
        self.rows["orders"].append(
            {"id": order_id, "number": number, "customer_id": order["customer_id"],
             "placed_at": at, "currency": order["currency"], "subtotal_cents": value,
             "shipping_cents": 0, "discount_cents": value, "gst_cents": 0, "qst_cents": 0,
             "total_cents": 0, "financial_status": "paid", "fulfillment_status": "unfulfilled",
             "channel": "exchange", **address}
        )  # fmt: skip
        for p in b.request.lines:
            sku = p.exchange_sku or p.sku
            self.rows["order_lines"].append(
                {"id": self.w.next_id("order_lines"), "order_id": order_id,
                 "product_id": self.stock.get(sku, [None])[0], "sku": sku, "title": p.title,
                 "size": None, "color": None, "quantity": p.quantity,
                 "unit_price_cents": p.unit_price_cents}
            )  # fmt: skip
            self.restock(sku, -p.quantity, at, f"exchange {number}")
        return number, value

    # -- one return --------------------------------------------------------------------------
    def add(self, b: _Build) -> str | None:
        """Every step of one return at its planned time; answers its RMA when it is stuck."""
        plan, order, lang = b.plan, b.order, b.candidate["language"]
        customer = Actor("customer", order["customer_id"])
        agent = Actor("agent", b.agent_id) if b.agent_id else SYSTEM
        at = plan.requested_at
        auto = len(plan.steps) > 1 and plan.steps[1] == ("approved", at)
        ticket_id = b.candidate["ticket_id"]
        if ticket_id is None:
            ticket_id = self.open_ticket(b, at)
        else:
            self.tag(ticket_id, at)
        return_id = self.w.next_id("returns")
        rma = flow.rma_for(return_id)
        ret = {
            "id": return_id, "rma": rma, "order_id": order["id"],
            "customer_id": order["customer_id"], "ticket_id": ticket_id, "state": "requested",
            "reason": b.reason, "outcome": b.outcome, "language": lang, "comment": None,
            "created_by": "customer", "shipping_payer": b.request.shipping_payer,
            "shipping_fee_cents": b.request.shipping_fee_cents,
            "estimate_cents": b.request.estimate_cents, "refund_cents": None,
            "resolution_ref": None, "auto_approved": auto, "policy_override": False,
            "rejection_reason": None, "token_hash": secrets.token_hash(self.ctx.token(rma)),
            "photo_ids": [], "requested_at": at, "state_changed_at": at, "received_at": None,
            "inspected_at": None, "resolved_at": None, "closed_at": None,
        }  # fmt: skip
        lines = [
            {"id": self.w.next_id("return_lines"), "return_id": return_id,
             "order_line_id": p.order_line_id, "sku": p.sku, "title": p.title,
             "quantity": p.quantity, "unit_price_cents": p.unit_price_cents,
             "exchange_sku": p.exchange_sku, "restocked": 0}
            for p in b.request.lines
        ]  # fmt: skip
        self.event(ev.RETURN_REQUESTED, customer, "return", return_id, at, ticket_id,
                   after=repo.requested_details(ret, lines))  # fmt: skip
        self.notify(ret, "requested", at, {
            "order": order["number"], "items": flow.items_text(b.request.lines, lang),
            "reason": flow.reason_label(b.reason, lang),
            "outcome": flow.outcome_label(b.outcome, lang),
            "amount": money(b.request.estimate_cents, lang),
            "fee": money(b.request.shipping_fee_cents, lang),
            "who": t("returns.by.customer", lang),
        })  # fmt: skip
        for state, when in plan.steps[1:]:
            actor, details, params = agent, {}, {}
            if state == "approved":
                actor = SYSTEM if auto else agent
                details = {"auto": auto}
                params = {"how": t("returns.how.auto" if auto else "returns.by.agent", lang)}
            elif state == "rejected":
                reason = t("returns.rejection.worn", lang)
                ret["rejection_reason"] = reason
                details, params = {"reason": reason}, {"reason": reason}
            elif state == "label_issued":
                actor = SYSTEM if auto else agent
                fee = b.request.shipping_fee_cents
                shipping = (
                    t("returns.shipping.customer", lang, fee=money(fee, lang))
                    if fee else t("returns.shipping.store", lang)
                )  # fmt: skip
                details = {"carrier": "pdf", "tracking_number": None}
                params = {"url": self.ctx.label_url(rma), "carrier": "pdf", "shipping": shipping}
            elif state == "in_transit":
                details, params = {"tracking_number": None}, {"tracking": "—"}
            elif state == "received":
                actor = SYSTEM
                ret["received_at"] = when
                details = {"via": "3pl", "warehouse": None, "counted": None, "notes": None}
                params = {"where": t("returns.by.3pl", lang), "gaps": "", "notes": ""}
            elif state == "inspected":
                actor = SYSTEM
                ret["inspected_at"] = when
                details, params = self._inspect(b, lines, when, lang)
            elif state in _RESOLUTION:
                actor = SYSTEM
                details, params = self._resolve(b, ret, state, when)
            elif state == "closed":
                ret["closed_at"] = when
            elif state == "cancelled":
                actor = customer
                ret["closed_at"] = when
            self.event(
                ev.return_state_event(state),
                actor,
                "return",
                return_id,
                when,
                ticket_id,
                before={"state": ret["state"]},
                after={"state": state, **details},
            )
            ret["state"], ret["state_changed_at"] = state, when
            # The agent writes when the parcel is in (the ticket's first reply, as in a real
            # desk), and the ticket waits on the customer while the parcel travels: the SLA of
            # a return ticket is late only when the store is.
            by_agent = state == "received" and b.agent_id and ticket_id in self.new_tickets
            self.notify(ret, state, when, params,
                        (agent, b.agent_name) if by_agent else None)  # fmt: skip
            self.settle_ticket(ticket_id, state, when)
        self.settle_ticket(ticket_id, ret["state"], ret["state_changed_at"])
        self.rows["returns"].append(ret)
        self.rows["return_lines"] += lines
        return rma if plan.stuck else None

    def _inspect(self, b: _Build, lines: list[dict], at: datetime, lang: str):
        by_sku = {ln["sku"]: ln for ln in lines}
        logged, summary = [], []
        for sku, quantity, outcome in b.inspection:
            line = by_sku[sku]
            self.rows["return_inspections"].append(
                {"id": self.w.next_id("return_inspections"), "return_line_id": line["id"],
                 "quantity": quantity, "outcome": outcome, "accepted": True, "notes": None,
                 "inspected_at": at}
            )  # fmt: skip
            if outcome == "restock" and self.restock(sku, quantity, at, "return restocked"):
                line["restocked"] += quantity
            logged.append({"sku": sku, "quantity": quantity, "outcome": outcome,
                           "accepted": True})  # fmt: skip
            summary.append(f"{quantity} × {sku}: {t('returns.inspection.' + outcome, lang)}")
        details = {"via": "3pl", "lines": logged, "notes": None,
                   "accepted_units": sum(x["quantity"] for x in logged)}  # fmt: skip
        return details, {"summary": "; ".join(summary), "next": t("returns.next.resolve", lang),
                         "notes": ""}  # fmt: skip

    def _resolve(self, b: _Build, ret: dict, state: str, at: datetime):
        rma, lang = ret["rma"], b.candidate["language"]
        fee = b.request.shipping_fee_cents
        breakdown = refund_breakdown(
            b.order, [(p.quantity, p.unit_price_cents) for p in b.request.lines], fee
        )
        if state == "refunded":
            method = "original_payment"
            refund_id = self.refund(b, ret["id"], rma, method, breakdown.total_cents, at, rma)
            amount = self.rows["refunds"][-1]["amount_cents"]
            reference, refunded = f"refund-{refund_id}", amount
        elif state == "credited":
            method = "store_credit"
            reference = "CR-" + secrets.new_token()[:10].upper().replace("-", "X").replace("_", "Y")
            amount = self.refund(b, ret["id"], rma, method, breakdown.total_cents, at,
                                 f"{rma}/credit")  # fmt: skip
            self.rows["store_credits"].append(
                {"id": self.w.next_id("store_credits"), "customer_id": b.order["customer_id"],
                 "code": reference, "amount_cents": amount, "reference": rma, "created_at": at}
            )  # fmt: skip
            refunded = amount
        else:
            method = "exchange"
            reference, amount = self.exchange(b, rma, at)
            refunded = 0
        ret.update(refund_cents=refunded, resolution_ref=reference, resolved_at=at)
        details = {
            "amount_cents": amount,
            "method": method,
            "reference": reference,
            "trigger": "inspection",
            "breakdown": asdict(breakdown),
            "lines": [{"sku": p.sku, "quantity": p.quantity} for p in b.request.lines],
        }
        return details, {"amount": money(amount, lang), "reference": reference}  # fmt: skip

    def flush(self) -> None:
        for table in ("tickets", "messages", "returns", "return_lines", "return_inspections",
                      "refunds", "store_credits", "orders", "order_lines", "events"):  # fmt: skip
            repo.bulk_insert(self.w, table, self.rows[table])
        for ticket_id, change in self.changes.items():
            facts = self.new_tickets.get(ticket_id) or self.tickets[ticket_id]
            change["tags"] = list(facts["tags"])
        repo.bulk_ticket_changes(self.w, list(self.changes.values()))
        repo.bulk_financial_status(self.w, self.statuses)
        repo.bulk_stock(self.w, dict(self.stock_delta))


def _write(w: Writer, ctx: flow.Context, builds: list[_Build]) -> list[str]:
    bulk = _Bulk(w, ctx, builds)
    stuck = [bulk.add(b) for b in builds]
    bulk.flush()
    w.forget_ids()
    return [rma for rma in stuck if rma]


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)
