"""``comptoir rules-bench``: one schedule pass over a million tickets.

Most due episodes already fired (as in a running helpdesk), a few are new; the pass must stay
under a second. Figures are printed, never asserted (CI machines vary).

``comptoir bench`` also prints ``schedule_pass_line`` (the same pass) and
``intake_with_rules_line`` (sequential intake latency with 50 active event rules vs none)."""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import click

from widget_api.contracts import events as ev
from widget_api.contracts.rules import RuleCreate
from widget_api.domain.rules import service
from widget_api.domain.rules.engine import RulesEngine
from widget_api.domain.rules.schedule import business_cutoff, run_pass
from widget_api.storage import Database
from widget_api.storage import rules_bench_load as load
from widget_api.storage.events import SYSTEM

NOW = datetime(2026, 11, 9, 15, 0)  # a Monday, 10:00 in Montréal
NEW_EPISODES = 20  # due but not fired yet: the pass fires these


def _schedule_rule(db: Database, name: str, status: str, hours: float, clock: str) -> int:
    body = {"name": name, "active": True,
            "trigger": {"schedule": {"status": status, "hours": hours, "clock": clock}},
            "actions": [{"kind": "add_tags", "params": {"tags": ["relance"]}}]}  # fmt: skip
    return service.create(db, RuleCreate.model_validate(body), SYSTEM).id


def time_schedule_passes(tickets: int, passes: int, echo=click.echo) -> list[tuple[int, float]]:
    """Seed ``tickets`` tickets with three schedule rules, ``NEW_EPISODES`` due episodes of
    two of them not fired yet, and time ``passes`` passes: (runs, seconds) of each (the first
    fires the new episodes, the next ones find nothing new)."""
    timed = []
    with tempfile.TemporaryDirectory() as folder, Database(Path(folder) / "b.duckdb") as db:
        started = time.monotonic()
        db.run_unqueued(lambda con: load.fill(con, tickets=tickets, now=NOW, pending_share=0.1))
        echo(f"seeded {tickets} tickets in {time.monotonic() - started:.1f} s")
        engine = RulesEngine(db, timezone="America/Toronto", now=lambda: NOW)
        calendar_rule = _schedule_rule(db, "pending 5 days", "pending", 120, "calendar")
        business_rule = _schedule_rule(db, "pending 40 business hours", "pending", 40, "business")
        _schedule_rule(db, "on hold a day", "on_hold", 24, "calendar")
        cutoffs = {calendar_rule: NOW - timedelta(hours=120),
                   business_rule: business_cutoff(engine.calendar(), NOW, 40)}  # fmt: skip
        for rule_id, cutoff in cutoffs.items():
            fired = db.run_unqueued(lambda con, r=rule_id, c=cutoff: load.mark_fired(
                con, r, c, NEW_EPISODES))  # fmt: skip
            echo(f"rule {rule_id}: {fired} episodes already fired")
        for _ in range(passes):
            started = time.monotonic()
            runs = run_pass(engine, NOW)
            timed.append((runs, time.monotonic() - started))
    return timed


@click.command("rules-bench")
@click.option("--tickets", type=int, default=1_000_000, show_default=True, help="Tickets seeded.")
@click.option("--passes", type=int, default=3, show_default=True, help="Passes timed.")
def rules_bench_command(tickets: int, passes: int) -> None:
    """Time one schedule-rules pass over TICKETS tickets (target: under 1 s)."""
    for number, (runs, took) in enumerate(time_schedule_passes(tickets, passes), start=1):
        click.echo(f"pass {number}: {runs} runs in {took * 1000:.0f} ms (target < 1000 ms)")


def schedule_pass_line(tickets: int) -> str:
    """``comptoir bench``'s figure: the pass firing the new episodes, then one finding
    nothing new, over ``tickets`` tickets."""
    (fired, first), (_, idle) = time_schedule_passes(tickets, 2, echo=lambda _: None)
    return (
        f"schedule pass over {tickets} tickets: {first * 1000:.0f} ms firing {fired} episodes,"
        f" {idle * 1000:.0f} ms with nothing new (target < 1000 ms)"
    )


# -- intake with active rules (comptoir bench) ---------------------------------------------
BENCH_RULES = 50
_MISSES = (
    {"field": "language", "operator": "equals", "value": "en"},
    {"field": "channel", "operator": "in", "value": ["amazon", "ebay", "walmart"]},
    {"field": "customer_lifetime_value_cents", "operator": "greater_than", "value": 500_000},
    {"field": "priority", "operator": "equals", "value": "urgent"},
    {"field": "customer_email_domain", "operator": "equals", "value": "grossiste.example"},
    {"field": "problem_type", "operator": "equals", "value": "return_request"},
)


def bench_rules(count: int = BENCH_RULES) -> list[dict]:
    """``count`` active event rules as a busy store has them: on ticket.created and
    message.created, with a mix of conditions of which one rule in ten matches the bench's
    intake (a French "où est ma commande?") and the others do not, adding a tag or raising
    the priority."""
    rules = []
    for i in range(count):
        if i % 10 == 0:
            conditions = {"all": [{"field": "body", "operator": "contains", "value": "commande"}]}
        else:
            words = {"field": "body", "operator": "contains", "value": f"mot-cle-{i}"}
            conditions = {"any": [_MISSES[i % len(_MISSES)], words]}
        if i % 3 == 0:
            actions = [{"kind": "set_priority", "params": {"priority": "high"}}]
        else:
            actions = [{"kind": "add_tags", "params": {"tags": [f"regle-{i}"]}}]
        event = ev.TICKET_CREATED if i % 2 else ev.MESSAGE_CREATED
        rules.append({"name": f"Bench rule {i}", "active": True, "trigger": {"event": event},
                      "conditions": conditions, "actions": actions})  # fmt: skip
    return rules


def intake_with_rules_line(url: str, token: str, requests: int, baseline_p50: float) -> str:
    """Create ``BENCH_RULES`` active rules through the agent API, time ``requests`` intakes
    sent by one client as ``bench`` does without rules, then delete the rules (the rest of the
    bench runs without them); the line compares the p50 with ``baseline_p50`` (ms)."""
    import asyncio

    import httpx

    from widget_api import bench

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        ids = []
        try:
            for body in bench_rules():
                response = client.post("/api/v1/rules", json=body)
                response.raise_for_status()
                ids.append(response.json()["id"])
            intake = asyncio.run(
                bench._load(url, "/api/v1/tickets", requests=requests, concurrency=1,
                            body_for=lambda i: bench._intake_body(20_000_000 + i))
            )  # fmt: skip
        finally:
            for rule_id in ids:
                client.delete(f"/api/v1/rules/{rule_id}").raise_for_status()
    p50 = bench._pct(sorted(intake.client_ms), 50)
    rise = (p50 / baseline_p50 - 1) * 100
    return (
        f"sequential intake p50 with {len(ids)} active rules: {p50:.2f} ms"
        f" ({rise:+.0f} % vs none; target ≤ 20 %)"
    )
