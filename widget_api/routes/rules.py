"""The agent API over automation rules: list, read, create, change, delete, reorder, enable,
disable, dry run, runs, and the vocabulary an editor is built from. Writes: administrators."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, Parameter

from widget_api.contracts.auth import Agent
from widget_api.contracts.rules import (
    DryRun,
    DryRunRequest,
    Notification,
    Rule,
    RuleCreate,
    RuleOrder,
    RuleRun,
    RuleUpdate,
    Vocabulary,
)
from widget_api.domain import agent_notifications, tickets
from widget_api.domain.rules import run_text, service
from widget_api.domain.rules.dry_run import dry_run
from widget_api.domain.rules.vocabulary import vocabulary
from widget_api.i18n import negotiate
from widget_api.routes.guards import admin_required, agent_required, json_body
from widget_api.routes.params import MAX_ID, limit_param
from widget_api.storage import rules as rule_store
from widget_api.storage.events import Actor

_TAGS = ["rules"]
RuleId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="The rule's id.")]


def _agent(request: Request) -> Agent:
    return request.state.agent


def _lang(request: Request) -> str:
    """The language of texts in the answer (run errors, the dry run's note): the request's
    ``Accept-Language`` when it sends one (the dashboard sends its page's), else the agent's
    saved language."""
    header = request.headers.get("accept-language")
    return (
        negotiate(header, default=_agent(request).language) if header else _agent(request).language
    )


@get("/api/v1/rules", operation_id="ListRules", tags=_TAGS, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def list_rules(state: State, request: Request) -> list[Rule]:
    """Every rule, in the order they run, with its last run (time, outcome, error in the
    reader's language)."""
    return service.list_rules(state.db, _lang(request))


@get("/api/v1/rules/vocabulary", operation_id="RuleVocabulary", tags=_TAGS,
     guards=[agent_required], sync_to_thread=False)  # fmt: skip
def rule_vocabulary() -> Vocabulary:
    """Trigger events, fields with their types, operators valid per type, actions with their
    parameters: all with French and English labels."""
    return vocabulary()


@get("/api/v1/rules/{rule_id:int}", operation_id="GetRule", tags=_TAGS, guards=[agent_required],
     sync_to_thread=True)  # fmt: skip
def get_rule(state: State, request: Request, rule_id: RuleId) -> Rule:
    """One rule (webhook secrets are never returned)."""
    return service.get(state.db, rule_id, _lang(request))


@post("/api/v1/rules", operation_id="CreateRule", tags=_TAGS, status_code=201,
      guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def create_rule(state: State, request: Request, data: JSONBody[RuleCreate]) -> Rule:
    """Add a rule (administrators); inactive unless ``active`` is true."""
    return service.create(state.db, data, Actor("agent", _agent(request).id), _lang(request))


@patch("/api/v1/rules/{rule_id:int}", operation_id="UpdateRule", tags=_TAGS,
       guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def update_rule(
    state: State, request: Request, rule_id: RuleId, data: JSONBody[RuleUpdate]
) -> Rule:
    """Change a rule (administrators). A webhook sent without ``secret`` keeps its secret."""
    return service.update(state.db, _agent(request), rule_id, data, _lang(request))


@delete("/api/v1/rules/{rule_id:int}", operation_id="DeleteRule", tags=_TAGS,
        guards=[admin_required], sync_to_thread=True)  # fmt: skip
def delete_rule(state: State, request: Request, rule_id: RuleId) -> None:
    """Delete a rule (administrators); its runs stay in the record."""
    service.delete(state.db, _agent(request), rule_id)


@post("/api/v1/rules/{rule_id:int}/enable", operation_id="EnableRule", tags=_TAGS,
      status_code=200, guards=[admin_required], sync_to_thread=True)  # fmt: skip
def enable_rule(state: State, request: Request, rule_id: RuleId) -> Rule:
    """Turn a rule on (administrators)."""
    return service.set_active(state.db, _agent(request), rule_id, True, _lang(request))


@post("/api/v1/rules/{rule_id:int}/disable", operation_id="DisableRule", tags=_TAGS,
      status_code=200, guards=[admin_required], sync_to_thread=True)  # fmt: skip
def disable_rule(state: State, request: Request, rule_id: RuleId) -> Rule:
    """Turn a rule off (administrators)."""
    return service.set_active(state.db, _agent(request), rule_id, False, _lang(request))


@post("/api/v1/rules/reorder", operation_id="ReorderRules", tags=_TAGS, status_code=200,
      guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def reorder_rules(state: State, request: Request, data: JSONBody[RuleOrder]) -> list[Rule]:
    """Set the order rules run in: ``ids`` lists every rule once (administrators)."""
    return service.reorder(state.db, _agent(request), data, _lang(request))


@post("/api/v1/rules/dry-run", operation_id="DryRunRule", tags=_TAGS, status_code=200,
      guards=[agent_required, json_body], sync_to_thread=True)  # fmt: skip
def dry_run_rule(state: State, request: Request, data: JSONBody[DryRunRequest]) -> DryRun:
    """What a rule (saved, or sent unsaved) would do on the newest tickets: each condition's
    result and the actions that would run. Writes nothing. The note is in the request's
    ``Accept-Language``, else the agent's saved language."""
    return dry_run(state.rules_engine, data, _lang(request))


@get("/api/v1/rules/{rule_id:int}/runs", operation_id="ListRuleRuns", tags=_TAGS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def rule_runs(
    state: State, request: Request, rule_id: RuleId,
    limit: Annotated[int, limit_param(1000)] = 100,
) -> list[RuleRun]:  # fmt: skip
    """The rule's runs, newest first; errors in the reader's language, with their codes."""
    service.get(state.db, rule_id)
    rows = state.db.read(lambda cur: rule_store.runs(cur, rule_id=rule_id, limit=limit))
    lang = _lang(request)
    return [RuleRun.model_validate(run_text.localized(r, lang)) for r in rows]


@get("/api/v1/rule-runs", operation_id="ListTicketRuleRuns", tags=_TAGS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def ticket_rule_runs(
    state: State, request: Request, ticket: FromQuery[str],
    limit: Annotated[int, limit_param(1000)] = 100,
) -> list[RuleRun]:  # fmt: skip
    """Every rule run on one ticket (``ticket``: its reference), newest first; errors in the
    reader's language."""
    ticket_id = tickets.ticket_id_for_ref(state.db, ticket)
    rows = state.db.read(lambda cur: rule_store.runs(cur, ticket_id=ticket_id, limit=limit))
    lang = _lang(request)
    return [RuleRun.model_validate(run_text.localized(r, lang)) for r in rows]


@get("/api/v1/me/notifications", operation_id="MyNotifications", tags=_TAGS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def my_notifications(state: State, request: Request) -> list[Notification]:
    """The signed-in agent's notifications (rules' notify actions, assignments, customers'
    answers, @mentions), newest first, texts in the reader's language."""
    return agent_notifications.listing(state.db, _agent(request).id, _lang(request))


HANDLERS = [
    list_rules, rule_vocabulary, get_rule, create_rule, update_rule, delete_rule, enable_rule,
    disable_rule, reorder_rules, dry_run_rule, rule_runs, ticket_rule_runs, my_notifications,
]  # fmt: skip
