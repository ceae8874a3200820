"""Guards run before the body is read: content type, rate limits, agent authentication."""

from __future__ import annotations

import anyio
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from widget_api.domain import auth
from widget_api.domain import proxies as proxies_
from widget_api.domain.errors import RateLimited, UnsupportedMedia


def json_body(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    media = connection.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMedia("error.unsupported_media")


def client_address(connection: ASGIConnection) -> str:
    """The client's address (behind trusted proxies only); every per-address limit keys on it."""
    peer = connection.client.host if connection.client else "unknown"
    proxies = connection.app.state.settings.api.trusted_proxies
    return proxies_.client_address(peer, connection.headers.getall("x-forwarded-for", []), proxies)


def public_rate_limit(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    limiter = connection.app.state.public_limiter
    bucket = handler.opt.get("rate_bucket", "public")
    wait = limiter.hit(f"{bucket}:{client_address(connection)}", handler.opt.get("rate_limit"))
    if wait is not None:
        raise RateLimited("error.rate_limited", headers={"Retry-After": str(wait)}, seconds=wait)


async def agent_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    db = connection.app.state.db
    header = connection.headers.get("authorization")
    agent = await anyio.to_thread.run_sync(auth.agent_for_bearer, db, header)
    connection.state.agent = agent
    connection.app.state.agents_online.saw(agent.id)


async def admin_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    await agent_required(connection, handler)
    auth.require_admin(connection.state.agent)
