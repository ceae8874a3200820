"""The WhatsApp outbox: an agent's reply (or template send) on a WhatsApp ticket waits in
``whatsapp_outbox`` until the Graph API (``POST /{version}/{phone_number_id}/messages``) has
accepted it, exactly once.

The Cloud API takes no idempotency key. A refusal (4xx with Meta's ``error`` object: its
``message`` and ``code``) fails the reply at once, shown on the message; a 429, a 5xx or no
connection is retried with doubling back-off up to ``max_attempts``. Meta documents a 5xx as
"the message was not sent"; a timeout after the request was written is the one case where a
retry could send twice, and it is retried only once the back-off has passed (the trade-off the
SMS outbox makes too, without Twilio's look-up: the Graph API has no list of sent messages).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from widget_api.channels import whatsapp_settings
from widget_api.channels.channel_outbox import ChannelOutbox
from widget_api.channels.whatsapp_settings import WhatsappConfig
from widget_api.i18n import t
from widget_api.storage import whatsapp as store
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class Refused(Exception):
    """Meta refused the message for good (4xx with its error object)."""

    def __init__(self, code: int | None, message: str):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code


class Later(Exception):
    """Send again later (no connection, 429, 5xx)."""


@dataclass
class GraphClient:
    config: WhatsappConfig
    timeout: float = 15.0

    @property
    def _url(self) -> str:
        c = self.config
        return f"{c.graph_base_url}/{c.api_version}/{c.phone_number_id}/messages"

    def send(self, to: str, body: str, template: dict | None) -> str:
        """The new message's wamid."""
        payload: dict = {"messaging_product": "whatsapp", "recipient_type": "individual",
                         "to": to.lstrip("+")}  # fmt: skip
        if template:
            payload |= {"type": "template", "template": {
                "name": template["name"], "language": {"code": template["language"]}}}  # fmt: skip
        else:
            payload |= {"type": "text", "text": {"preview_url": False, "body": body}}
        headers = {"Authorization": f"Bearer {self.config.access_token}"}
        try:
            response = httpx.post(self._url, json=payload, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise Later(f"{type(exc).__name__}: no answer from Meta") from exc
        if response.status_code == 200:
            try:
                return str(response.json()["messages"][0]["id"])
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise Later("Meta's answer names no message") from exc
        code, message = _error_of(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise Later(f"{response.status_code} {code}: {message}")
        raise Refused(code, message)


def _error_of(response: httpx.Response) -> tuple[int | None, str]:
    """Meta's ``{"error": {"message", "type", "code", "error_data": {"details"}, …}}``."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return None, f"HTTP {response.status_code}"
    code = error.get("code") if isinstance(error, dict) else None
    message = str((error.get("message") if isinstance(error, dict) else None)
                  or f"HTTP {response.status_code}")  # fmt: skip
    details = (error.get("error_data") or {}).get("details") if isinstance(error, dict) else None
    if details:
        message = f"{message} ({details})"
    return (code if isinstance(code, int) else None), message


class WhatsappOutbox(ChannelOutbox):
    thread_name = "comptoir-whatsapp-outbox"
    storage = store
    label = "WhatsApp"

    def _enqueue(self, row: dict) -> bool:
        to = ((row.get("source") or {}).get("whatsapp") or {}).get("from")
        if not to:
            log.warning("WhatsApp reply %s: the ticket has no number", row["message_id"])
            return False
        template = ((row.get("meta") or {}).get("whatsapp") or {}).get("template")
        made = self._db.write(
            lambda w: store.enqueue(
                w, ticket_id=row["ticket_id"], message_id=row["message_id"], to_number=to,
                body=row["body_text"], template=template, at=utcnow(),
            )
        )  # fmt: skip
        return made is not None

    def _config(self) -> WhatsappConfig:
        return whatsapp_settings.load(self._db)

    def _send_one(self, item: dict, config: WhatsappConfig | None) -> None:
        if config is None or not config.can_send:
            key = "channels.whatsapp.fail.not_set_up"
            return self._fail(item, t(key, "en"), key=key)
        if item["attempts"] >= self.max_attempts:
            return self._fail(item, item.get("last_error") or "too many attempts")
        self._db.write(lambda w: store.mark_attempt(w, item["id"]))
        try:
            wamid = GraphClient(config, self._timeout).send(
                item["to_number"], item["body"], item.get("template")
            )
        except Refused as exc:
            return self._fail(item, str(exc), exc.code)
        except Later as exc:
            error = str(exc)
            attempts = item["attempts"] + 1
            if attempts >= self.max_attempts:
                return self._fail(item, str(exc))
            next_at = utcnow() + self.backoff(attempts)
            self._db.write(lambda w: store.mark_retry(w, item["id"], error=error,
                                                      next_at=next_at))  # fmt: skip
            log.info("WhatsApp %s: %s; next try at %s", item["id"], exc, next_at)
            return None
        self._db.write(lambda w: store.mark_sent(w, item["id"], wamid, utcnow()))
        return None
