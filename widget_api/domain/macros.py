"""Macros: bilingual canned replies whose placeholders fill from the ticket, plus actions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from widget_api.contracts.auth import Agent
from widget_api.contracts.inbox import (
    Macro,
    MacroActions,
    MacroCreate,
    MacroUpdate,
    RenderedMacro,
)
from widget_api.contracts.tickets import MessageCreate, TicketDetail, TicketUpdate
from widget_api.domain import tickets as ticket_rules
from widget_api.domain.errors import NotFound
from widget_api.i18n import t
from widget_api.storage import Database, macros, orders, tickets
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = (
    "customer_first_name", "customer_name", "order_number", "tracking_number", "tracking_link",
    "carrier", "agent_name", "agent_first_name", "ticket_ref", "store_name",
)  # fmt: skip


def placeholder_values(cur: Cursor, ticket_id: int, signer: str, store_name: str) -> dict[str, str]:
    """What each placeholder stands for on a ticket, read through ``cur``. ``signer`` fills
    ``{agent_name}`` and ``{agent_first_name}``: the agent applying the macro, or the name a rule
    signs with."""
    ticket = tickets.summary(cur, ticket_id)
    if ticket is None:
        raise NotFound("error.not_found")
    order = orders.with_lines(cur, ticket["order_id"]) if ticket["order_id"] else None
    name = ticket["customer_name"] or ""
    fallback = t("macro.customer_fallback", ticket["language"])
    return {
        "customer_first_name": name.split(" ")[0] if name else fallback,
        "customer_name": name or fallback,
        "order_number": order["number"] if order else (ticket["order_number"] or ""),
        "tracking_number": (order["tracking_number"] or "") if order else "",
        "tracking_link": (order["tracking_url"] or "") if order else "",
        "carrier": (order["carrier"] or "") if order else "",
        "agent_name": signer,
        "agent_first_name": signer.split(" ")[0],
        "ticket_ref": ticket["ref"],
        "store_name": store_name,
    }


def fill(template: str, values: dict[str, str]) -> str:
    """Replace known ``{placeholders}``; unknown ones stay visible for the agent to fix."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), template)


def reply_for(
    cur: Cursor, macro: dict, ticket_id: int, *, signer: str, store_name: str
) -> RenderedMacro:
    """The macro's reply in the ticket's language (the customer's) with its placeholders filled.

    ``cur`` is a read's cursor, or ``w.cur`` inside a write (it then sees the write's own
    changes); ``macro`` is a stored macro (``get``); ``signer`` and ``store_name`` as in
    ``placeholder_values``."""
    (language,) = tickets.fields(cur, ticket_id, "language")
    body = macro["body_fr"] if language == "fr" else macro["body_en"]
    return RenderedMacro(
        macro_id=macro["id"],
        language=language,
        body=fill(body, placeholder_values(cur, ticket_id, signer, store_name)),
        actions=macro["actions"],
    )


def apply_actions(
    w: Writer, ticket_id: int, actions: MacroActions | dict | None, actor: Actor, at: datetime
) -> dict[str, tuple[Any, Any]]:
    """Inside a write, run a macro's actions on a ticket: set its status, add its tags, and
    ``assign: me`` gives it to the actor when the actor is an agent (a rule assigns no one).
    Each change is logged under ``actor``; returns what really changed as (before, after)."""
    wanted = (
        actions if isinstance(actions, MacroActions) else MacroActions.model_validate(actions or {})
    )
    update: dict[str, Any] = {}
    if wanted.status:
        update["status"] = wanted.status
    if wanted.add_tags:
        update["add_tags"] = wanted.add_tags
    if wanted.assign == "me" and actor.type == "agent":
        update["assignee_id"] = actor.id
    changes = ticket_rules.changes_for(w, ticket_id, TicketUpdate(**update))
    return tickets.update(w, ticket_id, changes, actor, at) if changes else {}


def render(db: Database, ref: str, macro_id: int, agent: Agent, store_name: str) -> RenderedMacro:
    """The macro as ``agent`` would send it on ticket ``ref``."""
    ticket_id = ticket_rules.ticket_id_for_ref(db, ref)
    macro = get(db, macro_id)
    return db.read(
        lambda cur: reply_for(cur, macro, ticket_id, signer=agent.name, store_name=store_name)
    )


async def apply(
    db: Database,
    ref: str,
    macro_id: int,
    agent: Agent,
    store_name: str,
    message: MessageCreate | None = None,
) -> TicketDetail:
    """Send the macro's reply (or ``message``, the agent's edit of it) and run its actions, in
    one transaction. The macro's status is the reply's, so a reply does not first move the
    ticket to pending."""
    ticket_id = ticket_rules.ticket_id_for_ref(db, ref)
    macro = get(db, macro_id)
    actions = MacroActions.model_validate(macro["actions"] or {})
    mentions = ticket_rules.mentions_in(db, message) if message else ()

    def write(w: Writer) -> None:
        data = message or MessageCreate(
            body=reply_for(w.cur, macro, ticket_id, signer=agent.name, store_name=store_name).body
        )
        if actions.status:
            data = data.model_copy(update={"status": actions.status})
        ticket_rules.write_agent_message(w, ticket_id, agent, data, mentions)
        apply_actions(w, ticket_id, actions, Actor("agent", agent.id), utcnow())

    await db.awrite(write)
    return ticket_rules.detail_by_id(db, ticket_id, agent.language)


def get(db: Database, macro_id: int) -> dict:
    macro = db.read(lambda cur: macros.by_id(cur, macro_id))
    if macro is None:
        raise NotFound("error.macro_not_found", macro_id=macro_id)
    return macro


def search(db: Database, query: str | None, include_inactive: bool = False) -> list[Macro]:
    rows = db.read(lambda cur: macros.search(cur, query, include_inactive))
    return [Macro.model_validate(r) for r in rows]


def create(db: Database, agent: Agent, data: MacroCreate) -> Macro:
    fields = data.model_dump(exclude_none=True)
    macro_id = db.write(lambda w: macros.create(w, fields, Actor("agent", agent.id), utcnow()))
    return Macro.model_validate(get(db, macro_id))


def update(db: Database, agent: Agent, macro_id: int, data: MacroUpdate) -> Macro:
    changes = data.model_dump(exclude_unset=True)
    if "actions" in changes and data.actions is not None:
        changes["actions"] = data.actions.model_dump(exclude_none=True)
    if changes and not db.write(
        lambda w: macros.update(w, macro_id, changes, Actor("agent", agent.id), utcnow())
    ):
        raise NotFound("error.macro_not_found", macro_id=macro_id)
    return Macro.model_validate(get(db, macro_id))


def delete(db: Database, agent: Agent, macro_id: int) -> None:
    if not db.write(lambda w: macros.delete(w, macro_id, Actor("agent", agent.id), utcnow())):
        raise NotFound("error.macro_not_found", macro_id=macro_id)
