"""The returns desk: the customer's self-service request, the agents' and the warehouse's steps,
the refund through the commerce backend, the dashboard list and the KPIs.

Calls to the commerce backend and the carrier happen outside the writer (a real platform answers
over the network); each is idempotent on the RMA, so a step retried after a failure never pays
twice. A return whose refund failed stays ``inspected``, flagged overdue, until an agent resolves
it again.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta

from widget_api.commerce import CommerceBackend, CommerceOrder, LocalStore, ReturnedLine
from widget_api.contracts import events as ev
from widget_api.contracts.auth import Agent
from widget_api.contracts.common import Page
from widget_api.contracts.returns import (
    AgentReturnCreate,
    ExchangeOption,
    Inspection,
    PublicReturn,
    Receipt,
    ReturnableLine,
    ReturnableOrder,
    ReturnCreated,
    ReturnDetail,
    ReturnKpis,
    ReturnLineRequest,
    ReturnLookup,
    ReturnPolicy,
    ReturnQuery,
    ReturnRequest,
    ReturnSummary,
    ThreePlKey,
)
from widget_api.contracts.widget import Attachment
from widget_api.domain import line_names, secrets, server_secret, store, widget
from widget_api.domain.errors import ComptoirError, Invalid, NotFound, Unauthorized
from widget_api.domain.returns import flow, policy, states
from widget_api.domain.returns.errors import InvalidTransition
from widget_api.domain.returns.label import Address, CarrierConnector, LabelRequest
from widget_api.domain.returns.label import PdfLabelConnector as _Pdf
from widget_api.domain.returns.money import refund_breakdown
from widget_api.domain.returns.targets import business_days, due_at
from widget_api.domain.tickets import ticket_id_for_ref
from widget_api.domain.widget import PayloadTooLarge, Unsupported
from widget_api.i18n import money, t
from widget_api.settings import Settings
from widget_api.storage import Database, customers, orders, tickets
from widget_api.storage import returns as repo
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import to_db_time, utcnow

log = logging.getLogger("comptoir.returns")
MAX_PHOTO = 5_000_000
_PHOTO_TYPES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-")
_TPL_PREFIX = "c3pl_"
# States in which the customer's label can be downloaded.
_LABEL_READY = frozenset({"label_issued", "in_transit"})


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


class ReturnsService:
    """One per server (``app.state.returns``); safe to share between request threads."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        commerce: CommerceBackend | None = None,
        carrier: CarrierConnector | None = None,
    ):
        self.db = db
        self.settings = settings
        self.commerce: CommerceBackend = commerce or LocalStore(db)
        self.carrier: CarrierConnector = carrier or _Pdf()

    # -- shared ----------------------------------------------------------------------------------
    def context(self) -> flow.Context:
        return flow.Context(
            store_name=store.get(self.db, self.settings).name,
            base_url=self.settings.api.public_base_url,
            secret=server_secret.ensure(self.db, self.settings),
        )

    def policy(self) -> ReturnPolicy:
        return policy.load(self.db)

    def save_policy(self, agent: Agent, data: ReturnPolicy) -> ReturnPolicy:
        return policy.save(self.db, agent, data)

    def _return_id(self, rma: str) -> int:
        normal = flow.normalise_rma(rma)
        found = self.db.read(lambda cur: repo.id_for_rma(cur, normal)) if normal else None
        if found is None:
            raise NotFound("returns.error.not_found", rma=rma)
        return found

    def check_token(self, rma: str, token: str | None) -> int:
        """The return's id if ``token`` is its customer's token; the same 404 otherwise."""
        return_id = self._return_id(rma)
        if not token or len(token) > 200:
            raise NotFound("returns.error.not_found", rma=rma)
        normal = flow.normalise_rma(rma)
        expected = self.context().token(normal)
        stored = self.db.read(lambda cur: repo.token_hash_of(cur, return_id))
        if not (
            hmac.compare_digest(expected.encode(), token.encode())
            or hmac.compare_digest(stored.encode(), secrets.token_hash(token).encode())
        ):
            raise NotFound("returns.error.not_found", rma=rma)
        return return_id

    def customer_actor(self, rma: str, token: str) -> Actor:
        """The return's customer, once ``token`` is checked."""
        return_id = self.check_token(rma, token)
        ret = self.db.read(lambda cur: repo.current(cur, return_id))
        return Actor("customer", ret["customer_id"])

    def _customer_order(self, number: str, email: str) -> dict:
        """The order if ``email`` is its customer's; the same 404 otherwise (no probing)."""
        found = self.db.read(lambda cur: orders.find_by_number(cur, number))
        if found is None:
            raise NotFound("error.order_not_found")
        order = self.db.read(lambda cur: repo.order_for_return(cur, found["id"]))
        owner = self.db.read(lambda cur: repo.customer_email(cur, order["customer_id"])) or ""
        if not hmac.compare_digest(owner.lower().encode(), email.strip().lower().encode()):
            raise NotFound("error.order_not_found")
        return order

    def _variants(self, order: dict) -> list[dict]:
        styles = [line["style"] for line in order["lines"] if line.get("style")]
        return self.db.read(lambda cur: repo.variants(cur, styles))

    # -- the customer's side -----------------------------------------------------------------------
    def lookup(self, data: ReturnLookup, lang: str, now: datetime | None = None) -> ReturnableOrder:
        """What the customer may return from the order, line by line, and why not."""
        now = now or utcnow()
        order = self._customer_order(data.order_number, str(data.email))
        rules = self.policy()
        variants = self._variants(order)
        refusal = policy.order_refusal(order, rules, now)
        refusal_text = None
        if refusal:
            code, params = refusal
            if "end" in params:
                params["end"] = _date_text(params["end"], lang)
            refusal_text = t(f"returns.refused.{code}", lang, **params)
        lines = []
        for line in line_names.localize(self.db, order["lines"], lang):
            why = policy.line_refusal(line, rules)
            options = [
                ExchangeOption(
                    sku=v["sku"], size=v["size"],
                    color=v["color_fr"] if lang == "fr" else v["color_en"],
                    in_stock=v["stock"] > 0,
                )
                for v in variants
                if v["style"] == line.get("style") and v["sku"] != line["sku"]
                and not v["final_sale"]
            ]  # fmt: skip
            lines.append(
                ReturnableLine(
                    sku=line["sku"], title=line["title"], size=line["size"], color=line["color"],
                    unit_price_cents=line["unit_price_cents"], quantity_bought=line["quantity"],
                    quantity_returned=line["returned"],
                    quantity_returnable=0 if refusal else policy.returnable_quantity(line, rules),
                    final_sale=policy.line_is_final_sale(line, rules),
                    refusal=t(f"returns.refused.{why}", lang, sku=line["sku"]) if why else None,
                    exchange_options=options,
                )
            )  # fmt: skip
        returnable = refusal is None and any(line.quantity_returnable for line in lines)
        return ReturnableOrder(
            order_number=order["number"],
            delivered_at=policy.delivered_at(order),
            window_ends_at=policy.window_end(order, rules),
            returnable=returnable,
            refusal_code=refusal[0] if refusal else None,
            refusal=refusal_text,
            contact_agent=t("returns.contact_agent", lang),
            lines=lines,
            reasons=list(policy.REASONS),
            outcomes=policy.outcomes(rules),
        )

    def request(
        self, data: ReturnRequest, lang_hint: str | None = None, now: datetime | None = None
    ) -> ReturnCreated:
        """A customer's request: checked against the policy, a ``web`` ticket opened in their
        language, approved at once (with its label) when the auto-approval rules allow."""
        now = now or utcnow()
        order = self._customer_order(data.order_number, str(data.email))
        customer = self.db.read(lambda cur: customers.by_id(cur, order["customer_id"]))
        lang = data.language or lang_hint or customer["language"]
        rules = self.policy()
        variants = self._variants(order)

        def check(current: dict) -> policy.Plan:
            return policy.plan_request(
                current, rules, data.lines, reason=data.reason, outcome=data.outcome, now=now,
                lang=lang, variants=variants,
            )  # fmt: skip

        plan = check(order)
        recent = self.db.read(
            lambda cur: repo.recent_returns(
                cur, order["customer_id"], now - timedelta(days=policy.RECENT_DAYS)
            )
        )
        auto = policy.auto_approves(rules, plan, recent, override=False)
        ctx = self.context()

        def write(w) -> tuple[int, str, flow.OpenedTicket]:
            fresh = repo.order_for_return(w.cur, order["id"])
            current = check(fresh)  # the same units may not be asked for twice at once
            opened = flow.open_ticket(
                w, order=fresh, lang=lang, plan=current, reason=data.reason,
                outcome=data.outcome, comment=data.comment, at=now,
                status="pending" if auto else "new",
            )  # fmt: skip
            return_id, rma = flow.create(
                w, ctx, order=fresh, ticket_id=opened.ticket_id, plan=current, reason=data.reason,
                outcome=data.outcome, lang=lang, comment=data.comment, created_by="customer",
                actor=Actor("customer", order["customer_id"]), auto_approved=auto,
                policy_override=False, at=now,
            )  # fmt: skip
            if auto:
                flow.transition(w, ctx, return_id, "approved", SYSTEM, now,
                                details={"auto": True},
                                params={"how": t("returns.how.auto", lang)})  # fmt: skip
            return return_id, rma, opened

        return_id, rma, opened = self.db.write(write)
        labelled = auto and self._try_label(return_id, SYSTEM, now)
        return ReturnCreated(
            rma=rma,
            state=self._state(return_id),
            return_token=ctx.token(rma),
            ticket_ref=opened.ref,
            conversation_token=opened.conversation_token,
            estimate_cents=plan.estimate_cents,
            shipping_fee_cents=plan.shipping_fee_cents,
            label_url=ctx.label_url(rma) if labelled else None,
        )

    def public_view(self, rma: str, token: str) -> PublicReturn:
        return_id = self.check_token(rma, token)
        row = self.db.read(lambda cur: repo.get(cur, return_id))
        lines = self.db.read(lambda cur: repo.lines(cur, return_id))
        has_label = row["state"] in _LABEL_READY
        return PublicReturn(
            rma=row["rma"], state=row["state"], order_number=row["order_number"],
            reason=row["reason"], outcome=row["outcome"], requested_at=row["requested_at"],
            estimate_cents=row["estimate_cents"], refund_cents=row["refund_cents"],
            label_url=self.context().label_url(row["rma"]) if has_label else None,
            lines=[ReturnLineRequest(sku=ln["sku"], quantity=ln["quantity"],
                                     exchange_sku=ln["exchange_sku"]) for ln in lines],
        )  # fmt: skip

    def add_photo(self, rma: str, token: str, filename: str, data: bytes) -> Attachment:
        """A photo (PNG or JPEG) or PDF of the problem, on the return's ticket."""
        return_id = self.check_token(rma, token)
        if len(data) > MAX_PHOTO:
            raise PayloadTooLarge("error.attachment_too_large", limit=MAX_PHOTO // 1_000_000)
        if not data.startswith(_PHOTO_TYPES):
            raise Unsupported("returns.error.photo_type")
        ret = self.db.read(lambda cur: repo.current(cur, return_id))
        actor = Actor("customer", ret["customer_id"])
        attachment = widget.add_attachment(
            self.db, ret["ticket_id"], filename, data, "customer", actor, MAX_PHOTO
        )

        def write(w) -> None:
            repo.add_photo(w, return_id, attachment.id)
            repo.log(w, return_id, ev.RETURN_PHOTO_ADDED, actor, utcnow(), ret["ticket_id"],
                     {"attachment_id": attachment.id})  # fmt: skip

        self.db.write(write)
        return attachment

    # -- agents ------------------------------------------------------------------------------------
    def create_from_ticket(
        self, ref: str, agent: Agent, data: AgentReturnCreate, now: datetime | None = None
    ) -> ReturnCreated:
        """An agent opens a return for the ticket's order (or the one named), possibly as an
        exception to the policy; approved at once unless told otherwise."""
        now = now or utcnow()
        ticket_id = ticket_id_for_ref(self.db, ref)
        ticket = self.db.read(lambda cur: tickets.summary(cur, ticket_id))
        if data.order_number:
            found = self.db.read(lambda cur: orders.find_by_number(cur, data.order_number))
            if found is None:
                raise NotFound("error.order_not_found")
            order_id = found["id"]
        elif ticket["order_id"]:
            order_id = ticket["order_id"]
        else:
            raise Invalid("returns.error.no_order", ref=ticket["ref"])
        lang = ticket["language"]
        order = self.db.read(lambda cur: repo.order_for_return(cur, order_id))
        rules = self.policy()
        variants = self._variants(order)
        actor = Actor("agent", agent.id)
        ctx = self.context()

        def write(w) -> tuple[int, str]:
            fresh = repo.order_for_return(w.cur, order_id)
            plan = policy.plan_request(
                fresh, rules, data.lines, reason=data.reason, outcome=data.outcome, now=now,
                lang=lang, variants=variants, override=data.override_policy,
            )  # fmt: skip
            flow.tag_ticket(w, ticket_id, actor, now)
            return_id, rma = flow.create(
                w, ctx, order=fresh, ticket_id=ticket_id, plan=plan, reason=data.reason,
                outcome=data.outcome, lang=lang, comment=data.comment, created_by="agent",
                actor=actor, auto_approved=False, policy_override=data.override_policy, at=now,
            )  # fmt: skip
            if data.approve:
                flow.transition(w, ctx, return_id, "approved", actor, now,
                                params={"how": agent.name})  # fmt: skip
            return return_id, rma

        return_id, rma = self.db.write(write)
        labelled = data.approve and self._try_label(return_id, actor, now)
        row = self.db.read(lambda cur: repo.get(cur, return_id))
        return ReturnCreated(
            rma=rma, state=row["state"], return_token=ctx.token(rma), ticket_ref=ticket["ref"],
            estimate_cents=row["estimate_cents"], shipping_fee_cents=row["shipping_fee_cents"],
            label_url=ctx.label_url(rma) if labelled else None,
        )  # fmt: skip

    def approve(self, rma: str, actor: Actor, by: str, now: datetime | None = None) -> ReturnDetail:
        """Approve a request (``by``: who, for the note) and issue its label."""
        now = now or utcnow()
        return_id = self._return_id(rma)
        self._move(return_id, "approved", actor, now, params={"how": by})
        self._try_label(return_id, actor, now)
        return self.detail(rma, now)

    def reject(self, rma: str, actor: Actor, reason: str, now: datetime | None = None):
        now = now or utcnow()
        self._move(self._return_id(rma), "rejected", actor, now,
                   columns={"rejection_reason": reason}, details={"reason": reason},
                   params={"reason": reason})  # fmt: skip
        return self.detail(rma, now)

    def issue_label(self, rma: str, actor: Actor, now: datetime | None = None) -> ReturnDetail:
        """(Re)issue the label: once approved and until the parcel is received."""
        now = now or utcnow()
        self._issue_label(self._return_id(rma), actor, now)
        return self.detail(rma, now)

    def _try_label(self, return_id: int, actor: Actor, at: datetime) -> bool:
        """Issue the label right after an approval; a carrier failure leaves the return
        approved (an agent issues the label again) instead of failing the approval."""
        try:
            self._issue_label(return_id, actor, at)
        except Exception:
            log.exception("return label failed for return %s", return_id)
            return False
        return True

    def _issue_label(self, return_id: int, actor: Actor, at: datetime) -> None:
        row = self.db.read(lambda cur: repo.get(cur, return_id))
        if row["state"] not in states.LABEL_STATES:
            raise InvalidTransition(
                "returns.error.transition", rma=row["rma"], state=row["state"],
                target="label_issued",
            )  # fmt: skip
        made = self.carrier.create_label(self._label_request(row))
        ctx = self.context()
        lang = row["language"]
        shipping = (
            t("returns.shipping.customer", lang, fee=money(row["shipping_fee_cents"], lang))
            if row["shipping_payer"] == "customer" and row["shipping_fee_cents"]
            else t("returns.shipping.store", lang)
        )

        def write(w) -> None:
            current = repo.current(w.cur, return_id)
            repo.add_label(w, return_id, carrier=made.carrier,
                           tracking_number=made.tracking_number,
                           content_type=made.content_type, data=made.data, at=at)  # fmt: skip
            details = {"carrier": made.carrier, "tracking_number": made.tracking_number}
            params = {"url": ctx.label_url(row["rma"]), "shipping": shipping,
                      "carrier": made.carrier}  # fmt: skip
            if current["state"] == "approved":
                flow.transition(w, ctx, return_id, "label_issued", actor, at, details=details,
                                params=params)  # fmt: skip
            elif current["state"] in states.LABEL_STATES:
                repo.log(w, return_id, ev.RETURN_LABEL_REISSUED, actor, at, current["ticket_id"],
                         details)  # fmt: skip
                flow.notify(w, ctx, current, "label_issued", at, params)
            else:
                states.check(current["rma"], current["state"], "label_issued")

        self.db.write(write)

    def _label_request(self, row: dict) -> LabelRequest:
        order = self.db.read(lambda cur: repo.order_for_return(cur, row["order_id"]))
        lines = self.db.read(lambda cur: repo.lines(cur, row["id"]))
        home = self.policy().return_address
        customer = Address(
            name=order["ship_name"] or row["customer_name"] or row["customer_email"] or "",
            line1=order["ship_address1"] or "", line2=order["ship_address2"],
            city=order["ship_city"] or "", province=order["ship_province"] or "",
            postal_code=order["ship_postal_code"] or "", country=order["ship_country"] or "CA",
        )  # fmt: skip
        return LabelRequest(
            rma=row["rma"], order_number=row["order_number"], language=row["language"],
            ship_from=customer,
            ship_to=Address(name=home.name, line1=home.line1, line2=home.line2, city=home.city,
                            province=home.province, postal_code=home.postal_code,
                            country=home.country),
            items=[(ln["sku"], ln["title"], ln["quantity"]) for ln in lines],
            prepaid=row["shipping_payer"] == "store",
        )  # fmt: skip

    def label_pdf(self, rma: str) -> tuple[bytes, str, str]:
        """(content, media type, file name) of the newest label; 404 before approval."""
        return_id = self._return_id(rma)
        row = self.db.read(lambda cur: repo.get(cur, return_id))
        found = self.db.read(lambda cur: repo.label(cur, return_id))
        if found is None:
            if row["state"] not in _LABEL_READY:
                raise NotFound("returns.error.no_label", rma=row["rma"])
            # Seeded returns have no stored label: the built-in one is made again on demand.
            made = _Pdf().create_label(self._label_request(row))
            found = {"data": made.data, "content_type": made.content_type}
        return found["data"], found["content_type"], f"{row['rma']}.pdf"

    def mark_in_transit(
        self, rma: str, actor: Actor, tracking: str | None, now: datetime | None = None
    ) -> ReturnDetail:
        now = now or utcnow()
        self._move(self._return_id(rma), "in_transit", actor, now,
                   details={"tracking_number": tracking},
                   params={"tracking": tracking or "—"})  # fmt: skip
        return self.detail(rma, now)

    def receive(
        self, rma: str, actor: Actor, receipt: Receipt | None = None, *, via: str = "agent",
        now: datetime | None = None,
    ) -> ReturnDetail:  # fmt: skip
        """The parcel is at the warehouse (scanned there, or reported by the 3PL)."""
        now = now or utcnow()
        receipt = receipt or Receipt()
        at = min(to_db_time(receipt.received_at), now) if receipt.received_at else now
        return_id = self._return_id(rma)
        ctx = self.context()

        def write(w) -> None:
            ret = repo.current(w.cur, return_id)
            lang = ret["language"]
            expected = {ln["sku"]: ln["quantity"] for ln in repo.lines(w.cur, return_id)}
            counted = {ln.sku.strip().upper(): ln.quantity for ln in receipt.lines or []}
            gaps = [
                t("returns.gap", lang, sku=sku, expected=qty, counted=counted.get(sku, 0))
                for sku, qty in expected.items()
                if receipt.lines is not None and counted.get(sku, 0) != qty
            ]
            where = receipt.warehouse or t(f"returns.by.{via}", lang)
            params = {"where": where, "gaps": ("\n" + "\n".join(gaps)) if gaps else "",
                      "notes": ("\n" + receipt.notes) if receipt.notes else ""}  # fmt: skip
            flow.transition(
                w, ctx, return_id, "received", actor, at, columns={"received_at": at},
                details={"via": via, "warehouse": receipt.warehouse,
                         "counted": counted or None, "notes": receipt.notes},
                params=params,
            )  # fmt: skip

        self.db.write(write)
        return self.detail(rma, now)

    def scan(self, code: str, actor: Actor, now: datetime | None = None) -> ReturnDetail:
        """The receiving page: an RMA typed or scanned marks the parcel received."""
        rma = flow.normalise_rma(code)
        if rma is None:
            raise NotFound("returns.error.not_found", rma=code)
        return self.receive(rma, actor, via="agent", now=now)

    def inspect(
        self, rma: str, actor: Actor, inspection: Inspection, *, via: str = "agent",
        now: datetime | None = None,
    ) -> ReturnDetail:  # fmt: skip
        """An outcome per item; units restocked as new go back in stock, and accepted units are
        refunded (or exchanged, or credited) at once unless ``inspection.resolve`` is false."""
        now = now or utcnow()
        return_id = self._return_id(rma)
        ctx = self.context()

        def write(w) -> tuple[list[tuple[int, str, int]], int]:
            ret = repo.current(w.cur, return_id)
            states.check(ret["rma"], ret["state"], "inspected")
            lang = ret["language"]
            lines = {ln["sku"]: ln for ln in repo.lines(w.cur, return_id)}
            rows = _inspection_rows(lines, inspection)
            repo.add_inspections(w, rows, now)
            accepted = sum(r["quantity"] for r in rows if r["accepted"])
            logged = [
                {"sku": r["sku"], "quantity": r["quantity"], "outcome": r["outcome"],
                 "accepted": r["accepted"]}
                for r in rows
            ]  # fmt: skip
            summary = "; ".join(
                f"{r['quantity']} × {r['sku']}: {t('returns.inspection.' + r['outcome'], lang)}"
                + ("" if r["accepted"] else f" ({t('returns.inspection.refused', lang)})")
                + (f" — {r['notes']}" if r.get("notes") else "")
                for r in rows
            )
            nxt = "returns.next.resolve" if accepted else "returns.next.agent"
            flow.transition(
                w, ctx, return_id, "inspected", actor, now, columns={"inspected_at": now},
                details={"via": via, "lines": logged, "accepted_units": accepted,
                         "notes": inspection.notes},
                params={"summary": summary, "next": t(nxt, lang),
                        "notes": ("\n" + inspection.notes) if inspection.notes else ""},
            )  # fmt: skip
            restock = [
                (r["return_line_id"], r["sku"], r["quantity"])
                for r in rows
                if r["outcome"] == "restock"
            ]
            return restock, accepted

        restock, accepted = self.db.write(write)
        for line_id, sku, quantity in restock:
            self.commerce.restock(sku, quantity)
            self.db.write(lambda w, i=line_id, q=quantity: repo.mark_restocked(w, i, q))
        if inspection.resolve and accepted:
            try:
                return self.resolve(rma, SYSTEM, now=now, trigger="inspection")
            except Exception as exc:  # the inspection stands; an agent resolves it again
                log.exception("refund of %s failed after its inspection", rma)
                lang = self.db.read(lambda cur: repo.current(cur, return_id))["language"]
                error = (
                    t(exc.key, lang, **exc.params)
                    if isinstance(exc, ComptoirError)
                    else str(exc) or type(exc).__name__
                )[:300]
                self.db.write(
                    lambda w: flow.agent_note(
                        w, return_id, "returns.note.resolve_failed", now, error=error
                    )
                )
        return self.detail(rma, now)

    def resolve(
        self, rma: str, actor: Actor, outcome: str | None = None, *, now: datetime | None = None,
        trigger: str = "agent",
    ) -> ReturnDetail:  # fmt: skip
        """Refund, exchange or credit the accepted units through the commerce backend."""
        now = now or utcnow()
        return_id = self._return_id(rma)
        row = self.db.read(lambda cur: repo.get(cur, return_id))
        outcome = outcome or row["outcome"]
        target = states.RESOLVED_STATE[outcome]
        states.check(row["rma"], row["state"], target)
        lines = self.db.read(lambda cur: repo.lines(cur, return_id))
        accepted = [
            ReturnedLine(
                sku=ln["sku"], unit_price_cents=ln["unit_price_cents"], title=ln["title"],
                exchange_sku=ln["exchange_sku"],
                quantity=sum(i["quantity"] for i in ln["inspections"] if i["accepted"]),
            )
            for ln in lines
        ]  # fmt: skip
        accepted = [ln for ln in accepted if ln.quantity > 0]
        if not accepted:
            raise Invalid("returns.error.nothing_accepted", rma=row["rma"])
        if outcome == "exchange" and any(not ln.exchange_sku for ln in accepted):
            raise Invalid("returns.error.no_exchange_sku", rma=row["rma"])
        order = self.db.read(lambda cur: repo.order_for_return(cur, row["order_id"]))
        _, fee = policy.shipping_fee(self.policy(), row["reason"], outcome)
        if outcome == row["outcome"]:
            fee = row["shipping_fee_cents"]
        breakdown = refund_breakdown(
            order, [(ln.quantity, ln.unit_price_cents) for ln in accepted], fee
        )
        target_order = CommerceOrder(order["id"], order["number"], order["customer_id"],
                                     order["currency"])  # fmt: skip
        if outcome == "refund":
            method = "original_payment"
            result = self.commerce.refund(target_order, accepted, breakdown.total_cents, method,
                                          idempotency_key=row["rma"])  # fmt: skip
            refunded = result.amount_cents
        elif outcome == "store_credit":
            method = "store_credit"
            result = self.commerce.issue_store_credit(
                target_order, breakdown.total_cents, idempotency_key=row["rma"]
            )
            refunded = result.amount_cents
        else:
            method = "exchange"
            result = self.commerce.create_exchange_order(
                target_order, accepted, idempotency_key=row["rma"]
            )
            refunded = 0
        lang = row["language"]
        ctx = self.context()
        self.db.write(
            lambda w: flow.transition(
                w,
                ctx,
                return_id,
                target,
                actor,
                now,
                columns={
                    "refund_cents": refunded,
                    "resolution_ref": result.reference,
                    "resolved_at": now,
                    "outcome": outcome,
                },
                details={
                    "amount_cents": result.amount_cents,
                    "method": method,
                    "reference": result.reference,
                    "trigger": trigger,
                    "breakdown": asdict(breakdown),
                    "lines": [{"sku": ln.sku, "quantity": ln.quantity} for ln in accepted],
                },
                params={"amount": money(result.amount_cents, lang), "reference": result.reference},
            )
        )
        return self.detail(rma, now)

    def close(self, rma: str, actor: Actor, now: datetime | None = None) -> ReturnDetail:
        now = now or utcnow()
        self._move(self._return_id(rma), "closed", actor, now, columns={"closed_at": now})
        return self.detail(rma, now)

    def cancel(self, rma: str, actor: Actor, now: datetime | None = None) -> ReturnDetail:
        """Cancel before the parcel is received (409 afterwards)."""
        now = now or utcnow()
        return_id = self._return_id(rma)
        try:
            self._move(return_id, "cancelled", actor, now, columns={"closed_at": now})
        except InvalidTransition as exc:
            if actor.type == "customer":  # answer in the customer's language
                exc.lang = self.db.read(lambda cur: repo.current(cur, return_id))["language"]
            raise
        return self.detail(rma, now)

    def _move(self, return_id: int, target: str, actor: Actor, now: datetime, **changes) -> None:
        """One state transition of a return, in one write (``changes``: columns, details and
        message parameters, as ``flow.transition`` takes them)."""
        ctx = self.context()
        self.db.write(lambda w: flow.transition(w, ctx, return_id, target, actor, now, **changes))

    def _state(self, return_id: int) -> str:
        return self.db.read(lambda cur: repo.current(cur, return_id))["state"]

    # -- reading -----------------------------------------------------------------------------------
    def _calendar(self):
        return business_days(store.get(self.db, self.settings).timezone)

    def _summary(self, row: dict, calendar, now: datetime) -> dict:
        due = due_at(row, calendar)
        return {
            **row,
            "skus": row.get("skus") or [],
            "units": row.get("units") or 0,
            "age_hours": round((now - _naive(row["requested_at"])).total_seconds() / 3600, 1),
            "state_age_hours": round(
                (now - _naive(row["state_changed_at"])).total_seconds() / 3600, 1
            ),
            "due_at": due,
            "overdue": due is not None and now > due,
        }

    def detail(self, rma: str, now: datetime | None = None) -> ReturnDetail:
        now = now or utcnow()
        return_id = self._return_id(rma)

        def read(cur):
            return (
                repo.get(cur, return_id),
                repo.lines(cur, return_id),
                repo.events(cur, return_id),
                repo.label(cur, return_id, with_data=False),
            )

        row, lines, events, label = self.db.read(read)
        row["skus"] = [ln["sku"] for ln in lines]
        row["units"] = sum(ln["quantity"] for ln in lines)
        return ReturnDetail.model_validate(
            {
                **self._summary(row, self._calendar(), now),
                "lines": lines,
                "events": events,
                "label_carrier": label["carrier"] if label else None,
                "label_tracking": label["tracking_number"] if label else None,
                "actions": states.agent_actions(row["state"]),
            }
        )

    def list_returns(self, query: ReturnQuery, now: datetime | None = None) -> Page[ReturnSummary]:
        """Newest first; ``overdue`` compares each return with its target in business days."""
        now = now or utcnow()
        calendar = self._calendar()
        if query.overdue is None:
            rows, total = self.db.read(lambda cur: repo.list_rows(cur, query))
        else:
            everything, _ = self.db.read(lambda cur: repo.list_rows(cur, query, paged=False))
            picked = [
                r for r in everything if self._summary(r, calendar, now)["overdue"] == query.overdue
            ]
            total = len(picked)
            rows = picked[query.offset : query.offset + query.limit]
        following = query.offset + len(rows)
        return Page[ReturnSummary](
            items=[ReturnSummary.model_validate(self._summary(r, calendar, now)) for r in rows],
            total=total,
            next_cursor=str(following) if following < total else None,
        )

    def kpis(self, start: date | None = None, end: date | None = None) -> ReturnKpis:
        """The KPIs of returns over [start, end] (UTC days; by default the last 90 days)."""
        end = end or utcnow().date()
        start = start or end - timedelta(days=89)
        if start > end:
            raise Invalid("returns.error.bad_period")
        lo, hi = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())

        def read(cur):
            return {
                "totals": repo.kpi_totals(cur, lo, hi),
                "return_rate_by_sku": repo.kpi_by_sku(cur, lo, hi),
                "return_rate_by_reason": repo.kpi_by_reason(cur, lo, hi),
                "time_to_refund": repo.kpi_durations(cur, lo, hi),
                "inspection_outcomes": repo.kpi_inspections(cur, lo, hi),
                "refund_value_by_week": repo.kpi_value_by_week(cur, lo, hi),
                "exchanges_vs_refunds": repo.kpi_resolutions(cur, lo, hi),
            }

        found = self.db.read(read)
        totals = found.pop("totals")
        restock = next(
            (r["share"] for r in found["inspection_outcomes"] if r["outcome"] == "restock"),
            0.0 if found["inspection_outcomes"] else None,
        )
        value = sum(
            r["value_cents"]
            for r in found["exchanges_vs_refunds"]
            if r["resolution"] in ("refunded", "credited")
        )
        sold = totals["units_sold"]
        summary = {
            **totals,
            "return_rate": round(totals["units_returned"] / sold, 4) if sold else None,
            "restock_rate": restock,
            "refund_value_cents": value,
        }
        return ReturnKpis.model_validate({"start": lo, "end": hi, "summary": summary, **found})

    # -- the 3PL key -------------------------------------------------------------------------------
    def tpl_key(self) -> ThreePlKey:
        found = self.db.read(repo.tpl_key_in_force)
        return ThreePlKey(active=found is not None, **(found or {}))

    def rotate_tpl_key(self, agent: Agent) -> ThreePlKey:
        """A new key for the 3PL (shown once); the previous one stops working."""
        key = _TPL_PREFIX + secrets.new_token()
        prefix = key[: len(_TPL_PREFIX) + 6]
        at = utcnow()
        self.db.write(lambda w: repo.rotate_tpl_key(w, secrets.token_hash(key), prefix, agent.id,
                                                    at))  # fmt: skip
        return ThreePlKey(active=True, prefix=prefix, created_at=at.replace(tzinfo=UTC), key=key)

    def revoke_tpl_key(self, agent: Agent) -> ThreePlKey:
        self.db.write(lambda w: repo.revoke_tpl_keys(w, agent.id, utcnow()))
        return self.tpl_key()

    def check_tpl_key(self, key: str | None) -> None:
        if not key or len(key) > 200:
            raise Unauthorized("returns.error.tpl_key")
        digest = secrets.token_hash(key)
        if not self.db.read(lambda cur: repo.tpl_key_valid(cur, digest)):
            raise Unauthorized("returns.error.tpl_key")


def _inspection_rows(lines: dict[str, dict], inspection: Inspection) -> list[dict]:
    """One row per inspected quantity; each line's units must be covered exactly once."""
    rows: list[dict] = []
    counted: dict[str, int] = {}
    for item in inspection.lines:
        sku = item.sku.strip().upper()
        line = lines.get(sku)
        if line is None:
            raise Invalid("returns.error.inspection_sku", sku=sku)
        quantity = item.quantity if item.quantity is not None else line["quantity"]
        counted[sku] = counted.get(sku, 0) + quantity
        rows.append(
            {"return_line_id": line["id"], "sku": sku, "quantity": quantity,
             "outcome": item.outcome, "accepted": item.accepted, "notes": item.notes}
        )  # fmt: skip
    for sku, line in lines.items():
        if counted.get(sku, 0) != line["quantity"]:
            raise Invalid(
                "returns.error.inspection_units", sku=sku, expected=line["quantity"],
                got=counted.get(sku, 0),
            )  # fmt: skip
    return rows


def _date_text(value: datetime, lang: str) -> str:
    from babel.dates import format_date

    from widget_api.i18n import LOCALES

    return format_date(value, "long", locale=LOCALES[lang])
