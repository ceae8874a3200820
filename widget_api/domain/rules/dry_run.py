"""Trying a rule, saved or not, on the newest tickets: each condition's result and the actions
that would run, per ticket. Reads only; nothing is written."""

from __future__ import annotations

from widget_api.contracts.rules import DryRun, DryRunRequest, DryRunTicket
from widget_api.domain.rules import service
from widget_api.domain.rules.conditions import evaluate
from widget_api.domain.rules.engine import RulesEngine
from widget_api.i18n import t
from widget_api.storage import rule_facts


def dry_run(engine: RulesEngine, request: DryRunRequest, lang: str = "fr") -> DryRun:
    """Each of the newest tickets with its reference, subject, conditions' results and the
    actions that would run; the note in ``lang``."""
    if request.rule_id is not None:
        rule = service.get(engine.db, request.rule_id).model_dump(mode="json")
    else:
        rule = request.rule.model_dump(mode="json")
        service.validate(engine.db, rule)
    ids = engine.db.read(lambda cur: rule_facts.newest_ids(cur, request.limit))
    facts = engine.facts(ids)
    out = []
    for ticket_id in ids:
        if ticket_id not in facts:
            continue
        matched, results = evaluate(rule["conditions"], facts[ticket_id])
        out.append(DryRunTicket(
            ticket_id=ticket_id, ticket_ref=facts[ticket_id]["ref"],
            subject=facts[ticket_id].get("subject"), matched=matched,
            conditions=[{**r, "actual": _plain(r["actual"])} for r in results],
            actions=[a["kind"] for a in rule["actions"]] if matched else [],
        ))  # fmt: skip
    return DryRun(tickets=out, matched=sum(t.matched for t in out),
                  note=t("rules.dry_run.note", lang))  # fmt: skip


def _plain(value):
    return (
        value if value is None or isinstance(value, str | int | float | bool | list) else str(value)
    )
