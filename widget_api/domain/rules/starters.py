"""The starter rules a fresh database gets, all inactive (an administrator turns them on), and
the two bilingual macros they reply with."""

from __future__ import annotations

from widget_api.contracts import events as ev
from widget_api.i18n import t
from widget_api.storage import Database, macros, settings_store
from widget_api.storage import rules as rule_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

INSTALLED_KEY = "rules.starters_installed"
VIP_THRESHOLD_CENTS = 100_000  # $1,000 spent


def _macro(w, key: str, at) -> int:
    fields = {
        "name_fr": t(f"rules.starter.macro.{key}.name", "fr"),
        "name_en": t(f"rules.starter.macro.{key}.name", "en"),
        "body_fr": t(f"rules.starter.macro.{key}.body", "fr"),
        "body_en": t(f"rules.starter.macro.{key}.body", "en"),
    }
    return macros.create(w, fields, SYSTEM, at)


def _rules(ack_macro: int, closing_macro: int) -> list[tuple[str, dict, dict, list[dict]]]:
    """(key, trigger, conditions, actions) of each starter rule, in position order."""
    return [
        ("after_hours_ack", {"event": ev.TICKET_CREATED},
         {"all": [{"field": "business_hours", "operator": "equals", "value": False}]},
         [{"kind": "reply_macro", "params": {"macro_id": ack_macro}}]),
        ("amazon_high", {"event": ev.TICKET_CREATED},
         {"all": [{"field": "channel", "operator": "equals", "value": "amazon"}]},
         [{"kind": "set_priority", "params": {"priority": "high"}}]),
        ("exceptions_to_returns", {"event": ev.TICKET_PROBLEM_TYPE_CHANGED},
         {"all": [{"field": "problem_type", "operator": "in",
                   "value": ["wrong_item", "address_change"]}]},
         [{"kind": "add_tags", "params": {"tags": ["exceptions"]}},
          {"kind": "assign_team", "params": {"team_name": "Retours / Returns"}}]),
        ("vip_high", {"event": ev.TICKET_CREATED},
         {"all": [{"field": "customer_lifetime_value_cents", "operator": "greater_than",
                   "value": VIP_THRESHOLD_CENTS}]},
         [{"kind": "set_priority", "params": {"priority": "high"}}]),
        ("pending_close", {"schedule": {"status": "pending", "hours": 120, "clock": "calendar"}},
         {"all": []},
         [{"kind": "reply_macro", "params": {"macro_id": closing_macro}},
          {"kind": "set_status", "params": {"status": "solved"}}]),
    ]  # fmt: skip


def ensure_starter_rules(db: Database, language: str = "fr") -> int:
    """Install the starter rules once, on a database that never had them; return how many."""

    def write(w) -> int:
        if settings_store.get(w.cur, INSTALLED_KEY) or rule_store.count(w.cur):
            return 0
        at = utcnow()
        ack, closing = _macro(w, "ack", at), _macro(w, "closing", at)
        starters = _rules(ack, closing)
        for key, trigger, conditions, actions in starters:
            rule_store.create(w, {"name": t(f"rules.starter.{key}", language), "trigger": trigger,
                                  "conditions": {"all": [], "any": [], **conditions},
                                  "actions": actions, "active": False, "starter": key},
                              SYSTEM, at)  # fmt: skip
        settings_store.remember(w, INSTALLED_KEY, {"count": len(starters)}, at)
        return len(starters)

    return db.write(write)
