"""The automation page's logic, free of Streamlit: rules, triggers, conditions and actions in
words (the vocabulary's fr/en labels, of fields, operators, actions and enum values), the
editor's fields turned into the API's ``RuleCreate``, and the rows of the dry-run and runs
tables."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from dashboard.i18n import short_when, tr
from widget_api.contracts.rules import (
    Action,
    ActionInfo,
    Condition,
    Conditions,
    DryRun,
    FieldInfo,
    Label,
    ParamInfo,
    Rule,
    RuleCreate,
    RuleRun,
    Schedule,
    Trigger,
    ValueInfo,
    Vocabulary,
)
from widget_api.i18n import LOCALES, money

GROUPS = ("all", "any")
CLOCKS = ("business", "calendar")
DRY_RUN_LIMITS = (50, 100, 250, 500, 1000)
# Parameters whose value is chosen among things the API lists.
AGENT_PARAMS = ("agent_id",)
MACRO_PARAMS = ("macro_id",)
TEAM_PARAMS = ("team_id",)
# Long texts get a text area.
LONG_TEXT_PARAMS = ("body",)


class FormError(ValueError):
    """A field the agent filled in cannot become a rule (shown as is: a catalogue text)."""


def text(value: Label, lang: str) -> str:
    """A vocabulary label in the page's language."""
    return value.fr if lang == "fr" else value.en


def _value_infos(vocab: Vocabulary) -> dict[str, dict[str, ValueInfo]]:
    """Field or parameter name → its enum values with their labels (from the vocabulary)."""
    found: dict[str, dict[str, ValueInfo]] = {}
    named = [(f.name, f.values) for f in vocab.fields]
    named += [(p.name, p.values) for a in vocab.actions for p in a.params]
    for name, values in named:
        for v in values or []:
            found.setdefault(name, {})[v.value] = v
    return found


def value_label(name: str, value: Any, lang: str, vocab: Vocabulary) -> str:
    """How to show one value of field or parameter ``name``: the vocabulary's label when it has
    one, yes/no for booleans, numbers in the store's locale, else the value itself."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("dash.rules.yes" if value else "dash.rules.no", lang)
    if isinstance(value, int | float):
        if is_money(_field(vocab, name)):
            return money(round(value), lang)
        return number(value, lang)
    info = _value_infos(vocab).get(name, {}).get(str(value))
    if info is None:
        return str(value)
    return info.label_fr if lang == "fr" else info.label_en


def number(value: float, lang: str) -> str:
    return format_decimal(value, locale=LOCALES.get(lang, "fr_CA"))


# -- money: the API holds cents, the agent reads and types dollars -----------------------------
def is_money(info: FieldInfo | None) -> bool:
    return info is not None and info.unit == "cents"


def dollars_text(cents: float, lang: str) -> str:
    """What a money value's text box holds: "25,00" (fr-CA), "25.00" (en-CA)."""
    return format_decimal(round(cents) / 100, format="0.00", locale=LOCALES.get(lang, "fr_CA"))


_NOT_AMOUNT = re.compile(r"[\s$]|CAD", re.IGNORECASE)
_AMOUNT = re.compile(r"[0-9][0-9.,]*")
_MOST_DOLLARS = 10**9


def parse_dollars(value: str, lang: str) -> int:
    """Cents from an amount in dollars as typed in ``lang``'s format ("25,00 $", "1 000,50",
    "$25.00", "1,000.50", "25"); a FormError names what cannot be read."""
    cleaned = _NOT_AMOUNT.sub("", value)
    refused = FormError(tr("dash.rules.error.money", lang, value=value.strip()))
    if not _AMOUNT.fullmatch(cleaned):  # digits and separators: no sign, no exponent
        raise refused
    try:
        amount = parse_decimal(cleaned, locale=LOCALES.get(lang, "fr_CA"), strict=True)
    except NumberFormatError:
        raise refused from None
    if amount > _MOST_DOLLARS:
        raise refused
    return int((amount * 100).to_integral_value())


def parse_dollar_list(value: str, lang: str) -> list[int]:
    """Several amounts separated by semicolons (a comma is a decimal sign in French)."""
    return [parse_dollars(part, lang) for part in value.replace("\n", ";").split(";")
            if part.strip()]  # fmt: skip


# -- a rule in words --------------------------------------------------------------------------
def rule_name(rule: Rule, lang: str) -> str:
    """The rule's name; a starter rule whose name was left as installed is shown in ``lang``."""
    if rule.starter:
        key = f"rules.starter.{rule.starter}"
        if rule.name in (tr(key, "fr"), tr(key, "en")):
            return tr(key, lang)
    return rule.name


def trigger_text(trigger: Trigger, vocab: Vocabulary, lang: str) -> str:
    if trigger.schedule is not None:
        s = trigger.schedule
        one = "_one" if s.hours == 1 else ""
        return tr(
            f"dash.rules.schedule.{s.clock}{one}",
            lang,
            status=value_label("status", s.status, lang, vocab),
            hours=number(s.hours, lang),
        )
    labels = {t.event: text(t.label, lang) for t in vocab.triggers}
    return labels.get(trigger.event or "", trigger.event or "—")


def _field(vocab: Vocabulary, name: str) -> FieldInfo | None:
    return next((f for f in vocab.fields if f.name == name), None)


def condition_text(
    cond: Condition,
    vocab: Vocabulary,
    lang: str,
    agents: Mapping[int, str] | None = None,
    esc: Callable[[str], str] = str,
) -> str:
    """A condition in words ("Canal est Amazon", "Objet est vide"); ``esc`` is applied to the
    values (which the merchant typed), not to the vocabulary's words."""
    info = _field(vocab, cond.field)
    ops = {o.name: o for o in vocab.operators}
    op = ops.get(cond.operator)
    words = [text(info.label, lang) if info else cond.field]
    words.append(text(op.label, lang) if op else cond.operator)
    if op is None or op.value != "none":
        values = cond.value if isinstance(cond.value, list) else [cond.value]
        if cond.field == "assignee_id" and agents:
            shown = [agents.get(v, f"#{v}") for v in values]
        else:
            shown = [value_label(cond.field, v, lang, vocab) for v in values]
        words.append(", ".join(esc(v) for v in shown))
    return " ".join(words)


def action_text(
    action: Action, vocab: Vocabulary, lang: str, names: Names, esc: Callable[[str], str] = str
) -> str:
    """An action in words ("Changer la priorité : Haute", "Call a webhook: https://…, secret
    set"); ``esc`` is applied to the parameters' values."""
    info = next((a for a in vocab.actions if a.kind == action.kind), None)
    title = text(info.label, lang) if info else action.kind
    shown = []
    for param in info.params if info else []:
        value = action.params.get(param.name)
        if value in (None, "", []):
            continue
        shown.append(esc(param_value_text(param, value, lang, names, vocab)))
    if action.kind == "webhook" and action.params.get("secret_set"):
        shown.append(tr("dash.rules.secret_set_short", lang))
    if not shown:
        return title
    return tr("dash.rules.action_with", lang, action=title, params=", ".join(shown))


@dataclass
class Names:
    """Names of the things an action points at by id (from the API), for showing them."""

    agents: dict[int, str] = field(default_factory=dict)
    macros: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] | None = None  # None: the server has no teams list


def param_value_text(
    param: ParamInfo, value: Any, lang: str, names: Names, vocab: Vocabulary
) -> str:
    if param.name in AGENT_PARAMS:
        return names.agents.get(value, f"#{value}")
    if param.name in MACRO_PARAMS:
        return names.macros.get(value, f"#{value}")
    if param.name in TEAM_PARAMS:
        return (names.teams or {}).get(value, f"#{value}")
    if param.type == "list":
        return ", ".join(str(v) for v in value)
    if param.name == "hours":
        return tr("dash.rules.hours_value", lang, hours=number(value, lang))
    if param.type == "enum":
        return value_label(param.name, value, lang, vocab)
    text_value = " ".join(str(value).split())
    return text_value if len(text_value) <= 60 else text_value[:59] + "…"


# -- the editor's fields → the API's rule ------------------------------------------------------
def split_list(value: str) -> list[str]:
    """ "a, b;c" → ["a", "b", "c"] (tags, lists of texts)."""
    parts = value.replace(";", ",").replace("\n", ",").split(",")
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in out:
            out.append(part)
    return out


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def parse_numbers(value: str, lang: str) -> list[int | float]:
    out = []
    for part in value.replace(";", " ").replace(",", " ").split():
        try:
            parsed = float(part)
        except ValueError:
            raise FormError(tr("dash.rules.error.numbers", lang, value=part)) from None
        if not math.isfinite(parsed):
            raise FormError(tr("dash.rules.error.numbers", lang, value=part))
        out.append(_plain_number(parsed))
    return out


def condition_value(info: FieldInfo, operator: str, raw: Any, lang: str) -> Any:
    """The value to send for what the value widget holds (see ``value_widget`` in the page)."""
    kind = next_value_kind(info, operator)
    if kind == "none":
        return None
    if is_money(info):  # typed in dollars, sent in cents
        if kind == "list":
            return parse_dollar_list(raw or "", lang)
        if isinstance(raw, int | float):
            return round(raw * 100)
        return parse_dollars(raw or "", lang)
    if kind == "list":
        if isinstance(raw, list):  # a multiselect (enum, agents)
            return list(raw)
        if info.type == "number":
            return parse_numbers(raw or "", lang)
        return split_list(raw or "")
    if info.type == "number" and raw is not None:
        return _plain_number(raw)
    if info.type in ("text", "list") and isinstance(raw, str):
        return raw.strip()
    return raw


def next_value_kind(info: FieldInfo, operator: str) -> str:
    """ "none", "list" or "one": what the operator wants after the field."""
    if operator in ("is_empty", "is_not_empty"):
        return "none"
    if operator in ("in", "not_in"):
        return "list"
    return "one"


def action_params(info: ActionInfo, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters to send from the widgets' values: empty optional ones left out, tags
    split, a blank secret left out (the server then keeps the one it has)."""
    params: dict[str, Any] = {}
    for param in info.params:
        value = raw.get(param.name)
        if param.type == "list" and isinstance(value, str):
            value = split_list(value)
        elif isinstance(value, str):
            value = value.strip()
        elif param.type == "number" and value is not None:
            value = _plain_number(value)
        if value in (None, "", []):
            continue
        params[param.name] = value
    return params


def build_rule(
    *,
    name: str,
    trigger_kind: str,
    event: str | None,
    schedule: Mapping[str, Any] | None,
    conditions: Mapping[str, Sequence[Condition]],
    actions: Sequence[Action],
    active: bool,
) -> RuleCreate:
    """The ``RuleCreate`` the editor describes (pydantic checks it before any request)."""
    trigger = (
        Trigger(event=event)
        if trigger_kind == "event"
        else Trigger(schedule=Schedule(**dict(schedule or {})))
    )
    return RuleCreate(
        name=name.strip(),
        trigger=trigger,
        conditions=Conditions(all=list(conditions["all"]), any=list(conditions["any"])),
        actions=list(actions),
        active=active,
    )


# -- tables -----------------------------------------------------------------------------------
def dry_run_rows(
    result: DryRun,
    vocab: Vocabulary,
    lang: str,
    agents: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """One row per matching ticket: reference, subject (both from the dry run), ✓/✗ per
    condition, actions."""
    actions = {a.kind: text(a.label, lang) for a in vocab.actions}
    group = {
        "all": tr("dash.rules.group_short.all", lang),
        "any": tr("dash.rules.group_short.any", lang),
    }
    rows = []
    for ticket in result.tickets:
        if not ticket.matched:
            continue
        row = {
            tr("dash.rules.col.ticket", lang): ticket.ticket_ref,
            tr("dash.rules.col.subject", lang): ticket.subject or "—",
        }
        for i, c in enumerate(ticket.conditions, start=1):
            cond = Condition(field=c.field, operator=c.operator, value=c.value)
            column = f"{i}. {group[c.group]} {condition_text(cond, vocab, lang, agents)}"
            row[column] = "✓" if c.result else "✗"
        row[tr("dash.rules.col.actions", lang)] = " → ".join(
            actions.get(kind, kind) for kind in ticket.actions
        )
        rows.append(row)
    return pd.DataFrame(rows)


def run_rows(runs: Sequence[RuleRun], vocab: Vocabulary, lang: str, tz: str) -> pd.DataFrame:
    """The rule's recent runs, newest first: when, ticket, outcome, actions done, error."""
    actions = {a.kind: text(a.label, lang) for a in vocab.actions}
    rows = []
    for run in runs:
        done = [("✓ " if r.ok else "✗ ") + actions.get(r.kind, r.kind) for r in run.actions]
        errors = [r.error for r in run.actions if r.error]
        rows.append(
            {
                tr("dash.rules.col.when", lang): short_when(run.ran_at, lang, tz),
                tr("dash.rules.col.ticket", lang): run.ticket_ref or "—",
                tr("dash.rules.col.outcome", lang): outcome_text(run.outcome, lang),
                tr("dash.rules.col.actions_done", lang): ", ".join(done) or "—",
                tr("dash.rules.col.error", lang): run.error or "; ".join(errors) or "",
            }
        )
    return pd.DataFrame(rows)


def outcome_text(outcome: str, lang: str) -> str:
    return tr(f"dash.rules.outcome.{outcome}", lang)


def moved(ids: Sequence[int], rule_id: int, step: int) -> list[int]:
    """``ids`` with ``rule_id`` moved ``step`` places (−1 up, +1 down), bounded."""
    order = list(ids)
    i = order.index(rule_id)
    j = max(0, min(len(order) - 1, i + step))
    order.insert(j, order.pop(i))
    return order
