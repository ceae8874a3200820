"""Inbox views, bulk actions, merges, presence, macros and the customer profile."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from widget_api.contracts.common import JsonBool, Language, Role, UtcDateTime
from widget_api.contracts.teams import Availability
from widget_api.contracts.tickets import TicketSummary, TicketUpdate, clean_tags


class ViewCounts(BaseModel):
    """Live counts of the inbox views for the signed-in agent."""

    views: dict[str, int]
    by_channel: dict[str, int]
    by_problem_type: dict[str, int]


class BulkUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refs: list[str] = Field(min_length=1, max_length=500)
    changes: TicketUpdate


class BulkResult(BaseModel):
    updated: list[str]
    not_found: list[str]


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_refs: list[str] = Field(min_length=1, max_length=50)


class MergePlanRequest(BaseModel):
    """Tickets an agent selected to merge."""

    model_config = ConfigDict(extra="forbid")

    refs: list[str] = Field(min_length=2, max_length=51)


class MergePlan(BaseModel):
    """Where a merge of the selection goes: the oldest ticket, the others fold into it."""

    target_ref: str
    source_refs: list[str]


class Viewer(BaseModel):
    agent_id: int
    name: str
    typing: bool
    since: UtcDateTime


class PresenceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    typing: JsonBool = False
    leaving: JsonBool = False


class Macro(BaseModel):
    id: int
    name_fr: str
    name_en: str
    body_fr: str
    body_en: str
    actions: dict | None
    active: bool


class MacroActions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    add_tags: list[str] = Field(default_factory=list, max_length=20)
    status: str | None = Field(None, pattern="^(open|pending|on_hold|solved)$")
    assign: str | None = Field(None, pattern="^me$", description="'me': assign to the agent.")

    _tags = field_validator("add_tags")(clean_tags)


class MacroCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_fr: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    body_fr: str = Field(min_length=1, max_length=10_000)
    body_en: str = Field(min_length=1, max_length=10_000)
    actions: MacroActions | None = None


class MacroUpdate(BaseModel):
    """Fields to change; absent ones stay. Only ``actions`` may be null (no actions): the
    other columns are NOT NULL, so their types are not optional and null is a 400."""

    model_config = ConfigDict(extra="forbid")

    name_fr: str = Field(None, min_length=1, max_length=120)
    name_en: str = Field(None, min_length=1, max_length=120)
    body_fr: str = Field(None, min_length=1, max_length=10_000)
    body_en: str = Field(None, min_length=1, max_length=10_000)
    actions: MacroActions | None = None
    active: JsonBool = Field(None)


class RenderedMacro(BaseModel):
    macro_id: int
    language: Language
    body: str
    actions: dict | None


class CustomerOrder(BaseModel):
    """One of the customer's orders, as their history lists it."""

    id: int
    number: str
    placed_at: UtcDateTime
    currency: str
    total_cents: int
    financial_status: str
    fulfillment_status: str
    source: str | None = None  # local | shopify | woocommerce
    line_count: int = 0


class CustomerProfile(BaseModel):
    id: int
    email: str | None
    name: str | None
    phone: str | None
    language: Language
    created_at: UtcDateTime
    order_count: int
    lifetime_value_cents: int
    tickets: list[TicketSummary]
    orders: list[CustomerOrder] = Field(default_factory=list, description="Newest first.")


class AgentUpdate(BaseModel):
    """Administrators change anything; an agent only their own name, language and password."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    role: Role | None = None
    language: Language | None = None
    active: JsonBool | None = None
    availability: Availability | None = Field(None, description="Anyone's own; admins: anyone's.")
    password: str | None = Field(None, min_length=8, max_length=1024)
    current_password: str | None = Field(
        None, max_length=1024, description="Required to change one's own password."
    )


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("Nordet", min_length=1, max_length=120)
    languages: list[Language] = Field(default_factory=lambda: ["fr", "en"], min_length=1)
    default_language: Language = "fr"
    support_email: str = Field("support@nordet.example", max_length=254)
    timezone: str = Field("America/Toronto", max_length=64)


class Event(BaseModel):
    """One row of the append-only event log."""

    id: int
    occurred_at: UtcDateTime
    name: str
    actor_type: str
    actor_id: int | None
    entity_type: str
    entity_id: int
    before: dict | None
    after: dict | None
    rule_line: str | None = Field(
        None, description="For a change a rule made: what it did, in the reader's language."
    )
