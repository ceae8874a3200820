"""A rule's "e-mail an agent": the notification's text as a mail to the agent, in the agent's
language, from the store's support address, through the durable outbox (so an SMTP outage
delays it and loses nothing). It is an automatic mail (RFC 3834 ``Auto-Submitted``): an
auto-reply to it loops nowhere, and it never joins the customer's thread."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from widget_api.i18n import t


@dataclass(frozen=True)
class AgentNotice:
    rfc_message_id: str
    mail_from: str
    rcpt_to: list[str]
    raw: bytes


def agent_notice(
    *, support: str, store: str, agent_email: str, agent_name: str, lang: str, ref: str,
    subject: str, body: str,
) -> AgentNotice:  # fmt: skip
    """The mail telling ``agent_email`` (in ``lang``) what ``body`` says about ticket ``ref``."""
    support = support.lower()
    local, _, domain = support.rpartition("@")
    rfc_id = make_msgid(idstring=f"notice.{ref.lower()}", domain=domain).strip("<>")
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(display_name=store, username=local, domain=domain)
    msg["To"] = Address(display_name=agent_name, addr_spec=agent_email)
    msg["Subject"] = t("rules.notify.mail_subject", lang, ref=ref, subject=subject[:150])
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{rfc_id}>"
    msg["X-Comptoir-Ticket"] = ref
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    footer = t("rules.notify.mail_footer", lang, ref=ref, store=store)
    ticket_line = t("rules.notify.mail_ticket", lang, ref=ref, subject=subject)
    msg.set_content(f"{body}\n\n{ticket_line}\n\n-- \n{footer}\n")
    msg.add_alternative(
        f'<!doctype html><html lang="{lang}"><body><p>{html.escape(body)}</p>'
        f"<p>{html.escape(ticket_line)}</p>"
        f'<p style="color:#666">-- <br>{html.escape(footer)}</p></body></html>',
        subtype="html",
    )
    msg["Content-Language"] = "fr-CA" if lang == "fr" else "en-CA"  # set_content drops it
    return AgentNotice(rfc_id, support, [agent_email.lower()],
                       msg.as_bytes(policy=policy.SMTP))  # fmt: skip
