"""Twilio's status callbacks (``POST /webhooks/twilio/status``) and the refusal of replies to
numbers that opted out."""

from __future__ import annotations

from widget_api.domain.errors import Conflict
from widget_api.storage import Database
from widget_api.storage import sms as store
from widget_api.storage.db import Cursor
from widget_api.storage.rows import utcnow

#: Twilio's message statuses a callback may report.
STATUSES = frozenset({"accepted", "scheduled", "queued", "sending", "sent", "delivered",
                      "undelivered", "failed", "read", "receiving", "received",
                      "canceled"})  # fmt: skip


def report(db: Database, params: dict[str, str], outbox_id: int | None) -> bool:
    """Record one status callback; False when it is about no message of ours."""
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    status = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
    if not sid or status not in STATUSES:
        return False
    try:
        code = int(params["ErrorCode"]) if params.get("ErrorCode") else None
    except ValueError:
        code = None
    error = params.get("ErrorMessage") or (f"Twilio error {code}" if code else None)
    at = utcnow()

    def write(w) -> bool:
        if outbox_id is not None and store.outbox_by_sid(w.cur, sid) is None:
            store.settle_checking(w, outbox_id, sid, status, at)
        return store.report_status(w, sid, status, code, error, at)

    return db.write(write)


def refuse_if_opted_out(cur: Cursor, ticket_id: int) -> None:
    """Inside an agent's reply on an SMS ticket: 409 when the number sent STOP."""
    phone = store.ticket_phone(cur, ticket_id)
    if phone and store.opted_out(cur, "phone", phone):
        raise Conflict("channels.sms.error.opted_out", phone=phone)
