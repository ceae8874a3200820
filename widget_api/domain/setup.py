"""First-run set-up: the first administrator and the starter macros."""

from __future__ import annotations

import json
from importlib import resources

from widget_api.contracts.inbox import MacroCreate
from widget_api.domain.secrets import hash_password
from widget_api.storage import Database, agents, macros
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
