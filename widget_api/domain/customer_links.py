"""Identities of one person linked by agents (issue 16).

A customer who writes by SMS and then by e-mail is two customers until an agent links them:

- **merge** (``{"customer_id": other}``): the other customer's identities, tickets, orders,
  returns and store credits move to this one, its e-mail becomes an e-mail identity here (mail
  from that address then reaches this customer), empty name/e-mail/phone fields are filled from
  it, and its row is removed, so every count of customers stays right. The link keeps the removed
  row and the list of what moved.
- **attach** (``{"kind", "value"}``): one identity (a phone, an e-mail, a page- or
  Instagram-scoped id) is added to the customer.

Unlinking an identity a link brought undoes that link: a merged customer comes back with its id,
fields, identities and whatever of its tickets, orders, returns and credits is still here; an
attached identity becomes a customer of its own. Each is logged (``customer.linked`` /
``customer.unlinked``) with the agent, on the customer and on each of its tickets, whose history
shows a sentence for it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError

from widget_api.channels.phones import national_digits, to_e164
from widget_api.contracts import events as ev
from widget_api.contracts.channels import CustomerIdentity
from widget_api.contracts.identities import (
    CustomerCandidate,
    CustomerLinkRequest,
    CustomerLinkResult,
)
from widget_api.domain.errors import Conflict, Invalid, NotFound
from widget_api.storage import Database
from widget_api.storage import customer_links as store
from widget_api.storage import sms as identity_store
from widget_api.storage.db import Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import to_db_time, utcnow

_EMAIL = TypeAdapter(EmailStr)
_SEARCH_MIN = 2


def identities(db: Database, customer_id: int) -> list[CustomerIdentity]:
    def read(cur):
        if store.customer_row(cur, customer_id) is None:
            return None
        return identity_store.identities_of(cur, customer_id)

    rows = db.read(read)
    if rows is None:
        raise NotFound("error.not_found")
    return [CustomerIdentity.model_validate(r) for r in rows]


def normalise(kind: str, value: str) -> str:
    """The identity's stored form: e-mail lower-case, phones in E.164, scoped ids as digits."""
    value = value.strip()
    if kind == "email":
        try:
            return _EMAIL.validate_python(value).lower()
        except ValidationError:
            raise Invalid("identities.error.bad_email", value=value[:80]) from None
    if kind in ("phone", "whatsapp"):
        e164 = to_e164(value)
        if e164 is None:
            raise Invalid("channels.error.bad_phone", value=value[:80])
        return e164
    if not value.isdigit() or len(value) > 30:
        raise Invalid("identities.error.bad_scoped_id", value=value[:80])
    return value


def _pairs(rows: list[dict]) -> list[dict[str, str]]:
    return [{"kind": r["kind"], "value": r["value"]} for r in rows]


def log(
    w: Writer, name: str, customer_id: int, ticket_ids: list[int], actor: Actor, at,
    payload: dict[str, Any],
) -> None:  # fmt: skip
    """One event per ticket (each ticket's history shows it), or one when there is none."""
    for ticket_id in ticket_ids or [None]:
        append(w, name=name, actor=actor, entity_type="customer", entity_id=customer_id,
               ticket_id=ticket_id, at=at, after=payload)  # fmt: skip


def _result(w: Writer, customer_id: int, other: int | None, link_id: int, tickets: int,
            orders: int) -> CustomerLinkResult:  # fmt: skip
    rows = identity_store.identities_of(w.cur, customer_id)
    return CustomerLinkResult(
        customer_id=customer_id, other_customer_id=other, link_id=link_id,
        identities=[CustomerIdentity.model_validate(r) for r in rows],
        tickets_moved=tickets, orders_moved=orders,
    )  # fmt: skip


# -- linking --------------------------------------------------------------------------------------
async def link(
    db: Database, customer_id: int, data: CustomerLinkRequest, agent_id: int
) -> CustomerLinkResult:
    if data.customer_id is not None:
        return await db.awrite(lambda w: _merge(w, customer_id, data.customer_id, agent_id))
    assert data.kind is not None and data.value is not None
    value = normalise(data.kind, data.value)
    return await db.awrite(lambda w: _attach(w, customer_id, data.kind, value, agent_id))


def _merge(w: Writer, keep_id: int, other_id: int, agent_id: int) -> CustomerLinkResult:
    keep = store.customer_row(w.cur, keep_id)
    if keep is None:
        raise NotFound("error.not_found")
    if other_id == keep_id:
        raise Invalid("identities.error.same_customer")
    other = store.customer_row(w.cur, other_id)
    if other is None:
        raise NotFound("identities.error.no_such_customer", id=other_id)
    at, actor = utcnow(), Actor("agent", agent_id)
    owned = store.owned_ids(w.cur, other_id)
    theirs = identity_store.identities_of(w.cur, other_id)
    filled = {f: other[f] for f in store.FILLABLE if keep[f] is None and other[f] is not None}

    # The other row goes first: its e-mail (unique) may become the kept customer's.
    store.delete_customer(w, other_id)
    store.move_owned(w, owned, keep_id)
    store.move_identities(w, [i["id"] for i in theirs], keep_id, linked=True)
    links = store.move_links(w, other_id, keep_id)
    store.fill(w, keep_id, filled)
    external_before = _external(keep)
    external = _external(other) | external_before
    if external != external_before:
        store.set_external_ids(w, keep_id, external)
    # Both e-mails as identities of the kept customer: each reaches it, each is shown, and the
    # merged one can be unlinked.
    created = []
    for email, linked in ((keep["email"], False), (other["email"], True)):
        if email and identity_store.identity(w.cur, "email", email) is None:
            created.append(identity_store.add_identity(
                w, keep_id, "email", email, verified=False, linked=linked, actor=actor, at=at
            ))  # fmt: skip
    joined = _pairs(theirs)
    if other["email"]:
        joined.append({"kind": "email", "value": other["email"]})
    moved = {
        "identities": [{"id": i["id"], "linked": bool(i["linked"])} for i in theirs],
        "created_identities": created, "filled": filled, "links": links,
        "external_ids_before": external_before or None, **owned,
    }  # fmt: skip
    link_id = store.record(w, customer_id=keep_id, other_customer_id=other_id,
                           other_customer=other, moved=moved, agent_id=agent_id, at=at)  # fmt: skip
    payload = {"link_id": link_id, "other_customer_id": other_id,
               "identities": _dedupe(joined), "tickets": len(owned["tickets"]),
               "orders": len(owned["orders"])}  # fmt: skip
    log(w, ev.CUSTOMER_LINKED, keep_id, store.owned_ids(w.cur, keep_id)["tickets"], actor, at,
         payload)  # fmt: skip
    return _result(w, keep_id, other_id, link_id, len(owned["tickets"]), len(owned["orders"]))


def _external(row: dict) -> dict:
    value = row.get("external_ids")
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value or {})


def _dedupe(pairs: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for pair in pairs:
        if pair not in out:
            out.append(pair)
    return out


def _attach(
    w: Writer, customer_id: int, kind: str, value: str, agent_id: int
) -> CustomerLinkResult:
    if store.customer_row(w.cur, customer_id) is None:
        raise NotFound("error.not_found")
    found = identity_store.identity(w.cur, kind, value)
    owner = found["customer_id"] if found else None
    if owner is None and kind == "email":
        owner = store.customer_by_email(w.cur, value)
    if owner == customer_id:
        raise Conflict("identities.error.already_theirs", value=value)
    if owner is not None:
        raise Conflict("identities.error.taken", value=value, id=owner)
    at, actor = utcnow(), Actor("agent", agent_id)
    identity_id = identity_store.add_identity(w, customer_id, kind, value, verified=False,
                                              linked=True, actor=actor, at=at)  # fmt: skip
    link_id = store.record(w, customer_id=customer_id, other_customer_id=None, other_customer=None,
                           moved={"attached": identity_id}, agent_id=agent_id, at=at)  # fmt: skip
    payload = {
        "link_id": link_id,
        "other_customer_id": None,
        "identities": [{"kind": kind, "value": value}],
        "tickets": 0,
        "orders": 0,
    }
    log(w, ev.CUSTOMER_LINKED, customer_id, store.owned_ids(w.cur, customer_id)["tickets"],
         actor, at, payload)  # fmt: skip
    return _result(w, customer_id, None, link_id, 0, 0)


# -- unlinking ------------------------------------------------------------------------------------
async def unlink(
    db: Database, customer_id: int, identity_id: int, agent_id: int
) -> CustomerLinkResult:
    return await db.awrite(lambda w: _unlink(w, customer_id, identity_id, agent_id))


def _brought(link: dict, identity_id: int) -> bool:
    moved = link["moved"] or {}
    return (
        moved.get("attached") == identity_id
        or identity_id in moved.get("created_identities", [])
        or any(i["id"] == identity_id for i in moved.get("identities", []))
    )


def _unlink(w: Writer, customer_id: int, identity_id: int, agent_id: int) -> CustomerLinkResult:
    identity = store.identity_by_id(w.cur, identity_id)
    if identity is None or identity["customer_id"] != customer_id:
        raise NotFound("identities.error.not_found")
    if not identity["linked"]:  # the customer's own (or their e-mail kept by a merge)
        raise Conflict("identities.error.not_linked", value=identity["value"])
    link = next((k for k in store.active_links(w.cur, customer_id) if _brought(k, identity_id)),
                None)  # fmt: skip
    if link is not None and link["other_customer_id"] is not None:
        return _undo_merge(w, customer_id, link, identity_id, agent_id)
    return _split_off(w, customer_id, identity, link, agent_id)


def _undo_merge(
    w: Writer, customer_id: int, link: dict, identity_id: int, agent_id: int
) -> CustomerLinkResult:
    other = link["other_customer"]
    other_id = int(link["other_customer_id"])
    if store.customer_row(w.cur, other_id) is not None:
        raise Conflict("identities.error.cannot_undo")
    moved, at, actor = link["moved"], utcnow(), Actor("agent", agent_id)
    leaving = [
        i
        for i in store.identities_by_ids(w.cur, [i["id"] for i in moved["identities"]])
        if i["customer_id"] == customer_id
    ]
    leaving = _pairs(leaving)
    if other.get("email"):
        leaving.append({"kind": "email", "value": other["email"]})
    # What the merge filled is emptied first: the e-mail is unique and goes back to its owner.
    store.clear_filled(w, customer_id, moved.get("filled") or {})
    store.delete_identities(w, moved["created_identities"])
    store.insert_customer(w, other)
    for item in moved["identities"]:
        found = store.identity_by_id(w.cur, item["id"])
        if found is not None and found["customer_id"] == customer_id:
            store.set_identity(w, item["id"], other_id, item["linked"])
    back = store.still_owned(w.cur, moved, customer_id)
    # Tickets opened since through the identities that leave (an SMS from the number, a mail
    # from the address) go with them.
    since = to_db_time(link["linked_at"])
    later = store.tickets_through(w.cur, customer_id, since, leaving)
    back["tickets"] = sorted(set(back["tickets"]) | set(later))
    store.move_owned(w, back, other_id)
    store.set_link_customer(w, moved.get("links") or [], other_id)
    store.set_external_ids(w, customer_id, moved.get("external_ids_before"))
    store.mark_unlinked(w, link["id"], agent_id, at)
    payload = {"link_id": link["id"], "identity_id": identity_id, "customer_id": other_id,
               "identities": _dedupe(leaving), "tickets": len(back["tickets"]),
               "orders": len(back["orders"])}  # fmt: skip
    tickets_here = store.owned_ids(w.cur, customer_id)["tickets"]
    log(w, ev.CUSTOMER_UNLINKED, customer_id, tickets_here, actor, at, payload)
    log(w, ev.CUSTOMER_UNLINKED, other_id, back["tickets"], actor, at, payload)
    return _result(w, customer_id, other_id, link["id"], len(back["tickets"]), len(back["orders"]))


def _split_off(
    w: Writer, customer_id: int, identity: dict, link: dict | None, agent_id: int
) -> CustomerLinkResult:
    """An attached identity becomes a customer of its own, with the tickets that came through
    it since it was attached (the others were this customer's before)."""
    at, actor = utcnow(), Actor("agent", agent_id)
    kind, value = identity["kind"], identity["value"]
    language = store.customer_row(w.cur, customer_id)["language"]
    email_free = kind == "email" and not store.email_in_use(w.cur, value)
    email = value if email_free else None
    phone = value if kind in ("phone", "whatsapp") else None
    new_id = store.new_customer(w, email=email, phone=phone, language=language, at=at)
    store.set_identity(w, identity["id"], new_id, linked=False)
    # What came through the identity since it was attached leaves with it.
    since = to_db_time(link["linked_at"] if link else identity["created_at"])
    later = store.tickets_through(w.cur, customer_id, since, [{"kind": kind, "value": value}])
    store.move_owned(w, {"tickets": later}, new_id)
    link_id = link["id"] if link else 0
    if link is not None:
        store.mark_unlinked(w, link["id"], agent_id, at)
    payload = {
        "link_id": link_id,
        "identity_id": identity["id"],
        "customer_id": new_id,
        "identities": [{"kind": kind, "value": value}],
        "tickets": len(later),
        "orders": 0,
    }
    log(w, ev.CUSTOMER_UNLINKED, customer_id, store.owned_ids(w.cur, customer_id)["tickets"],
         actor, at, payload)  # fmt: skip
    if later:
        log(w, ev.CUSTOMER_UNLINKED, new_id, later, actor, at, payload)
    return _result(w, customer_id, new_id, link_id, len(later), 0)


# -- finding a customer ---------------------------------------------------------------------------
def search(db: Database, q: str) -> list[CustomerCandidate]:
    """Customers by e-mail, phone (any way it is written) or name; at most 20."""
    q = (q or "").strip()[:200]
    if len(q) < _SEARCH_MIN:
        raise Invalid("identities.error.short_query", n=_SEARCH_MIN)
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) >= 7 and (e164 := to_e164(q)):
        digits = national_digits(e164) or digits  # matches every way the number is written

    def read(cur):
        rows = store.search(cur, q, digits if len(digits) >= 7 else "")
        idents = store.identities_of_many(cur, [r["id"] for r in rows])
        return rows, idents

    rows, idents = db.read(read)
    return [CustomerCandidate(**r, identities=idents.get(r["id"], [])) for r in rows]
