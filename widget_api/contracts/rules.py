"""Automation rules: a trigger (an event, or "in status S for N hours"), conditions over the
ticket's facts, and actions run in order. ``GET /api/v1/rules/vocabulary`` describes the fields,
operators and actions a rule may use, so an editor can be built from it.

The dashboard may import this module (it sits in ``widget_api.contracts``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from widget_api.contracts.common import JsonBool, JsonInt, Status, UtcDateTime

FieldType = Literal["text", "enum", "number", "list", "boolean", "id"]
Operator = Literal[
    "equals", "not_equals", "in", "not_in", "contains", "not_contains", "starts_with",
    "greater_than", "less_than", "is_empty", "is_not_empty",
]  # fmt: skip
ActionKind = Literal[
    "assign_agent", "assign_team", "add_tags", "remove_tags", "set_priority", "set_status",
    "set_problem_type", "snooze", "reply_macro", "note", "notify_agent", "webhook",
]  # fmt: skip
RunOutcome = Literal["matched", "not_matched", "skipped", "error"]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="A field of the vocabulary (`GET /api/v1/rules/vocabulary`).")
    operator: Operator
    value: Any = Field(None, description="Absent for is_empty / is_not_empty; a list for in.")


class Conditions(BaseModel):
    """Every condition of ``all`` holds, and (when ``any`` is not empty) one of ``any``."""

    model_config = ConfigDict(extra="forbid")

    all: list[Condition] = Field(default_factory=list, max_length=50)
    any: list[Condition] = Field(default_factory=list, max_length=50)


class Schedule(BaseModel):
    """The ticket has been in ``status`` for ``hours`` (business hours of the SLA calendar, or
    calendar hours). Fires once per stay in the status."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    hours: float = Field(gt=0, le=24 * 366)
    clock: Literal["business", "calendar"] = "business"


class Trigger(BaseModel):
    """Exactly one of ``event`` (an event name of the vocabulary) and ``schedule``."""

    model_config = ConfigDict(extra="forbid")

    event: str | None = None
    schedule: Schedule | None = None

    @model_validator(mode="after")
    def _one(self) -> Trigger:
        if (self.event is None) == (self.schedule is None):
            raise ValueError("give exactly one of event and schedule")
        return self


class Action(BaseModel):
    """One step; ``params`` as the vocabulary lists them for ``kind``."""

    model_config = ConfigDict(extra="forbid")

    kind: ActionKind
    params: dict[str, Any] = Field(default_factory=dict)


class RuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    trigger: Trigger
    conditions: Conditions = Field(default_factory=Conditions)
    actions: list[Action] = Field(min_length=1, max_length=20)
    active: JsonBool = False
    position: JsonInt | None = Field(None, ge=0, description="Default: after the last rule.")


class RuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    trigger: Trigger | None = None
    conditions: Conditions | None = None
    actions: list[Action] | None = Field(None, min_length=1, max_length=20)
    active: JsonBool | None = None


class Rule(BaseModel):
    """A stored rule. Webhook secrets are never returned: ``params.secret_set`` says if one is."""

    id: int
    name: str
    trigger: Trigger
    conditions: Conditions
    actions: list[Action]
    position: int
    active: bool
    starter: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    last_run_at: UtcDateTime | None = Field(
        None, description="When the rule last ran (any outcome)."
    )
    last_outcome: RunOutcome | None = Field(None, description="The outcome of that run.")
    last_error: str | None = Field(
        None, description="That run's error, in the reader's language (None when it had none)."
    )


class RuleOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[JsonInt] = Field(min_length=1, description="Every rule id, in the wanted order.")


class ActionResult(BaseModel):
    kind: str
    ok: bool
    detail: str | None = None
    error: str | None = Field(None, description="Why it failed, in the reader's language.")
    error_code: str | None = Field(
        None, description="A stable code of the failure (`unknown_agent`, `no_team`, …)."
    )
    error_params: dict[str, Any] | None = Field(None, description="The code's parameters.")


class RuleRun(BaseModel):
    id: int
    rule_id: int
    rule_name: str | None
    ticket_id: int | None
    ticket_ref: str | None
    event_id: int | None
    ran_at: UtcDateTime
    outcome: RunOutcome
    matched: bool
    actions: list[ActionResult] = Field(default_factory=list)
    error: str | None = Field(None, description="Why the run failed, in the reader's language.")
    error_code: str | None = Field(
        None, description="A stable code (`hourly_cap`, `actions_failed`, `run_failed`)."
    )
    error_params: dict[str, Any] | None = Field(None, description="The code's parameters.")


class DryRunRequest(BaseModel):
    """A saved rule (``rule_id``) or an unsaved one (``rule``), tried on the newest tickets."""

    model_config = ConfigDict(extra="forbid")

    rule_id: JsonInt | None = None
    rule: RuleCreate | None = None
    limit: JsonInt = Field(100, ge=1, le=1000, description="How many of the newest tickets.")

    @model_validator(mode="after")
    def _one(self) -> DryRunRequest:
        if (self.rule_id is None) == (self.rule is None):
            raise ValueError("give exactly one of rule_id and rule")
        return self


class ConditionResult(BaseModel):
    group: Literal["all", "any"]
    field: str
    operator: str
    value: Any = None
    actual: Any = None
    result: bool


class DryRunTicket(BaseModel):
    ticket_id: int
    ticket_ref: str
    subject: str | None = None
    matched: bool
    conditions: list[ConditionResult]
    actions: list[str] = Field(description="Kinds of the actions that would run.")


class DryRun(BaseModel):
    tickets: list[DryRunTicket]
    matched: int
    note: str | None = Field(None, description="Why the trigger itself is not checked.")


class Label(BaseModel):
    fr: str
    en: str


class ValueInfo(BaseModel):
    """One allowed value of an enum field or parameter, with its labels."""

    value: str
    label_fr: str
    label_en: str


class FieldInfo(BaseModel):
    name: str
    type: FieldType
    label: Label
    values: list[ValueInfo] | None = Field(
        None, description="The allowed values of an enum field, with their labels."
    )
    operators: list[Operator]
    unit: Literal["cents"] | None = Field(
        None,
        description="A money field's unit: its values are whole cents (CAD); clients show and "
        "take dollars in the reader's format and convert.",
    )


class OperatorInfo(BaseModel):
    name: Operator
    label: Label
    value: Literal["one", "list", "none"]


class ParamInfo(BaseModel):
    name: str
    type: Literal["text", "enum", "number", "id", "list", "secret"]
    required: bool
    label: Label
    values: list[ValueInfo] | None = None


class ActionInfo(BaseModel):
    kind: ActionKind
    label: Label
    params: list[ParamInfo]


class TriggerInfo(BaseModel):
    event: str
    label: Label


class Vocabulary(BaseModel):
    triggers: list[TriggerInfo]
    schedule_statuses: list[str]
    fields: list[FieldInfo]
    operators: list[OperatorInfo]
    operators_by_type: dict[str, list[Operator]]
    actions: list[ActionInfo]


class Notification(BaseModel):
    id: int
    agent_id: int
    ticket_id: int | None
    ticket_ref: str | None
    rule_id: int | None
    body: str
    kind: Literal["rule", "assigned", "customer_reply", "mention"] = Field(
        "rule", description="What caused it: a rule's notify action, an assignment to the agent, "
        "a customer's answer on one of their tickets, or an @mention.",
    )  # fmt: skip
    created_at: UtcDateTime
    read_at: UtcDateTime | None
