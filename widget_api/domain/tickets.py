"""What agents do with tickets: read the list and the thread, reply, note, change fields."""

from __future__ import annotations

from typing import Any

from widget_api.contracts.auth import Agent
from widget_api.contracts.common import Page
from widget_api.contracts.tickets import (
    CustomerBrief,
    Message,
    MessageCreate,
    TicketDetail,
    TicketQuery,
    TicketSummary,
    TicketUpdate,
)
from widget_api.domain.errors import Invalid, NotFound
from widget_api.domain.sanitize import clean_html
from widget_api.storage import Database, agents, customers, orders, tickets
from widget_api.storage.events import Actor
from widget_api.storage.rows import to_db_time, utcnow


def _summary(row: dict) -> TicketSummary:
    return TicketSummary.model_validate(
        {
            **row,
            "customer": CustomerBrief(
                id=row["customer_id"], email=row["customer_email"], name=row["customer_name"]
            ),
        }
    )


def _ticket_id(db: Database, ref: str) -> int:
    ticket_id = db.read(lambda cur: tickets.ref_to_id(cur, ref))
    if ticket_id is None:
        raise NotFound("error.ticket_not_found", ref=ref)
    return ticket_id


def list_tickets(db: Database, query: TicketQuery) -> Page[TicketSummary]:
    try:
        rows, total, next_cursor = db.read(lambda cur: tickets.list_page(cur, query))
    except tickets.BadCursor as exc:
        raise Invalid("error.bad_cursor") from exc
    return Page[TicketSummary](
        items=[_summary(r) for r in rows], total=total, next_cursor=next_cursor
    )


def detail_by_id(db: Database, ticket_id: int) -> TicketDetail:
    def read(cur):
        row = tickets.summary(cur, ticket_id)
        if row is None:
            return None
        return (
            row,
            customers.by_id(cur, row["customer_id"]),
            orders.with_lines(cur, row["order_id"]) if row["order_id"] else None,
            tickets.messages(cur, ticket_id),
        )

    found = db.read(read)
    if found is None:
        raise NotFound("error.not_found")
    row, customer, order, messages = found
    return TicketDetail.model_validate(
        {
            **_summary(row).model_dump(),
            "source": row["source"],
            "customer_detail": customer,
            "order": order,
            "messages": messages,
        }
    )


def get_ticket(db: Database, ref: str) -> TicketDetail:
    return detail_by_id(db, _ticket_id(db, ref))


async def add_agent_message(db: Database, ref: str, agent: Agent, data: MessageCreate) -> Message:
    ticket_id = _ticket_id(db, ref)
    actor = Actor("agent", agent.id)

    def write(w):
        at = utcnow()
        channel, status = tickets.fields(w.cur, ticket_id, "channel", "status")
        message_id = tickets.add_message(
            w,
            tickets.NewMessage(
                ticket_id=ticket_id,
                kind="outbound" if data.kind == "reply" else "note",
                author_type="agent",
                author_id=agent.id,
                author_name=agent.name,
                channel=channel,
                body_text=data.body,
                body_html=clean_html(data.body_html) if data.body_html else None,
                meta=None,
                at=at,
            ),
            actor,
        )
        # A public reply moves a new/open ticket to pending (waiting on the customer) unless the
        # agent chose a status, as Zendesk and Help Scout do.
        new_status = data.status
        if new_status is None and data.kind == "reply" and status in ("new", "open"):
            new_status = "pending"
        elif new_status is None and data.kind == "note" and status == "new":
            new_status = "open"
        if new_status:
            tickets.update(w, ticket_id, {"status": new_status}, actor, at)
        return message_id

    message_id = await db.awrite(write)
    rows = db.read(lambda cur: tickets.messages(cur, ticket_id))
    return Message.model_validate(next(m for m in rows if m["id"] == message_id))


async def update_ticket(db: Database, ref: str, agent: Agent, data: TicketUpdate) -> TicketDetail:
    ticket_id = _ticket_id(db, ref)
    fields = data.model_fields_set
    if "assignee_id" in fields and data.assignee_id is not None:
        target = db.read(lambda cur: agents.by_id(cur, data.assignee_id))
        if target is None or not target["active"]:
            raise Invalid("error.unknown_agent", agent_id=data.assignee_id)

    def write(w):
        changes: dict[str, Any] = {}
        for name in ("status", "priority", "problem_type"):
            if name in fields and getattr(data, name) is not None:
                changes[name] = getattr(data, name)
        if "assignee_id" in fields:
            changes["assignee_id"] = data.assignee_id
        if "snoozed_until" in fields:
            changes["snoozed_until"] = (
                to_db_time(data.snoozed_until) if data.snoozed_until else None
            )
        if data.tags is not None or data.add_tags or data.remove_tags:
            (current,) = tickets.fields(w.cur, ticket_id, "tags")
            tags = list(data.tags) if data.tags is not None else list(current)
            tags += [tag for tag in data.add_tags or [] if tag not in tags]
            tags = [tag for tag in tags if tag not in (data.remove_tags or [])]
            changes["tags"] = tags
        if changes:
            tickets.update(w, ticket_id, changes, Actor("agent", agent.id), utcnow())

    await db.awrite(write)
    return detail_by_id(db, ticket_id)
