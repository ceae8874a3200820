"""The one assembly point: ``create_app(settings)`` builds the app, which owns the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import YamlRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.utils.sync import AsyncCallable

from widget_api import __version__, clock
from widget_api.channels.messenger_inbound import MessengerInbound
from widget_api.channels.messenger_outbox import MessengerOutbox
from widget_api.channels.sms_inbound import SmsInbound
from widget_api.channels.sms_outbox import SmsOutbox
from widget_api.channels.whatsapp_inbound import WhatsappInbound
from widget_api.channels.whatsapp_outbox import WhatsappOutbox
from widget_api.commerce.hub import CommerceHub
from widget_api.commerce.webhook_processor import WebhookProcessor
from widget_api.domain import secret_box, server_secret, store
from widget_api.domain.auto_typing import AutoTyper
from widget_api.domain.help import HelpCenter
from widget_api.domain.login_throttle import LoginThrottle
from widget_api.domain.presence import Presence
from widget_api.domain.ratelimit import RateLimiter
from widget_api.domain.returns import ReturnsService
from widget_api.domain.rules.engine import RulesEngine
from widget_api.domain.rules.schedule import RuleScheduler
from widget_api.domain.rules.starters import ensure_starter_rules
from widget_api.domain.sla.worker import SlaWorker
from widget_api.domain.visitor_links import VisitorLinks
from widget_api.domain.webhook_sender import WebhookSender
from widget_api.domain.widget import AgentsOnline
from widget_api.errors import HANDLERS
from widget_api.listeners.agent_notifications import AgentNotifier
from widget_api.listeners.auto_typing import AutoTyping
from widget_api.listeners.csat import CsatSurvey
from widget_api.listeners.dispatcher import Dispatcher
from widget_api.listeners.messenger_outbox import MessengerOutboxListener
from widget_api.listeners.order_linking import OrderLinking
from widget_api.listeners.outbox import MailOutbox
from widget_api.listeners.rules import RulesListener
from widget_api.listeners.settings_reload import SettingsReload
from widget_api.listeners.sla import SlaClock
from widget_api.listeners.sms_outbox import SmsOutboxListener
from widget_api.listeners.webhooks import WebhookWake
from widget_api.listeners.whatsapp_outbox import WhatsappOutboxListener
from widget_api.mail.service import MailService
from widget_api.openapi_doc import document_errors
from widget_api.openapi_page import ReferencePage
from widget_api.request import ComptoirRequest
from widget_api.routes import (
    agent_auth,
    agent_tickets,
    agents,
    analytics,
    assist,
    channel_tests,
    commerce_settings,
    commerce_webhooks,
    conversations,
    csat,
    customer_links,
    data_export,
    health,
    help_api,
    help_pages,
    imports,
    mail,
    messenger,
    notifications,
    order_actions,
    returns,
    rules,
    sms,
    static,
    teams,
    webhook_deliveries,
    whatsapp,
    widget,
    workspace,
)
from widget_api.security_headers import security_headers
from widget_api.settings import Settings
from widget_api.storage import Database
from widget_api.storage.backup import compact
from widget_api.timing import server_timing

log = logging.getLogger("comptoir")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_app(
    settings: Settings | None = None, db: Database | None = None, *, owns_db: bool = False
) -> Litestar:
    """The server; it opens, and at shutdown checkpoints and closes, the database if not given
    (or if given with ``owns_db``: ``comptoir serve`` opens it first to report problems)."""
    settings = settings or Settings()
    clock.set_now(settings.clock.now)  # a demo's or a test's "today"; unset: the wall clock
    # Loaded (the key file made if absent) before serving, so bad key material stops start-up.
    box = secret_box.load(settings, db.path if db is not None else settings.db.path)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = db is None or owns_db
        app.state.db = db or Database(settings.db.path, write_batch=settings.db.write_batch)
        secret_box.attach(app.state.db, box)
        if secret_box.seal_clear_secrets(app.state.db).changed and owned:
            # A database from before sealing: freed pages still hold the clear values.
            path = Path(app.state.db.path)
            app.state.db.close()
            compact(path)
            app.state.db = Database(path, write_batch=settings.db.write_batch)
            secret_box.attach(app.state.db, box)
        secret = server_secret.ensure(app.state.db, settings)
        app.state.commerce = CommerceHub(app.state.db, settings)
        app.state.commerce.reload()
        app.state.returns = ReturnsService(app.state.db, settings, commerce=app.state.commerce)
        typer = AutoTyper(app.state.db)
        typer.warm()
        typing = AutoTyping(app.state.db, typer)
        app.state.help = HelpCenter(app.state.db, settings.api.public_base_url)
        app.state.help.ensure_starter_content()  # its search index is built at the first search
        shop = store.get(app.state.db, settings)
        app.state.sla = SlaWorker(app.state.db, shop.timezone, tick_every=settings.sla.tick_seconds)
        app.state.sla.start()
        app.state.mail = MailService(
            app.state.db, settings, help=app.state.help, typed=typing.when_typed
        )
        app.state.mail.start()
        ensure_starter_rules(app.state.db, shop.default_language)
        app.state.rules_engine = RulesEngine(
            app.state.db, timezone=shop.timezone,
            max_runs_per_hour=settings.rules.max_runs_per_ticket_hour,
            store_name=lambda: store.get(app.state.db, settings).name,
        )  # fmt: skip
        app.state.webhooks = WebhookSender(app.state.db, settings.webhooks)
        app.state.webhooks.start()
        app.state.commerce_webhooks = WebhookProcessor(
            app.state.db, app.state.commerce, settings.commerce
        )
        app.state.commerce_webhooks.start()
        app.state.sms_inbound = SmsInbound(app.state.db, shop.default_language)
        app.state.sms_outbox = SmsOutbox(
            app.state.db, settings.api.public_base_url, base_delay=settings.sms.base_delay,
            max_delay=settings.sms.max_delay, max_attempts=settings.sms.max_attempts,
            timeout=settings.sms.timeout,
        )  # fmt: skip
        app.state.sms_outbox.start()
        # WhatsApp (Meta) retries on the SMS channel's schedule (settings.sms).
        app.state.whatsapp_inbound = WhatsappInbound(app.state.db, shop.default_language)
        app.state.whatsapp_outbox = WhatsappOutbox(
            app.state.db, base_delay=settings.sms.base_delay, max_delay=settings.sms.max_delay,
            max_attempts=settings.sms.max_attempts, timeout=settings.sms.timeout,
        )  # fmt: skip
        app.state.whatsapp_outbox.start()
        # Messenger and Instagram (Meta) too.
        app.state.messenger_inbound = MessengerInbound(app.state.db, shop.default_language)
        app.state.messenger_outbox = MessengerOutbox(
            app.state.db, base_delay=settings.sms.base_delay, max_delay=settings.sms.max_delay,
            max_attempts=settings.sms.max_attempts, timeout=settings.sms.timeout,
        )  # fmt: skip
        app.state.messenger_outbox.start()
        # Every side effect of a change, in one list: each listener on its own thread.
        app.state.dispatcher = Dispatcher(
            app.state.db,
            [
                typing,
                CsatSurvey(app.state.db, secret, settings.api.public_base_url),
                SlaClock(app.state.sla),
                MailOutbox(app.state.mail.outbox),
                SettingsReload(_reloaders(app, settings)),
                RulesListener(app.state.rules_engine),
                WebhookWake(app.state.webhooks),
                SmsOutboxListener(app.state.sms_outbox),
                WhatsappOutboxListener(app.state.whatsapp_outbox),
                MessengerOutboxListener(app.state.messenger_outbox),
                AgentNotifier(app.state.db),
                OrderLinking(app.state.db),
            ],
        )
        app.state.dispatcher.start()
        app.state.rule_scheduler = RuleScheduler(
            app.state.rules_engine, interval=settings.rules.schedule_seconds
        )
        app.state.rule_scheduler.start()
        try:
            yield
        finally:
            app.state.rule_scheduler.stop()
            app.state.dispatcher.stop()
            app.state.webhooks.stop()
            app.state.commerce_webhooks.stop()
            app.state.sms_outbox.stop()
            app.state.whatsapp_outbox.stop()
            app.state.messenger_outbox.stop()
            app.state.mail.stop()
            app.state.sla.stop()
            app.state.commerce.close()
            if owned:
                app.state.db.close()

    app = Litestar(
        request_class=ComptoirRequest,
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
            *assist.HANDLERS,
            *help_api.HANDLERS,
            *help_pages.HANDLERS,
            *returns.HANDLERS,
            *static.HANDLERS,
            *csat.HANDLERS,
            *customer_links.HANDLERS,
            *analytics.HANDLERS,
            *mail.HANDLERS,
            *rules.HANDLERS,
            *notifications.HANDLERS,
            *teams.HANDLERS,
            *webhook_deliveries.HANDLERS,
            *order_actions.HANDLERS,
            *commerce_webhooks.HANDLERS,
            *commerce_settings.HANDLERS,
            *data_export.HANDLERS,
            *sms.HANDLERS,
            *whatsapp.HANDLERS,
            *messenger.HANDLERS,
            *channel_tests.HANDLERS,
            *imports.HANDLERS,
        ],
        lifespan=[lifespan],
        state=_initial_state(settings),
        exception_handlers=HANDLERS,
        cors_config=CORSConfig(
            allow_origins=settings.api.widget_origins,
            allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "Accept-Language"],
            expose_headers=["Retry-After"],
            max_age=600,
        ),
        openapi_config=OpenAPIConfig(
            title="Comptoir API",
            version=__version__,
            path="/schema",
            render_plugins=[ReferencePage(), YamlRenderPlugin()],
        ),
        request_max_body_size=settings.api.max_body_bytes,
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1000, exclude=["/api/v1/conversations/.*/stream"]
        ),
        middleware=[server_timing, security_headers],
        debug=False,
    )
    _one_thread_hop(app)
    document_errors(app)
    return app


def _reloaders(app: Litestar, settings: Settings) -> dict[str, Callable[[], None]]:
    """Settings key → what re-reads it, for the settings-reload listener."""
    state = app.state
    return {
        "sla": state.sla.reload,
        "store": lambda: state.sla.set_timezone(store.get(state.db, settings).timezone),
        "mail": lambda: state.mail.reload(),
        "commerce": lambda: state.commerce.reload(),
    }


def _one_thread_hop(app: Litestar) -> None:
    """Undo Litestar's repeated wrapping of ``sync_to_thread`` handlers.

    Litestar 2 calls ``on_registration`` on every handler of a path each time another handler
    joins that path, and each call wraps the function in one more ``AsyncCallable``. Two layers
    cost an extra thread hop; three return an un-awaited coroutine as the answer (the 500 of
    ``GET /api/v1/mail/mailboxes/{id}``, whose path has three handlers). One layer is right."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            fn = getattr(handler, "_fn", None)
            while isinstance(fn, AsyncCallable) and isinstance(fn.func, AsyncCallable):
                fn = fn.func
            if fn is not None:
                handler._fn = fn


def _initial_state(settings: Settings):
    from litestar.datastructures import State

    return State(
        {
            "settings": settings,
            "public_limiter": RateLimiter(settings.api.public_rate_limit),
            "login_throttle": LoginThrottle(
                free_failures=settings.api.login_free_failures,
                first_delay=settings.api.login_delay_seconds,
                lock_failures=settings.api.login_lock_failures,
                address_lock_failures=settings.api.login_address_lock_failures,
                lock_seconds=settings.api.login_lock_seconds,
            ),
            "presence": Presence(),
            "customer_presence": Presence(ttl=8.0),
            "visitor_links": VisitorLinks(),
            "agents_online": AgentsOnline(),
        }
    )
