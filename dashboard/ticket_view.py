"""The ticket workspace's logic, free of Streamlit: the thread as display entries, the order
panel's figures and links, presence lines, snooze times and the activity log in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.i18n import DEFAULT_TZ, label, money, short_when, tr
from dashboard.safe import md
from widget_api.contracts import events as ev
from widget_api.contracts.channels import sms_segments
from widget_api.contracts.inbox import Event, Viewer
from widget_api.contracts.tickets import Message, Order, TicketDetail

AVATARS = {
    "customer": ":material/person:",
    "agent": ":material/support_agent:",
    "note": ":material/sticky_note_2:",
    "system": ":material/settings:",
}


@dataclass(frozen=True)
class ThreadEntry:
    """One message as the thread shows it. ``role`` is customer, agent, note or system."""

    id: int
    role: str
    author: str
    avatar: str
    caption: str
    body: str


def plain(text: str) -> str:
    """Customer text shown as written (see ``dashboard.safe``)."""
    return md(text)


def role_of(message: Message) -> str:
    if message.author_type == "system":
        return "system"
    if message.kind == "note":
        return "note"
    return "customer" if message.kind == "inbound" else "agent"


def thread(
    messages: Sequence[Message], customer_name: str, lang: str, tz: str = DEFAULT_TZ
) -> list[ThreadEntry]:
    """The messages in order, each with its author, avatar and "channel · time" caption."""
    entries = []
    for m in messages:
        role = role_of(m)
        if role == "customer":
            author = m.author_name or customer_name
        elif role == "system":
            author = tr("dash.thread.system", lang)
        else:
            author = m.author_name or tr("dash.thread.agent", lang)
        parts = [tr(f"dash.thread.role.{role}", lang)]
        if role in ("customer", "agent"):
            parts.append(label("channel", m.channel, lang))
        parts.append(short_when(m.created_at, lang, tz))
        entries.append(
            ThreadEntry(m.id, role, author, AVATARS[role], " · ".join(parts), m.body_text)
        )
    return entries


def file_size(size: int, lang: str) -> str:
    """ "340 ko" / "1,2 Mo" (fr), "340 KB" / "1.2 MB" (en)."""
    if size < 1024 * 1024:
        value, unit = max(1, round(size / 1024)), tr("dash.files.kb", lang)
        return f"{value} {unit}"
    text = f"{size / 1024 / 1024:.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {tr('dash.files.mb', lang)}"


def newest_message_id(ticket: TicketDetail) -> int | None:
    """The id sent as ``seen_message_id`` with a reply (collision detection)."""
    return max((m.id for m in ticket.messages), default=None)


def mention_handles(names: Sequence[str]) -> list[str]:
    """How to mention each colleague in a note: "@Paul", "@Marc-André"."""
    return [f"@{name.split(' ')[0]}" for name in names if name.strip()]


def sms_notes(ticket: TicketDetail, draft: str, lang: str) -> tuple[str | None, str | None]:
    """On an SMS ticket: the draft's length in segments, and the opt-out when the number sent
    STOP (the server refuses the reply then)."""
    if ticket.channel != "sms":
        return None, None
    counted = sms_segments(draft or "")
    length = tr("channels.dash.segments", lang, count=counted.segments, encoding=counted.encoding)
    stopped = [i.opted_out_at for i in ticket.customer_detail.identities if i.opted_out_at]
    if not stopped:
        return length, None
    return length, tr("channels.dash.opted_out", lang, date=short_when(stopped[0], lang))


def composer_placeholder(mode: str, colleagues: Sequence[str], lang: str) -> str:
    """The empty composer's hint: for notes, how to mention the colleagues by name."""
    if mode == "reply":
        return tr("dash.compose.reply_placeholder", lang)
    handles = mention_handles(colleagues)[:6]
    if not handles:
        return tr("dash.compose.note_hint", lang)
    return tr("dash.compose.note_hint_handles", lang, handles=", ".join(handles))


# -- presence --
def presence_lines(
    viewers: Sequence[Viewer], lang: str, quote: Callable[[str], str] = str
) -> list[str]:
    """ "Marc-André consulte aussi ce billet" / "… est en train d'écrire une réponse".
    ``quote`` escapes the names for Markdown."""
    return [
        tr(
            "dash.presence.typing" if v.typing else "dash.presence.viewing",
            lang,
            name=quote(v.name),
        )
        for v in viewers
    ]


# -- snooze --
def snooze_at(day: date, at: time, tz: str = DEFAULT_TZ) -> datetime:
    """The UTC instant of a date and a wall-clock time in the store's time zone."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def default_snooze(now: datetime | None = None, tz: str = DEFAULT_TZ) -> tuple[date, time]:
    """Tomorrow at 9:00, store time: the usual "look at it again" moment."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz))
    return (local + timedelta(days=1)).date(), time(9, 0)


def is_snoozed(ticket: TicketDetail, now: datetime | None = None) -> bool:
    return bool(ticket.snoozed_until and ticket.snoozed_until > (now or datetime.now(UTC)))


# -- order panel --
@dataclass(frozen=True)
class OrderLineView:
    """One order line as the panel shows it: "1 × Parka Alizé", "M · Noir · PK-ALIZE-M-NOIR",
    and the unit price (with the line total when more than one)."""

    title: str
    detail: str
    price: str


def order_lines(order: Order, lang: str) -> list[OrderLineView]:
    views = []
    for line in order.lines:
        size = tr("dash.order.size_is", lang, size=line.size) if line.size else None
        detail = " · ".join(p for p in (size, line.color, line.sku) if p)
        price = money(line.unit_price_cents, lang, order.currency)
        if line.quantity > 1:
            total = money(line.unit_price_cents * line.quantity, lang, order.currency)
            price = tr("dash.order.each", lang, price=price, total=total)
        views.append(OrderLineView(f"{line.quantity} × {line.title}", detail, price))
    return views


def order_totals(order: Order, lang: str) -> list[tuple[str, str]]:
    """Subtotal, shipping, discount (when any), TPS/GST, TVQ/QST and total, formatted."""
    rows = [
        (tr("dash.order.subtotal", lang), order.subtotal_cents),
        (tr("dash.order.shipping", lang), order.shipping_cents),
    ]
    if order.discount_cents:
        rows.append((tr("dash.order.discount", lang), -order.discount_cents))
    rows += [
        (tr("dash.order.gst", lang), order.gst_cents),
        (tr("dash.order.qst", lang), order.qst_cents),
        (tr("dash.order.total", lang), order.total_cents),
    ]
    return [(name, money(cents, lang, order.currency)) for name, cents in rows]


_TRACKING = {
    "postes canada": "https://www.canadapost-postescanada.ca/track-reperage/{lang}#/search?searchFor={n}",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/{lang}#/search?searchFor={n}",
    "purolator": "https://www.purolator.com/{lang}/shipping/tracker?pin={n}",
    "ups": "https://www.ups.com/track?loc={lang}_CA&tracknum={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "intelcom": "https://intelcom.ca/{lang}/track-your-package/?tracking-id={n}",
    "dhl": "https://www.dhl.com/ca-{lang}/home/tracking.html?tracking-id={n}",
}


def tracking_link(order: Order, lang: str) -> str | None:
    """The order's tracking URL, or the carrier's public tracking page for its number."""
    if order.tracking_url and order.tracking_url.lower().startswith(("https://", "http://")):
        return order.tracking_url  # never javascript: or data: from a store's feed
    if not (order.carrier and order.tracking_number):
        return None
    pattern = _TRACKING.get(order.carrier.strip().lower())
    return pattern.format(lang=lang, n=quote(order.tracking_number)) if pattern else None


def address_lines(order: Order) -> list[str]:
    city = " ".join(p for p in (order.ship_city, order.ship_province) if p)
    last = "  ".join(p for p in (city, order.ship_postal_code) if p)
    lines = [order.ship_name, order.ship_address1, order.ship_address2, last, order.ship_country]
    if order.ship_phone:
        lines.append(f"☎ {order.ship_phone}")
    return [line for line in lines if line]


# -- activity log --
def _value(field: str, value: object, lang: str, names: Mapping[int, str], tz: str) -> str:
    if value in (None, "", []):
        return "—"
    if field == "assignee_id" and isinstance(value, int):
        return names.get(value, f"#{value}")
    if field == "status":
        return label("status", str(value), lang)
    if field == "priority":
        return label("priority", str(value), lang)
    if field == "problem_type":
        return label("ptype", str(value), lang)
    if field == "snoozed_until" and isinstance(value, str):
        try:
            return short_when(datetime.fromisoformat(value).replace(tzinfo=UTC), lang, tz)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def event_rows(
    events: Sequence[Event], names: Mapping[int, str], lang: str, tz: str = DEFAULT_TZ
) -> pd.DataFrame:
    """The event log as when / who / what / change, oldest first."""
    rows = []
    for e in events:
        if e.actor_type == "agent" and e.actor_id is not None:
            who = names.get(e.actor_id, f"#{e.actor_id}")
        else:
            who = tr(f"dash.actor.{e.actor_type}", lang)
        change = []
        for field in sorted(set(e.before or {}) | set(e.after or {})):
            if field in ("kind", "author_type", "author_id", "channel", "into", "from"):
                continue
            old = _value(field, (e.before or {}).get(field), lang, names, tz)
            new = _value(field, (e.after or {}).get(field), lang, names, tz)
            change.append(f"{old} → {new}" if e.before else new)
        if e.name == ev.MESSAGE_CREATED and e.after:
            change = [label("dash.message_kind", str(e.after.get("kind")), lang)]
        if e.rule_line:  # «Règle « nom » : étiquette ajoutée : vip», in the reader's language
            change = [e.rule_line]
        rows.append(
            {
                tr("dash.events.when", lang): short_when(e.occurred_at, lang, tz),
                tr("dash.events.who", lang): who,
                tr("dash.events.what", lang): label("dash.event", e.name, lang),
                tr("dash.events.change", lang): "; ".join(change),
            }
        )
    return pd.DataFrame(rows)


def macro_summary(actions: Mapping | None, lang: str) -> str:
    """What a macro does besides replying: "Étiquettes : wismo · Statut : Résolu · M'assigner"."""
    if not actions:
        return ""
    parts = []
    if actions.get("add_tags"):
        parts.append(tr("dash.macro.adds_tags", lang, tags=", ".join(actions["add_tags"])))
    if actions.get("status"):
        parts.append(
            tr("dash.macro.sets_status", lang, status=label("status", actions["status"], lang))
        )
    if actions.get("assign") == "me":
        parts.append(tr("dash.macro.assigns_me", lang))
    return " · ".join(parts)
