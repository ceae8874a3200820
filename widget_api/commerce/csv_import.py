"""``comptoir orders import FILE.csv``: orders of a store on neither Shopify nor WooCommerce, one
row per order line, into the built-in store (the columns are documented in the README).

Rows are checked one by one; an order with a bad row is skipped whole (its other rows are named
too), since a partial order would show wrong lines and totals; every good order is kept. Orders
are keyed by their number: importing the same file again updates them, never duplicates.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from widget_api.storage import Database, customers, order_import, orders
from widget_api.storage.commerce_mirror import upsert_order
from widget_api.storage.rows import to_db_time, utcnow

REQUIRED = ("order_number", "placed_at", "email", "sku", "title", "quantity", "unit_price")
#: Read from each order's first row (later rows may leave them empty).
ORDER_FIELDS = (
    "placed_at", "email", "customer_name", "customer_phone", "customer_language", "currency",
    "shipping", "discount", "gst", "qst", "total", "financial_status", "fulfillment_status",
    "payment_method", "carrier", "tracking_number", "tracking_url", "shipped_at", "delivered_at",
    "ship_name", "ship_address1", "ship_address2", "ship_city", "ship_province",
    "ship_postal_code", "ship_country", "ship_phone",
)  # fmt: skip
LINE_FIELDS = ("sku", "title", "size", "color", "quantity", "unit_price")
COLUMNS = ("order_number", *ORDER_FIELDS, *LINE_FIELDS[:-2], "variant", *LINE_FIELDS[-2:])
FINANCIAL = ("pending", "paid", "partially_refunded", "refunded", "voided")
FULFILMENT = (
    "unfulfilled", "processing", "shipped", "in_transit", "out_for_delivery", "delivered",
    "exception", "returned_to_sender", "cancelled",
)  # fmt: skip
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BATCH = 500  # orders per write


class BadFile(ValueError):
    """The file cannot be read as an orders file at all (encoding, missing columns)."""


class BadRow(ValueError):
    pass


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: int = 0
    #: (line number in the file, order number, reason), in file order.
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Order:
    number: str
    first_line: int
    values: dict
    lines: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _money(raw: str, name: str) -> int:
    """Dollars as written ("12.50", "12,50", "1 234,50 $", "$12.50") → cents."""
    text = re.sub(r"[\s\u00a0\u202f$]|CAD|USD", "", raw or "")
    if not text:
        return 0
    if "," in text and "." in text:  # the last one is the decimal mark
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(
            ".", "").replace(",", ".")  # fmt: skip
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadRow(f"{name}: not an amount: {raw!r}") from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise BadRow(f"{name}: not an amount in dollars and cents: {raw!r}")
    return int(value * 100)


def _time(raw: str, name: str, tz: ZoneInfo, required: bool = False) -> datetime | None:
    text = (raw or "").strip()
    if not text:
        if required:
            raise BadRow(f"{name} is empty")
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRow(f"{name}: not an ISO 8601 date or time: {raw!r}") from None
    return to_db_time(value if value.tzinfo else value.replace(tzinfo=tz))


def _choice(raw: str, name: str, allowed: Iterable[str], default: str) -> str:
    value = (raw or "").strip().lower() or default
    if value not in allowed:
        raise BadRow(f"{name}: {raw!r} is not one of {', '.join(allowed)}")
    return value


def _order_values(row: dict, tz: ZoneInfo) -> dict:
    email = (row.get("email") or "").strip().lower()
    if not _EMAIL.match(email):
        raise BadRow(f"email: not an e-mail address: {row.get('email')!r}")
    currency = (row.get("currency") or "CAD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise BadRow(f"currency: not a three-letter code: {row.get('currency')!r}")
    text = {k: (row.get(k) or "").strip() or None for k in ORDER_FIELDS}
    language = _choice(row.get("customer_language"), "customer_language", ("fr", "en"), "fr")
    financial = _choice(row.get("financial_status"), "financial_status", FINANCIAL, "paid")
    fulfilment = _choice(
        row.get("fulfillment_status"), "fulfillment_status", FULFILMENT, "unfulfilled"
    )
    total = text["total"]
    return {
        **text,
        "email": email,
        "currency": currency,
        "placed_at": _time(row.get("placed_at"), "placed_at", tz, required=True),
        "shipped_at": _time(row.get("shipped_at"), "shipped_at", tz),
        "delivered_at": _time(row.get("delivered_at"), "delivered_at", tz),
        "customer_language": language,
        "financial_status": financial,
        "fulfillment_status": fulfilment,
        **{f"{k}_cents": _money(row.get(k), k) for k in ("shipping", "discount", "gst", "qst")},
        "total_cents": _money(total, "total") if total else None,
        "ship_province": (text["ship_province"] or "").upper() or None,
        "ship_postal_code": (text["ship_postal_code"] or "").upper() or None,
        "ship_country": (text["ship_country"] or "CA").upper(),
    }


def _line(row: dict) -> dict:
    try:
        quantity = int((row.get("quantity") or "").strip())
    except ValueError:
        raise BadRow(f"quantity: not a whole number: {row.get('quantity')!r}") from None
    if quantity < 1:
        raise BadRow(f"quantity: must be at least 1, not {quantity}")
    for name in ("sku", "title"):
        if not (row.get(name) or "").strip():
            raise BadRow(f"{name} is empty")
    return {
        "sku": row["sku"].strip(), "title": row["title"].strip(),
        "size": (row.get("size") or "").strip() or None,
        "color": (row.get("color") or "").strip() or None,
        "variant_title": (row.get("variant") or "").strip() or None,
        "quantity": quantity, "unit_price_cents": _money(row.get("unit_price"), "unit_price"),
    }  # fmt: skip


def _differs(first: dict, values: dict, row: dict) -> list[str]:
    """The order columns a later row fills differently from the order's first row."""
    return [k for k in ORDER_FIELDS if (row.get(k) or "").strip() and values[k] != first[k]]


def read(text: str, tz: ZoneInfo) -> tuple[list[_Order], list[tuple[int, str, str]]]:
    """The file's orders (each with its rows' errors) and the rows that name no order."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BadFile(f"missing column(s): {', '.join(missing)} (see README, Importing orders)")
    reader.fieldnames = header
    found: dict[str, _Order] = {}
    loose: list[tuple[int, str, str]] = []
    line_no = 1
    for row in reader:
        line_no, start = reader.line_num, line_no + 1
        number = (row.get("order_number") or "").strip()
        if not number:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                loose.append((start, "", "order_number is empty"))
            continue
        order = found.get(number)
        try:
            values = _order_values(row, tz) if order is None or (row.get("email") or "").strip() \
                else None  # fmt: skip
            line = _line(row)
        except BadRow as exc:
            if order is None:
                order = found[number] = _Order(number, start, {})
            order.errors.append((start, str(exc)))
            continue
        if order is None:
            order = found[number] = _Order(number, start, values)
        elif values is not None and order.values:
            clash = _differs(order.values, values, row)
            if clash:
                why = f"differs from the order's first row: {', '.join(clash)}"
                order.errors.append((start, why))
        elif values is not None:
            order.values = values
        # Stable line ids across re-imports: the SKU and its rank among the order's rows.
        rank = sum(ln["sku"] == line["sku"] for ln in order.lines)
        line["external_id"] = f"{line['sku']}/{rank}"
        order.lines.append({**line, "line_no": start})
    return list(found.values()), loose


def import_orders(db: Database, text: str, tz: str = "America/Toronto") -> ImportReport:
    """Import the CSV ``text``; answers what was created, updated, unchanged and refused."""
    zone = ZoneInfo(tz)
    found, loose = read(text, zone)
    report = ImportReport(errors=list(loose))
    good = []
    for order in found:
        if order.errors or not order.values:
            lines = {n for n, _ in order.errors}
            report.errors += [(n, order.number, why) for n, why in order.errors]
            skipped = "order skipped: another of its rows is bad"
            report.errors += [
                (ln["line_no"], order.number, skipped)
                for ln in order.lines
                if ln["line_no"] not in lines
            ]
            continue
        good.append(order)
    taken = db.read(lambda cur: order_import.numbers_taken(cur, [o.number for o in good]))
    kept = []
    for order in good:
        stored = taken.get(order.number)
        if stored and stored["source"] not in (None, "local"):
            report.errors.append((order.first_line, order.number,
                                  f"the number belongs to a {stored['source']} order"))  # fmt: skip
            continue
        kept.append(order)
    for start in range(0, len(kept), _BATCH):
        batch = kept[start : start + _BATCH]
        for outcome in db.write(lambda w, b=batch: [_upsert(w, o, taken) for o in b]):
            setattr(report, outcome, getattr(report, outcome) + 1)
        report.lines += sum(len(o.lines) for o in batch)
    report.errors.sort(key=lambda e: e[0])
    return report


def _upsert(w, order: _Order, taken: dict) -> str:
    v = order.values
    at = utcnow()
    customer_id, _ = customers.find_or_create(
        w, email=v["email"], name=v["customer_name"], language=v["customer_language"], at=at
    )
    if v["customer_phone"]:
        order_import.fill_phone(w, customer_id, v["customer_phone"])
    stored = taken.get(order.number)
    if stored and stored["external_id"] is None:  # a built-in order, updated by files from now
        orders.adopt_for_import(w, stored["id"], order.number)
    lines = [{k: ln.get(k) for k in ln if k != "line_no"} for ln in order.lines]
    subtotal = sum(ln["quantity"] * ln["unit_price_cents"] for ln in lines)
    total = v["total_cents"]
    if total is None:
        total = subtotal - v["discount_cents"] + v["shipping_cents"]
        total += v["gst_cents"] + v["qst_cents"]
    row = {
        "external_id": order.number, "number": order.number, "placed_at": v["placed_at"],
        "currency": v["currency"], "subtotal_cents": subtotal, "email": v["email"],
        "total_cents": total,
        **{k: v[k] for k in ("shipping_cents", "discount_cents", "gst_cents", "qst_cents",
                             "financial_status", "fulfillment_status", "payment_method",
                             "carrier", "tracking_number", "tracking_url", "shipped_at",
                             "delivered_at", "ship_name", "ship_address1", "ship_address2",
                             "ship_city", "ship_province", "ship_postal_code", "ship_country",
                             "ship_phone")},
    }  # fmt: skip
    _, changes = upsert_order(w, "local", row, lines, customer_id, at)
    if "created" in changes and not stored:
        return "created"
    return "updated" if changes else "unchanged"
