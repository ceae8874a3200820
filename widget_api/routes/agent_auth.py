"""Agent sign-in, sign-out and who-am-I."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import State

from widget_api.contracts.auth import Agent, LoginRequest, LoginResponse
from widget_api.domain import auth
from widget_api.routes.guards import agent_required, json_body, public_rate_limit


@post(
    "/api/v1/auth/login",
    operation_id="Login",
    tags=["auth"],
    status_code=200,
    guards=[public_rate_limit, json_body],
    opt={"rate_bucket": "login"},
    sync_to_thread=True,
)
def login(data: LoginRequest, state: State) -> LoginResponse:
    """Exchange an agent's e-mail and password for a bearer token."""
    return auth.login(state.db, data.email, data.password, state.settings.security.session_hours)


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
