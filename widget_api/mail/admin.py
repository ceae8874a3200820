"""What administrators do with the mail channel: mailboxes, settings, connection tests,
quarantine and failed mail. Secrets are accepted here and never handed back."""

from __future__ import annotations

from typing import Any

from widget_api.contracts.auth import Agent
from widget_api.contracts.mail import (
    ConnectionCheck,
    ConnectionTest,
    Mailbox,
    MailboxCreate,
    MailboxUpdate,
    MailSettings,
    OutboxItem,
    ProcessResult,
    QuarantinedMail,
)
from widget_api.domain import secret_box
from widget_api.domain.errors import Invalid, NotFound
from widget_api.i18n import t
from widget_api.mail import imap, outbox
from widget_api.mail.pipeline import MailLimits, Pipeline
from widget_api.mail.service import listener_settings
from widget_api.storage import Database
from widget_api.storage import mail as store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow


def _values(db: Database, data: MailboxCreate | MailboxUpdate) -> dict[str, Any]:
    """The fields given, passwords sealed (they are stored only so)."""
    values: dict[str, Any] = {}
    for name in data.model_fields_set:
        value = getattr(data, name)
        if name in store.SECRET_FIELDS:
            value = value.get_secret_value() if value is not None else None
            value = secret_box.seal(db, value) if value else None
        values[name] = value
    return values


def list_mailboxes(db: Database) -> list[Mailbox]:
    return [Mailbox.model_validate(row) for row in db.read(store.mailboxes)]


def get_mailbox(db: Database, mailbox_id: int) -> Mailbox:
    row = db.read(lambda cur: store.mailbox(cur, mailbox_id))
    if row is None:
        raise NotFound("error.mailbox_not_found")
    return Mailbox.model_validate(row)


def _check_unique(db: Database, address: str, mailbox_id: int | None = None) -> None:
    for row in db.read(store.mailboxes):
        if row["address"] == address and row["id"] != mailbox_id:
            raise Invalid("error.mailbox_exists", address=address)


def create_mailbox(db: Database, agent: Agent, data: MailboxCreate) -> Mailbox:
    _check_unique(db, data.address)
    values = _values(db, data)
    values.setdefault("inbound", "imap")
    if values["inbound"] == "imap" and not (
        values.get("imap_host") and values.get("imap_username") and values.get("imap_password")
    ):
        raise Invalid("error.mailbox_imap_incomplete")
    values = {k: v for k, v in values.items() if v is not None}
    mailbox_id = db.write(
        lambda w: store.insert_mailbox(w, values, Actor("agent", agent.id), utcnow())
    )
    return get_mailbox(db, mailbox_id)


def update_mailbox(db: Database, agent: Agent, mailbox_id: int, data: MailboxUpdate) -> Mailbox:
    get_mailbox(db, mailbox_id)
    values = _values(db, data)
    if values.get("address"):
        _check_unique(db, values["address"], mailbox_id)
    for name in ("name", "address", "inbound", "imap_security", "imap_folder", "imap_processed",
                 "poll_seconds", "smtp_security", "auto_ack", "active"):  # fmt: skip
        if name in values and values[name] is None:
            del values[name]  # NOT NULL columns: null means "leave it"
    db.write(
        lambda w: store.update_mailbox(w, mailbox_id, values, Actor("agent", agent.id), utcnow())
    )
    return get_mailbox(db, mailbox_id)


def delete_mailbox(db: Database, agent: Agent, mailbox_id: int) -> None:
    if not db.write(lambda w: store.delete_mailbox(w, mailbox_id, Actor("agent", agent.id),
                                                   utcnow())):  # fmt: skip
        raise NotFound("error.mailbox_not_found")


def check_connection(db: Database, mailbox_id: int, lang: str, timeout: float = 10.0):
    """Log in to the IMAP server and the SMTP relay of a mailbox (nothing is sent)."""
    box = db.read(lambda cur: store.mailbox(cur, mailbox_id, with_secrets=True))
    if box is None:
        raise NotFound("error.mailbox_not_found")
    if box["inbound"] == "imap" and box["imap_host"]:
        try:
            opened = secret_box.opened_mailbox(db, box, ("imap_password",))
            detail = imap.check_imap(opened, timeout)
            imap_check = ConnectionCheck(ok=True, detail=f"{t('mail.test.ok', lang)}: {detail}")
        except secret_box.SecretUnreadable as exc:  # says to re-enter it
            imap_check = ConnectionCheck(ok=False, detail=t(exc.key, lang, **exc.params))
        except Exception as exc:
            imap_check = ConnectionCheck(ok=False, detail=imap.describe(exc))
    else:
        imap_check = ConnectionCheck(ok=True, detail=t("mail.test.skipped", lang))
    if box["smtp_host"]:
        try:
            client = outbox.smtp_connect(
                secret_box.opened_mailbox(db, box, ("smtp_password",)), timeout
            )
            code, _ = client.noop()
            client.quit()
            smtp_check = ConnectionCheck(ok=code == 250, detail=f"{t('mail.test.ok', lang)}")
        except secret_box.SecretUnreadable as exc:
            smtp_check = ConnectionCheck(ok=False, detail=t(exc.key, lang, **exc.params))
        except Exception as exc:
            smtp_check = ConnectionCheck(ok=False, detail=outbox.describe(exc))
    else:
        smtp_check = ConnectionCheck(ok=False, detail=t("mail.test.skipped", lang))
    return ConnectionTest(imap=imap_check, smtp=smtp_check)


def get_settings(db: Database) -> MailSettings:
    listener = listener_settings(db)
    limits = MailLimits.load(db)
    return MailSettings(
        listener_enabled=listener["enabled"], listener_host=listener["host"],
        listener_port=listener["port"], auto_ack=limits.auto_ack,
        thread_window_hours=limits.thread_window_hours,
        max_message_bytes=limits.max_message_bytes,
        max_attachment_bytes=limits.max_attachment_bytes,
    )  # fmt: skip


def put_settings(db: Database, agent: Agent, data: MailSettings) -> MailSettings:
    listener = {"enabled": data.listener_enabled, "host": data.listener_host,
                "port": data.listener_port}  # fmt: skip
    limits = {"auto_ack": data.auto_ack, "thread_window_hours": data.thread_window_hours,
              "max_message_bytes": data.max_message_bytes,
              "max_attachment_bytes": data.max_attachment_bytes}  # fmt: skip
    actor = Actor("agent", agent.id)

    def write(w) -> None:
        at = utcnow()
        store.put_setting(w, "listener", listener, actor, at)
        store.put_setting(w, "limits", limits, actor, at)

    db.write(write)
    return get_settings(db)


def quarantine(db: Database, limit: int = 100) -> list[QuarantinedMail]:
    return [
        QuarantinedMail.model_validate(r) for r in db.read(lambda c: store.quarantined(c, limit))
    ]


def quarantined_raw(db: Database, mail_id: int) -> bytes:
    row = db.read(lambda cur: store.stored(cur, mail_id))
    if row is None or row["status"] != "quarantined":
        raise NotFound("error.mail_not_found")
    return row["raw"]


def reprocess(db: Database, pipeline: Pipeline, mail_id: int) -> ProcessResult:
    """Send a quarantined mail through the pipeline again (no acknowledgement)."""
    if not db.write(lambda w: store.requeue(w, mail_id)):
        raise NotFound("error.mail_not_found")
    outcome = pipeline.process(mail_id, acknowledge=False)
    return ProcessResult(**outcome.as_json())


def outbox_items(db: Database, status: str | None = None) -> list[OutboxItem]:
    return [OutboxItem.model_validate(r) for r in db.read(lambda c: store.outbox_items(c, status))]


def retry_outbox(db: Database, outbox_id: int) -> None:
    if not db.write(lambda w: store.retry(w, outbox_id, utcnow())):
        raise NotFound("error.outbox_not_found")
