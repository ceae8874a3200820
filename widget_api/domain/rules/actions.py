"""What a rule can do, as a registry: action kind → handler. A handler writes inside the run's
transaction with the rule as actor (so its changes trigger no rule) and returns a short detail;
it raises ``ActionFailed`` before writing anything when it cannot act (unknown agent, no team),
which is recorded as the action's error (a code and its parameters, said in the reader's
language by the API; the English text is kept for logs) while the next actions still run."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from widget_api.domain import macros as macro_domain
from widget_api.domain import secret_box
from widget_api.domain.assignment import pick_assignee
from widget_api.domain.mentions import mentioned_agents
from widget_api.domain.webhooks import enqueue
from widget_api.i18n import t
from widget_api.mail.agent_notice import agent_notice
from widget_api.storage import Database, agents, macros, tickets
from widget_api.storage import mail as mail_store
from widget_api.storage import rules as rule_store
from widget_api.storage import teams as team_store
from widget_api.storage.db import Writer
from widget_api.storage.events import Actor


class ActionFailed(Exception):
    """The action could not run; nothing of it was written. ``code`` names the catalogue text
    ``rules.error.<code>``, which ``params`` fill; ``str()`` is the English text."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(t(f"rules.error.{code}", "en", **params))


@dataclass
class RunContext:
    db: Database
    rule: dict
    ticket_id: int
    facts: dict[str, Any]
    now: datetime
    event_name: str | None
    dedupe_key: str  # what makes a webhook call of this run unique
    store_name: str = "Comptoir"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor("rule", self.rule["id"])


Handler = Callable[[RunContext, Writer, dict], str | None]
HANDLERS: dict[str, Handler] = {}


def action(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def _update(ctx: RunContext, w: Writer, changes: dict) -> str | None:
    changed = tickets.update(w, ctx.ticket_id, changes, ctx.actor, ctx.now)
    return ", ".join(f"{k}: {new}" for k, (_, new) in changed.items()) or None


def _active_agent(w: Writer, agent_id: Any) -> dict:
    found = agents.by_id(w.cur, agent_id) if isinstance(agent_id, int) else None
    if found is None or not found["active"]:
        raise ActionFailed("unknown_agent", agent_id=agent_id)
    return found


@action("assign_agent")
def assign_agent(ctx: RunContext, w: Writer, params: dict) -> str | None:
    _active_agent(w, params.get("agent_id"))
    return _update(ctx, w, {"assignee_id": params["agent_id"]})


@action("assign_team")
def assign_team(ctx: RunContext, w: Writer, params: dict) -> str | None:
    team_id = params.get("team_id")
    if team_id is None and params.get("team_name"):
        team_id = team_store.id_by_name(w.cur, params["team_name"])
    team = team_store.by_id(w.cur, team_id) if team_id is not None else None
    if team is None:
        raise ActionFailed("no_team", team=repr(params.get("team_name") or params.get("team_id")))
    # The rule's strategy if it names one, else the team's own.
    agent_id = pick_assignee(w, team_id, params.get("strategy") or team["strategy"])
    if agent_id is None:
        raise ActionFailed("no_available_agent", team_id=team_id)
    return _update(ctx, w, {"assignee_id": agent_id})


def _tags(w: Writer, ticket_id: int) -> list[str]:
    (current,) = tickets.fields(w.cur, ticket_id, "tags")
    return list(current)


def _clean_tags(values: list) -> list[str]:
    return [str(v).strip().lower() for v in values if str(v).strip()]


@action("add_tags")
def add_tags(ctx: RunContext, w: Writer, params: dict) -> str | None:
    tags = _tags(w, ctx.ticket_id)
    tags += [tag for tag in dict.fromkeys(_clean_tags(params["tags"])) if tag not in tags]
    return _update(ctx, w, {"tags": tags})


@action("remove_tags")
def remove_tags(ctx: RunContext, w: Writer, params: dict) -> str | None:
    gone = set(_clean_tags(params["tags"]))
    return _update(ctx, w, {"tags": [tag for tag in _tags(w, ctx.ticket_id) if tag not in gone]})


@action("set_priority")
def set_priority(ctx: RunContext, w: Writer, params: dict) -> str | None:
    return _update(ctx, w, {"priority": params["priority"]})


@action("set_status")
def set_status(ctx: RunContext, w: Writer, params: dict) -> str | None:
    return _update(ctx, w, {"status": params["status"]})


@action("set_problem_type")
def set_problem_type(ctx: RunContext, w: Writer, params: dict) -> str | None:
    return _update(ctx, w, {"problem_type": params["problem_type"]})


@action("snooze")
def snooze(ctx: RunContext, w: Writer, params: dict) -> str | None:
    until = ctx.now + timedelta(hours=float(params["hours"]))
    return _update(ctx, w, {"snoozed_until": until})


def _message(ctx: RunContext, w: Writer, *, kind: str, author_type: str, body: str,
             mentions: tuple[int, ...] = ()) -> int:  # fmt: skip
    (channel,) = tickets.fields(w.cur, ctx.ticket_id, "channel")
    return tickets.add_message(
        w,
        tickets.NewMessage(
            ticket_id=ctx.ticket_id, kind=kind, author_type=author_type, author_id=None,
            author_name=ctx.store_name, channel=channel, body_text=body, body_html=None,
            meta={"rule_id": ctx.rule["id"], "auto_submitted": True}, at=ctx.now,
            mentions=mentions,
        ),
        ctx.actor,
    )  # fmt: skip


@action("reply_macro")
def reply_macro(ctx: RunContext, w: Writer, params: dict) -> str | None:
    """A public reply in the customer's language, by the system: the outbox mails it on mail and
    marketplace tickets like an agent's, but it is no agent's reply (SLA first reply, reply
    counts and response times ignore it, as they do every automatic message)."""
    macro = macros.by_id(w.cur, params.get("macro_id"))
    if macro is None:
        raise ActionFailed("unknown_macro", macro_id=params.get("macro_id"))
    body = macro_domain.reply_for(
        w.cur, macro, ctx.ticket_id, signer=ctx.store_name, store_name=ctx.store_name
    ).body
    return f"message {_message(ctx, w, kind='outbound', author_type='system', body=body)}"


@action("note")
def note(ctx: RunContext, w: Writer, params: dict) -> str | None:
    body = str(params["body"])
    mentions = tuple(mentioned_agents(body, agents.by_names(w.cur)))
    message_id = _message(ctx, w, kind="note", author_type="system", body=body, mentions=mentions)
    return f"message {message_id}" + (f", mentions {list(mentions)}" if mentions else "")


@action("notify_agent")
def notify_agent(ctx: RunContext, w: Writer, params: dict) -> str | None:
    """An in-app notification, and the same words mailed to the agent (in the agent's
    language) through the durable outbox when an outgoing mailbox is set up."""
    agent = _active_agent(w, params.get("agent_id"))
    ref, subject = tickets.fields(w.cur, ctx.ticket_id, "ref", "subject")
    body = params.get("body") or t("rules.notify.default", agent["language"],
                                   rule=ctx.rule["name"], ref=ref)  # fmt: skip
    notification = rule_store.notify(w, agent_id=agent["id"], ticket_id=ctx.ticket_id,
                                     rule_id=ctx.rule["id"], body=body, actor=ctx.actor,
                                     at=ctx.now)  # fmt: skip
    box_id = mail_store.default_outbound_mailbox(w.cur)
    box = mail_store.mailbox(w.cur, box_id) if box_id is not None else None
    if box is None or not agent["email"]:
        return f"notification {notification} (no outgoing mailbox: not mailed)"
    mail = agent_notice(support=box["address"], store=ctx.store_name, agent_email=agent["email"],
                        agent_name=agent["name"], lang=agent["language"], ref=ref,
                        subject=subject, body=body)  # fmt: skip
    queued = mail_store.enqueue_agent_notice(
        w, ticket_id=ctx.ticket_id, mailbox_id=box["id"], rfc_message_id=mail.rfc_message_id,
        mail_from=mail.mail_from, rcpt_to=mail.rcpt_to, raw=mail.raw, at=ctx.now,
    )  # fmt: skip
    return f"notification {notification}, mail {queued}"


@action("webhook")
def webhook(ctx: RunContext, w: Writer, params: dict) -> str | None:
    sealed = params.get("secret")
    secret = secret_box.open_secret(ctx.db, sealed, "rule_webhook") if sealed else ""
    facts = {k: v for k, v in ctx.facts.items() if k != "status_since"}
    payload = json.loads(json.dumps({
        "event": ctx.event_name, "ticket_id": ctx.ticket_id, "ticket_ref": ctx.facts.get("ref"),
        "rule": {"id": ctx.rule["id"], "name": ctx.rule["name"]}, "facts": facts,
    }, default=str))  # fmt: skip
    # A second webhook of the same rule gets its own key (the first keeps the documented one).
    calls = ctx.extra["webhooks"] = ctx.extra.get("webhooks", 0) + 1
    key = ctx.dedupe_key if calls == 1 else f"{ctx.dedupe_key}:webhook:{calls}"
    queued = enqueue(w, url=params["url"], secret=secret, event_name=ctx.event_name or "rule",
                     payload=payload, dedupe_key=key, at=ctx.now)  # fmt: skip
    return f"webhook {queued}" if queued is not None else "webhook already queued"
