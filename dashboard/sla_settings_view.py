"""The SLA settings screen's pure parts: targets as a person reads them ("1 h 30 min") and the
policy and settings bodies sent to the API (0 minutes = no target)."""

from __future__ import annotations

from dashboard.i18n import tr

METRICS = ("first_reply", "next_reply", "resolution")


def duration(minutes: int | None, lang: str) -> str:
    """ "15 min", "8 h", "1 h 30 min", "3 j 2 h" / "3 d 2 h"; "aucune cible" for none."""
    if not minutes:
        return tr("set.sla.no_target", lang)
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} {'j' if lang == 'fr' else 'd'}")
    if hours:
        parts.append(f"{hours} h")
    if mins:
        parts.append(f"{mins} min")
    return " ".join(parts)


def targets_summary(targets: dict, lang: str) -> str:
    return tr(
        "set.sla.targets_summary", lang,
        first=duration(targets.get("first_reply_minutes"), lang),
        next=duration(targets.get("next_reply_minutes"), lang),
        resolution=duration(targets.get("resolution_minutes"), lang),
    )  # fmt: skip


def applies_to(policy: dict, lang: str) -> str:
    """Which tickets a policy covers, in words: "Clavardage · Urgente", "Tous les billets"."""
    parts = [", ".join(tr(f"channel.{c}", lang) for c in policy["channels"])]
    parts.append(", ".join(tr(f"priority.{p}", lang) for p in policy["priorities"]))
    return " · ".join(p for p in parts if p) or tr("set.sla.any", lang)


# The policies a new store starts with (``widget_api.contracts.sla``) are stored under their
# English names; until the merchant renames one, it is shown in the interface language.
DEFAULT_NAMES = {
    "Urgent": "urgent",
    "Marketplaces (Amazon, eBay, Etsy, Walmart)": "marketplaces",
    "Chat": "chat",
    "High priority": "high",
    "Standard (email, web, SMS, social)": "standard",
}


def shown_name(name: str, lang: str) -> str:
    """A policy's name as shown: a default policy's in ``lang``, any other as written."""
    key = DEFAULT_NAMES.get(name)
    return tr(f"set.sla.default_name.{key}", lang) if key else name


def title(position: int, policy: dict, lang: str) -> str:
    """An expander's title: number, name, the tickets it covers and the first-reply target."""
    first = duration(policy["targets"].get("first_reply_minutes"), lang)
    name = shown_name(policy["name"], lang)
    return f"{position}. {name} — {applies_to(policy, lang)} · {first}"


def new_policy(lang: str) -> dict:
    """What "add a policy" starts from: every ticket, business hours, one working day."""
    return {
        "name": tr("set.sla.new_name", lang),
        "channels": [],
        "priorities": [],
        "hours": "business",
        "targets": {
            "first_reply_minutes": 8 * 60,
            "next_reply_minutes": 8 * 60,
            "resolution_minutes": 24 * 60,
        },
        "escalate_to": None,
    }


def policy_body(
    *, name: str, channels: list[str], priorities: list[str], hours: str,
    minutes: dict[str, int], escalate_to: str | None,
) -> dict:  # fmt: skip
    return {
        "name": name.strip(),
        "channels": channels,
        "priorities": priorities,
        "hours": hours,
        "targets": {f"{m}_minutes": (minutes.get(m) or None) for m in METRICS},
        "escalate_to": escalate_to,
    }


def settings_body(
    *, business_hours: dict, holidays: str, at_risk_percent: int, policies: list[dict]
) -> dict:
    return {
        "business_hours": business_hours,
        "holidays": holidays,
        "at_risk_ratio": at_risk_percent / 100,
        "policies": policies,
    }
