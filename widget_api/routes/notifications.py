"""The signed-in agent's notifications: the cheap poll behind the tab title's count and the
desktop notifications, and marking them read."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.contracts.notifications import (
    NotificationsMarked,
    NotificationsRead,
    NotificationSummary,
)
from widget_api.domain import agent_notifications, tickets
from widget_api.i18n import negotiate
from widget_api.routes.guards import agent_required, json_body

_TAGS = ["notifications"]


def _lang(request: Request) -> str:
    agent = request.state.agent
    header = request.headers.get("accept-language")
    return negotiate(header, default=agent.language) if header else agent.language


@get("/api/v1/me/notifications/summary", operation_id="MyNotificationSummary", tags=_TAGS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def notification_summary(state: State, request: Request) -> NotificationSummary:
    """Unread count, newest id and the newest unread notifications of the signed-in agent
    (the dashboard polls this every few seconds)."""
    return agent_notifications.summary(state.db, request.state.agent.id, _lang(request))


@post("/api/v1/me/notifications/read", operation_id="MarkNotificationsRead", tags=_TAGS,
      guards=[agent_required, json_body], status_code=200, sync_to_thread=True)  # fmt: skip
def mark_notifications_read(
    data: JSONBody[NotificationsRead], state: State, request: Request
) -> NotificationsMarked:
    """Mark the agent's unread notifications read: one ticket's (``ticket_ref``), those up to
    ``through_id``, or all of them (an empty body)."""
    ticket_id = tickets.ticket_id_for_ref(state.db, data.ticket_ref) if data.ticket_ref else None
    marked = agent_notifications.mark_read(
        state.db, request.state.agent.id, ticket_id=ticket_id, through_id=data.through_id
    )
    return NotificationsMarked(marked=marked)


HANDLERS = [notification_summary, mark_notifications_read]
