"""The durable outbox: mail waits in the database until the SMTP relay has accepted it.

Agent replies on e-mail and marketplace tickets are picked up after commit (the worker listens
to the database's change feed, and catches up on start), built once into exact bytes and queued.
The sender takes due mail, hands it to the relay, and marks it sent only after the relay's 250.
A relay that is down or answers 4xx is retried with exponential back-off (an outage delays mail,
loses none); a 5xx for every recipient, or too many attempts, marks it failed, which shows on the
message (``messages.delivery``). The Message-ID is fixed when queued, so a mail retried after a
lost answer is recognisable as the same mail by the receiver.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from datetime import datetime

from widget_api.domain import secret_box
from widget_api.due_sender import DueSender
from widget_api.mail import MAIL_CHANNELS
from widget_api.mail.compose import Composer
from widget_api.storage import Database
from widget_api.storage import mail as store
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
_GATHER_SECONDS = 0.05  # how long the sender lets changes gather before a round


class PermanentFailure(Exception):
    """The relay refused the mail for good (5xx)."""


def smtp_connect(box: dict, timeout: float) -> smtplib.SMTP:
    """A logged-in SMTP session with the mailbox's relay (SSL, STARTTLS or plain)."""
    host = box.get("smtp_host")
    if not host:
        raise ConnectionError("no outgoing SMTP server configured")
    security = box.get("smtp_security") or "starttls"
    context = ssl.create_default_context()
    if security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, box.get("smtp_port") or 465, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(host, box.get("smtp_port") or 587, timeout=timeout)
        client.ehlo()
        if security == "starttls":
            client.starttls(context=context)
            client.ehlo()
    try:
        if box.get("smtp_username"):
            client.login(box["smtp_username"], box.get("smtp_password") or "")
    except Exception:
        client.close()
        raise
    return client


def deliver(box: dict, mail_from: str, rcpt_to: list[str], raw: bytes, timeout: float) -> None:
    """Hand one mail to the relay; returns only after its 250 for the data."""
    client = smtp_connect(box, timeout)
    try:
        refused = client.sendmail(mail_from, rcpt_to, raw)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            raise PermanentFailure(f"all recipients refused: {codes}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if 550 <= exc.smtp_code < 560:
            raise PermanentFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from exc
        raise
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    if refused:
        log.warning("some recipients refused: %s", sorted(refused))


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def describe(exc: BaseException) -> str:
    """An error for people (and logs) that never contains a password."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)[:200]}"
    if isinstance(exc, (ConnectionRefusedError, socket.timeout, TimeoutError)):
        return f"{type(exc).__name__}: relay unreachable"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class Outbox(DueSender):
    """Queues agent replies and sends due mail on its own thread."""

    thread_name = "comptoir-outbox"
    # A burst of replies (one wake-up each) makes one round of reads, not one per reply.
    gather_seconds = _GATHER_SECONDS

    def __init__(
        self,
        db: Database,
        composer: Composer,
        *,
        base_delay: float = 30.0,
        max_delay: float = 3600.0,
        max_attempts: int = 12,
        timeout: float = 20.0,
        interval: float = 5.0,
        send: Callable[[dict, str, list[str], bytes, float], None] = deliver,
    ):
        super().__init__(base_delay=base_delay, max_delay=max_delay, max_attempts=max_attempts)
        self._db = db
        self._composer = composer
        self._timeout = timeout
        self.idle_seconds = interval
        self._send = send
        self._pending: set[int] = set()
        self._catch_up = True
        self._lock = threading.Lock()

    # -- queueing ---------------------------------------------------------------------------
    def mark(self, ticket_id: int) -> None:
        """Change-feed listener (writer thread): look at this ticket's replies soon."""
        with self._lock:
            self._pending.add(ticket_id)
        self._wake.set()

    def on_agent_reply(self, ticket_id: int, message_id: int) -> int | None:
        """Queue the mail for one agent reply now; None when it needs none or is queued."""
        watermark = self._watermark()
        wanted = self._db.read(
            lambda cur: store.replies_to_send(cur, MAIL_CHANNELS, watermark, [ticket_id])
        )
        if (ticket_id, message_id) not in wanted or not self._db.read(store.has_mailbox):
            return None
        outgoing = self._composer.reply(ticket_id, message_id)
        queued = self._db.write(outgoing.enqueue)
        self._wake.set()
        return queued

    def _watermark(self) -> int:
        return int(self._db.read(lambda cur: store.get_setting(cur, "outbox_watermark")) or 0)

    def enqueue_replies(self) -> int:
        """Queue agent replies of changed tickets (all tickets on the first call)."""
        with self._lock:
            ids, self._pending = sorted(self._pending), set()
            catch_up, self._catch_up = self._catch_up, False
        if not ids and not catch_up:
            return 0
        watermark = self._watermark()
        wanted = self._db.read(
            lambda cur: store.replies_to_send(
                cur, MAIL_CHANNELS, watermark, None if catch_up else ids
            )
        )
        if wanted and not self._db.read(store.has_mailbox):
            # Mail is not set up: these replies stay in the helpdesk, and setting up a mailbox
            # later must not send them all at once.
            top = max(message_id for _, message_id in wanted)
            self._db.write(lambda w: store.advance_watermark(w, top, utcnow()))
            return 0
        queued = 0
        for ticket_id, message_id in wanted:
            try:
                outgoing = self._composer.reply(ticket_id, message_id)
                if self._db.write(outgoing.enqueue) is not None:
                    queued += 1
            except Exception:
                log.exception("could not queue the mail of message %s", message_id)
        return queued

    # -- sending ----------------------------------------------------------------------------
    def send_due(self, now: datetime | None = None) -> int:
        """Send what is due; return how many the relay accepted."""
        sent = 0
        for item in self._db.read(lambda cur: store.due(cur, now or utcnow())):
            if self._stop.is_set():
                break
            sent += self._send_one(item)
        return sent

    def _mailbox(self, mailbox_id: int | None) -> dict | None:
        def read(cur):
            chosen = mailbox_id
            box = store.mailbox(cur, chosen, with_secrets=True) if chosen else None
            if box is None or not box.get("smtp_host") or not box.get("active"):
                fallback = store.default_outbound_mailbox(cur)
                box = store.mailbox(cur, fallback, with_secrets=True) if fallback else None
            return box

        return self._db.read(read)

    def _send_one(self, item: dict) -> int:
        box = self._mailbox(item["mailbox_id"])
        try:
            if box is None:
                raise ConnectionError("no outgoing SMTP server configured")
            box = secret_box.opened_mailbox(self._db, box)
            self._send(box, item["mail_from"], list(item["rcpt_to"]), item["raw"], self._timeout)
        except PermanentFailure as exc:
            reason = str(exc)
            self._db.write(lambda w: store.mark_failed(w, item["id"], reason, utcnow()))
            log.warning("outbox %s failed for good: %s", item["id"], reason)
            return 0
        except Exception as exc:
            error = describe(exc)
            attempts = item["attempts"] + 1
            if attempts >= self.max_attempts:
                self._db.write(lambda w: store.mark_failed(w, item["id"], error, utcnow()))
                log.warning("outbox %s failed after %s attempts: %s", item["id"], attempts, error)
            else:
                next_at = utcnow() + self.backoff(attempts)
                self._db.write(lambda w: store.mark_retry(w, item["id"], error, next_at))
                log.info("outbox %s will be retried at %s: %s", item["id"], next_at, error)
            return 0
        self._db.write(lambda w: store.mark_sent(w, item["id"], utcnow()))
        return 1

    def round(self) -> datetime | None:
        self.enqueue_replies()
        self.send_due()
        return self._db.read(store.next_due_at)
