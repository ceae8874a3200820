"""The one assembly point: ``create_app(settings)`` builds the app, which owns the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig

from widget_api import __version__
from widget_api.domain.auto_typing import AutoTyper
from widget_api.domain.presence import Presence
from widget_api.domain.ratelimit import RateLimiter
from widget_api.domain.widget import AgentsOnline
from widget_api.errors import HANDLERS
from widget_api.routes import (
    agent_auth,
    agent_tickets,
    agents,
    conversations,
    health,
    widget,
    workspace,
)
from widget_api.settings import Settings
from widget_api.storage import Database
from widget_api.timing import server_timing

log = logging.getLogger("comptoir")


def create_app(settings: Settings | None = None, db: Database | None = None) -> Litestar:
    """The server; it opens, and at shutdown checkpoints and closes, the database if not given."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = db is None
        app.state.db = db or Database(settings.db.path, write_batch=settings.db.write_batch)
        app.state.auto_typer = AutoTyper(app.state.db)
        app.state.auto_typer.warm()
        try:
            yield
        finally:
            app.state.auto_typer.close()
            if owned:
                app.state.db.close()

    return Litestar(
        route_handlers=[
            health.health,
            agent_auth.login,
            agent_auth.logout,
            agent_auth.me,
            agent_tickets.TicketController,
            agents.list_agents,
            agents.create_agent,
            *workspace.HANDLERS,
            *conversations.HANDLERS,
            *widget.HANDLERS,
        ],
        lifespan=[lifespan],
        state=_initial_state(settings),
        exception_handlers=HANDLERS,
        cors_config=CORSConfig(
            allow_origins=settings.api.widget_origins,
            allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "Accept-Language"],
            max_age=600,
        ),
        openapi_config=OpenAPIConfig(title="Comptoir API", version=__version__, path="/schema"),
        request_max_body_size=settings.api.max_body_bytes,
        middleware=[server_timing],
        debug=False,
    )


def _initial_state(settings: Settings):
    from litestar.datastructures import State

    return State(
        {
            "settings": settings,
            "public_limiter": RateLimiter(settings.api.public_rate_limit),
            "presence": Presence(),
            "customer_presence": Presence(ttl=8.0),
            "agents_online": AgentsOnline(),
        }
    )
