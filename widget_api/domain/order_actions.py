"""Order actions an agent takes from a ticket (refund, cancel, address change, replacement,
goodwill discount code), on whichever platform the store uses, never twice.

One action is: find the ticket's order; plan it from the stored order (refusals before anything
is sent); record it ``pending`` under its idempotency key in one write (a key already ``done`` or
``failed`` answers the stored outcome, a key left ``unknown`` asks the platform whether it
happened before acting); call the platform outside the writer; record the outcome with its event,
an internal note saying exactly what was done, and, when asked, a message to the customer in
their language that the outbox mails like any system reply.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pydantic import TypeAdapter, ValidationError

from widget_api.commerce.local_platform import LocalPlatform
from widget_api.commerce.platform import (
    ActionOutcome,
    OrderRef,
    PlatformClient,
    PlatformError,
    PlatformTimeout,
)
from widget_api.contracts.auth import Agent
from widget_api.contracts.commerce import OrderAction, OrderActionResult
from widget_api.contracts.order_actions import OrderActionPreview, OrderActionRecord
from widget_api.contracts.order_actions import PlannedLine as PlannedLineView
from widget_api.domain import order_action_texts as texts
from widget_api.domain.errors import ComptoirError, Conflict, NotFound
from widget_api.domain.order_action_plan import Plan, dollars, plan
from widget_api.domain.tickets import ticket_id_for_ref
from widget_api.i18n import money
from widget_api.storage import Database, order_actions, orders, tickets
from widget_api.storage.events import Actor
from widget_api.storage.rows import to_db_time, utcnow

log = logging.getLogger("comptoir.order_actions")
#: A ``pending`` row older than this belongs to a request that never came back.
STALE_PENDING = timedelta(minutes=1)
_ACTION = TypeAdapter(OrderAction)


@dataclass(frozen=True)
class Answer:
    """The result and the HTTP status it goes out with."""

    result: OrderActionResult
    status: int


@dataclass(frozen=True)
class _Context:
    ticket_id: int
    language: str  # the customer's (the ticket's)
    customer_name: str | None
    order: dict


def _context(db: Database, ref: str) -> _Context:
    ticket_id = ticket_id_for_ref(db, ref)

    def read(cur):
        row = tickets.summary(cur, ticket_id)
        order = orders.for_action(cur, row["order_id"]) if row["order_id"] else None
        return row, order

    row, order = db.read(read)
    if row["order_id"] is None:
        raise Conflict("order_action.error.no_order")
    if order is None:
        raise NotFound("order_action.error.order_gone")
    return _Context(ticket_id, row["language"], row["customer_name"], order)


def order_ref(order: dict) -> OrderRef:
    return OrderRef(
        id=order["id"], number=order["number"], external_id=order["external_id"],
        currency=order["currency"], total_cents=order["total_cents"],
        fulfillment_status=order["fulfillment_status"],
        financial_status=order["financial_status"], lines=tuple(order["lines"]),
    )  # fmt: skip


def preview(db: Database, ref: str, req, lang: str) -> OrderActionPreview:
    """What ``req`` would do, refused as taking it would be; nothing is written."""
    ctx = _context(db, ref)
    planned = plan(ctx.order, req, lang=lang)
    order = ctx.order
    return OrderActionPreview(
        action=planned.action, order_number=order["number"], currency=order["currency"],
        amount=str(dollars(planned.amount_cents)) if planned.amount_cents else None,
        amount_text=money(planned.amount_cents, lang, order["currency"])
        if planned.amount_cents else None,
        lines=[PlannedLineView(**vars(ln)) for ln in planned.lines],
        shipping=planned.shipping, restock=planned.restock,
        notify_customer=req.notify_customer,
        summary=texts.summary(planned, order, lang, req.notify_customer),
    )  # fmt: skip


def take(
    db: Database, client: PlatformClient | None, ref: str, agent: Agent, req, store_name: str,
    reader_lang: str | None = None,
) -> Answer:  # fmt: skip
    """Take ``req`` on the ticket's order through ``client`` (None: the built-in store). The
    note is in the agent's language, the answer in ``reader_lang`` (default: the agent's)."""
    client = client or LocalPlatform(db)
    ctx = _context(db, ref)
    key = req.idempotency_key or secrets.token_urlsafe(18)
    lang = reader_lang or agent.language
    stored = db.read(lambda cur: order_actions.by_key(cur, key))
    if stored is not None:
        _same_action(stored, ctx, req)
        # A retry acts on what was asked first, whatever the order looks like now.
        req = _ACTION.validate_python(stored["request"])
        try:
            planned = plan(ctx.order, req, check=False, lang=lang)
        except ComptoirError:
            if stored["state"] not in ("done", "failed"):
                raise
            planned = None  # the order changed since: the stored outcome is still the answer
        if stored["state"] in ("done", "failed"):
            return _answer(stored, planned, ctx.order, lang, replayed=True)
    else:
        planned = plan(ctx.order, req, lang=lang)
    now = utcnow()

    def begin(w) -> tuple[str, dict]:
        row = order_actions.by_key(w.cur, key)
        if row is None:
            new = {
                "idempotency_key": key, "ticket_id": ctx.ticket_id, "order_id": ctx.order["id"],
                "platform": client.platform, "action": planned.action,
                "request": planned.request.model_dump(mode="json"), "agent_id": agent.id,
                "created_at": now,
            }  # fmt: skip
            return "new", {**new, "id": order_actions.begin(w, new), "state": "pending"}
        _same_action(row, ctx, req)
        if row["state"] in ("done", "failed"):
            return "replay", row
        if row["state"] == "unknown" or to_db_time(row["created_at"]) < now - STALE_PENDING:
            order_actions.claim(w, row["id"], now)
            return "resume", row
        raise Conflict("order_action.error.in_progress")

    mode, row = db.write(begin)
    if mode == "replay":
        return _answer(row, planned, ctx.order, lang, replayed=True)
    outcome, state, error_code, error_params = _act(client, ctx.order, planned, key, mode)
    at = utcnow()
    outcome_dict = (
        {"reference": outcome.reference, "amount_cents": outcome.amount_cents,
         "code": outcome.code, "details": outcome.details}
        if outcome else None
    )  # fmt: skip
    reason = (
        texts.reason_text(error_code, error_params, agent.language) if state == "failed" else None
    )
    actor = Actor("agent", agent.id)

    def record(w) -> None:
        order_actions.finish(w, row, state=state, outcome=outcome_dict, error_code=error_code,
                             error_params=error_params, actor=actor, at=at)  # fmt: skip
        (channel,) = tickets.fields(w.cur, ctx.ticket_id, "channel")
        body = texts.note(planned, ctx.order, agent.language, agent=agent.name, state=state,
                          notify=req.notify_customer, reference=outcome and outcome.reference,
                          code=outcome and outcome.code, reason=reason)  # fmt: skip
        meta = {"order_action_id": row["id"]}
        tickets.add_message(w, tickets.NewMessage(
            ticket_id=ctx.ticket_id, kind="note", author_type="agent", author_id=agent.id,
            author_name=agent.name, channel=channel, body_text=body, body_html=None, meta=meta,
            at=at), actor)  # fmt: skip
        if state == "done" and req.notify_customer:
            text = texts.customer_message(
                planned, ctx.order, ctx.language, name=ctx.customer_name, store=store_name,
                reference=outcome.reference, code=outcome.code,
            )  # fmt: skip
            # A system reply, as a rule's macro reply: the outbox mails it on mail tickets.
            tickets.add_message(w, tickets.NewMessage(
                ticket_id=ctx.ticket_id, kind="outbound", author_type="system", author_id=None,
                author_name=store_name, channel=channel, body_text=text, body_html=None,
                meta={**meta, "auto_submitted": True}, at=at), actor)  # fmt: skip

    db.write(record)
    finished = {**row, "state": state, "outcome": outcome_dict, "error_code": error_code,
                "error_params": error_params}  # fmt: skip
    return _answer(finished, planned, ctx.order, lang, replayed=False)


def _same_action(row: dict, ctx: _Context, req) -> None:
    """A key names one action on one ticket's order."""
    if (row["ticket_id"], row["order_id"], row["action"]) != (
        ctx.ticket_id,
        ctx.order["id"],
        req.action,
    ):
        raise Conflict("order_action.error.key_reused")


def _act(
    client: PlatformClient, order: dict, planned: Plan, key: str, mode: str
) -> tuple[ActionOutcome | None, str, str | None, dict | None]:
    """(outcome, state, error code, error params): the platform's answer, never an exception."""
    ref = order_ref(order)
    try:
        if mode == "resume":
            found = client.find_action(ref, planned.action, key)
            if found is not None:
                return found, "done", None, None
        return _call(client, ref, planned, key), "done", None, None
    except PlatformTimeout as exc:
        return None, "unknown", exc.key, _params(exc)
    except PlatformError as exc:
        return None, "failed", exc.key, _params(exc)
    except Exception:  # a connector's bug: whether it acted is unknown, so say so
        log.exception("order action %s on order %s failed unexpectedly", planned.action, ref.id)
        return None, "unknown", "order_action.error.unexpected", None


def _params(exc: PlatformError) -> dict:
    return {k: v if isinstance(v, int | float | bool) else str(v) for k, v in exc.params.items()}


def _call(client: PlatformClient, ref: OrderRef, planned: Plan, key: str) -> ActionOutcome:
    req = planned.request
    if planned.action == "refund":
        return client.refund(ref, req, key)
    if planned.action == "cancel":
        return client.cancel(ref, req, key)
    if planned.action == "update_shipping_address":
        return client.update_shipping_address(ref, req.address, key)
    if planned.action == "replacement":
        return client.create_replacement(ref, req, key)
    return client.create_discount_code(ref, req, key)


def status_for(state: str, error_code: str | None) -> int:
    if state == "done":
        return 200
    if state == "unknown" or state == "pending":
        return 202
    return 409 if (error_code or "").startswith(texts.REFUSED_PREFIX) else 502


def _answer(row: dict, planned: Plan | None, order: dict, lang: str, *, replayed: bool) -> Answer:
    outcome = row.get("outcome") or {}
    state = row["state"]
    reason = (
        texts.reason_text(row.get("error_code"), row.get("error_params"), lang)
        if state == "failed"
        else None
    )
    amount = outcome.get("amount_cents") or (planned.amount_cents if planned else 0)
    result = OrderActionResult(
        id=row["id"], action=row["action"], state=state, idempotency_key=row["idempotency_key"],
        reference=outcome.get("reference"), amount=str(dollars(amount)) if amount else None,
        code=outcome.get("code"), replayed=replayed,
        message=texts.result_message(planned, order, lang, state=state, replayed=replayed,
                                     reference=outcome.get("reference"),
                                     code=outcome.get("code"), reason=reason),
    )  # fmt: skip
    return Answer(result, status_for(state, row.get("error_code")))


def history(db: Database, ref: str, lang: str) -> list[OrderActionRecord]:
    """The ticket's order actions, newest first, each said in ``lang``."""
    ticket_id = ticket_id_for_ref(db, ref)

    def read(cur):
        rows = order_actions.for_ticket(cur, ticket_id)
        found = {}
        for order_id in {r["order_id"] for r in rows}:
            found[order_id] = orders.for_action(cur, order_id)
        return rows, found

    rows, found = db.read(read)
    records = []
    for row in rows:
        gone = {"number": row["order_number"] or "?", "currency": row["currency"] or "CAD",
                "lines": []}  # fmt: skip
        order = found.get(row["order_id"]) or gone
        try:
            planned = plan(order, _ACTION.validate_python(row["request"]), check=False, lang=lang)
        except (ValidationError, ComptoirError, KeyError):
            planned = None
        message = _answer(row, planned, order, lang, replayed=False).result.message
        outcome = row["outcome"] or {}
        amount = outcome.get("amount_cents")
        records.append(OrderActionRecord(
            id=row["id"], action=row["action"], state=row["state"],
            idempotency_key=row["idempotency_key"], platform=row["platform"],
            order_number=row["order_number"], reference=outcome.get("reference"),
            amount=str(dollars(amount)) if amount else None, code=outcome.get("code"),
            message=message, agent_name=row["agent_name"], created_at=row["created_at"],
            finished_at=row["finished_at"]))  # fmt: skip
    return records
