"""The SMS outbox: an agent's reply on an SMS ticket waits in ``sms_outbox`` until Twilio's
Messages API has accepted it, exactly once.

Twilio's Messages API has no idempotency key, so a send whose answer is lost (a timeout, a
dropped connection, a 5xx) may or may not have created the message. Such a row is marked
``checking`` *before* each call (a crash mid-call leaves it so too); before it is sent again, the
account's messages to that number (``GET …/Messages.json?To=…&DateSent>=…``) are searched for
one with the same body created since the row was queued, and a status callback carrying the row's
id (``?outbox=``) also settles it. Only when neither finds it is it sent again. A message Twilio
has accepted but not yet dated (``date_sent`` empty while queued) may be missed by the list's
date filter: the back-off before the look-up leaves it time to be sent, which is the documented
trade-off. A refusal (4xx: Twilio's ``code`` and ``message``) fails the reply at once, shown on
the message; other failures are retried with doubling back-off up to ``max_attempts``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from widget_api.channels import sms_settings
from widget_api.channels.channel_outbox import ChannelOutbox, NotSent, Refused, Unknown
from widget_api.channels.sms_settings import STATUS_PATH, SmsConfig
from widget_api.i18n import t
from widget_api.storage import Database
from widget_api.storage import sms as store
from widget_api.storage.rows import to_db_time, utcnow

log = logging.getLogger(__name__)


@dataclass
class TwilioClient:
    config: SmsConfig
    timeout: float = 15.0

    @property
    def _messages_url(self) -> str:
        account = self.config.account_sid
        return f"{self.config.api_base_url}/2010-04-01/Accounts/{account}/Messages.json"

    def _auth(self) -> tuple[str, str]:
        return (self.config.account_sid, self.config.auth_token)

    def send(self, to: str, body: str, status_callback: str | None) -> dict:
        form = {"To": to, "Body": body}
        if self.config.messaging_service_sid:
            form["MessagingServiceSid"] = self.config.messaging_service_sid
        else:
            form["From"] = self.config.from_number or ""
        if status_callback:
            form["StatusCallback"] = status_callback
        try:
            response = httpx.post(self._messages_url, data=form, auth=self._auth(),
                                  timeout=self.timeout)  # fmt: skip
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NotSent(f"{type(exc).__name__}: Twilio unreachable") from exc
        except httpx.HTTPError as exc:
            raise Unknown(f"{type(exc).__name__}: no answer from Twilio") from exc
        if response.status_code in (200, 201):
            return response.json()
        code, message = _error_of(response)
        if response.status_code == 429:
            raise NotSent(f"429 {code}: {message}")
        if 400 <= response.status_code < 500:
            raise Refused(code, message)
        raise Unknown(f"{response.status_code} {code}: {message}")

    def find(self, to: str, body: str, since: datetime, known: Iterable[str]) -> dict | None:
        """A message of ours to ``to`` with ``body``, created since ``since``, not in ``known``."""
        params = {"To": to, "DateSent>": since.date().isoformat(), "PageSize": "100"}
        if self.config.from_number and not self.config.messaging_service_sid:
            params["From"] = self.config.from_number
        response = httpx.get(self._messages_url, params=params, auth=self._auth(),
                             timeout=self.timeout)  # fmt: skip
        response.raise_for_status()
        skip = set(known)
        lower = since - timedelta(minutes=5)  # clocks differ a little
        for item in response.json().get("messages") or []:
            if item.get("sid") in skip or item.get("body") != body:
                continue
            created = _rfc2822(item.get("date_created"))
            if created is None or created >= lower:
                return item
        return None


def _error_of(response: httpx.Response) -> tuple[int | None, str]:
    """Twilio's error JSON: ``{"code": 21211, "message": "…", "more_info": …, "status": 400}``."""
    try:
        data = response.json()
    except ValueError:
        return None, f"HTTP {response.status_code}"
    code = data.get("code") if isinstance(data, dict) else None
    message = data.get("message") if isinstance(data, dict) else None
    return (code if isinstance(code, int) else None), str(message or f"HTTP {response.status_code}")


def _rfc2822(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return to_db_time(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return None


class SmsOutbox(ChannelOutbox):
    thread_name = "comptoir-sms-outbox"
    storage = store
    label = "SMS"

    def __init__(
        self, db: Database, public_base_url: str, *, base_delay: float = 30.0,
        max_delay: float = 3600.0, max_attempts: int = 8, timeout: float = 15.0,
    ):  # fmt: skip
        super().__init__(db, base_delay=base_delay, max_delay=max_delay,
                         max_attempts=max_attempts, timeout=timeout)  # fmt: skip
        self._public = public_base_url.rstrip("/")

    def _enqueue(self, row: dict) -> bool:
        to = ((row.get("source") or {}).get("sms") or {}).get("from")
        if not to:
            log.warning("SMS reply %s: the ticket has no phone number", row["message_id"])
            return False
        made = self._db.write(
            lambda w: store.enqueue(
                w, ticket_id=row["ticket_id"], message_id=row["message_id"], to_number=to,
                body=row["body_text"], at=utcnow(),
            )
        )  # fmt: skip
        return made is not None

    def _config(self) -> SmsConfig:
        return sms_settings.load(self._db)

    def _send_one(self, item: dict, config: SmsConfig | None) -> None:
        if config is None or not config.can_send:
            key = "channels.sms.fail.not_set_up"
            return self._fail(item, t(key, "en"), key=key)
        if self._db.read(lambda cur: store.opted_out(cur, "phone", item["to_number"])):
            key = "channels.sms.fail.opted_out"
            return self._fail(item, t(key, "en"), key=key)
        client = TwilioClient(config, self._timeout)
        if item["status"] == "checking":
            try:
                known = [
                    r["twilio_sid"] for r in self._db.read(store.outbox_items) if r["twilio_sid"]
                ]
                found = client.find(item["to_number"], item["body"],
                                    _naive(item["created_at"]), known)  # fmt: skip
            except (httpx.HTTPError, ValueError) as exc:
                return self._later(item, "checking", f"look-up failed: {type(exc).__name__}")
            if found is not None:
                return self._sent(item, found["sid"], found.get("status") or "sent")
        if item["attempts"] >= self.max_attempts:
            return self._fail(item, item.get("last_error") or "too many attempts")
        self._db.write(lambda w: store.mark_attempt(w, item["id"], utcnow()))
        callback = f"{self._public}{STATUS_PATH}?outbox={item['id']}"
        try:
            answer = client.send(item["to_number"], item["body"], callback)
        except Refused as exc:
            return self._fail(item, str(exc), exc.code)
        except NotSent as exc:
            return self._later(item, "queued", str(exc))
        except Unknown as exc:
            return self._later(item, "checking", str(exc))
        if answer.get("error_code"):
            return self._fail(item, str(answer.get("error_message") or "refused"),
                              answer.get("error_code"))  # fmt: skip
        return self._sent(item, answer.get("sid") or "", answer.get("status") or "queued")

    def _sent(self, item: dict, sid: str, status: str) -> None:
        self._db.write(lambda w: store.mark_sent(w, item["id"], sid, status, utcnow()))


def _naive(value: datetime) -> datetime:
    return to_db_time(value)
