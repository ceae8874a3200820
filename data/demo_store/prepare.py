"""The database ``comptoir demo`` runs on: its administrator, the starter macros, the Nordet
store settings, then the seeded tickets and returns (only into an empty database). A demo
database made earlier is moved in time so that its last event is now: the demo looks the same
on whatever day it is started."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.demo_store.chat_channels import seed_demo_channels
from data.demo_store.generator import seed_demo
from data.demo_store.returns import seed_demo_returns
from data.demo_store.teams import seed_demo_teams
from widget_api.contracts.inbox import StoreSettings
from widget_api.domain import store
from widget_api.domain.setup import create_admin, install_starter_macros
from widget_api.domain.sla.worker import COMPUTED_FOR_KEY
from widget_api.settings import Settings
from widget_api.storage import Database, agents, settings_store, time_shift
from widget_api.storage import tickets as ticket_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

#: A demo this far behind (or ahead of) now is moved; closer, it is left as it is.
SHIFT_FROM = timedelta(hours=1)


def demo_now() -> datetime:
    """Now for the demo (naive UTC): ``COMPTOIR_CLOCK__NOW`` when set, as the server reads it."""
    at = Settings().clock.now or datetime.now(UTC)
    at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return at.replace(tzinfo=None, microsecond=0)


def prepare_demo(
    path: Path, admin_email: str, admin_password: str, *, tickets: int, now: datetime | None = None
) -> timedelta | None:
    """Create the demo database with its admin and seeded store, unless it already exists; an
    existing one is brought to ``now`` (default: ``demo_now()``), a new one ends at it. Returns
    the shift applied."""
    now = now or demo_now()
    with Database(path) as db:
        shifted = bring_to_now(db, now)  # first: what follows writes events now
        if not db.read(lambda cur: agents.by_email_with_hash(cur, admin_email)):
            create_admin(db, admin_email, admin_password, "Admin Nordet", "fr")
        install_starter_macros(db)
        if db.read(lambda cur: settings_store.get(cur, store.KEY)) is None:
            demo_store = StoreSettings(name="Nordet", support_email="support@nordet.example")
            db.write(lambda w: settings_store.put(w, store.KEY, demo_store.model_dump(), SYSTEM,
                                                  utcnow()))  # fmt: skip
        if not db.read(ticket_store.count):
            summary = seed_demo(db, tickets=tickets, now=now)
            seed_demo_returns(db, seed=summary.seed, now=summary.end, settings=Settings())
            seed_demo_channels(db, now=summary.end)  # SMS, WhatsApp, Messenger, Instagram
        seed_demo_teams(db)  # also into a demo made before teams existed
    return shifted


def bring_to_now(db: Database, now: datetime) -> timedelta | None:
    """Move every stored time of a demo that holds tickets so that its latest event is ``now``
    (when it is at least ``SHIFT_FROM`` away). The SLA states are then recomputed by the server
    when it starts, for the new now."""
    if not db.read(ticket_store.count):
        return None
    latest = db.read(time_shift.latest_event)
    if latest is None or abs(now - latest) < SHIFT_FROM:
        return None
    delta = now - latest
    db.write(lambda w: time_shift.shift(w, delta, forget_settings=(COMPUTED_FOR_KEY,)))
    return delta
