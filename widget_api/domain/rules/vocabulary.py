"""What a rule may say: trigger events, fields (with types), operators valid per type and
actions with their parameters. The API's vocabulary and the validation both read these tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from widget_api.contracts import events as ev
from widget_api.contracts.common import Channel, Language, Priority, Status
from widget_api.contracts.rules import (
    ActionInfo,
    FieldInfo,
    Label,
    OperatorInfo,
    ParamInfo,
    TriggerInfo,
    ValueInfo,
    Vocabulary,
)
from widget_api.contracts.taxonomy import PROBLEM_TYPES
from widget_api.i18n import t

MARKETPLACES = ("amazon", "ebay", "etsy", "walmart")
FULFILMENT = ("unfulfilled", "processing", "shipped", "in_transit", "out_for_delivery",
              "delivered", "exception", "returned_to_sender", "cancelled")  # fmt: skip
SLA_STATES = ("ok", "at_risk", "breached")

#: Events a rule may be triggered by (message.created: customer messages only).
TRIGGER_EVENTS: tuple[str, ...] = (
    ev.TICKET_CREATED, ev.MESSAGE_CREATED, ev.TICKET_UPDATED, ev.TICKET_STATUS_CHANGED,
    ev.TICKET_PRIORITY_CHANGED, ev.TICKET_ASSIGNED, ev.TICKET_TAGS_CHANGED,
    ev.TICKET_PROBLEM_TYPE_CHANGED, ev.TICKET_SNOOZED, ev.TICKET_ORDER_LINKED, ev.TICKET_SOLVED,
    ev.TICKET_REOPENED, ev.TICKET_MERGED, ev.SLA_WARNING, ev.SLA_BREACHED,
    ev.TICKET_SLA_BREACHED, ev.RETURN_STATE_CHANGED, ev.RETURN_REQUESTED, ev.CSAT_RATED,
)  # fmt: skip

OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "text": ("equals", "not_equals", "in", "not_in", "contains", "not_contains", "starts_with",
             "is_empty", "is_not_empty"),
    "enum": ("equals", "not_equals", "in", "not_in", "is_empty", "is_not_empty"),
    "number": ("equals", "not_equals", "greater_than", "less_than", "in", "not_in", "is_empty",
               "is_not_empty"),
    "list": ("contains", "not_contains", "is_empty", "is_not_empty"),
    "boolean": ("equals",),
    "id": ("equals", "not_equals", "in", "not_in", "is_empty", "is_not_empty"),
}  # fmt: skip
LIST_OPERATORS = ("in", "not_in")
VALUELESS_OPERATORS = ("is_empty", "is_not_empty")


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    values: tuple[str, ...] | None = None
    unit: str | None = None  # "cents": a money amount


FIELDS: dict[str, FieldDef] = {
    f.name: f
    for f in (
        FieldDef("channel", "enum", get_args(Channel)),
        FieldDef("marketplace", "enum", MARKETPLACES),
        FieldDef("language", "enum", get_args(Language)),
        FieldDef("problem_type", "enum", PROBLEM_TYPES),
        FieldDef("problem_confidence", "number"),
        FieldDef("subject", "text"),
        FieldDef("body", "text"),
        FieldDef("customer_email", "text"),
        FieldDef("customer_email_domain", "text"),
        FieldDef("customer_lifetime_value_cents", "number", unit="cents"),
        FieldDef("customer_order_count", "number"),
        FieldDef("order_value_cents", "number", unit="cents"),
        FieldDef("fulfillment_status", "enum", FULFILMENT),
        FieldDef("tags", "list"),
        FieldDef("priority", "enum", get_args(Priority)),
        FieldDef("status", "enum", get_args(Status)),
        FieldDef("assignee_id", "id"),
        FieldDef("sla_state", "enum", SLA_STATES),
        FieldDef("business_hours", "boolean"),
    )
}


@dataclass(frozen=True)
class ParamDef:
    name: str
    type: str  # text | enum | number | id | list | secret
    required: bool = True
    values: tuple[str, ...] | None = None


ACTIONS: dict[str, tuple[ParamDef, ...]] = {
    "assign_agent": (ParamDef("agent_id", "id"),),
    "assign_team": (
        ParamDef("team_id", "id", required=False),
        ParamDef("team_name", "text", required=False),
        ParamDef("strategy", "enum", required=False, values=("round_robin", "least_loaded")),
    ),
    "add_tags": (ParamDef("tags", "list"),),
    "remove_tags": (ParamDef("tags", "list"),),
    "set_priority": (ParamDef("priority", "enum", values=get_args(Priority)),),
    "set_status": (ParamDef("status", "enum", values=get_args(Status)),),
    "set_problem_type": (ParamDef("problem_type", "enum", values=PROBLEM_TYPES),),
    "snooze": (ParamDef("hours", "number"),),
    "reply_macro": (ParamDef("macro_id", "id"),),
    "note": (ParamDef("body", "text"),),
    "notify_agent": (ParamDef("agent_id", "id"), ParamDef("body", "text", required=False)),
    "webhook": (ParamDef("url", "text"), ParamDef("secret", "secret", required=False)),
}


#: Where the catalogues keep the labels of an enum field's (or parameter's) values.
VALUE_PREFIXES = {
    "channel": "channel",
    "marketplace": "channel",
    "language": "dash.language",
    "problem_type": "ptype",
    "fulfillment_status": "fulfillment",
    "priority": "priority",
    "status": "status",
    "sla_state": "sla",
    "strategy": "dash.rules.strategy",
}


def _label(key: str) -> Label:
    return Label(fr=t(key, "fr"), en=t(key, "en"))


def _values(name: str, values: tuple[str, ...] | None) -> list[ValueInfo] | None:
    """The values with their catalogue labels (the value itself where the catalogue has none)."""
    if not values:
        return None
    prefix = VALUE_PREFIXES.get(name)
    out = []
    for value in values:
        key = f"{prefix}.{value}" if prefix else ""
        fr, en = (t(key, "fr"), t(key, "en")) if prefix else (value, value)
        out.append(ValueInfo(value=value, label_fr=value if fr == key else fr,
                             label_en=value if en == key else en))  # fmt: skip
    return out


def vocabulary() -> Vocabulary:
    return Vocabulary(
        triggers=[
            TriggerInfo(event=name, label=_label(f"rules.trigger.{name}"))
            for name in TRIGGER_EVENTS
        ],
        schedule_statuses=list(get_args(Status)),
        fields=[
            FieldInfo(
                name=f.name,
                type=f.type,
                label=_label(f"rules.field.{f.name}"),
                values=_values(f.name, f.values),
                operators=list(OPERATORS_BY_TYPE[f.type]),
                unit=f.unit,
            )
            for f in FIELDS.values()
        ],
        operators=[
            OperatorInfo(
                name=op,
                label=_label(f"rules.operator.{op}"),
                value="none"
                if op in VALUELESS_OPERATORS
                else "list"
                if op in LIST_OPERATORS
                else "one",
            )
            for op in dict.fromkeys(o for ops in OPERATORS_BY_TYPE.values() for o in ops)
        ],
        operators_by_type={k: list(v) for k, v in OPERATORS_BY_TYPE.items()},
        actions=[
            ActionInfo(
                kind=kind,
                label=_label(f"rules.action.{kind}"),
                params=[
                    ParamInfo(
                        name=p.name,
                        type=p.type,
                        required=p.required,
                        label=_label(f"rules.param.{p.name}"),
                        values=_values(p.name, p.values),
                    )
                    for p in params
                ],
            )
            for kind, params in ACTIONS.items()
        ],
    )
