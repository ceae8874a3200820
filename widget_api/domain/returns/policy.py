"""The return policy: where it is kept, and what it allows for an order (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date

from widget_api.contracts.auth import Agent
from widget_api.contracts.returns import (
    METHOD_FOR_OUTCOME,
    REASONS,
    ReturnLineRequest,
    ReturnPolicy,
)
from widget_api.domain.returns.errors import PolicyRefused
from widget_api.domain.returns.money import refund_breakdown
from widget_api.i18n import LOCALES
from widget_api.storage import Database, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

KEY = "returns_policy"
RECENT_DAYS = 90
# Orders in these fulfilment states never reached the customer.
_NOT_DELIVERED = ("unfulfilled", "processing", "cancelled", "returned_to_sender")


def load(db: Database) -> ReturnPolicy:
    saved = db.read(lambda cur: settings_store.get(cur, KEY))
    return ReturnPolicy.model_validate(saved) if saved else ReturnPolicy()


def save(db: Database, agent: Agent, policy: ReturnPolicy) -> ReturnPolicy:
    value = policy.model_dump(mode="json")
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return policy


# -- what an order allows ----------------------------------------------------------------------
def delivered_at(order: dict) -> datetime | None:
    """When the customer got the parcel (the shipping date if only the status says delivered)."""
    if order["fulfillment_status"] in _NOT_DELIVERED:
        return None
    if order.get("delivered_at"):
        return order["delivered_at"]
    if order["fulfillment_status"] == "delivered":
        return order.get("shipped_at") or order["placed_at"]
    return None


def window_end(order: dict, policy: ReturnPolicy) -> datetime | None:
    delivered = delivered_at(order)
    return delivered + timedelta(days=policy.window_days) if delivered else None


def order_refusal(order: dict, policy: ReturnPolicy, now: datetime) -> tuple[str, dict] | None:
    """(code, message parameters) when nothing in the order can be returned now."""
    end = window_end(order, policy)
    if end is None:
        return "not_delivered", {"order": order["number"]}
    if _naive(now) > _naive(end):
        return "outside_window", {
            "order": order["number"], "days": policy.window_days, "end": _naive(end)
        }  # fmt: skip
    return None


def line_is_final_sale(line: dict, policy: ReturnPolicy) -> bool:
    return bool(line["final_sale"]) or (line.get("category") or "") in policy.final_sale_categories


def line_refusal(line: dict, policy: ReturnPolicy) -> str | None:
    if line_is_final_sale(line, policy):
        return "final_sale"
    if line["returned"] >= line["quantity"]:
        return "already_returned"
    return None


def returnable_quantity(line: dict, policy: ReturnPolicy) -> int:
    if line_is_final_sale(line, policy):
        return 0
    return max(0, line["quantity"] - line["returned"])


def outcomes(policy: ReturnPolicy) -> list[str]:
    return [o for o, method in METHOD_FOR_OUTCOME.items() if method in policy.refund_methods]


# -- a request against the policy --------------------------------------------------------------
@dataclass(frozen=True)
class PlannedLine:
    order_line_id: int
    sku: str
    title: str
    quantity: int
    unit_price_cents: int
    exchange_sku: str | None


@dataclass(frozen=True)
class Plan:
    lines: tuple[PlannedLine, ...]
    shipping_payer: str
    shipping_fee_cents: int
    estimate_cents: int


def shipping_fee(policy: ReturnPolicy, reason: str, outcome: str) -> tuple[str, int]:
    """(who pays, what is deducted): exchanges ship back free."""
    payer = policy.payer(reason)
    fee = policy.return_shipping_cents if payer == "customer" and outcome != "exchange" else 0
    return payer, fee


def plan_request(
    order: dict,
    policy: ReturnPolicy,
    requested: Sequence[ReturnLineRequest],
    *,
    reason: str,
    outcome: str,
    now: datetime,
    lang: str,
    variants: Sequence[dict] = (),
    override: bool = False,
) -> Plan:
    """Check a request against the policy and the order; raise ``PolicyRefused`` (422) with the
    first reason it fails. ``override`` (an agent's exception) skips the window and final-sale
    rules, never the quantities."""
    if reason not in REASONS:
        raise PolicyRefused("unknown_reason", lang=lang, reason=reason)
    if outcome not in outcomes(policy):
        raise PolicyRefused("outcome_not_offered", lang=lang, outcome=outcome)
    if not override:
        refusal = order_refusal(order, policy, now)
        if refusal:
            code, params = refusal
            if "end" in params:
                params["end"] = format_date(params["end"], "long", locale=LOCALES[lang])
            raise PolicyRefused(code, lang=lang, **params)
    by_sku = {line["sku"].upper(): line for line in order["lines"]}
    wanted: dict[str, int] = {}
    exchange: dict[str, str | None] = {}
    for item in requested:
        sku = item.sku.strip().upper()
        wanted[sku] = wanted.get(sku, 0) + item.quantity
        exchange[sku] = item.exchange_sku.strip().upper() if item.exchange_sku else None
    stock = {v["sku"].upper(): v for v in variants}
    planned = []
    for sku, quantity in wanted.items():
        line = by_sku.get(sku)
        if line is None:
            raise PolicyRefused("unknown_sku", lang=lang, sku=sku, order=order["number"])
        if not override and line_is_final_sale(line, policy):
            raise PolicyRefused("final_sale", lang=lang, sku=sku)
        left = max(0, line["quantity"] - line["returned"])
        if left == 0:
            raise PolicyRefused("already_returned", lang=lang, sku=sku)
        if quantity > left:
            raise PolicyRefused(
                "quantity_exceeds", lang=lang, sku=sku, max=left, bought=line["quantity"],
                returned=line["returned"],
            )  # fmt: skip
        wanted_sku = exchange.get(sku) if outcome == "exchange" else None
        if outcome == "exchange":
            variant = stock.get(wanted_sku or "")
            if (
                variant is None
                or wanted_sku == sku
                or variant["style"] != line.get("style")
                or variant["stock"] < quantity
            ):
                raise PolicyRefused(
                    "exchange_unavailable", lang=lang, sku=sku, exchange_sku=wanted_sku or "?"
                )
        planned.append(
            PlannedLine(
                line["id"], line["sku"], line["title"], quantity, line["unit_price_cents"],
                wanted_sku,
            )
        )  # fmt: skip
    payer, fee = shipping_fee(policy, reason, outcome)
    breakdown = refund_breakdown(order, [(p.quantity, p.unit_price_cents) for p in planned], fee)
    return Plan(tuple(planned), payer, breakdown.shipping_fee_cents, breakdown.total_cents)


def auto_approves(policy: ReturnPolicy, plan: Plan, recent_returns: int, override: bool) -> bool:
    """Within the window (checked already), under the value threshold, not a repeat returner."""
    rules = policy.auto_approval
    return (
        rules.enabled
        and not override
        and plan.estimate_cents < rules.max_value_cents
        and recent_returns < rules.max_recent_returns
    )


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)
