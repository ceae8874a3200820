"""Admin API of the mail channel: mailboxes (secrets write-only), a connection test, channel
settings, the quarantine and the outbox. Every route needs an administrator."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from widget_api.contracts.mail import (
    ConnectionTest,
    Mailbox,
    MailboxCreate,
    MailboxUpdate,
    MailSettings,
    OutboxItem,
    ProcessResult,
    QuarantinedMail,
)
from widget_api.mail import admin
from widget_api.mail.pipeline import MailLimits, Pipeline
from widget_api.routes.guards import admin_required, json_body
from widget_api.routes.params import limit_param

_TAGS = ["mail"]


def _lang(request: Request) -> str:
    return request.state.agent.language


def _service(state: State):
    return getattr(state, "mail", None)


def _pipeline(state: State) -> Pipeline:
    service = _service(state)
    if service is not None:
        return service.pipeline
    settings = state.settings
    return Pipeline(state.db, settings.security.secret_key.get_secret_value(),
                    default_language=settings.store.default_language,
                    limits=MailLimits.load(state.db))  # fmt: skip


@get("/api/v1/mail/mailboxes", operation_id="ListMailboxes", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def list_mailboxes(state: State) -> list[Mailbox]:
    """Every mailbox; passwords are never returned, only whether one is set."""
    return admin.list_mailboxes(state.db)


@post("/api/v1/mail/mailboxes", operation_id="CreateMailbox", tags=_TAGS, status_code=201,
      guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def create_mailbox(state: State, request: Request, data: JSONBody[MailboxCreate]) -> Mailbox:
    """Add a support address with its IMAP intake (or SMTP forwarding) and SMTP relay."""
    return admin.create_mailbox(state.db, request.state.agent, data)


@get("/api/v1/mail/mailboxes/{mailbox_id:int}", operation_id="GetMailbox", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def get_mailbox(state: State, mailbox_id: FromPath[int]) -> Mailbox:
    """One mailbox, with its last poll time and error."""
    return admin.get_mailbox(state.db, mailbox_id)


@patch("/api/v1/mail/mailboxes/{mailbox_id:int}", operation_id="UpdateMailbox", tags=_TAGS,
       guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def update_mailbox(
    state: State, request: Request, mailbox_id: FromPath[int], data: JSONBody[MailboxUpdate]
) -> Mailbox:
    """Change a mailbox; absent fields stay, a password set to "" is removed."""
    return admin.update_mailbox(state.db, request.state.agent, mailbox_id, data)


@delete("/api/v1/mail/mailboxes/{mailbox_id:int}", operation_id="DeleteMailbox", tags=_TAGS,
        guards=[admin_required], sync_to_thread=True)  # fmt: skip
def delete_mailbox(state: State, request: Request, mailbox_id: FromPath[int]) -> None:
    """Remove a mailbox (its mail and tickets stay)."""
    admin.delete_mailbox(state.db, request.state.agent, mailbox_id)


@post("/api/v1/mail/mailboxes/{mailbox_id:int}/test", operation_id="TestMailbox", tags=_TAGS,
      guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def test_mailbox(state: State, request: Request, mailbox_id: FromPath[int]) -> ConnectionTest:
    """Log in to the mailbox's IMAP server and SMTP relay now; nothing is fetched or sent."""
    return admin.check_connection(state.db, mailbox_id, _lang(request))


@get("/api/v1/mail/settings", operation_id="GetMailSettings", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def get_mail_settings(state: State) -> MailSettings:
    """The SMTP listener, auto-acknowledgement switch, threading window and size limits."""
    return admin.get_settings(state.db)


@put("/api/v1/mail/settings", operation_id="PutMailSettings", tags=_TAGS,
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_mail_settings(state: State, request: Request, data: JSONBody[MailSettings]) -> MailSettings:
    """Replace the channel settings; the listener restarts on its new address."""
    return admin.put_settings(state.db, request.state.agent, data)


@get("/api/v1/mail/quarantine", operation_id="ListQuarantinedMail", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def list_quarantine(
    state: State, limit: Annotated[int, limit_param(500)] = 100
) -> list[QuarantinedMail]:
    """Mail that could not be understood, newest first, with the reason (raw kept)."""
    return admin.quarantine(state.db, limit)


@get("/api/v1/mail/quarantine/{mail_id:int}/raw", operation_id="GetQuarantinedMailRaw",
     tags=_TAGS, guards=[admin_required], sync_to_thread=True)  # fmt: skip
def quarantined_raw(state: State, mail_id: FromPath[int]) -> Response[bytes]:
    """The quarantined mail exactly as received (message/rfc822)."""
    return Response(
        admin.quarantined_raw(state.db, mail_id),
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="mail-{mail_id}.eml"'},
    )


@post("/api/v1/mail/quarantine/{mail_id:int}/retry", operation_id="RetryQuarantinedMail",
      tags=_TAGS, guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def retry_quarantined(state: State, mail_id: FromPath[int]) -> ProcessResult:
    """Run a quarantined mail through the pipeline again (after a fix); no acknowledgement."""
    return admin.reprocess(state.db, _pipeline(state), mail_id)


@get("/api/v1/mail/outbox", operation_id="ListOutbox", tags=_TAGS, guards=[admin_required],
     sync_to_thread=True)  # fmt: skip
def list_outbox(state: State, status: FromQuery[str | None] = None) -> list[OutboxItem]:
    """Outgoing mail with attempts and last error; ``status=failed`` lists what needs a look."""
    return admin.outbox_items(state.db, status)


@post("/api/v1/mail/outbox/{outbox_id:int}/retry", operation_id="RetryOutbox", tags=_TAGS,
      guards=[admin_required], status_code=204, sync_to_thread=True)  # fmt: skip
def retry_outbox(state: State, outbox_id: FromPath[int]) -> None:
    """Queue a failed mail again."""
    admin.retry_outbox(state.db, outbox_id)
    service = _service(state)
    if service is not None:
        service.outbox.wake()


HANDLERS = (
    list_mailboxes, create_mailbox, get_mailbox, update_mailbox, delete_mailbox, test_mailbox,
    get_mail_settings, put_mail_settings, list_quarantine, quarantined_raw, retry_quarantined,
    list_outbox, retry_outbox,
)  # fmt: skip
