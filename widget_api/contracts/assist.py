"""The widget's answer endpoint: a question in, an answer from the help center or a hand-off."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
