"""`POST /api/v1/widget/assist`: the widget asks, the help center answers or hands off."""

from __future__ import annotations

from litestar import post
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.contracts.assist import AssistQuestion, AssistReply
from widget_api.routes.guards import json_body, public_rate_limit


@post("/api/v1/widget/assist", operation_id="WidgetAssist", tags=["widget"], status_code=200,
      guards=[public_rate_limit, json_body], opt={"rate_bucket": "assist"},
      sync_to_thread=True)  # fmt: skip
def widget_assist(state: State, data: JSONBody[AssistQuestion]) -> AssistReply:
    """An answer quoted from the help center's articles, with its sources, or a hand-off."""
    answer = state.help.assist(data.query, data.lang)
    return AssistReply.model_validate(answer.model_dump())


HANDLERS = [widget_assist]
