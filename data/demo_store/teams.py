"""The demo store's teams: a returns team and a customer-care team of the demo agents."""

from __future__ import annotations

from widget_api.storage import Database
from widget_api.storage import teams as store
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

DEMO_TEAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Retours / Returns", "least_loaded",
     ("julie.bouchard@nordet.example", "kevin.nguyen@nordet.example",
      "marc-andre.gagnon@nordet.example")),
    ("Service client / Customer care", "round_robin",
     ("emilie.tremblay@nordet.example", "marc-andre.gagnon@nordet.example",
      "sarah.cohen@nordet.example", "julie.bouchard@nordet.example")),
)  # fmt: skip


def seed_demo_teams(db: Database) -> int:
    """Create the demo teams with the demo agents there are, unless the store has teams."""

    def job(w: Writer) -> int:
        if store.all_teams(w.cur):
            return 0
        made = 0
        for name, strategy, emails in DEMO_TEAMS:
            members = store.agent_ids_by_email(w.cur, list(emails))
            store.create(w, name=name, strategy=strategy, member_ids=members, actor=SYSTEM,
                         at=utcnow())  # fmt: skip
            made += 1
        return made

    return db.write(job)
