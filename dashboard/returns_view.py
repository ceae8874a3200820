"""The returns and receiving pages' logic, free of Streamlit: the board's columns and cards, ages
and overdue texts, the list and KPI tables as DataFrames, and the
inspection form's answers as the API body."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_currency, get_decimal_symbol, get_group_symbol

from dashboard.i18n import DEFAULT_TZ, money, person, short_when, tr
from widget_api.contracts.returns import (
    REASONS,
    STATES,
    Inspection,
    InspectionOutcome,
    ReturnDetail,
    ReturnKpis,
    ReturnSummary,
)
from widget_api.i18n import LOCALES

# The board, left to right: (column, states shown in it). Refused and cancelled returns are
# collapsed under the board.
BOARD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("requested", ("requested",)),
    ("approved", ("approved",)),
    ("label_issued", ("label_issued",)),
    ("in_transit", ("in_transit",)),
    ("received", ("received",)),
    ("inspected", ("inspected",)),
    ("resolved", ("refunded", "exchanged", "credited")),
    ("closed", ("closed",)),
)
COLLAPSED = ("rejected", "cancelled")
# Columns where the work is done: the longest waiting first. Elsewhere the latest first.
_FINISHED = frozenset({"resolved", "closed", "rejected", "cancelled"})
OUTCOMES: tuple[str, ...] = InspectionOutcome.__args__
RESOLUTIONS = ("refund", "exchange", "store_credit")
# The printable label exists from its issue until the parcel arrives (later if one was stored).
_LABEL_STATES = frozenset({"label_issued", "in_transit"})
# At most this many units of one line get a row each in the inspection form.
UNIT_ROWS_MAX = 10

STATE_COLORS = {
    "requested": "orange", "approved": "blue", "label_issued": "blue", "in_transit": "violet",
    "received": "orange", "inspected": "orange", "refunded": "green", "exchanged": "green",
    "credited": "green", "closed": "gray", "rejected": "red", "cancelled": "gray",
}  # fmt: skip


def column_of(state: str) -> str:
    """The board column (or collapsed group) a state belongs to."""
    for column, states in BOARD:
        if state in states:
            return column
    return state


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# -- texts ---------------------------------------------------------------------------------------
def duration(hours: float | None, lang: str) -> str:
    """A span in words an agent reads at a glance: "45 min", "5 h", "2 j 4 h" / "2 d 4 h", and
    whole days from three days on ("4 j")."""
    if hours is None:
        return "—"
    minutes = round(abs(hours) * 60)
    if minutes < 60:
        return tr("rd.span.minutes", lang, minutes=minutes)
    whole = minutes // 60
    if whole < 24:
        return tr("rd.span.hours", lang, hours=whole)
    days, rest = divmod(whole, 24)
    if days >= 3 or rest == 0:
        return tr("rd.span.days", lang, days=days)
    return tr("rd.span.days_hours", lang, days=days, hours=rest)


def due_text(item: ReturnSummary, lang: str, now: datetime | None = None) -> str:
    """Past the target "En retard de 2 j 5 h", before it "Échéance dans 5 h", else ""."""
    if item.due_at is None:
        return ""
    now = now or datetime.now(UTC)
    hours = (_as_utc(item.due_at) - now).total_seconds() / 3600
    if item.overdue or hours < 0:
        return tr("rd.overdue_by", lang, span=duration(hours, lang))
    return tr("rd.due_in", lang, span=duration(hours, lang))


def card_due(item: ReturnSummary, lang: str, now: datetime | None = None) -> str:
    """The short form for a card: "Retard 2 j 5 h", "Cible dans 5 h", else ""."""
    if item.due_at is None:
        return ""
    now = now or datetime.now(UTC)
    hours = (_as_utc(item.due_at) - now).total_seconds() / 3600
    key = "rd.card.late" if item.overdue or hours < 0 else "rd.card.due"
    return tr(key, lang, span=duration(hours, lang))


def dollars(cents: int, lang: str) -> str:
    """A large amount in whole dollars for a headline figure: "38 971 $", "$38,971"."""
    pattern = "#,##0\xa0¤" if lang == "fr" else "¤#,##0"
    return format_currency(round(cents / 100), "CAD", format=pattern,
                           locale=LOCALES.get(lang, "fr_CA"), currency_digits=False)  # fmt: skip


def number_symbols(lang: str) -> dict[str, str]:
    """The decimal and grouping signs of ``lang``, for chart axes."""
    locale = LOCALES.get(lang, "fr_CA")
    return {"decimal": get_decimal_symbol(locale), "group": get_group_symbol(locale)}


def state_label(state: str, lang: str) -> str:
    return tr(f"rd.state.{state}", lang)


def reason_label(reason: str, lang: str) -> str:
    return tr(f"rd.reason.{reason}", lang)


def state_badge(state: str, lang: str) -> str:
    """The state as a coloured Markdown badge."""
    return f":{STATE_COLORS.get(state, 'gray')}-badge[{state_label(state, lang)}]"


# -- the board -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    """One return on the board."""

    rma: str
    state: str
    customer: str
    reason: str
    age: str
    overdue: bool
    due: str


def card(item: ReturnSummary, lang: str, now: datetime | None = None) -> Card:
    return Card(
        rma=item.rma,
        state=item.state,
        customer=person(item.customer_name, item.customer_email, lang),
        reason=reason_label(item.reason, lang),
        age=duration(item.age_hours, lang),
        overdue=item.overdue,
        due=card_due(item, lang, now),
    )


def board(items: Iterable[ReturnSummary]) -> dict[str, list[ReturnSummary]]:
    """Every column of the board and the collapsed groups, in order, each sorted: overdue
    first; then the longest waiting in working columns, the latest in finished ones."""
    columns: dict[str, list[ReturnSummary]] = {c: [] for c, _ in BOARD}
    columns.update({s: [] for s in COLLAPSED})
    for item in items:
        columns.setdefault(column_of(item.state), []).append(item)
    for column, found in columns.items():
        if column in _FINISHED:
            found.sort(key=lambda r: (not r.overdue, -_as_utc(r.state_changed_at).timestamp()))
        else:
            found.sort(key=lambda r: (not r.overdue, -r.state_age_hours))
    return columns


def overdue(items: Iterable[ReturnSummary]) -> list[ReturnSummary]:
    """The returns past their target, the most late first."""
    late = [r for r in items if r.overdue]
    return sorted(late, key=lambda r: _as_utc(r.due_at or r.state_changed_at))


# -- one return ----------------------------------------------------------------------------------
def has_label(detail: ReturnDetail) -> bool:
    return detail.state in _LABEL_STATES or detail.label_carrier is not None


def lines_frame(detail: ReturnDetail, lang: str) -> pd.DataFrame:
    """The items of a return with their inspection, one row per line."""
    rows = []
    for line in detail.lines:
        checks = [
            f"{i.quantity} × {tr('rd.outcome.' + i.outcome, lang)}"
            + ("" if i.accepted else f" ({tr('rd.refused_unit', lang)})")
            for i in line.inspections
        ]
        notes = [i.notes for i in line.inspections if i.notes]
        rows.append(
            {
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price_cents, lang),
                "exchange_sku": line.exchange_sku or "",
                "inspection": "; ".join(checks) or "—",
                "restocked": line.restocked,
                "notes": " · ".join(notes),
            }
        )
    return pd.DataFrame(rows)


# What the history tells of each event's details, in this order (the rest is left out).
DETAIL_KEYS = ("reason", "outcome", "auto", "auto_approved", "via", "carrier", "tracking_number",
               "warehouse", "lines", "accepted_units", "amount_cents", "method", "reference",
               "notes")  # fmt: skip
_METHODS = ("original_payment", "store_credit", "exchange")


def _detail_value(key: str, value: Any, lang: str) -> str:
    if key == "reason" and value in REASONS:
        return reason_label(value, lang)
    if key == "outcome" and value in RESOLUTIONS:
        return tr(f"rd.wish.{value}", lang)
    if key == "method" and value in _METHODS:
        return tr(f"rd.method.{value}", lang)
    if key == "carrier" and value == "pdf":
        return tr("rd.carrier.pdf", lang)
    if key == "via" and value in ("agent", "3pl"):
        return tr(f"rd.via.{value}", lang)
    if key.endswith("_cents") and isinstance(value, int):
        return money(value, lang)
    if isinstance(value, bool):
        return tr("rd.yes" if value else "rd.no", lang)
    if key == "lines" and isinstance(value, list):
        parts = []
        for line in value:
            outcome = line.get("outcome")
            what = f": {tr('rd.outcome.' + outcome, lang)}" if outcome in OUTCOMES else ""
            refused = "" if line.get("accepted", True) else f" ({tr('rd.refused_unit', lang)})"
            parts.append(f"{line.get('quantity', 1)} × {line.get('sku')}{what}{refused}")
        return ", ".join(parts)
    return str(value)


def _detail_text(after: dict | None, lang: str) -> str:
    """An event's details in words: "Motif : Mauvaise taille · Souhait : Échange"."""
    if not after:
        return ""
    parts = [
        f"{tr('rd.d.' + key, lang)} {_detail_value(key, after[key], lang)}"
        for key in DETAIL_KEYS
        if after.get(key) not in (None, "", [], {})
    ]
    return " · ".join(parts)


def history_frame(detail: ReturnDetail, lang: str, tz: str = DEFAULT_TZ) -> pd.DataFrame:
    """The return's event log in words: when, what, who, details."""
    rows = []
    for event in detail.events:
        step = event.name.removeprefix("return.")
        what = state_label(step, lang) if step in STATES else event.name
        rows.append(
            {
                "when": short_when(event.occurred_at, lang, tz),
                "event": what,
                "by": tr(f"rd.actor.{event.actor_type}", lang),
                "details": _detail_text(event.after, lang),
            }
        )
    return pd.DataFrame(rows)


# -- the list ------------------------------------------------------------------------------------
LIST_COLUMNS = ("rma", "state", "customer", "reason", "skus", "units", "requested", "age",
                "due", "estimate", "refund", "order", "ticket")  # fmt: skip


def rows(
    items: Sequence[ReturnSummary], lang: str, tz: str = DEFAULT_TZ, now: datetime | None = None
) -> pd.DataFrame:
    """The filtered returns as a table (also the CSV export)."""
    data = [
        {
            "rma": r.rma,
            "state": state_label(r.state, lang),
            "customer": person(r.customer_name, r.customer_email, lang),
            "reason": reason_label(r.reason, lang),
            "skus": ", ".join(r.skus),
            "units": r.units,
            "requested": short_when(r.requested_at, lang, tz),
            "age": duration(r.age_hours, lang),
            "due": due_text(r, lang, now),
            "estimate": money(r.estimate_cents, lang),
            "refund": money(r.refund_cents, lang) if r.refund_cents is not None else "",
            "order": r.order_number,
            "ticket": r.ticket_ref,
        }
        for r in items
    ]
    return pd.DataFrame(data, columns=list(LIST_COLUMNS))


def list_params(
    start: date | None, end: date | None, reasons: Sequence[str], sku: str, q: str,
    overdue_only: bool,
) -> dict[str, Any]:  # fmt: skip
    """The filters as the list endpoint's query (empty ones left out)."""
    params: dict[str, Any] = {}
    if start:
        params["from"] = start.isoformat()
    if end:
        params["to"] = end.isoformat()
    if reasons:
        params["reason"] = list(reasons)
    if sku.strip():
        params["sku"] = sku.strip().upper()
    if q.strip():
        params["q"] = q.strip()
    if overdue_only:
        params["overdue"] = "true"
    return params


# -- KPIs ----------------------------------------------------------------------------------------
def pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def pct_text(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    number = f"{value * 100:.1f}"
    return (number.replace(".", ",") + " %") if lang == "fr" else number + "%"


def sku_rates(kpis: ReturnKpis) -> pd.DataFrame:
    """Every SKU with returns: units sold and returned, and the rate in percent."""
    data = [
        {"sku": r.sku, "units_sold": r.units_sold, "units_returned": r.units_returned,
         "return_rate_pct": pct(r.return_rate)}
        for r in kpis.return_rate_by_sku
    ]  # fmt: skip
    return pd.DataFrame(data, columns=["sku", "units_sold", "units_returned", "return_rate_pct"])


def top_skus(df: pd.DataFrame, top: int = 15, min_sold: int = 20) -> pd.DataFrame:
    """The SKUs with the highest return rate among those sold often enough to tell."""
    sold = df[(df["units_sold"] >= min_sold) & df["return_rate_pct"].notna()]
    return sold.sort_values(["return_rate_pct", "units_returned"], ascending=False).head(top)


def reason_rates(kpis: ReturnKpis, lang: str) -> pd.DataFrame:
    data = [
        {"reason": reason_label(r.reason, lang), "code": r.reason, "returns": r.returns,
         "units_returned": r.units_returned, "units_sold": r.units_sold,
         "return_rate_pct": pct(r.return_rate)}
        for r in kpis.return_rate_by_reason
    ]  # fmt: skip
    columns = ["reason", "code", "returns", "units_returned", "units_sold", "return_rate_pct"]
    return pd.DataFrame(data, columns=columns)


def refund_times(kpis: ReturnKpis, lang: str) -> pd.DataFrame:
    """Mean and median of each span, in hours and days, one row per (span, measure)."""
    data = []
    for d in kpis.time_to_refund:
        for measure in ("mean", "median"):
            hours = getattr(d, f"{measure}_hours")
            data.append(
                {"span": tr(f"rd.kpi.span.{d.span}", lang),
                 "measure": tr(f"rd.kpi.{measure}", lang), "returns": d.returns,
                 "hours": hours, "days": None if hours is None else round(hours / 24, 2)}
            )  # fmt: skip
    return pd.DataFrame(data, columns=["span", "measure", "returns", "hours", "days"])


def inspection_outcomes(kpis: ReturnKpis, lang: str) -> pd.DataFrame:
    data = [
        {"outcome": tr(f"rd.outcome.{r.outcome}", lang).capitalize(), "code": r.outcome,
         "units": r.units,
         "share_pct": pct(r.share)}
        for r in kpis.inspection_outcomes
    ]  # fmt: skip
    return pd.DataFrame(data, columns=["outcome", "code", "units", "share_pct"])


def weekly_value(kpis: ReturnKpis, lang: str) -> pd.DataFrame:
    """Value given back per week and kind (refunds, exchanges, credits), long form, dollars."""
    data = []
    for w in kpis.refund_value_by_week:
        for kind, cents, count in (
            ("refunded", w.refunded_cents, w.refunds),
            ("exchanged", w.exchanged_cents, w.exchanges),
            ("credited", w.credited_cents, w.credits),
        ):
            data.append(
                {"week": w.week.isoformat(), "week_label": week_label(w.week, lang),
                 "kind": tr(f"rd.resolution.{kind}", lang), "code": kind,
                 "value": round(cents / 100, 2), "returns": count}
            )  # fmt: skip
    return pd.DataFrame(data, columns=["week", "week_label", "kind", "code", "value", "returns"])


def week_label(monday: date, lang: str) -> str:
    """The week's Monday as an axis label: "28 sept." / "Sep 28"."""
    return format_date(monday, "d MMM" if lang == "fr" else "MMM d",
                       locale=LOCALES.get(lang, "fr_CA"))  # fmt: skip


def resolutions(kpis: ReturnKpis, lang: str) -> pd.DataFrame:
    data = [
        {"resolution": tr(f"rd.resolution.{r.resolution}", lang), "code": r.resolution,
         "returns": r.returns, "value": round(r.value_cents / 100, 2)}
        for r in kpis.exchanges_vs_refunds
    ]  # fmt: skip
    return pd.DataFrame(data, columns=["resolution", "code", "returns", "value"])


def span_hours(kpis: ReturnKpis, span: str, measure: str = "median") -> float | None:
    """The mean or median hours of ``span`` (receipt_to_refund, request_to_refund)."""
    found = next((d for d in kpis.time_to_refund if d.span == span), None)
    return getattr(found, f"{measure}_hours") if found else None


# -- receiving -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """One row of the inspection form: a unit of a line (or the rest of a large line)."""

    index: int
    sku: str
    title: str
    quantity: int
    position: int  # 1-based unit number within its line
    of: int


def units(detail: ReturnDetail) -> list[Unit]:
    """A row per unit, so each item gets its own outcome; a line of more than
    ``UNIT_ROWS_MAX`` units is inspected as one row."""
    found: list[Unit] = []
    for line in detail.lines:
        if line.quantity > UNIT_ROWS_MAX:
            found.append(Unit(len(found), line.sku, line.title, line.quantity, 1, 1))
            continue
        for n in range(line.quantity):
            found.append(Unit(len(found), line.sku, line.title, 1, n + 1, line.quantity))
    return found


def inspection_body(
    rows: Sequence[Unit], answers: Sequence[tuple[str, bool, str]], notes: str, resolve: bool
) -> dict:
    """The form's answers (outcome, accepted, notes per row) as the API's ``Inspection``."""
    lines = [
        {"sku": u.sku, "outcome": outcome, "quantity": u.quantity, "accepted": accepted,
         "notes": text.strip() or None}
        for u, (outcome, accepted, text) in zip(rows, answers, strict=True)
    ]  # fmt: skip
    body = Inspection(lines=lines, notes=notes.strip() or None, resolve=resolve)
    return body.model_dump(mode="json")
