"""The commerce webhook processor: turns the deliveries the webhook routes stored into changes.

A ``DueSender`` (``widget_api/due_sender.py``) like the mail outbox and the webhook sender: a
thread that takes the due rows of ``commerce_webhooks``, asks the configured platform's client
what each means (``parse_webhook`` → effects), and applies all the effects of one delivery and
its new status in one write. The routes wake it after storing a delivery; it reads every due row
when it starts, so nothing received before a restart is lost.

A failure (the client raising, a write refused) is retried with doubling back-off; after
``COMPTOIR_COMMERCE__WEBHOOK_ATTEMPTS`` attempts the row is ``failed`` with the error kept. A
delivery for a platform that is no longer the configured one is ``ignored`` with the reason.

Privacy topics: ``RedactCustomer`` erases the customer (found by platform id, e-mail, or the
orders listed) everywhere through ``storage/privacy.py``; ``RedactShop`` (48 hours after the
merchant uninstalled) erases every customer that came from that platform, i.e. whose
``customers.external_ids`` has the platform's key, and leaves the others (chat visitors, mail
senders, other platforms) alone; ``DataRequest`` logs ``customer.data_requested`` and notifies
every active administrator in the app, in their language.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime

from widget_api.commerce import mirror
from widget_api.commerce.platform import (
    DataRequest,
    DeleteOrder,
    Ignore,
    RedactCustomer,
    RedactShop,
    UpsertCustomer,
    UpsertOrder,
    WebhookEffect,
)
from widget_api.contracts import events as ev
from widget_api.due_sender import DueSender
from widget_api.i18n import t
from widget_api.settings import CommerceRuntime
from widget_api.storage import Database, agents, commerce_inbox, commerce_mirror, privacy
from widget_api.storage import rules as rule_store
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM, append
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)


class WebhookProcessor(DueSender):
    """Processes received commerce webhooks on its own thread."""

    thread_name = "comptoir-commerce-webhooks"
    gather_seconds = 0.05  # a burst of deliveries (an import at the platform) in one round

    def __init__(self, db: Database, hub, options: CommerceRuntime | None = None):
        options = options or CommerceRuntime()
        super().__init__(base_delay=options.retry_seconds, max_delay=3600.0,
                         max_attempts=options.webhook_attempts)  # fmt: skip
        self._db = db
        self._hub = hub  # CommerceHub: its client is read at each delivery (it may change)

    def round(self) -> datetime | None:
        for row in self._db.read(lambda cur: commerce_inbox.due(cur, utcnow())):
            if self._stop.is_set():
                break
            self._process(row)
        return self._db.read(commerce_inbox.next_due_at)

    def process_due(self) -> None:
        """One round now, on the caller's thread (tests and commands)."""
        self.round()

    # -- one delivery ---------------------------------------------------------------------------
    def _process(self, row: dict) -> None:
        webhook_id, platform = row["id"], row["platform"]
        client = self._hub.client
        if client is None or client.platform != platform:
            reason = f"{platform} is not the configured platform"
            self._db.write(lambda w: commerce_inbox.finish(w, webhook_id, "ignored", utcnow(),
                                                           reason))  # fmt: skip
            return
        try:
            payload = json.loads(row["body"])
        except ValueError:
            self._db.write(lambda w: commerce_inbox.finish(w, webhook_id, "failed", utcnow(),
                                                           "the body is not JSON"))  # fmt: skip
            return
        try:
            effects = list(client.parse_webhook(row["topic"], payload))
            self._db.write(lambda w: _apply(w, platform, webhook_id, effects, utcnow()))
        except Exception as exc:  # the platform's mapping or a write: try again later
            self._failed(row, exc)

    def _failed(self, row: dict, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {str(exc)[:300]}"
        attempts = row["attempts"] + 1
        if attempts >= self.max_attempts:
            log.warning("commerce webhook %s failed after %s attempts: %s", row["id"], attempts,
                        error)  # fmt: skip
            self._db.write(lambda w: commerce_inbox.finish(w, row["id"], "failed", utcnow(),
                                                           error))  # fmt: skip
        else:
            log.info("commerce webhook %s will be retried: %s", row["id"], error)
            delay = self.backoff(attempts)
            self._db.write(lambda w: commerce_inbox.retry_later(w, row["id"], error, utcnow(),
                                                                delay))  # fmt: skip


def _apply(
    w: Writer, platform: str, webhook_id: int, effects: Sequence[WebhookEffect], at: datetime
) -> None:
    """Every effect of one delivery, and its status, in one write."""
    ignored: list[str] = []
    for effect in effects:
        match effect:
            case UpsertOrder(order=order):
                mirror.store_order(w, platform, order, at)
            case DeleteOrder(external_id=external_id):
                commerce_mirror.delete_order(w, platform, external_id, at)
            case UpsertCustomer(customer=customer):
                mirror.store_customer(w, platform, customer, at)
            case RedactCustomer():
                if not _redact_customer(w, platform, effect, at):
                    ignored.append("nothing is stored for this customer")
            case RedactShop():
                for customer_id in privacy.customers_of_platform(w.cur, platform):
                    privacy.erase_customer(w, customer_id, at, reason="shop/redact")
            case DataRequest():
                _data_request(w, platform, effect, at)
            case Ignore(reason=reason):
                ignored.append(reason)
    if ignored and len(ignored) == len(effects):
        commerce_inbox.finish(w, webhook_id, "ignored", at, "; ".join(ignored)[:500])
    else:
        commerce_inbox.finish(w, webhook_id, "processed", at)


def _redact_customer(w: Writer, platform: str, effect: RedactCustomer, at: datetime) -> bool:
    orders = privacy.orders_by_external(w.cur, platform, list(effect.order_external_ids))
    customers = privacy.customers_matching(
        w.cur, platform, effect.external_id, effect.email, list(effect.order_external_ids)
    )
    if orders:
        privacy.erase_orders(w, orders)
    for customer_id in customers:
        privacy.erase_customer(w, customer_id, at, reason="customers/redact")
    return bool(orders or customers)


def _data_request(w: Writer, platform: str, effect: DataRequest, at: datetime) -> None:
    found = privacy.customers_matching(w.cur, platform, effect.external_id, effect.email)
    customer_id = found[0] if found else None
    append(w, name=ev.CUSTOMER_DATA_REQUESTED, actor=SYSTEM, entity_type="customer",
           entity_id=customer_id or 0, at=at,
           after={"platform": platform, "email": effect.email, "external_id": effect.external_id,
                  "customer_id": customer_id})  # fmt: skip
    who = effect.email or effect.external_id or "?"
    for agent in agents.all_agents(w.cur):
        if agent["role"] == "admin" and agent["active"]:
            body = t("commerce.data_request.notify", agent["language"], platform=platform.title(),
                     email=who)  # fmt: skip
            rule_store.notify(w, agent_id=agent["id"], ticket_id=None, rule_id=None, body=body,
                              actor=SYSTEM, at=at)  # fmt: skip
