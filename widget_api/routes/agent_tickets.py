"""The agent API over tickets: list, read, reply or note, change."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from pydantic import ValidationError

from widget_api.contracts.common import Channel, Page, Status
from widget_api.contracts.tickets import (
    Message,
    MessageCreate,
    SortKey,
    TicketCreate,
    TicketCreated,
    TicketDetail,
    TicketQuery,
    TicketSummary,
    TicketUpdate,
    View,
)
from widget_api.domain import intake, tickets
from widget_api.domain.errors import Invalid
from widget_api.routes.guards import agent_required, json_body, public_rate_limit
from widget_api.routes.params import OptionalId, limit_param


class TicketController(Controller):
    """Tickets. Creation is public (customers); everything else needs a signed-in agent."""

    path = "/api/v1/tickets"
    tags = ["tickets"]  # noqa: RUF012 (Litestar reads class attributes)

    @post(
        "/",
        operation_id="CreateTicket",
        status_code=201,
        guards=[public_rate_limit, json_body],
        opt={"rate_bucket": "intake"},
    )
    async def create_ticket(
        self, data: JSONBody[TicketCreate], state: State, request: Request
    ) -> TicketCreated:
        """Open a ticket (public). The answer's conversation token is the customer's only key."""
        return await intake.open_ticket(
            state.db,
            data,
            channel="web",
            default_language=state.settings.store.default_language,
            source={"user_agent": request.headers.get("user-agent", "")[:300]},
        )

    @get("/", operation_id="ListTickets", guards=[agent_required], sync_to_thread=True)
    def list_tickets(
        self,
        state: State,
        request: Request,
        # Typed as TicketQuery's fields, so the document lists the allowed values.
        status: FromQuery[list[Status] | None] = None,
        assignee_id: OptionalId = None,
        unassigned: FromQuery[bool] = False,
        channel: FromQuery[list[Channel] | None] = None,
        tag: FromQuery[str | None] = None,
        problem_type: FromQuery[str | None] = None,
        customer_id: OptionalId = None,
        view: FromQuery[View | None] = None,
        q: Annotated[
            str | None,
            Parameter(description="Words in subject, messages, customer, order number, ref."),
        ] = None,
        sort: FromQuery[SortKey] = "updated",
        limit: Annotated[int, limit_param(200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> Page[TicketSummary]:
        """Tickets matching every given filter, one page at a time (keyset cursor)."""
        try:
            query = TicketQuery(
                status=status,
                assignee_id=assignee_id,
                unassigned=unassigned,
                channel=channel,
                tag=tag,
                problem_type=problem_type,
                customer_id=customer_id,
                view=view,
                q=q,
                sort=sort,
                limit=limit,
                cursor=cursor,
            )
        except ValidationError as exc:
            raise Invalid("error.validation", detail=_first_error(exc)) from exc
        return tickets.list_tickets(state.db, query, request.state.agent)

    @get("/{ref:str}", operation_id="GetTicket", guards=[agent_required], sync_to_thread=True)
    def get_ticket(self, state: State, request: Request, ref: FromPath[str]) -> TicketDetail:
        """A ticket with its customer, linked order and lines, and whole thread."""
        return tickets.get_ticket(
            state.db, ref, request.state.agent.language, state.visitor_links.connected
        )

    @post(
        "/{ref:str}/messages",
        operation_id="AddTicketMessage",
        status_code=201,
        guards=[agent_required, json_body],
    )
    async def add_message(
        self, state: State, request: Request, ref: FromPath[str], data: JSONBody[MessageCreate]
    ) -> Message:
        """A reply to the customer or an internal note."""
        return await tickets.add_agent_message(state.db, ref, request.state.agent, data)

    @patch("/{ref:str}", operation_id="UpdateTicket", guards=[agent_required, json_body])
    async def update_ticket(
        self, state: State, request: Request, ref: FromPath[str], data: JSONBody[TicketUpdate]
    ) -> TicketDetail:
        """Change status, assignee, priority, tags, problem type or snooze."""
        agent = request.state.agent
        return await tickets.update_ticket(state.db, ref, agent, data, agent.language)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]
