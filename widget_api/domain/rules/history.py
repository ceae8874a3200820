"""The ticket history's line for a change a rule made: «Rule "name": tag added: vip» /
«Règle « nom » : étiquette ajoutée : vip», in the reader's language."""

from __future__ import annotations

from widget_api.contracts import events as ev
from widget_api.i18n import t


def _what(event: dict, lang: str) -> str:
    name = event["name"]
    before, after = event.get("before") or {}, event.get("after") or {}
    if name == ev.TICKET_TAGS_CHANGED:
        old, new = before.get("tags") or [], after.get("tags") or []
        parts = []
        added = [tag for tag in new if tag not in old]
        removed = [tag for tag in old if tag not in new]
        if added:
            key = "rules.history.tag_added" if len(added) == 1 else "rules.history.tags_added"
            parts.append(t(key, lang, tags=", ".join(added)))
        if removed:
            key = "rules.history.tag_removed" if len(removed) == 1 else "rules.history.tags_removed"
            parts.append(t(key, lang, tags=", ".join(removed)))
        return "; ".join(parts) or t("rules.history.tags_set", lang)
    field_keys = {
        ev.TICKET_STATUS_CHANGED: ("status", "rules.history.status"),
        ev.TICKET_PRIORITY_CHANGED: ("priority", "rules.history.priority"),
        ev.TICKET_ASSIGNED: ("assignee_id", "rules.history.assigned"),
        ev.TICKET_PROBLEM_TYPE_CHANGED: ("problem_type", "rules.history.problem_type"),
        ev.TICKET_SNOOZED: ("snoozed_until", "rules.history.snoozed"),
    }
    if name in field_keys:
        field, key = field_keys[name]
        value = after.get(field)
        if field in ("status", "priority"):
            value = t(f"rules.value.{field}.{value}", lang)
        return t(key, lang, value="—" if value is None else value)
    if name == ev.MESSAGE_CREATED:
        kind = after.get("kind")
        return t("rules.history.reply" if kind == "outbound" else "rules.history.note", lang)
    if name == ev.NOTIFICATION_CREATED:
        return t("rules.history.notified", lang, agent=after.get("agent_id"))
    return name


def line(event: dict, rule_names: dict[int, str], lang: str) -> str | None:
    """The history line of an event whose actor is a rule; None for any other actor."""
    if event.get("actor_type") != "rule":
        return None
    rule_id = event.get("actor_id")
    rule = rule_names.get(rule_id) or f"#{rule_id}"
    return t("rules.history.line", lang, rule=rule, what=_what(event, lang))
