"""What agents do with tickets: views, the thread, replies and notes, changes, bulk, merges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from widget_api import clock
from widget_api.channels import messenger_window, sms_settings, sms_status, whatsapp_window
from widget_api.contracts import events as ev
from widget_api.contracts.auth import Agent
from widget_api.contracts.common import Page
from widget_api.contracts.inbox import BulkResult, CustomerProfile, Event, MergePlan, ViewCounts
from widget_api.contracts.tickets import (
    CustomerBrief,
    Message,
    MessageCreate,
    TicketDetail,
    TicketQuery,
    TicketSummary,
    TicketUpdate,
)
from widget_api.domain import address, inbox_views
from widget_api.domain import ticket_readiness as readiness
from widget_api.domain.errors import ComptoirError, Invalid, NotFound
from widget_api.domain.mentions import mentioned_agents
from widget_api.domain.rules import history as rule_history
from widget_api.domain.sanitize import clean_html
from widget_api.i18n import t
from widget_api.storage import Database, agents, customers, orders, sla_outcomes, tickets
from widget_api.storage import events as event_log
from widget_api.storage import mail as mail_store
from widget_api.storage import rules as rule_store
from widget_api.storage import sms as sms_store
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM, Actor, append
from widget_api.storage.rows import to_db_time, utcnow


class Collision(ComptoirError):
    """Someone else wrote in the thread since the agent loaded it."""

    status_code = 409


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


def ticket_id_for_ref(db: Database, ref: str) -> int:
    return _ticket_id(db, ref)


def list_tickets(
    db: Database, query: TicketQuery, agent: Agent | None = None
) -> Page[TicketSummary]:
    agent_id = agent.id if agent else None
    try:
        rows, total, next_cursor = db.read(
            lambda cur: tickets.list_page(
                cur, query, agent_id, utcnow(), inbox_views.view_filter(query.view)
            )
        )
    except tickets.BadCursor as exc:
        raise Invalid("error.bad_cursor") from exc
    return Page[TicketSummary](
        items=[_summary(r) for r in rows], total=total, next_cursor=next_cursor
    )


def view_counts(db: Database, agent: Agent) -> ViewCounts:
    def read(cur):
        return tickets.view_counts(
            cur, inbox_views.VIEWS, inbox_views.UNRESOLVED, agent.id, utcnow()
        )

    return ViewCounts.model_validate(db.read(read))


def detail_by_id(
    db: Database,
    ticket_id: int,
    lang: str = "fr",
    visitor_connected: Callable[[str], bool] | None = None,
) -> TicketDetail:
    """The ticket as the workspace shows it. ``visitor_connected`` (ref → whether the chat
    visitor's widget is open) lets it warn that a chat reply will reach nobody; without it the
    visitor is taken as reachable."""

    def read(cur):
        row = tickets.summary(cur, ticket_id)
        if row is None:
            return None
        order = orders.with_lines(cur, row["order_id"]) if row["order_id"] else None
        units = (
            orders.previous_units(cur, order["customer_id"], order["ship_address1"], order["id"])
            if order and order["ship_address1"]
            else []
        )
        merged_into = tickets.ref_of(cur, row["merged_into_id"]) if row["merged_into_id"] else None
        return (
            row,
            _with_identities(cur, customers.by_id(cur, row["customer_id"])),
            order,
            units,
            merged_into,
            tickets.messages(cur, ticket_id),
            sla_outcomes.of_ticket(cur, ticket_id),
            mail_store.default_outbound_mailbox(cur) is not None,
        )

    found = db.read(read)
    if found is None:
        raise NotFound("error.not_found")
    row, customer, order, units, merged_into, messages, outcomes, has_mailbox = found
    sms_ready = row["channel"] == "sms" and _sms_ready(db)
    issue = readiness.reply_issue(
        row["channel"], has_mailbox, sms_ready, (customer or {}).get("identities") or [],
        visitor_email=row["customer_email"] or (customer or {}).get("email"),
        visitor_connected=visitor_connected is None or visitor_connected(row["ref"]),
    )  # fmt: skip
    return TicketDetail.model_validate(
        {
            **_summary(row).model_dump(),
            "source": row["source"],
            "customer_detail": customer,
            "order": order,
            "address_warnings": address.warnings(order, units, lang) if order else [],
            "sender_warnings": sender_warnings(messages, lang),
            "merged_into": merged_into,
            "messages": messages,
            "sla_targets": readiness.sla_targets(
                outcomes, row["sla_state"], row["sla_due_at"], clock.now()
            ),
            "reply_channel_ready": issue is None,
            "reply_channel_issue": issue,
        }
    )


def _sms_ready(db: Database) -> bool:
    """Whether SMS replies can go out: Twilio set up with a sender."""
    try:
        config = sms_settings.load(db)
    except Exception:  # a token sealed under another key: no reply would go out either
        return False
    return config is not None and config.can_send


def _with_identities(cur, customer: dict | None) -> dict | None:
    """The customer with every channel identity (phone, page-scoped ids…) and SMS opt-outs."""
    if customer is None:
        return None
    return {**customer, "identities": sms_store.identities_of(cur, customer["id"])}


def sender_warnings(messages: list[dict], lang: str) -> list[str]:
    """One line per mail whose display name is another address than its sender's (the
    pipeline records it in the message's ``meta.mail``)."""
    found: list[str] = []
    for message in messages:
        mail = (message.get("meta") or {}).get("mail") or {}
        if mail.get("display_name_address") and mail.get("from"):
            text = t("mail.warning.display_name_address", lang,
                     shown=mail["display_name_address"], address=mail["from"])  # fmt: skip
            if text not in found:
                found.append(text)
    return found


def get_ticket(
    db: Database, ref: str, lang: str = "fr", visitor_connected: Callable[[str], bool] | None = None
) -> TicketDetail:
    return detail_by_id(db, _ticket_id(db, ref), lang, visitor_connected)


def mentions_in(db: Database, data: MessageCreate) -> tuple[int, ...]:
    """The agents a note mentions (``@Name``); replies mention nobody."""
    if data.kind != "note":
        return ()
    return tuple(mentioned_agents(data.body, db.read(agents.by_names)))


def write_agent_message(
    w: Writer, ticket_id: int, agent: Agent, data: MessageCreate, mentions: tuple[int, ...] = ()
) -> int:
    """Inside a write: the agent's reply or note, refused (409) if the customer wrote since the
    agent's ``seen_message_id``, and the status it leads to; returns the message id."""
    actor = Actor("agent", agent.id)
    if data.seen_message_id is not None and not data.force and data.kind == "reply":
        newer = [
            m
            for m in tickets.newest_message_after(w.cur, ticket_id, data.seen_message_id)
            if m["kind"] != "note" and m["author_id"] != agent.id
        ]
        if newer:
            raise Collision("error.collision", newer=len(newer))
    at = utcnow()
    channel, status = tickets.fields(w.cur, ticket_id, "channel", "status")
    if channel == "sms" and data.kind == "reply":
        sms_status.refuse_if_opted_out(w.cur, ticket_id)
    if channel == "whatsapp" and data.kind == "reply":
        whatsapp_window.refuse_outside_window(w.cur, ticket_id)
    if channel in ("facebook", "instagram") and data.kind == "reply":
        messenger_window.refuse_reply(w.cur, ticket_id, channel, data.body)
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
            mentions=mentions,
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


async def add_agent_message(db: Database, ref: str, agent: Agent, data: MessageCreate) -> Message:
    ticket_id = _ticket_id(db, ref)
    mentions = mentions_in(db, data)
    message_id = await db.awrite(lambda w: write_agent_message(w, ticket_id, agent, data, mentions))
    rows = db.read(lambda cur: tickets.messages(cur, ticket_id))
    return Message.model_validate(next(m for m in rows if m["id"] == message_id))


def changes_for(w: Writer, ticket_id: int, data: TicketUpdate) -> dict[str, Any]:
    """Inside a write: the columns ``data`` changes (tags added and removed from the current
    ones), for ``storage.tickets.update``."""
    fields = data.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("status", "priority", "problem_type"):
        if name in fields and getattr(data, name) is not None:
            changes[name] = getattr(data, name)
    if "assignee_id" in fields:
        changes["assignee_id"] = data.assignee_id
    if "snoozed_until" in fields:
        changes["snoozed_until"] = to_db_time(data.snoozed_until) if data.snoozed_until else None
    if data.tags is not None or data.add_tags or data.remove_tags:
        (current,) = tickets.fields(w.cur, ticket_id, "tags")
        tags = list(data.tags) if data.tags is not None else list(current)
        tags += [tag for tag in data.add_tags or [] if tag not in tags]
        changes["tags"] = [tag for tag in tags if tag not in (data.remove_tags or [])]
    return changes


def _check_assignee(db: Database, data: TicketUpdate) -> None:
    if "assignee_id" in data.model_fields_set and data.assignee_id is not None:
        target = db.read(lambda cur: agents.by_id(cur, data.assignee_id))
        if target is None or not target["active"]:
            raise Invalid("error.unknown_agent", agent_id=data.assignee_id)


async def update_ticket(
    db: Database, ref: str, agent: Agent, data: TicketUpdate, lang: str = "fr"
) -> TicketDetail:
    ticket_id = _ticket_id(db, ref)
    _check_assignee(db, data)

    def write(w: Writer) -> None:
        changes = changes_for(w, ticket_id, data)
        if changes:
            tickets.update(w, ticket_id, changes, Actor("agent", agent.id), utcnow())

    await db.awrite(write)
    return detail_by_id(db, ticket_id, lang)


async def bulk_update(
    db: Database, refs: list[str], agent: Agent, data: TicketUpdate
) -> BulkResult:
    """Apply the same change to many tickets in one transaction."""
    _check_assignee(db, data)
    ids = db.read(lambda cur: {ref: tickets.ref_to_id(cur, ref) for ref in refs})
    found = {ref: i for ref, i in ids.items() if i is not None}

    def write(w: Writer) -> None:
        at = utcnow()
        for ticket_id in found.values():
            changes = changes_for(w, ticket_id, data)
            if changes:
                tickets.update(w, ticket_id, changes, Actor("agent", agent.id), at)

    await db.awrite(write)
    return BulkResult(updated=list(found), not_found=[r for r, i in ids.items() if i is None])


def merge_plan(db: Database, refs: list[str]) -> MergePlan:
    """Which of the selected tickets a merge goes into: the oldest (the conversation began
    there), the others fold into it. Tickets of different customers are refused."""
    ids = list(dict.fromkeys(_ticket_id(db, ref) for ref in refs))
    if len(ids) < 2:
        raise Invalid("error.merge_too_few")
    rows = db.read(lambda cur: [tickets.summary(cur, i) for i in ids])
    rows.sort(key=lambda r: (r["created_at"], r["id"]))
    target, *sources = rows
    for row in sources:
        if row["customer_id"] != target["customer_id"]:
            raise Invalid("error.merge_customer", ref=row["ref"])
    return MergePlan(target_ref=target["ref"], source_refs=[r["ref"] for r in sources])


async def merge(
    db: Database, target_ref: str, source_refs: list[str], agent: Agent
) -> TicketDetail:
    """Fold duplicates into one ticket: their messages move over, each source is closed with a
    note pointing at the target, and the customer's old links lead to the merged conversation."""
    target_id = _ticket_id(db, target_ref)
    source_ids = {ref: _ticket_id(db, ref) for ref in source_refs}
    if target_id in source_ids.values():
        raise Invalid("error.merge_self")
    actor = Actor("agent", agent.id)

    def write(w: Writer) -> None:
        at = utcnow()
        (target_customer, lang) = tickets.fields(w.cur, target_id, "customer_id", "language")
        for ref, source_id in source_ids.items():
            (customer_id,) = tickets.fields(w.cur, source_id, "customer_id")
            if customer_id != target_customer:
                raise Invalid("error.merge_customer", ref=ref)
        for ref, source_id in source_ids.items():
            moved = tickets.move_messages(w, source_id, target_id)
            tickets.update(w, source_id, {"status": "closed"}, actor, at)
            (tags,) = tickets.fields(w.cur, source_id, "tags")
            tickets.update(w, source_id, {"tags": [*tags, "merged"]}, actor, at)
            _system_note(w, source_id, t("note.merged_into", lang, ref=target_ref), at)
            append(w, name=ev.TICKET_MERGED, actor=actor, entity_type="ticket",
                   entity_id=source_id, ticket_id=target_id, at=at,
                   after={"into": target_id, "from": source_id, "messages": moved,
                          "from_ref": ref})  # fmt: skip
        _system_note(w, target_id, t("note.merged_from", lang, refs=", ".join(source_ids)), at)

    await db.awrite(write)
    return detail_by_id(db, target_id)


def _system_note(w: Writer, ticket_id: int, text: str, at) -> None:
    (channel,) = tickets.fields(w.cur, ticket_id, "channel")
    tickets.add_message(
        w,
        tickets.NewMessage(
            ticket_id=ticket_id, kind="note", author_type="system", author_id=None,
            author_name="Comptoir", channel=channel, body_text=text, body_html=None, meta=None,
            at=at,
        ),
        SYSTEM,
    )  # fmt: skip


def customer_profile(db: Database, customer_id: int) -> CustomerProfile:
    def read(cur):
        customer = customers.by_id(cur, customer_id)
        if customer is None:
            return None
        return (
            customer,
            customers.order_stats(cur, customer_id),
            tickets.for_customer(cur, customer_id),
            orders.for_customer(cur, customer_id, customer["email"]),
        )

    found = db.read(read)
    if found is None:
        raise NotFound("error.not_found")
    customer, (order_count, value), rows, order_rows = found
    return CustomerProfile(
        **customer,
        order_count=order_count,
        lifetime_value_cents=value,
        tickets=[_summary(r) for r in rows],
        orders=order_rows,
    )


def events(db: Database, ref: str, lang: str = "fr") -> list[Event]:
    """The ticket's history: every event but the summaries that repeat the field events; a
    rule's change carries its line in ``lang``."""
    ticket_id = _ticket_id(db, ref)
    rows = db.read(lambda cur: event_log.for_ticket(cur, ticket_id))
    by_rules = [e["actor_id"] for e in rows if e["actor_type"] == "rule"]
    names = db.read(lambda cur: rule_store.names(cur, by_rules)) if by_rules else {}
    return [
        Event.model_validate({**e, "rule_line": rule_history.line(e, names, lang)})
        for e in rows
        if e["name"] not in ev.SUMMARY_EVENTS
    ]
