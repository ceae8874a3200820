"""Macros: bilingual canned replies whose placeholders fill from the ticket, plus actions."""

from __future__ import annotations

import re

from widget_api.contracts.auth import Agent
from widget_api.contracts.inbox import Macro, MacroCreate, MacroUpdate, RenderedMacro
from widget_api.contracts.tickets import TicketDetail
from widget_api.domain.errors import NotFound
from widget_api.i18n import t
from widget_api.storage import Database, macros
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = (
    "customer_first_name", "customer_name", "order_number", "tracking_number", "tracking_link",
    "carrier", "agent_name", "agent_first_name", "ticket_ref", "store_name",
)  # fmt: skip


def placeholder_values(ticket: TicketDetail, agent: Agent, store_name: str) -> dict[str, str]:
    lang = ticket.language
    name = ticket.customer.name or ""
    order = ticket.order
    fallback = t("macro.customer_fallback", lang)
    return {
        "customer_first_name": name.split(" ")[0] if name else fallback,
        "customer_name": name or fallback,
        "order_number": order.number if order else (ticket.order_number or ""),
        "tracking_number": (order.tracking_number or "") if order else "",
        "tracking_link": (order.tracking_url or "") if order else "",
        "carrier": (order.carrier or "") if order else "",
        "agent_name": agent.name,
        "agent_first_name": agent.name.split(" ")[0],
        "ticket_ref": ticket.ref,
        "store_name": store_name,
    }


def fill(template: str, values: dict[str, str]) -> str:
    """Replace known ``{placeholders}``; unknown ones stay visible for the agent to fix."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), template)


def render(macro: dict, ticket: TicketDetail, agent: Agent, store_name: str) -> RenderedMacro:
    body = macro["body_fr"] if ticket.language == "fr" else macro["body_en"]
    return RenderedMacro(
        macro_id=macro["id"],
        language=ticket.language,
        body=fill(body, placeholder_values(ticket, agent, store_name)),
        actions=macro["actions"],
    )


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
