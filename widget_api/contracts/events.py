"""The one vocabulary of events: every name the event log stores, with its payload and actors.

Each event is a module constant holding its stored name (``TICKET_CREATED = "ticket.created"``)
and an :class:`EventDef` in :data:`EVENTS` describing it: a docstring "Event name: …", the
payload fields it carries in the log's ``after`` column (a dataclass), and the actor kinds that may
cause it. Stored names never change: existing databases, the analytics SQL and the demo rely on
them. Names in :data:`RESERVED` are defined for the event spine (issue 12) but not emitted yet.

The dashboard may import this module (it sits in ``widget_api.contracts``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

ActorKind = Literal["agent", "customer", "system", "rule"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("agent", "customer", "system", "rule")
_ANY: frozenset[ActorKind] = frozenset(ACTOR_KINDS)
_AGENT = frozenset({"agent"})
_SYSTEM = frozenset({"system"})
_AGENT_RULE = frozenset({"agent", "rule"})
_AGENT_SYSTEM = frozenset({"agent", "system"})


@dataclass(frozen=True)
class EventDef:
    name: str
    doc: str
    payload: type
    actors: frozenset[str]
    reserved: bool = False

    @property
    def payload_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self.payload))


EVENTS: dict[str, EventDef] = {}


def _event(name: str, doc: str, payload: type, actors: frozenset[str], *, reserved=False) -> str:
    if name in EVENTS:
        raise ValueError(f"event defined twice: {name}")
    EVENTS[name] = EventDef(name, f"Event name: {name}. {doc}", payload, actors, reserved)
    return name


# -- payloads (the ``after`` column; ``before`` holds the previous values where noted) ----------


@dataclass(frozen=True)
class TicketCreated:
    status: str
    priority: str
    channel: str
    language: str
    subject: str
    customer_id: int | None = None


@dataclass(frozen=True)
class MessageCreated:
    kind: str  # inbound | outbound | note
    author_type: str
    author_id: int | None
    channel: str


@dataclass(frozen=True)
class TicketFieldChanged:
    """One changed field; ``before`` holds the old value under the same key."""

    field: str
    value: Any


@dataclass(frozen=True)
class TicketUpdated:
    changes: dict[str, tuple[Any, Any]]  # field → (before, after)


@dataclass(frozen=True)
class TicketMerged:
    into: int
    from_: int  # stored as "from"
    messages: int
    from_ref: str


@dataclass(frozen=True)
class SlaTarget:
    policy: str
    metric: str  # first_reply | next_reply | resolution
    due_at: str


@dataclass(frozen=True)
class MessageDeliveryChanged:
    delivery: str


@dataclass(frozen=True)
class ReturnRequested:
    rma: str
    reason: str
    lines: list[dict[str, Any]]


@dataclass(frozen=True)
class ReturnStateChanged:
    """``before`` holds ``{"state": previous}``; extra details depend on the state."""

    state: str


@dataclass(frozen=True)
class ReturnPhotoAdded:
    attachment_id: int


@dataclass(frozen=True)
class ReturnLabelReissued:
    carrier: str | None = None
    tracking_number: str | None = None


@dataclass(frozen=True)
class OrderRefunded:
    financial_status: str
    amount_cents: int
    method: str
    reference: str | None
    refund_id: int


@dataclass(frozen=True)
class OrderUpdated:
    changes: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class OrderActionTaken:
    """An agent's order action (refund, cancel, address, replacement, discount code) done."""

    action_id: int
    action: str
    platform: str
    idempotency_key: str
    reference: str | None
    amount_cents: int
    code: str | None


@dataclass(frozen=True)
class OrderActionFailed:
    """``state``: failed (the platform refused) or unknown (no answer: may have happened)."""

    action_id: int
    action: str
    platform: str
    idempotency_key: str
    state: str
    error_code: str | None


@dataclass(frozen=True)
class CustomerRedacted:
    """What an erasure touched (counts only: the log keeps no personal data of it)."""

    reason: str  # customers/redact | shop/redact | an agent's request
    tickets: int
    messages: int
    orders: int


@dataclass(frozen=True)
class CustomerDataRequested:
    """A customer asked the merchant, through the platform, for the data kept on them."""

    platform: str
    email: str | None
    external_id: str | None
    customer_id: int | None = None


@dataclass(frozen=True)
class CustomerDataExported:
    """An agent downloaded a customer's data (an access request; counts only)."""

    tickets: int
    orders: int
    attachments: int


@dataclass(frozen=True)
class ProductStockChanged:
    stock: int
    sku: str
    why: str


@dataclass(frozen=True)
class SettingsChanged:
    """One settings key; secrets are redacted. ``before`` holds the previous value."""

    key: str
    value: Any


@dataclass(frozen=True)
class TplKeyRotated:
    prefix: str


@dataclass(frozen=True)
class TplKeyRevoked:
    revoked: int


@dataclass(frozen=True)
class MacroNames:
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class FieldChanges:
    """The changed fields (``before`` holds their previous values)."""

    changes: dict[str, Any]


@dataclass(frozen=True)
class Empty:
    pass


@dataclass(frozen=True)
class CsatRated:
    score: int
    agent_id: int | None
    comment: str | None


@dataclass(frozen=True)
class Mailbox:
    """The mailbox's settings, secrets left out."""

    settings: dict[str, Any]


@dataclass(frozen=True)
class AgentCreated:
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class AttachmentAdded:
    filename: str
    content_type: str
    size: int
    message_id: int | None = None


@dataclass(frozen=True)
class ArticleSaved:
    slug: str
    lang: str
    status: str | None


@dataclass(frozen=True)
class ArticleDeleted:
    """``before`` holds slug and lang."""


@dataclass(frozen=True)
class RuleSaved:
    name: str
    active: bool


@dataclass(frozen=True)
class RuleDeleted:
    """``before`` holds the rule's name."""


@dataclass(frozen=True)
class NotificationCreated:
    agent_id: int
    rule_id: int | None = None
    kind: str = "rule"  # rule | assigned | customer_reply | mention


@dataclass(frozen=True)
class NotificationsRead:
    count: int
    ticket_id: int | None = None


@dataclass(frozen=True)
class Block:
    kind: str  # email | domain | ip
    value: str
    reason: str | None = None


@dataclass(frozen=True)
class TeamSaved:
    """A team as it is now (``before`` holds the changed fields' previous values on update)."""

    name: str
    strategy: str  # round_robin | least_loaded
    member_ids: list[int]


@dataclass(frozen=True)
class AvailabilityChanged:
    """``before`` holds ``{"availability": previous}``."""

    availability: str  # available | away


@dataclass(frozen=True)
class WebhookDelivery:
    """One outgoing webhook delivery; never its secret."""

    event_name: str
    url: str
    attempts: int = 0
    status_code: int | None = None
    error: str | None = None


# -- tickets and messages ------------------------------------------------------------------------

TICKET_CREATED = _event("ticket.created", "A ticket was opened, whatever the channel.",
                        TicketCreated, _ANY)  # fmt: skip
MESSAGE_CREATED = _event("message.created", "A message (inbound, reply or note) was added.",
                         MessageCreated, _ANY)  # fmt: skip
MESSAGE_DELIVERY_CHANGED = _event("message.delivery_changed",
                                  "The outbox's delivery state of a reply changed.",
                                  MessageDeliveryChanged, _SYSTEM)  # fmt: skip
TICKET_STATUS_CHANGED = _event("ticket.status_changed", "The ticket's status changed.",
                               TicketFieldChanged, _ANY)  # fmt: skip
TICKET_PRIORITY_CHANGED = _event("ticket.priority_changed", "The ticket's priority changed.",
                                 TicketFieldChanged, _ANY)  # fmt: skip
TICKET_ASSIGNED = _event("ticket.assigned", "The ticket's assignee changed (or was cleared).",
                         TicketFieldChanged, _ANY)  # fmt: skip
TICKET_TAGS_CHANGED = _event("ticket.tags_changed", "The ticket's tags changed.",
                             TicketFieldChanged, _ANY)  # fmt: skip
TICKET_PROBLEM_TYPE_CHANGED = _event("ticket.problem_type_changed",
                                     "The ticket's problem type was set (typing or an agent).",
                                     TicketFieldChanged, _ANY)  # fmt: skip
TICKET_SNOOZED = _event("ticket.snoozed", "The ticket was snoozed or woken.",
                        TicketFieldChanged, _ANY)  # fmt: skip
TICKET_ORDER_LINKED = _event("ticket.order_linked", "An order was linked to the ticket.",
                             TicketFieldChanged, _ANY)  # fmt: skip
TICKET_MERGED = _event("ticket.merged", "A ticket was merged into another one.",
                       TicketMerged, _AGENT_RULE)  # fmt: skip
TICKET_SLA_BREACHED = _event("ticket.sla_breached", "An SLA target passed without an answer.",
                             SlaTarget, _SYSTEM)  # fmt: skip
# The spine's names, emitted by the SLA worker's tick once per target (ticket.sla_breached is
# still written beside sla.breached: older logs and readers know that one).
SLA_WARNING = _event("sla.warning", "An SLA target is at risk (most of its time used up).",
                     SlaTarget, _SYSTEM)  # fmt: skip
SLA_BREACHED = _event("sla.breached", "An SLA target is breached (its due time passed).",
                      SlaTarget, _SYSTEM)  # fmt: skip

# The stored event for each ticket column an update may change.
EVENT_FOR_FIELD: dict[str, str] = {
    "status": TICKET_STATUS_CHANGED,
    "priority": TICKET_PRIORITY_CHANGED,
    "assignee_id": TICKET_ASSIGNED,
    "tags": TICKET_TAGS_CHANGED,
    "problem_type": TICKET_PROBLEM_TYPE_CHANGED,
    "snoozed_until": TICKET_SNOOZED,
    "order_id": TICKET_ORDER_LINKED,
}

# -- returns, orders, products -------------------------------------------------------------------

RETURN_STATES = ("requested", "approved", "rejected", "cancelled", "label_issued",
                 "in_transit", "received", "inspected", "refunded", "exchanged", "credited",
                 "closed")  # fmt: skip
RETURN_REQUESTED = _event("return.requested", "A return (RMA) was requested.",
                          ReturnRequested, _ANY)  # fmt: skip
RETURN_APPROVED = _event("return.approved", "The return was approved.",
                         ReturnStateChanged, _AGENT_RULE)  # fmt: skip
RETURN_REJECTED = _event("return.rejected", "The return was rejected.",
                         ReturnStateChanged, _AGENT_RULE)  # fmt: skip
RETURN_CANCELLED = _event("return.cancelled", "The return was cancelled before receipt.",
                          ReturnStateChanged, _ANY)  # fmt: skip
RETURN_LABEL_ISSUED = _event("return.label_issued", "A return label was issued.",
                             ReturnStateChanged, _ANY)  # fmt: skip
RETURN_IN_TRANSIT = _event("return.in_transit", "The parcel is on its way back.",
                           ReturnStateChanged, _ANY)  # fmt: skip
RETURN_RECEIVED = _event("return.received", "The parcel was received.",
                         ReturnStateChanged, _AGENT_SYSTEM)  # fmt: skip
RETURN_INSPECTED = _event("return.inspected", "The returned items were inspected.",
                          ReturnStateChanged, _AGENT)  # fmt: skip
RETURN_REFUNDED = _event("return.refunded", "The return was resolved by a refund.",
                         ReturnStateChanged, _AGENT_SYSTEM)  # fmt: skip
RETURN_EXCHANGED = _event("return.exchanged", "The return was resolved by an exchange.",
                          ReturnStateChanged, _AGENT_SYSTEM)  # fmt: skip
RETURN_CREDITED = _event("return.credited", "The return was resolved by store credit.",
                         ReturnStateChanged, _AGENT_SYSTEM)  # fmt: skip
RETURN_CLOSED = _event("return.closed", "The return was closed.",
                       ReturnStateChanged, _ANY)  # fmt: skip
RETURN_PHOTO_ADDED = _event("return.photo_added", "A photo was attached to the return.",
                            ReturnPhotoAdded, _ANY)  # fmt: skip
RETURN_LABEL_REISSUED = _event("return.label_reissued", "The return label was issued again.",
                               ReturnLabelReissued, _AGENT)  # fmt: skip
RESOLUTION_EVENTS = (RETURN_REFUNDED, RETURN_EXCHANGED, RETURN_CREDITED)


def return_state_event(state: str) -> str:
    """The stored event for a return entering ``state`` (``return.<state>``)."""
    name = f"return.{state}"
    if state not in RETURN_STATES or name not in EVENTS:
        raise ValueError(f"not a return state: {state}")
    return name


ORDER_REFUNDED = _event("order.refunded", "An order was refunded (in full or in part).",
                        OrderRefunded, _AGENT_SYSTEM)  # fmt: skip
ORDER_UPDATED = _event("order.updated",
                       "An order changed at the commerce platform (sync or webhook).",
                       OrderUpdated, _SYSTEM)  # fmt: skip
ORDER_ACTION_TAKEN = _event("order.action_taken",
                            "An agent's order action from a ticket was done at the platform.",
                            OrderActionTaken, _AGENT)  # fmt: skip
ORDER_ACTION_FAILED = _event("order.action_failed",
                             "An agent's order action failed or got no answer from the platform.",
                             OrderActionFailed, _AGENT)  # fmt: skip
CUSTOMER_REDACTED = _event("customer.redacted",
                           "A customer's personal data was erased everywhere (rows and counts"
                           " stay).", CustomerRedacted, _AGENT_SYSTEM)  # fmt: skip
CUSTOMER_DATA_REQUESTED = _event("customer.data_requested",
                                 "A customer asked for their data (platform privacy request).",
                                 CustomerDataRequested, _SYSTEM)  # fmt: skip
CUSTOMER_DATA_EXPORTED = _event("customer.data_exported",
                                "An agent downloaded a customer's data (access request).",
                                CustomerDataExported, _AGENT)  # fmt: skip
PRODUCT_STOCK_CHANGED = _event("product.stock_changed", "A product's stock changed (restock).",
                               ProductStockChanged, _AGENT_SYSTEM)  # fmt: skip

# -- settings and configuration ------------------------------------------------------------------

SETTINGS_CHANGED = _event("settings.changed", "A settings key changed.", SettingsChanged,
                          _AGENT_SYSTEM)  # fmt: skip
SETTINGS_TPL_KEY_ROTATED = _event("settings.tpl_key_rotated",
                                  "The third-party logistics API key was rotated.",
                                  TplKeyRotated, _AGENT)  # fmt: skip
SETTINGS_TPL_KEY_REVOKED = _event("settings.tpl_key_revoked",
                                  "The third-party logistics API keys were revoked.",
                                  TplKeyRevoked, _AGENT)  # fmt: skip
MAIL_SETTINGS_CHANGED = _event("mail.settings_changed", "A mail setting changed.",
                               SettingsChanged, _AGENT)  # fmt: skip
MAIL_MAILBOX_CREATED = _event("mail.mailbox_created", "A mailbox was added.", Mailbox, _AGENT)
MAIL_MAILBOX_UPDATED = _event("mail.mailbox_updated", "A mailbox changed.", Mailbox, _AGENT)
MAIL_MAILBOX_DELETED = _event("mail.mailbox_deleted", "A mailbox was removed.", Empty, _AGENT)
MACRO_CREATED = _event("macro.created", "A macro was created.", MacroNames, _AGENT)
MACRO_UPDATED = _event("macro.updated", "A macro changed.", FieldChanges, _AGENT)
MACRO_DELETED = _event("macro.deleted", "A macro was deleted.", Empty, _AGENT)
ARTICLE_CREATED = _event("article.created", "A help article was created.", ArticleSaved, _AGENT)
ARTICLE_UPDATED = _event("article.updated", "A help article changed.", FieldChanges, _AGENT)
ARTICLE_DELETED = _event("article.deleted", "A help article was deleted.", ArticleDeleted,
                         _AGENT)  # fmt: skip
BLOCK_ADDED = _event("block.added", "A sender was blocked.", Block, _AGENT_RULE)
BLOCK_REMOVED = _event("block.removed", "A block was lifted.", Empty, _AGENT)
AGENT_CREATED = _event("agent.created", "An agent account was created.", AgentCreated,
                       _AGENT_SYSTEM)  # fmt: skip
AGENT_UPDATED = _event("agent.updated", "An agent's account changed.", FieldChanges, _AGENT)
ATTACHMENT_ADDED = _event("attachment.added", "A file was attached to a ticket.",
                          AttachmentAdded, _ANY)  # fmt: skip
RULE_CREATED = _event("rule.created", "An automation rule was created.", RuleSaved,
                      _AGENT_SYSTEM)  # fmt: skip
RULE_UPDATED = _event("rule.updated", "An automation rule changed (fields, position, activation).",
                      FieldChanges, _AGENT_SYSTEM)  # fmt: skip
RULE_DELETED = _event("rule.deleted", "An automation rule was deleted.", RuleDeleted,
                      _AGENT_SYSTEM)  # fmt: skip
NOTIFICATION_CREATED = _event("notification.created",
                              "An agent was notified in the app (a rule's notify action, an "
                              "assignment, a customer's answer, an @mention or a privacy "
                              "request).", NotificationCreated, _ANY)  # fmt: skip
NOTIFICATIONS_READ = _event("notification.read", "An agent marked notifications read.",
                            NotificationsRead, _AGENT)  # fmt: skip
CSAT_OFFERED = _event("csat.offered", "A satisfaction survey was offered.", Empty, _SYSTEM)
CSAT_RATED = _event("csat.rated", "The customer rated the conversation.", CsatRated,
                    frozenset({"customer"}))  # fmt: skip

TEAM_CREATED = _event("team.created", "A team of agents was created.", TeamSaved, _AGENT_SYSTEM)
TEAM_UPDATED = _event("team.updated", "A team's name, strategy or members changed.", TeamSaved,
                      _AGENT_SYSTEM)  # fmt: skip
TEAM_DELETED = _event("team.deleted", "A team was deleted (its agents stay).", TeamSaved,
                      _AGENT_SYSTEM)  # fmt: skip
AGENT_AVAILABILITY_CHANGED = _event("agent.availability_changed",
                                    "An agent became available or away for new assignments.",
                                    AvailabilityChanged, _AGENT_SYSTEM)  # fmt: skip
WEBHOOK_QUEUED = _event("webhook.queued", "An outgoing webhook was queued for delivery.",
                        WebhookDelivery, _SYSTEM)  # fmt: skip
WEBHOOK_DELIVERED = _event("webhook.delivered", "The receiver accepted a webhook (2xx).",
                           WebhookDelivery, _SYSTEM)  # fmt: skip
WEBHOOK_FAILED = _event("webhook.failed", "A webhook failed for good after its attempts.",
                        WebhookDelivery, _SYSTEM)  # fmt: skip
WEBHOOK_REQUEUED = _event("webhook.requeued", "A failed webhook was queued again by an agent.",
                          WebhookDelivery, _AGENT)  # fmt: skip


# -- channels (issue 16): identities per channel, SMS opt-outs and delivery reports --------------


@dataclass(frozen=True)
class IdentityAdded:
    customer_id: int
    kind: str  # email | phone | messenger | instagram | whatsapp
    value: str


@dataclass(frozen=True)
class SmsOptChanged:
    """``opted_out`` is true after STOP/ARRÊT, false after START/UNSTOP."""

    value: str
    opted_out: bool
    keyword: str


@dataclass(frozen=True)
class SmsStatusChanged:
    """Twilio's report on an outgoing SMS (status callback or the send's answer)."""

    status: str
    sid: str | None = None
    error_code: int | None = None


@dataclass(frozen=True)
class WhatsappStatusChanged:
    """Meta's report on an outgoing WhatsApp message (sent, delivered, read, failed)."""

    status: str
    wamid: str | None = None
    error_code: int | None = None


CUSTOMER_IDENTITY_ADDED = _event("customer.identity_added",
                                 "A customer was reached on a new channel identity.",
                                 IdentityAdded, _ANY)  # fmt: skip
SMS_OPT_CHANGED = _event("sms.opt_changed", "A phone number opted out of SMS or back in.",
                         SmsOptChanged, frozenset({"customer"}))  # fmt: skip
SMS_STATUS_CHANGED = _event("sms.status_changed", "Twilio reported on an outgoing SMS.",
                            SmsStatusChanged, _SYSTEM)  # fmt: skip
WHATSAPP_STATUS_CHANGED = _event("whatsapp.status_changed",
                                 "Meta reported on an outgoing WhatsApp message.",
                                 WhatsappStatusChanged, _SYSTEM)  # fmt: skip


@dataclass(frozen=True)
class MessengerStatusChanged:
    """Meta's report on an outgoing Messenger or Instagram message (delivered, read)."""

    status: str
    mid: str | None = None
    platform: str | None = None  # messenger | instagram


MESSENGER_STATUS_CHANGED = _event("messenger.status_changed",
                                  "Meta reported on an outgoing Messenger or Instagram message.",
                                  MessengerStatusChanged, _SYSTEM)  # fmt: skip


@dataclass(frozen=True)
class AssistAnswered:
    """The widget's bot answered a question (or said a person will follow up)."""

    lang: str
    citations: list
    handoff: bool
    confidence: float


@dataclass(frozen=True)
class AssistFeedback:
    helpful: bool


@dataclass(frozen=True)
class AssistHandedOff:
    """The bot's conversation became a ticket; ``reason`` says why a person took over."""

    reason: str
    answers: int


ASSIST_ANSWERED = _event("assist.answered", "The widget's bot answered a customer's question.",
                         AssistAnswered, frozenset({"customer"}))  # fmt: skip
ASSIST_FEEDBACK = _event("assist.feedback", "The customer said whether a bot answer helped.",
                         AssistFeedback, frozenset({"customer"}))  # fmt: skip
ASSIST_HANDED_OFF = _event("assist.handed_off",
                           "The bot handed the customer to a person (a ticket, its transcript).",
                           AssistHandedOff, frozenset({"customer"}))  # fmt: skip

# -- identities linked by agents (issue 16) ---------------------------------------------------


@dataclass(frozen=True)
class CustomerLinked:
    """An agent linked another profile (``other_customer_id``) or one identity to the customer;
    logged on the customer and on each of its tickets (their history shows it)."""

    link_id: int
    other_customer_id: int | None
    identities: list  # [{kind, value}] that joined the customer
    tickets: int  # tickets that moved over
    orders: int


@dataclass(frozen=True)
class CustomerUnlinked:
    """An agent unlinked a wrongly linked identity: the profile it came with is its own customer
    again (``customer_id``), with what the link had moved."""

    link_id: int
    identity_id: int
    customer_id: int
    identities: list  # [{kind, value}] that left
    tickets: int
    orders: int


CUSTOMER_LINKED = _event("customer.linked",
                         "An agent linked another customer profile or identity to a customer.",
                         CustomerLinked, _AGENT)  # fmt: skip
CUSTOMER_UNLINKED = _event("customer.unlinked",
                           "An agent unlinked an identity: its profile is a customer again.",
                           CustomerUnlinked, _AGENT)  # fmt: skip


# -- imports (issue 17): imported history is logged per batch, never per ticket ------------------


@dataclass(frozen=True)
class ImportBatch:
    """One batch of another helpdesk's history was written (tickets new here, tickets a previous
    run already wrote, and the people and messages that came with them)."""

    source: str
    tickets: int
    skipped: int
    messages: int
    customers: int
    agents: int
    errors: int


IMPORT_BATCH = _event("import.batch",
                      "A batch of imported history was written (no per-ticket events: no rule, "
                      "SLA clock, survey or message reacts to history).", ImportBatch,
                      _SYSTEM)  # fmt: skip

# -- the spine's summaries: what automation rules listen to -------------------------------------
TICKET_UPDATED = _event("ticket.updated",
                        "Ticket fields changed; ``changes`` holds each as [before, after].",
                        TicketUpdated, _ANY)  # fmt: skip
TICKET_SOLVED = _event("ticket.solved", "The ticket became solved.", TicketFieldChanged, _ANY)
TICKET_REOPENED = _event("ticket.reopened", "A solved or closed ticket became unresolved.",
                         TicketFieldChanged, _ANY)  # fmt: skip
RETURN_STATE_CHANGED = _event("return.state_changed",
                              "A return changed state (with return.<state> beside it).",
                              ReturnStateChanged, _ANY)  # fmt: skip
#: Summaries repeat the field events beside them: a ticket's history shows the field events only.
SUMMARY_EVENTS = frozenset({TICKET_UPDATED, TICKET_SOLVED, TICKET_REOPENED, RETURN_STATE_CHANGED})

# -- reserved: defined, not emitted yet (none today) ----------------------------------------------

RESERVED = frozenset(name for name, d in EVENTS.items() if d.reserved)
NAMES = frozenset(EVENTS)
