"""Errors of the returns desk. ``PolicyRefused`` answers 422 with a code, the explanation in the
customer's language and how to reach an agent; ``InvalidTransition`` answers 409."""

from __future__ import annotations

from typing import Any

from widget_api.domain.errors import ComptoirError


class PolicyRefused(ComptoirError):
    """The return policy does not allow this request (an agent may make an exception)."""

    status_code = 422

    def __init__(self, code: str, *, lang: str | None = None, **params: Any):
        super().__init__(f"returns.refused.{code}", **params)
        self.code = code
        self.lang = lang


class InvalidTransition(ComptoirError):
    """The return is not in a state that allows this step."""

    status_code = 409

    def __init__(self, key: str, *, rma: str, state: str, target: str, lang: str | None = None):
        super().__init__(key, rma=rma, state=state, target=target)
        self.lang = lang  # the customer's language, when a customer asked
