"""`POST /api/v1/widget/assist`: the widget asks, the help center answers or hands off; the
customer's verdict on an answer, and the hand-off to a person with the bot's transcript."""

from __future__ import annotations

from litestar import Request, post
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api import clock
from widget_api.contracts.assist import AssistFeedback, AssistHandoff, AssistQuestion, AssistReply
from widget_api.contracts.tickets import TicketCreated
from widget_api.domain import assist_handoff
from widget_api.routes.guards import client_address, json_body, public_rate_limit


@post("/api/v1/widget/assist", operation_id="WidgetAssist", tags=["widget"], status_code=200,
      guards=[public_rate_limit, json_body], opt={"rate_bucket": "assist"},
      sync_to_thread=True)  # fmt: skip
def widget_assist(state: State, data: JSONBody[AssistQuestion]) -> AssistReply:
    """An answer quoted from the help center's articles, with its sources, or a hand-off."""
    answer = state.help.assist(data.query, data.lang).model_dump()
    answer = assist_handoff.screened(data.query, answer)
    answer_id = assist_handoff.record_answer(state.db, data.query.strip(), answer, clock.now())
    titles = assist_handoff.titles(state.db, answer["citations"], answer["lang"])
    return AssistReply.model_validate({**answer, "answer_id": answer_id, "titles": titles})


@post("/api/v1/widget/assist/feedback", operation_id="WidgetAssistFeedback", tags=["widget"],
      status_code=204, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "assist_feedback", "rate_limit": 30}, sync_to_thread=True)  # fmt: skip
def widget_assist_feedback(state: State, data: JSONBody[AssistFeedback]) -> None:
    """The customer said the bot's answer helped (or did not)."""
    assist_handoff.feedback(state.db, data.answer_id, data.helpful, clock.now())


@post("/api/v1/widget/assist/handoff", operation_id="WidgetAssistHandoff", tags=["widget"],
      status_code=201, guards=[public_rate_limit, json_body],
      opt={"rate_bucket": "intake"})  # fmt: skip
async def widget_assist_handoff(
    state: State, request: Request, data: JSONBody[AssistHandoff]
) -> TicketCreated:
    """Open the chat ticket, with the bot's transcript and the reason as an internal note."""
    return await assist_handoff.hand_off(
        state.db, state.settings, state.agents_online, data, client_address(request), clock.now()
    )


HANDLERS = [widget_assist, widget_assist_feedback, widget_assist_handoff]
