"""WhatsApp's customer service window: a free-form reply may go out only within 24 hours of the
customer's last message; after that, only an approved template (``POST
/api/v1/tickets/{ref}/whatsapp/template``), which the customer's next message reopens."""

from __future__ import annotations

from datetime import datetime, timedelta

from widget_api.channels import whatsapp_settings
from widget_api.contracts.auth import Agent
from widget_api.contracts.channels import WhatsappTemplateReply
from widget_api.domain.errors import Conflict, Invalid
from widget_api.i18n import t
from widget_api.storage import Database, tickets
from widget_api.storage import whatsapp as store
from widget_api.storage.db import Cursor
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

WINDOW = timedelta(hours=24)


def window_open(cur: Cursor, ticket_id: int, now: datetime) -> bool:
    last = store.last_customer_message_at(cur, ticket_id)
    return last is not None and now - last <= WINDOW


def refuse_outside_window(cur: Cursor, ticket_id: int) -> None:
    """Inside an agent's free-form reply on a WhatsApp ticket: 409 once the window is closed."""
    last = store.last_customer_message_at(cur, ticket_id)
    if last is None or utcnow() - last > WINDOW:
        when = last.strftime("%Y-%m-%d %H:%M UTC") if last else "—"
        raise Conflict("channels.whatsapp.error.window_closed", last=when)


def send_template(db: Database, ticket_id: int, agent: Agent, data: WhatsappTemplateReply) -> int:
    """Queue one approved template on a WhatsApp ticket; the new message's id."""
    config = whatsapp_settings.load(db)
    if (data.name, data.language) not in config.templates:
        raise Invalid("channels.whatsapp.error.unknown_template", name=data.name,
                      language=data.language)  # fmt: skip
    actor = Actor("agent", agent.id)

    def write(w) -> int:
        channel, language, status = tickets.fields(w.cur, ticket_id, "channel", "language",
                                                   "status")  # fmt: skip
        if channel != "whatsapp":
            raise Conflict("channels.whatsapp.error.not_whatsapp")
        at = utcnow()
        body = t("channels.whatsapp.template_body", language or "fr", name=data.name,
                 language=data.language)  # fmt: skip
        template = {"name": data.name, "language": data.language}
        message_id = tickets.add_message(
            w,
            tickets.NewMessage(
                ticket_id=ticket_id, kind="outbound", author_type="agent", author_id=agent.id,
                author_name=agent.name, channel="whatsapp", body_text=body, body_html=None,
                meta={"whatsapp": {"template": template}}, at=at,
            ),
            actor,
        )  # fmt: skip
        if status in ("new", "open"):
            tickets.update(w, ticket_id, {"status": "pending"}, actor, at)
        return message_id

    return db.write(write)
