"""The SMTP listener (aiosmtpd) for mail forwarded to the helpdesk.

It accepts mail only for the domains of configured mailboxes (it is no relay), and answers 250
only after the raw mail is committed to the database; if that fails it answers 451 so the
sending server keeps the mail and tries again. Processing happens afterwards, off the SMTP
conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from widget_api.mail.pipeline import Pipeline, envelope_of
from widget_api.storage import Database
from widget_api.storage import mail as store

log = logging.getLogger(__name__)


class _Handler:
    def __init__(self, db: Database, pipeline: Pipeline, on_stored: Callable[[int], None] | None):
        self._db = db
        self._pipeline = pipeline
        self._on_stored = on_stored

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        domain = address.rpartition("@")[2].lower()
        loop = asyncio.get_running_loop()
        domains = await loop.run_in_executor(None, self._db.read, store.mailbox_domains)
        if domain not in domains:
            return "550 5.7.1 Relaying denied: not a mailbox of this helpdesk"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        mailbox_id = await loop.run_in_executor(
            None, self._db.read, lambda cur: store.mailbox_id_for_address(cur, envelope.rcpt_tos)
        )
        try:
            mail_id, _ = await loop.run_in_executor(
                None,
                lambda: self._pipeline.receive(
                    raw, source="smtp", mailbox_id=mailbox_id,
                    envelope=envelope_of(envelope.mail_from, envelope.rcpt_tos),
                ),
            )  # fmt: skip
        except Exception:
            log.exception("could not store incoming mail")
            return "451 4.3.0 Temporary failure, please try again later"
        if self._on_stored is not None:
            self._on_stored(mail_id)
        return "250 2.0.0 OK: queued"


class SmtpListener:
    """Runs the listener on its own thread and event loop (aiosmtpd's Controller)."""

    def __init__(
        self,
        db: Database,
        pipeline: Pipeline,
        *,
        host: str = "127.0.0.1",
        port: int = 2525,
        max_bytes: int = 40_000_000,
        on_stored: Callable[[int], None] | None = None,
    ):
        self.host = host
        self.port = port
        self._controller = Controller(
            _Handler(db, pipeline, on_stored),
            hostname=host,
            port=port,
            data_size_limit=max_bytes,
            ident="Comptoir",
        )

    def start(self) -> None:
        self._controller.start()
        log.info("SMTP listener on %s:%s", self.host, self.port)

    def stop(self) -> None:
        with contextlib.suppress(AssertionError):  # never started
            self._controller.stop()
