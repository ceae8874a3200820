"""The words of an order action: what it does (the confirmation and the internal note, in the
agent's language), what the customer is told (in theirs), and why it failed."""

from __future__ import annotations

from widget_api.domain.order_action_plan import Plan
from widget_api.i18n import money, t

REFUSED_PREFIX = "order_action.refused."


def _money(plan: Plan, order: dict, lang: str) -> str:
    return money(plan.amount_cents, lang, order["currency"])


def _percent(plan: Plan, lang: str) -> str:
    value = f"{plan.percent.normalize():f}" if plan.percent is not None else ""
    return value.replace(".", ",") if lang == "fr" else value


def address_text(address: dict) -> str:
    parts = [address.get("name"), address.get("address1"), address.get("address2"),
             f"{address.get('city', '')} {address.get('province_code', '')}"
             f"  {address.get('zip', '')}".strip(), address.get("country_code")]  # fmt: skip
    return ", ".join(p for p in parts if p)


def headline(plan: Plan, order: dict, lang: str) -> str:
    """One sentence: the action on the order."""
    number, amount = order["number"], _money(plan, order, lang)
    if plan.action == "cancel" and plan.amount_cents:
        return t("order_action.what.cancel_refund", lang, number=number, amount=amount)
    if plan.action == "update_shipping_address":
        return t("order_action.what.update_shipping_address", lang, number=number,
                 address=address_text(plan.address or {}))  # fmt: skip
    if plan.action == "discount_code":
        key = "discount_percent" if plan.percent is not None else "discount_amount"
        return t(f"order_action.what.{key}", lang, number=number, amount=amount,
                 percent=_percent(plan, lang))  # fmt: skip
    return t(f"order_action.what.{plan.action}", lang, number=number, amount=amount)


def summary(plan: Plan, order: dict, lang: str, notify: bool) -> list[str]:
    """The headline, then one line per effect: lines, shipping, stock, reason, the customer."""
    found = [headline(plan, order, lang)]
    if plan.lines:
        lines = "; ".join(
            t("order_action.detail.line", lang, quantity=ln.quantity, title=ln.title, sku=ln.sku,
              price=money(ln.unit_price_cents, lang, order["currency"]))
            for ln in plan.lines
        )  # fmt: skip
        found.append(t("order_action.detail.lines", lang, lines=lines))
    if plan.action == "refund" and plan.shipping:
        found.append(t("order_action.detail.shipping", lang))
    if plan.action in ("refund", "cancel"):
        found.append(t(f"order_action.detail.restock_{'yes' if plan.restock else 'no'}", lang))
    reason = getattr(plan.request, "reason", "")
    if reason:
        shown = t(f"order_action.cancel_reason.{reason}", lang)
        found.append(t("order_action.detail.reason", lang,
                       reason=reason if shown.startswith("order_action.") else shown))  # fmt: skip
    found.append(t(f"order_action.detail.notify_{'yes' if notify else 'no'}", lang))
    return found


def reason_text(error_code: str | None, params: dict | None, lang: str) -> str:
    """Why the platform refused, in ``lang``; the platform's own words follow as data."""
    params = dict(params or {})
    detail = str(params.get("detail") or "")
    try:
        text = t(error_code or "order_action.error.unexpected", lang, **params)
    except (KeyError, IndexError, ValueError):
        text = t(error_code or "order_action.error.unexpected", lang)
    if detail and detail not in text:
        text = f"{text} ({detail})"
    return text


def note(plan: Plan, order: dict, lang: str, *, agent: str, state: str, notify: bool,
         reference: str | None, code: str | None, reason: str | None) -> str:  # fmt: skip
    """The internal note: who did what, the outcome, every effect."""
    head = t(f"order_action.note.{state}", lang, agent=agent, reference=reference or "",
             reason=reason or "")  # fmt: skip
    body = [head, *(f"- {line}" for line in summary(plan, order, lang, notify and state == "done"))]
    if code:
        body.append(f"- {t('order_action.result.code', lang, code=code)}")
    return "\n".join(body)


def result_message(plan: Plan | None, order: dict, lang: str, *, state: str, replayed: bool,
                   reference: str | None, code: str | None, reason: str | None) -> str:  # fmt: skip
    what = headline(plan, order, lang) if plan else order["number"]
    key = "replayed" if replayed and state == "done" else state
    text = t(f"order_action.result.{key}", lang, what=what, reference=reference or "",
             reason=reason or "")  # fmt: skip
    if code:
        text += " " + t("order_action.result.code", lang, code=code)
    return text


def customer_message(plan: Plan, order: dict, lang: str, *, name: str | None, store: str,
                     reference: str | None, code: str | None) -> str:  # fmt: skip
    """What the customer is told, in their language."""
    number, amount = order["number"], _money(plan, order, lang)
    if plan.action == "cancel":
        key = "cancel_refund" if plan.amount_cents else "cancel"
    elif plan.action == "discount_code":
        key = "discount_percent" if plan.percent is not None else "discount_amount"
    else:
        key = plan.action
    body = t(f"order_action.customer.{key}", lang, number=number, amount=amount,
             reference=reference or "", code=code or "", percent=_percent(plan, lang),
             address=address_text(plan.address or {}))  # fmt: skip
    greeting = t("order_action.customer.greeting", lang,
                 name=(name or "").split(" ")[0] or t("macro.customer_fallback", lang))  # fmt: skip
    return f"{greeting}\n\n{body}\n\n{t('order_action.customer.closing', lang, store=store)}"
