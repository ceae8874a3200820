"""Everything mail the server runs, started and stopped together from the app's lifespan:

- a processor thread that files stored mail (SMTP and IMAP only store, then wake it; mail left
  unprocessed by a crash is filed at start);
- the IMAP poller, the SMTP listener (when enabled in the mail settings), the outbox sender;
- the auto-acknowledgement of new tickets, with help-center links for the detected problem.

    app.state.mail = MailService(db, settings, help=app.state.help, typed=typing.when_typed)
    app.state.mail.start()
    ...
    app.state.mail.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from widget_api.domain import store as store_settings
from widget_api.i18n import catalog, t
from widget_api.mail.compose import Composer, StoreIdentity
from widget_api.mail.imap import ImapPoller
from widget_api.mail.outbox import Outbox
from widget_api.mail.pipeline import MailLimits, NewTicketInfo, Pipeline
from widget_api.mail.smtp_in import SmtpListener
from widget_api.settings import Settings
from widget_api.storage import Database
from widget_api.storage import mail as store

log = logging.getLogger(__name__)

LISTENER_DEFAULTS = {"enabled": False, "host": "127.0.0.1", "port": 2525}


def listener_settings(db: Database) -> dict[str, Any]:
    saved = db.read(lambda cur: store.get_setting(cur, "listener")) or {}
    return {**LISTENER_DEFAULTS, **saved}


class Processor:
    """Files stored mail on one background thread, in arrival order."""

    def __init__(self, pipeline: Pipeline, interval: float = 30.0):
        self._pipeline = pipeline
        self._interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self, _mail_id: int | None = None) -> None:
        self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="comptoir-mail", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests: True once everything stored so far has been filed."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                while self._pipeline.process_pending() and not self._stop.is_set():
                    pass
            except Exception:  # the database may be busy or closing; try again later
                log.exception("mail processing step failed")
            if not self._wake.is_set():
                self._idle.set()
            self._wake.wait(self._interval)


class Acknowledger:
    """Queues the automatic acknowledgement of a ticket opened by mail."""

    def __init__(self, db: Database, composer: Composer, outbox: Outbox, help: Any = None):
        self._db = db
        self._composer = composer
        self._outbox = outbox
        self._help = help

    def links(self, label: str | None, info: NewTicketInfo) -> list[tuple[str, str]]:
        if self._help is None:
            return []
        found: list[tuple[str, str]] = []
        other = "en" if info.language == "fr" else "fr"
        for code in (info.language, other):
            key = f"mail.ack.query.{label}"
            if label and key in catalog(code):
                query = t(key, code)
            elif code == info.language:
                query = f"{info.subject} {info.text[:300]}"
            else:
                continue
            try:
                results = self._help.search(query, code, "help_center", limit=2).results
            except Exception:
                log.exception("help-center search for the acknowledgement failed")
                continue
            found += [(r.title, r.url) for r in results]
        return found

    def __call__(self, info: NewTicketInfo) -> None:
        label = None
        if info.typing is not None:
            try:
                label = info.typing.result(timeout=60)
            except Exception:
                label = None
        outgoing = self._composer.acknowledgement(info.ticket_id, self.links(label, info))
        self._db.write(outgoing.enqueue)
        self._outbox.wake()


class MailService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        help: Any = None,
        typed: Callable[[int], Future] | None = None,
        listener: dict[str, Any] | None = None,
        outbox_options: dict[str, Any] | None = None,
        poll_tick: float = 1.0,
    ):
        self.db = db
        self.settings = settings
        secret = settings.security.secret_key.get_secret_value()
        self.composer = Composer(db, secret, self.identity)
        self.outbox = Outbox(db, self.composer, **(outbox_options or {}))
        self.acknowledger = Acknowledger(db, self.composer, self.outbox, help)
        self.pipeline = Pipeline(
            db,
            secret,
            default_language=settings.store.default_language,
            typed=typed,
            on_new_ticket=self.acknowledger,
            limits=MailLimits.load(db),
        )
        self.processor = Processor(self.pipeline)
        self.poller = ImapPoller(db, self.pipeline, on_stored=self.processor.notify,
                                 tick=poll_tick)  # fmt: skip
        self._listener_override = listener
        self.listener: SmtpListener | None = None
        self._listening_with: tuple | None = None  # the settings the listener was started with

    def identity(self) -> StoreIdentity:
        shop = store_settings.get(self.db, self.settings)
        return StoreIdentity(shop.name, shop.support_email)

    def _listener_config(self) -> tuple:
        config = {**listener_settings(self.db), **(self._listener_override or {})}
        return (bool(config.get("enabled")), config.get("host"), config.get("port"),
                self.pipeline.limits.max_message_bytes)  # fmt: skip

    def _start_listener(self) -> None:
        self._listening_with = self._listener_config()
        config = {**listener_settings(self.db), **(self._listener_override or {})}
        if not config.get("enabled"):
            return
        self.listener = SmtpListener(
            self.db, self.pipeline, host=config["host"], port=int(config["port"]),
            max_bytes=self.pipeline.limits.max_message_bytes, on_stored=self.processor.notify,
        )  # fmt: skip
        try:
            self.listener.start()
        except Exception:  # a taken port must not stop the helpdesk
            log.exception("SMTP listener could not start on %s:%s", config["host"],
                          config["port"])  # fmt: skip
            self.listener = None

    def start(self) -> None:
        self.processor.start()
        self.outbox.start()
        self.poller.start()
        self._start_listener()

    def reload(self) -> None:
        """Apply changed mail settings: limits, listener address, mailboxes to poll."""
        self.pipeline.limits = MailLimits.load(self.db)
        # A new mailbox or limit leaves a running SMTP listener alone (no refused connections
        # while it restarts); only a change of its own settings restarts it.
        if self._listener_config() != self._listening_with:
            if self.listener is not None:
                self.listener.stop()
                self.listener = None
            self._start_listener()
        self.poller.wake()

    def on_agent_reply(self, ticket_id: int, message_id: int) -> int | None:
        """Queue the mail of an agent reply at once (the change feed would too, a moment later)."""
        return self.outbox.on_agent_reply(ticket_id, message_id)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        self.poller.stop()
        self.processor.stop()
        self.outbox.stop()
