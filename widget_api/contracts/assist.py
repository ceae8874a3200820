"""The widget's answer endpoint: a question in, an answer from the help center or a hand-off."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.widget import ChatStart

MAX_QUESTION_CHARS = 1000


class AssistQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=r"\S")
    lang: Literal["fr", "en"] | None = Field(
        None, description="The question's language; guessed from its words when absent."
    )


class AssistReply(BaseModel):
    answer: str = Field(description="The quoted passage in a short frame, or the hand-off text.")
    citations: list[str] = Field(description="Slugs of the cited articles (none on a hand-off).")
    handoff: bool = Field(description="True when a person should answer instead.")
    confidence: float = Field(ge=0, le=1)
    lang: Literal["fr", "en"]
    links: list[str] = Field(description="Public links of the cited articles.")
    answer_id: int | None = Field(
        None, description="This answer as recorded (for feedback and a hand-off's transcript)."
    )
    titles: list[str] = Field(
        default_factory=list, description="Titles of the cited articles, in the links' order."
    )


class AssistFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer_id: int = Field(ge=1)
    helpful: bool


class AssistHandoff(BaseModel):
    """Hand the widget's conversation with the bot to a person: the chat to open, the bot
    answers given so far (their transcript becomes an internal note) and whether the customer
    asked for a person."""

    model_config = ConfigDict(extra="forbid")

    chat: ChatStart
    answer_ids: list[int] = Field(default_factory=list, max_length=50)
    asked: bool = False
