"""The dashboard's only way to data: the agent API over httpx, answers as contract models."""

from __future__ import annotations

from typing import Any

import httpx

from widget_api.contracts.auth import Agent, LoginResponse
from widget_api.contracts.common import Page
from widget_api.contracts.tickets import Message, TicketDetail, TicketSummary


class ApiError(RuntimeError):
    """The API refused a request; ``detail`` is its message in the agent's language."""

    def __init__(self, status_code: int, detail: str):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


class SessionExpired(ApiError):
    """The token is missing, expired or revoked: sign in again."""


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, language: str = "fr"):
        headers = {"Accept-Language": language}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=15)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(0, str(exc)) from exc
        if response.status_code == 401:
            raise SessionExpired(401, _detail(response))
        if response.is_error:
            raise ApiError(response.status_code, _detail(response))
        return response.json() if response.content else None

    def login(self, email: str, password: str) -> LoginResponse:
        data = self._call("POST", "/api/v1/auth/login", json={"email": email, "password": password})
        return LoginResponse.model_validate(data)

    def logout(self) -> None:
        self._call("POST", "/api/v1/auth/logout")

    def me(self) -> Agent:
        return Agent.model_validate(self._call("GET", "/api/v1/me"))

    def agents(self) -> list[Agent]:
        return [Agent.model_validate(a) for a in self._call("GET", "/api/v1/agents")]

    def tickets(self, **filters: Any) -> Page[TicketSummary]:
        params = {k: v for k, v in filters.items() if v not in (None, "", [], False)}
        return Page[TicketSummary].model_validate(
            self._call("GET", "/api/v1/tickets", params=params)
        )

    def ticket(self, ref: str) -> TicketDetail:
        return TicketDetail.model_validate(self._call("GET", f"/api/v1/tickets/{ref}"))

    def add_message(self, ref: str, body: str, kind: str = "reply") -> Message:
        data = self._call(
            "POST", f"/api/v1/tickets/{ref}/messages", json={"body": body, "kind": kind}
        )
        return Message.model_validate(data)

    def update_ticket(self, ref: str, **changes: Any) -> TicketDetail:
        return TicketDetail.model_validate(
            self._call("PATCH", f"/api/v1/tickets/{ref}", json=changes)
        )


def _detail(response: httpx.Response) -> str:
    try:
        return response.json().get("detail") or response.text
    except ValueError:
        return response.text
