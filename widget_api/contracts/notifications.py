"""The agent's notification poll and read marks (``/api/v1/me/notifications/...``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.rules import Notification


class NotificationSummary(BaseModel):
    unread: int = Field(description="Unread notifications of the signed-in agent.")
    newest_id: int | None = Field(description="The newest notification's id, read or not.")
    latest: list[Notification] = Field(
        description="The newest unread notifications (a few), texts in the reader's language."
    )


class NotificationsRead(BaseModel):
    """Which unread notifications to mark read: one ticket's, those up to an id, or all."""

    model_config = ConfigDict(extra="forbid")

    ticket_ref: str | None = Field(None, max_length=40, description="Only this ticket's.")
    through_id: int | None = Field(None, ge=1, le=2**53 - 1, description="Only up to this id.")


class NotificationsMarked(BaseModel):
    marked: int
