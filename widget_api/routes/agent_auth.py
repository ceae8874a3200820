"""Agent sign-in, sign-out and who-am-I."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody

from widget_api.contracts.auth import Agent, LoginRequest, LoginResponse
from widget_api.contracts.common import ErrorBody
from widget_api.domain import auth
from widget_api.domain.errors import Unauthorized
from widget_api.routes.guards import agent_required, client_address, json_body, public_rate_limit


@post(
    "/api/v1/auth/login",
    operation_id="Login",
    tags=["auth"],
    status_code=200,
    guards=[public_rate_limit, json_body],
    opt={"rate_bucket": "login"},
    responses={
        401: ResponseSpec(ErrorBody, description="Wrong e-mail or password."),
        429: ResponseSpec(
            ErrorBody,
            description="Too many tries or failed sign-ins: wait "
            "Retry-After seconds (the account or address may be locked).",
        ),
    },
    sync_to_thread=True,
)
def login(data: JSONBody[LoginRequest], state: State, request: Request) -> LoginResponse:
    """Exchange an agent's e-mail and password for a bearer token.

    Failed sign-ins slow down, then lock, the account and the client address for a while."""
    throttle = state.login_throttle
    address = client_address(request)
    throttle.admit(data.email, address)
    try:
        answer = auth.login(
            state.db, data.email, data.password, state.settings.security.session_hours
        )
    except Unauthorized:
        throttle.failed(data.email, address)
        raise
    throttle.succeeded(data.email)
    return answer


@post(
    "/api/v1/auth/logout",
    operation_id="Logout",
    tags=["auth"],
    status_code=204,
    guards=[agent_required],
    sync_to_thread=True,
)
def logout(request: Request, state: State) -> None:
    """Revoke the token this request carries."""
    auth.logout(state.db, request.headers["authorization"])


@get("/api/v1/me", operation_id="Me", tags=["auth"], guards=[agent_required])
async def me(request: Request) -> Agent:
    """The signed-in agent."""
    return request.state.agent
