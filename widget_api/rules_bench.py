"""``comptoir rules-bench``: one schedule pass over a million tickets.

Most due episodes already fired (as in a running helpdesk), a few are new; the pass must stay
under a second. Figures are printed, never asserted (CI machines vary)."""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import click

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


@click.command("rules-bench")
@click.option("--tickets", type=int, default=1_000_000, show_default=True, help="Tickets seeded.")
@click.option("--passes", type=int, default=3, show_default=True, help="Passes timed.")
def rules_bench_command(tickets: int, passes: int) -> None:
    """Time one schedule-rules pass over TICKETS tickets (target: under 1 s)."""
    with tempfile.TemporaryDirectory() as folder, Database(Path(folder) / "b.duckdb") as db:
        started = time.monotonic()
        db.run_unqueued(lambda con: load.fill(con, tickets=tickets, now=NOW, pending_share=0.1))
        click.echo(f"seeded {tickets} tickets in {time.monotonic() - started:.1f} s")
        engine = RulesEngine(db, timezone="America/Toronto", now=lambda: NOW)
        calendar_rule = _schedule_rule(db, "pending 5 days", "pending", 120, "calendar")
        business_rule = _schedule_rule(db, "pending 40 business hours", "pending", 40, "business")
        _schedule_rule(db, "on hold a day", "on_hold", 24, "calendar")
        cutoffs = {calendar_rule: NOW - timedelta(hours=120),
                   business_rule: business_cutoff(engine.calendar(), NOW, 40)}  # fmt: skip
        for rule_id, cutoff in cutoffs.items():
            fired = db.run_unqueued(lambda con, r=rule_id, c=cutoff: load.mark_fired(
                con, r, c, NEW_EPISODES))  # fmt: skip
            click.echo(f"rule {rule_id}: {fired} episodes already fired")
        for number in range(1, passes + 1):
            started = time.monotonic()
            runs = run_pass(engine, NOW)
            took = time.monotonic() - started
            click.echo(f"pass {number}: {runs} runs in {took * 1000:.0f} ms (target < 1000 ms)")
