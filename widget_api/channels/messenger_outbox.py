"""The Messenger and Instagram outbox: an agent's reply on a ``facebook`` or ``instagram``
ticket waits in ``messenger_outbox`` until the Send API (``POST /{version}/{page-id}/messages``
with the Page access token; Instagram-scoped ids go through the Page linked to the Instagram
account) has accepted it, exactly once.

The Send API takes no idempotency key, so a send whose answer is lost (a timeout, a dropped
connection after the request went out, a 5xx) may or may not have delivered the message. Such a
row is marked ``checking`` *before* each call (a crash mid-call leaves it so too); before it is
sent again, the Page's conversation with the person (``GET /{page-id}/conversations?platform=…
&user_id=…&fields=messages{…}``) is searched for a message from the Page with the same text
created since the row was queued and not already ours on another row. Only when it is not there
is the reply sent again. A message Meta accepted but does not list yet could be missed by the
look-up: the back-off before it leaves the conversation time to show it (the trade-off the SMS
outbox makes too). A refusal (4xx with Meta's ``error`` object) fails the reply at once, shown
on the message; no connection or a rate limit is retried with doubling back-off up to
``max_attempts``.

The reply's ``messaging_type`` follows the customer's last message (see ``messenger_window``):
``RESPONSE`` within 24 hours, ``MESSAGE_TAG`` + ``HUMAN_AGENT`` up to 7 days. It is decided when
the reply is queued and again before each attempt, since retries may cross the 24-hour line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from widget_api.channels import messenger_settings, messenger_window
from widget_api.channels.channel_outbox import ChannelOutbox, NotSent, Refused, Unknown
from widget_api.channels.messenger_settings import MessengerConfig
from widget_api.channels.whatsapp_outbox import _error_of
from widget_api.i18n import t
from widget_api.storage import messenger as store
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
_RATE_LIMITS = {4, 17, 32, 613}  # Meta's throttling codes: nothing was sent, try later
_SLACK = timedelta(minutes=2)  # clocks differ: look a little before the row was queued


@dataclass
class SendApi:
    config: MessengerConfig
    timeout: float = 15.0

    def _url(self, path: str) -> str:
        c = self.config
        return f"{c.graph_base_url}/{c.api_version}/{c.page_id}/{path}"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.page_access_token}"}

    def send(self, item: dict) -> str:
        """The new message's mid."""
        payload: dict = {"recipient": {"id": item["recipient_id"]},
                         "messaging_type": item["messaging_type"],
                         "message": {"text": item["body"]}}  # fmt: skip
        if item.get("tag"):
            payload["tag"] = item["tag"]
        try:
            response = httpx.post(self._url("messages"), json=payload, headers=self._headers,
                                  timeout=self.timeout)  # fmt: skip
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NotSent(f"{type(exc).__name__}: Meta unreachable") from exc
        except httpx.HTTPError as exc:
            raise Unknown(f"{type(exc).__name__}: no answer from Meta") from exc
        if response.status_code == 200:
            try:
                return str(response.json()["message_id"])
            except (ValueError, KeyError, TypeError) as exc:
                raise Unknown("Meta's answer names no message") from exc
        code, message = _error_of(response)
        if response.status_code == 429 or code in _RATE_LIMITS:
            raise NotSent(f"{response.status_code} {code}: {message}")
        if response.status_code >= 500:
            raise Unknown(f"{response.status_code} {code}: {message}")
        raise Refused(code, message)

    def find_sent(self, item: dict, known: set[str]) -> str | None:
        """The mid of a message from us with this text in the conversation since the row was
        queued and not in ``known`` (other rows' mids), else None; raises :class:`NotSent`
        when the conversation cannot be read."""
        params = {"platform": item["platform"], "user_id": item["recipient_id"],
                  "fields": "messages.limit(25){id,message,created_time,from}"}  # fmt: skip
        try:
            response = httpx.get(self._url("conversations"), params=params,
                                 headers=self._headers, timeout=self.timeout)  # fmt: skip
            data = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            raise NotSent(f"{type(exc).__name__}: conversation not readable") from exc
        if not isinstance(data, dict):
            raise NotSent(f"{response.status_code}: conversation not readable")
        ours = {self.config.page_id, self.config.instagram_account_id} - {None}
        since = messenger_window.naive_utc(item["created_at"]) - _SLACK
        for conversation in data.get("data") or []:
            for message in ((conversation or {}).get("messages") or {}).get("data") or []:
                created = _graph_time(message.get("created_time"))
                if (
                    str((message.get("from") or {}).get("id")) in ours
                    and str(message.get("id")) not in known
                    and message.get("message") == item["body"]
                    and (created is None or created >= since)
                ):
                    return str(message.get("id"))
        return None


def _graph_time(raw: object) -> datetime | None:
    """The Graph API's ``2026-06-01T12:00:00+0000`` as naive UTC."""
    try:
        return messenger_window.naive_utc(datetime.strptime(str(raw), "%Y-%m-%dT%H:%M:%S%z"))
    except ValueError:
        return None


class MessengerOutbox(ChannelOutbox):
    thread_name = "comptoir-messenger-outbox"
    storage = store
    label = "Messenger"

    def _enqueue(self, row: dict) -> bool:
        return self._db.write(lambda w: self._enqueue_in(w, row))

    def _enqueue_in(self, w, row: dict) -> bool:
        platform = store.CHANNELS[row["channel"]]
        recipient = ((row.get("source") or {}).get(platform) or {}).get("from")
        if not recipient:
            log.warning("Messenger reply %s: the ticket has no recipient", row["message_id"])
            return False
        last = store.last_customer_message_at(w.cur, row["ticket_id"])
        kind = messenger_window.messaging_type(last, row["created_at"])
        outbox_id = store.enqueue(
            w, ticket_id=row["ticket_id"], message_id=row["message_id"], platform=platform,
            recipient_id=recipient, body=row["body_text"],
            messaging_type=kind[0] if kind else "RESPONSE", tag=kind[1] if kind else None,
            at=utcnow(),
        )  # fmt: skip
        if outbox_id is not None and kind is None:  # a rule's reply after the 7 days
            key = "channels.messenger.fail.window_closed"
            store.mark_failed(w, outbox_id, t(key, "en"), None, utcnow(), key)
        return outbox_id is not None

    def _config(self) -> MessengerConfig:
        return messenger_settings.load(self._db)

    def _send_one(self, item: dict, config: MessengerConfig | None) -> None:
        if config is None or not config.can_send:
            key = "channels.messenger.fail.not_set_up"
            return self._fail(item, t(key, "en"), key=key)
        api = SendApi(config, self._timeout)
        if item["status"] == "checking":
            try:
                known = self._db.read(lambda cur: store.known_mids(cur, item["recipient_id"]))
                mid = api.find_sent(item, known)
            except NotSent as exc:
                if item["attempts"] >= self.max_attempts:
                    return self._fail(item, item.get("last_error") or str(exc))
                return self._later(item, "checking", str(exc))
            if mid is not None:  # the lost attempt did go out: never send it twice
                self._db.write(lambda w: store.mark_sent(w, item["id"], mid, utcnow()))
                return None
        if item["attempts"] >= self.max_attempts:
            return self._fail(item, item.get("last_error") or "too many attempts")
        last = self._db.read(lambda cur: store.last_customer_message_at(cur, item["ticket_id"]))
        kind = messenger_window.messaging_type(last, utcnow())
        if kind is None:
            key = "channels.messenger.fail.window_closed"
            return self._fail(item, t(key, "en"), key=key)
        if kind != (item["messaging_type"], item["tag"]):
            item = {**item, "messaging_type": kind[0], "tag": kind[1]}
        self._db.write(lambda w: store.mark_attempt(w, item["id"], utcnow(), *kind))
        try:
            mid = api.send(item)
        except Refused as exc:
            return self._fail(item, str(exc), exc.code)
        except NotSent as exc:
            return self._later(item, "queued", str(exc))
        except Unknown as exc:
            return self._later(item, "checking", str(exc))
        self._db.write(lambda w: store.mark_sent(w, item["id"], mid, utcnow()))
        return None
