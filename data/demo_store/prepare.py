"""The database ``comptoir demo`` runs on: its administrator, the starter macros, the Nordet
store settings, then the seeded tickets and returns (only into an empty database)."""

from __future__ import annotations

from pathlib import Path

from data.demo_store.generator import seed_demo
from data.demo_store.returns import seed_demo_returns
from data.demo_store.teams import seed_demo_teams
from widget_api.contracts.inbox import StoreSettings
from widget_api.domain import store
from widget_api.domain.setup import create_admin, install_starter_macros
from widget_api.settings import Settings
from widget_api.storage import Database, agents, settings_store
from widget_api.storage import tickets as ticket_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow


def prepare_demo(path: Path, admin_email: str, admin_password: str, *, tickets: int) -> None:
    """Create the demo database with its admin and seeded store, unless it already exists."""
    with Database(path) as db:
        if not db.read(lambda cur: agents.by_email_with_hash(cur, admin_email)):
            create_admin(db, admin_email, admin_password, "Admin Nordet", "fr")
        install_starter_macros(db)
        if db.read(lambda cur: settings_store.get(cur, store.KEY)) is None:
            demo_store = StoreSettings(name="Nordet", support_email="support@nordet.example")
            db.write(lambda w: settings_store.put(w, store.KEY, demo_store.model_dump(), SYSTEM,
                                                  utcnow()))  # fmt: skip
        if not db.read(ticket_store.count):
            summary = seed_demo(db, tickets=tickets)
            seed_demo_returns(db, seed=summary.seed, now=summary.end, settings=Settings())
        seed_demo_teams(db)  # also into a demo made before teams existed
