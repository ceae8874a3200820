"""The agent's workspace beyond single tickets: views, bulk actions, merges, presence, macros,
customer profiles, and the admin's agents and store settings."""

from __future__ import annotations

from litestar import Request, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from widget_api.contracts.auth import Agent
from widget_api.contracts.inbox import (
    AgentUpdate,
    BulkResult,
    BulkUpdate,
    CustomerProfile,
    Event,
    Macro,
    MacroCreate,
    MacroUpdate,
    MergePlan,
    MergePlanRequest,
    MergeRequest,
    PresenceUpdate,
    RenderedMacro,
    StoreSettings,
    ViewCounts,
    Viewer,
)
from widget_api.contracts.sla import SlaSettings
from widget_api.contracts.tickets import MessageCreate, TicketDetail
from widget_api.domain import macros, store, team, tickets
from widget_api.domain.errors import Forbidden
from widget_api.domain.sla import settings as sla_settings
from widget_api.routes.guards import admin_required, agent_required, client_address, json_body


def _agent(request: Request) -> Agent:
    return request.state.agent


@get("/api/v1/views", operation_id="ViewCounts", tags=["inbox"], guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def view_counts(state: State, request: Request) -> ViewCounts:
    """Live counts of every inbox view for the signed-in agent."""
    return tickets.view_counts(state.db, _agent(request))


@post("/api/v1/tickets/bulk", operation_id="BulkUpdateTickets", tags=["inbox"],
      guards=[agent_required, json_body], status_code=200)  # fmt: skip
async def bulk_update(state: State, request: Request, data: JSONBody[BulkUpdate]) -> BulkResult:
    """Apply one change (assign, tags, status, priority) to many tickets at once."""
    return await tickets.bulk_update(state.db, data.refs, _agent(request), data.changes)


@post("/api/v1/tickets/merge-plan", operation_id="PlanMerge", tags=["inbox"],
      guards=[agent_required, json_body], status_code=200, sync_to_thread=True)  # fmt: skip
def plan_merge(state: State, data: JSONBody[MergePlanRequest]) -> MergePlan:
    """Which of the selected tickets a merge goes into (the oldest) and which fold into it;
    400 for tickets of different customers."""
    return tickets.merge_plan(state.db, data.refs)


@post("/api/v1/tickets/{ref:str}/merge", operation_id="MergeTickets", tags=["inbox"],
      guards=[agent_required, json_body], status_code=200)  # fmt: skip
async def merge_tickets(
    state: State, request: Request, ref: FromPath[str], data: JSONBody[MergeRequest]
) -> TicketDetail:
    """Merge duplicates of the same customer into this ticket."""
    return await tickets.merge(state.db, ref, data.source_refs, _agent(request))


@post("/api/v1/tickets/{ref:str}/presence", operation_id="TicketPresence", tags=["inbox"],
      guards=[agent_required, json_body], status_code=200, sync_to_thread=True)  # fmt: skip
def presence(
    state: State, request: Request, ref: FromPath[str], data: JSONBody[PresenceUpdate]
) -> list[Viewer]:
    """Heartbeat of an agent viewing (or typing in) a ticket; answers who else is there."""
    agent = _agent(request)
    tickets.get_ticket(state.db, ref)  # 404 for unknown tickets
    if data.leaving:
        state.presence.leave(ref, agent.id)
    else:
        state.presence.beat(ref, agent.id, agent.name, data.typing)
    return [Viewer.model_validate(v) for v in state.presence.others(ref, agent.id)]


@get("/api/v1/customers/{customer_id:int}", operation_id="GetCustomer", tags=["customers"],
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def get_customer(state: State, customer_id: FromPath[int]) -> CustomerProfile:
    """Contact, language, past tickets, order count and lifetime value."""
    return tickets.customer_profile(state.db, customer_id)


@get("/api/v1/tickets/{ref:str}/events", operation_id="TicketEvents", tags=["inbox"],
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def ticket_events(state: State, request: Request, ref: FromPath[str]) -> list[Event]:
    """The ticket's history from the event log, oldest first (rules' changes with a line)."""
    return tickets.events(state.db, ref, request.state.agent.language)


# -- macros -------------------------------------------------------------------------------------
@get("/api/v1/macros", operation_id="ListMacros", tags=["macros"], guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def list_macros(
    state: State, q: FromQuery[str | None] = None, include_inactive: FromQuery[bool] = False
) -> list[Macro]:
    """Macros whose name or text contains every word of ``q``."""
    return macros.search(state.db, q, include_inactive)


@post("/api/v1/macros", operation_id="CreateMacro", tags=["macros"],
      guards=[admin_required, json_body], status_code=201, sync_to_thread=True)  # fmt: skip
def create_macro(state: State, request: Request, data: JSONBody[MacroCreate]) -> Macro:
    """Add a macro (administrators)."""
    return macros.create(state.db, _agent(request), data)


@patch("/api/v1/macros/{macro_id:int}", operation_id="UpdateMacro", tags=["macros"],
       guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def update_macro(
    state: State, request: Request, macro_id: FromPath[int], data: JSONBody[MacroUpdate]
) -> Macro:
    """Edit a macro (administrators)."""
    return macros.update(state.db, _agent(request), macro_id, data)


@delete("/api/v1/macros/{macro_id:int}", operation_id="DeleteMacro", tags=["macros"],
        guards=[admin_required], sync_to_thread=True)  # fmt: skip
def delete_macro(state: State, request: Request, macro_id: FromPath[int]) -> None:
    """Delete a macro (administrators)."""
    macros.delete(state.db, _agent(request), macro_id)


@get("/api/v1/tickets/{ref:str}/macros/{macro_id:int}", operation_id="RenderMacro",
     tags=["macros"], guards=[agent_required], sync_to_thread=True)  # fmt: skip
def render_macro(
    state: State, request: Request, ref: FromPath[str], macro_id: FromPath[int]
) -> RenderedMacro:
    """The macro's text in the ticket's language with its placeholders filled."""
    store_name = store.get(state.db, state.settings).name
    return macros.render(state.db, ref, macro_id, _agent(request), store_name)


@post("/api/v1/tickets/{ref:str}/macros/{macro_id:int}/apply", operation_id="ApplyMacro",
      tags=["macros"], guards=[agent_required], status_code=200)  # fmt: skip
async def apply_macro(
    state: State,
    request: Request,
    ref: FromPath[str],
    macro_id: FromPath[int],
    data: JSONBody[MessageCreate | None] = None,
) -> TicketDetail:
    """Send the macro as a reply (or the agent's edited text) and run its actions."""
    store_name = store.get(state.db, state.settings).name
    return await macros.apply(state.db, ref, macro_id, _agent(request), store_name, data)


# -- agents and store settings ---------------------------------------------------------------------
@patch("/api/v1/agents/{agent_id:int}", operation_id="UpdateAgent", tags=["agents"],
       guards=[agent_required, json_body], sync_to_thread=True)  # fmt: skip
def update_agent(
    state: State, request: Request, agent_id: FromPath[int], data: JSONBody[AgentUpdate]
) -> Agent:
    """Role, activation, password reset (admins); own name, language, password (anyone; one's
    own password with the current one, whose wrong guesses count as failed sign-ins)."""
    me = _agent(request)
    if data.password is None or agent_id != me.id:
        return team.update_agent(state.db, me, agent_id, data)
    throttle, address = state.login_throttle, client_address(request)
    throttle.admit(me.email, address)
    try:
        changed = team.update_agent(state.db, me, agent_id, data)
    except Forbidden as refused:
        if refused.key == "error.current_password_wrong":
            throttle.failed(me.email, address)
        raise
    throttle.succeeded(me.email)
    return changed


@get("/api/v1/settings/store", operation_id="GetStoreSettings", tags=["settings"],
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def get_store_settings(state: State) -> StoreSettings:
    """Store name, languages, support e-mail, time zone."""
    return store.get(state.db, state.settings)


@put("/api/v1/settings/store", operation_id="PutStoreSettings", tags=["settings"],
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_store_settings(
    state: State, request: Request, data: JSONBody[StoreSettings]
) -> StoreSettings:
    """Change the store settings (administrators)."""
    return store.put(state.db, _agent(request), data)


@get("/api/v1/settings/sla", operation_id="GetSlaSettings", tags=["settings"],
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def get_sla_settings(state: State) -> SlaSettings:
    """Business hours, holidays and the SLA policies, first match wins."""
    return sla_settings.load(state.db)


@put("/api/v1/settings/sla", operation_id="PutSlaSettings", tags=["settings"],
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_sla_settings(state: State, request: Request, data: JSONBody[SlaSettings]) -> SlaSettings:
    """Change SLA policies (administrators); every open ticket is recomputed."""
    sla_settings.save(state.db, request.state.agent, data)
    return sla_settings.load(state.db)


HANDLERS = [
    view_counts, bulk_update, plan_merge, merge_tickets, presence, ticket_events, get_customer,
    list_macros, create_macro, update_macro, delete_macro, render_macro, apply_macro, update_agent,
    get_store_settings, put_store_settings, get_sla_settings, put_sla_settings,
]  # fmt: skip
