"""First-run set-up: the first administrator, and the demo store."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from widget_api.contracts.inbox import MacroCreate, StoreSettings
from widget_api.domain import store
from widget_api.domain.secrets import hash_password
from widget_api.domain.teams import seed_demo_teams
from widget_api.storage import Database, agents, macros, settings_store
from widget_api.storage import tickets as ticket_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow


class AlreadyThere(RuntimeError):
    """The administrator to create already exists."""


def create_admin(db: Database, email: str, password: str, name: str, language: str) -> int:
    email = email.strip().lower()
    if db.read(lambda cur: agents.by_email_with_hash(cur, email)):
        raise AlreadyThere(f"an agent with e-mail {email} already exists")
    password_hash = hash_password(password)
    return db.write(
        lambda w: agents.create(
            w,
            email=email,
            name=name,
            role="admin",
            password_hash=password_hash,
            language=language,
            at=utcnow(),
            actor=SYSTEM,
        )
    )


def install_starter_macros(db: Database) -> int:
    """Add the bundled bilingual macros to a store that has none; return how many were added."""
    if db.read(macros.count):
        return 0
    text = (resources.files("widget_api.domain") / "starter_macros.json").read_text("utf-8")
    starters = [
        MacroCreate.model_validate(item).model_dump(exclude_none=True) for item in json.loads(text)
    ]

    def write(w):
        at = utcnow()
        for fields in starters:
            macros.create(w, fields, SYSTEM, at)

    db.write(write)
    return len(starters)


def prepare_demo(path: Path, admin_email: str, admin_password: str, *, tickets: int) -> None:
    """Create the demo database with its admin and seeded store, unless it already exists."""
    from data.demo_store import seed_demo

    with Database(path) as db:
        if not db.read(lambda cur: agents.by_email_with_hash(cur, admin_email)):
            create_admin(db, admin_email, admin_password, "Admin Nordet", "fr")
        install_starter_macros(db)
        if db.read(lambda cur: settings_store.get(cur, store.KEY)) is None:
            demo_store = StoreSettings(name="Nordet", support_email="support@nordet.example")
            db.write(lambda w: settings_store.put(w, store.KEY, demo_store.model_dump(), SYSTEM,
                                                  utcnow()))  # fmt: skip
        if not db.read(ticket_store.count):
            from widget_api.domain.returns.demo import seed_demo_returns
            from widget_api.settings import Settings

            summary = seed_demo(db, tickets=tickets)
            seed_demo_returns(db, seed=summary.seed, now=summary.end, settings=Settings())
        seed_demo_teams(db)  # also into a demo made before teams existed
