"""What an agent is told without watching the inbox: a ticket assigned to them, a customer
answering one of their tickets, an @mention in a note. Decided from committed events (the
``AgentNotifier`` listener), stored once per causing event, said in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from widget_api.contracts import events as ev
from widget_api.contracts.notifications import NotificationSummary
from widget_api.contracts.rules import Notification
from widget_api.i18n import t
from widget_api.storage import Database
from widget_api.storage import notifications as store
from widget_api.storage.events import Actor, Event
from widget_api.storage.rows import utcnow

KINDS = ("assigned", "customer_reply", "mention")
LATEST = 5  # unread notifications the poll carries (the desktop notification's texts)


@dataclass(frozen=True)
class Planned:
    agent_id: int
    ticket_id: int | None
    kind: str
    event_id: int
    params: dict[str, Any]
    actor: Actor


def wanted(event: Event) -> bool:
    after = event.after or {}
    if event.name == ev.TICKET_ASSIGNED:
        return after.get("assignee_id") is not None
    return event.name == ev.MESSAGE_CREATED and after.get("kind") in ("inbound", "note")


def plan(events: list[Event], messages: dict[int, dict], names: dict[int, str]) -> list[Planned]:
    """Who is told what, for a batch of wanted events (``messages``: facts of the new messages,
    ``names``: agents' names by id). Nobody is told about what they did themselves."""
    planned: list[Planned] = []
    for e in events:
        by = names.get(e.actor.id) if e.actor.type == "agent" and e.actor.id else None
        if e.name == ev.TICKET_ASSIGNED:
            assignee = (e.after or {}).get("assignee_id")
            themselves = e.actor.type == "agent" and e.actor.id == assignee
            if isinstance(assignee, int) and not themselves:
                planned.append(
                    Planned(assignee, e.ticket_id, "assigned", e.id, {"by": by}, e.actor)
                )
            continue
        msg = messages.get(e.entity_id)
        if msg is None:
            continue
        if msg["kind"] == "inbound" and msg["author_type"] == "customer" and msg["assignee_id"]:
            planned.append(
                Planned(msg["assignee_id"], msg["ticket_id"], "customer_reply", e.id,
                        {"who": msg["author_name"]}, e.actor)
            )  # fmt: skip
        elif msg["kind"] == "note":
            for agent_id in msg["mentions"] or []:
                if agent_id != msg["author_id"]:
                    planned.append(
                        Planned(agent_id, msg["ticket_id"], "mention", e.id,
                                {"who": msg["author_name"] or by}, e.actor)
                    )  # fmt: skip
    return planned


def notify(db: Database, events: list[Event]) -> int:
    """Store the notifications a batch of events calls for; how many were new."""
    message_ids = [e.entity_id for e in events if e.name == ev.MESSAGE_CREATED]
    actor_ids = list({e.actor.id for e in events if e.actor.type == "agent" and e.actor.id})

    def read(cur):
        return store.messages(cur, message_ids), store.agent_names(cur, actor_ids)

    messages, names = db.read(read)
    planned = plan(events, messages, names)
    if not planned:
        return 0
    active = db.read(lambda cur: store.active_agents(cur, list({p.agent_id for p in planned})))
    planned = [p for p in planned if p.agent_id in active]
    at = utcnow()

    def write(w) -> int:
        made = 0
        for p in planned:
            made += store.add_once(
                w, agent_id=p.agent_id, ticket_id=p.ticket_id, kind=p.kind, event_id=p.event_id,
                params=p.params, actor=p.actor, at=at,
            ) is not None  # fmt: skip
        return made

    return db.write(write) if planned else 0


def text(row: dict, lang: str) -> str:
    """A notification's text in ``lang``: the rule's own words, or the kind's sentence."""
    kind = row.get("kind") or "rule"
    if kind not in KINDS:
        return row["body"]
    params = row.get("params") or {}
    who = params.get("who") or params.get("by") or t("notif.someone", lang)
    key = f"notif.{kind}" if kind != "assigned" or params.get("by") else "notif.assigned_auto"
    return t(key, lang, who=who, ref=row.get("ticket_ref") or "—",
             subject=row.get("ticket_subject") or "")  # fmt: skip


def _model(row: dict, lang: str) -> Notification:
    return Notification.model_validate({**row, "body": text(row, lang)})


def listing(db: Database, agent_id: int, lang: str, *, unread_only: bool = False,
            limit: int = 100) -> list[Notification]:  # fmt: skip
    rows = db.read(lambda cur: store.listing(cur, agent_id, unread_only=unread_only, limit=limit))
    return [_model(r, lang) for r in rows]


def summary(db: Database, agent_id: int, lang: str) -> NotificationSummary:
    """The cheap poll: unread count, newest id, and the newest unread ones' texts."""

    def read(cur):
        return store.unread_count(cur, agent_id), (
            store.listing(cur, agent_id, unread_only=True, limit=LATEST)
        )

    (unread, newest), rows = db.read(read)
    return NotificationSummary(
        unread=unread, newest_id=newest, latest=[_model(r, lang) for r in rows]
    )


def mark_read(db: Database, agent_id: int, *, ticket_id: int | None, through_id: int | None) -> int:
    actor = Actor("agent", agent_id)
    at = utcnow()
    return db.write(
        lambda w: store.mark_read(
            w, agent_id, ticket_id=ticket_id, through_id=through_id, actor=actor, at=at
        )
    )
