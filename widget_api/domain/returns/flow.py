"""The steps of a return inside one write: open it (and its ticket), move it from state to state
with its event, and tell the customer (a public message) and the agents (an internal note) in the
return's language. The service and the demo seeder both build returns from these steps."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from widget_api.domain.returns import states
from widget_api.domain.returns.policy import Plan
from widget_api.domain.secrets import token_hash
from widget_api.domain.ticket_creation import NewInbound, OpenedTicket, create_ticket
from widget_api.i18n import money, t
from widget_api.storage import returns as store
from widget_api.storage import tickets
from widget_api.storage.db import Writer
from widget_api.storage.events import SYSTEM, Actor

_RMA_OFFSET = 100_000
NOTE_AUTHOR = "Comptoir"
MESSAGE_META = {"origin": "returns"}
_RMA = re.compile(r"^(?:RMA)?[-\s#]*(\d{6,7})$")


@dataclass(frozen=True)
class Context:
    """What the steps need to write to customers: the store's name, where its server is, and
    the secret that signs return links."""

    store_name: str
    base_url: str
    secret: str

    def token(self, rma: str) -> str:
        """The customer's return token: derived from the RMA, so any later message can link
        the label without the server keeping the token itself."""
        mac = hmac.new(self.secret.encode(), f"return:{rma}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def label_url(self, rma: str) -> str:
        return f"{self.base_url.rstrip('/')}/api/v1/returns/{rma}/label.pdf?token={self.token(rma)}"

    def status_url(self, rma: str) -> str:
        return f"{self.base_url.rstrip('/')}/api/v1/returns/{rma}/status?token={self.token(rma)}"


def rma_for(return_id: int) -> str:
    return f"RMA-{return_id + _RMA_OFFSET}"


def normalise_rma(text: str) -> str | None:
    """What a person types or a scanner reads ("rma 100042", "RMA-100042") → "RMA-100042"."""
    match = _RMA.match(text.strip().upper())
    return f"RMA-{match[1]}" if match else None


# -- texts ---------------------------------------------------------------------------------------
def items_text(lines: Sequence[Any], lang: str) -> str:
    parts = []
    for line in lines:
        sku, title, qty = _get(line, "sku"), _get(line, "title"), _get(line, "quantity")
        wanted = _get(line, "exchange_sku")
        swap = f" → {wanted}" if wanted else ""
        parts.append(f"{qty} × {title} ({sku}){swap}")
    return "; ".join(parts) if parts else t("returns.none", lang)


def _get(line: Any, name: str) -> Any:
    return line[name] if isinstance(line, dict) else getattr(line, name)


def reason_label(reason: str, lang: str) -> str:
    return t(f"returns.reason.{reason}", lang)


def outcome_label(outcome: str, lang: str) -> str:
    return t(f"returns.outcome.{outcome}", lang)


def request_body(order_number: str, lines: Sequence[Any], reason: str, outcome: str,
                 comment: str | None, lang: str) -> str:  # fmt: skip
    """The customer's request as the first message of the return's ticket."""
    body = t(
        "returns.ticket.body", lang, order=order_number, items=items_text(lines, lang),
        reason=reason_label(reason, lang), outcome=outcome_label(outcome, lang),
    )  # fmt: skip
    if comment and comment.strip():
        body += "\n\n" + comment.strip()
    return body


def _message(w: Writer, ticket_id: int, kind: str, text: str, author: str, at: datetime) -> None:
    (channel,) = tickets.fields(w.cur, ticket_id, "channel")
    tickets.add_message(
        w,
        tickets.NewMessage(
            ticket_id=ticket_id, kind=kind, author_type="system", author_id=None,
            author_name=author, channel=channel, body_text=text, body_html=None,
            meta=MESSAGE_META, at=at,
        ),
        SYSTEM,
    )  # fmt: skip


def step_texts(ctx: Context, ret: dict, step: str, params: dict[str, Any]) -> tuple[str, str]:
    """(the agents' note, the customer's message) for one step, in the return's language."""
    lang = ret["language"]
    values = {"rma": ret["rma"], "status_url": ctx.status_url(ret["rma"]), **params}
    return t(f"returns.note.{step}", lang, **values), t(f"returns.customer.{step}", lang, **values)


def agent_note(w: Writer, return_id: int, key: str, at: datetime, **params: Any) -> None:
    """An internal note alone (something for agents to act on)."""
    ret = store.current(w.cur, return_id)
    text = t(key, ret["language"], rma=ret["rma"], **params)
    _message(w, ret["ticket_id"], "note", text, NOTE_AUTHOR, at)


def notify(
    w: Writer, ctx: Context, ret: dict, step: str, at: datetime, params: dict[str, Any]
) -> None:
    """The agents' note and the customer's message for one step."""
    note, message = step_texts(ctx, ret, step, params)
    _message(w, ret["ticket_id"], "note", note, NOTE_AUTHOR, at)
    _message(w, ret["ticket_id"], "outbound", message, ctx.store_name, at)


# -- steps ---------------------------------------------------------------------------------------
def open_ticket(
    w: Writer, *, order: dict, lang: str, plan: Plan, reason: str, outcome: str,
    comment: str | None, at: datetime, status: str,
) -> OpenedTicket:  # fmt: skip
    """A new ticket on the ``web`` channel, tagged ``return``, for a customer's request."""
    inbound = NewInbound(
        channel="web", sender_email=None, customer_id=order["customer_id"], language=lang,
        subject=t("returns.ticket.subject", lang, order=order["number"]),
        body_text=request_body(order["number"], plan.lines, reason, outcome, comment, lang),
        order_number=order["number"], source={"origin": "returns"}, tags=("return",),
        status=status, problem_type="return_request",
    )  # fmt: skip
    return create_ticket(w, inbound, default_language=lang, order=order, at=at)


def tag_ticket(w: Writer, ticket_id: int, actor: Actor, at: datetime) -> None:
    (tags,) = tickets.fields(w.cur, ticket_id, "tags")
    if "return" not in tags:
        tickets.update(w, ticket_id, {"tags": [*tags, "return"]}, actor, at)


def create(
    w: Writer, ctx: Context, *, order: dict, ticket_id: int, plan: Plan, reason: str,
    outcome: str, lang: str, comment: str | None, created_by: str, actor: Actor,
    auto_approved: bool, policy_override: bool, at: datetime,
) -> tuple[int, str]:  # fmt: skip
    """Store the return (state ``requested``) and tell everyone; answer (id, RMA)."""
    return_id = w.next_id("returns")
    rma = rma_for(return_id)
    store.insert(
        w,
        {
            "id": return_id, "rma": rma, "order_id": order["id"],
            "customer_id": order["customer_id"], "ticket_id": ticket_id, "reason": reason,
            "outcome": outcome, "language": lang, "comment": comment, "created_by": created_by,
            "shipping_payer": plan.shipping_payer, "shipping_fee_cents": plan.shipping_fee_cents,
            "estimate_cents": plan.estimate_cents, "auto_approved": auto_approved,
            "policy_override": policy_override, "token_hash": token_hash(ctx.token(rma)),
            "requested_at": at,
        },
        [
            {"order_line_id": p.order_line_id, "sku": p.sku, "title": p.title,
             "quantity": p.quantity, "unit_price_cents": p.unit_price_cents,
             "exchange_sku": p.exchange_sku}
            for p in plan.lines
        ],
        actor,
    )  # fmt: skip
    ret = {"id": return_id, "rma": rma, "ticket_id": ticket_id, "language": lang}
    notify(w, ctx, ret, "requested", at, {
        "order": order["number"], "items": items_text(plan.lines, lang),
        "reason": reason_label(reason, lang), "outcome": outcome_label(outcome, lang),
        "amount": money(plan.estimate_cents, lang), "fee": money(plan.shipping_fee_cents, lang),
        "who": t(f"returns.by.{created_by}", lang),
    })  # fmt: skip
    return return_id, rma


def transition(
    w: Writer,
    ctx: Context,
    return_id: int,
    target: str,
    actor: Actor,
    at: datetime,
    *,
    columns: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    quiet: bool = False,
) -> dict:
    """Move the return to ``target`` (409 when its state does not allow it), log the event and,
    unless ``quiet``, write the note and the customer's message. Answers the return as it was."""
    ret = store.current(w.cur, return_id)
    if ret is None:
        raise LookupError(return_id)
    states.check(ret["rma"], ret["state"], target)
    store.set_state(
        w, return_id, before=ret["state"], after=target, actor=actor, at=at,
        ticket_id=ret["ticket_id"], columns=columns, details=details,
    )  # fmt: skip
    if not quiet:
        notify(w, ctx, ret, target, at, params or {})
    return ret
