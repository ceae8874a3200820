"""Marketplace buyer messages relayed by mail: Amazon, eBay, Etsy, Walmart.

Each marketplace hides the buyer behind a relay address (``…@marketplace.amazon.ca``,
``…@members.ebay.ca``) that forwards to the buyer what is sent to it. A ticket from a relay gets
the marketplace as its channel, the marketplace's order id, and its replies go back to the relay
so the answer reaches the buyer through the marketplace (and counts in its response metrics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import getaddresses

from widget_api.mail.parse import ParsedMail


@dataclass(frozen=True)
class Marketplace:
    name: str  # the ticket channel: amazon, ebay, etsy, walmart
    relay_address: str  # where replies go
    buyer_name: str | None
    order_id: str | None


@dataclass(frozen=True)
class _Rule:
    name: str
    relay: re.Pattern[str]
    headers: tuple[str, ...]
    order: tuple[re.Pattern[str], ...]
    name_suffix: re.Pattern[str]


_RULES = (
    _Rule(
        "amazon",
        re.compile(r"@marketplace\.amazon\.(ca|com|co\.uk|de|fr|es|it|com\.mx|co\.jp|in|com\.au)$"),
        ("x-amazon-mail-relay-type", "x-amz-marketplace"),
        (re.compile(r"(?<![\d-])(\d{3}-\d{7}-\d{7})(?![\d-])"),),
        re.compile(r"\s*[-–]\s*Amazon(\s+Marketplace)?\s*$|\s+via\s+Amazon.*$", re.IGNORECASE),
    ),
    _Rule(
        "ebay",
        re.compile(r"@members\.ebay\.[a-z.]+$"),
        ("x-ebay-mailtracker", "x-ebay-member-message"),
        (
            re.compile(r"(?<![\d-])(\d{2}-\d{5}-\d{5})(?![\d-])"),
            re.compile(
                r"(?:item|objet|article)\s*(?:#|no\.?|n[°º]|number|num[ée]ro)?\s*:?\s*"
                r"(\d{12})\b",
                re.IGNORECASE,
            ),
        ),
        re.compile(r"\s*(via|de la part de)\s+eBay.*$|\s*[-–]\s*eBay\s*$", re.IGNORECASE),
    ),
    _Rule(
        "etsy",
        re.compile(r"@(conversations\.|mail\.)?etsy\.com$"),
        ("x-etsy-conversation-id", "x-etsy-message-type"),
        (
            re.compile(
                r"(?:order|receipt|commande|re[cç]u)\s*(?:#|no\.?|n[°º]|number)?\s*:?\s*"
                r"#?\s*(\d{9,11})\b",
                re.IGNORECASE,
            ),
        ),
        re.compile(r"\s*(via|sur)\s+Etsy.*$", re.IGNORECASE),
    ),
    _Rule(
        "walmart",
        re.compile(r"@relay\.walmart\.(com|ca)$"),
        ("x-walmart-relay", "x-walmart-marketplace"),
        (
            re.compile(
                r"(?:order|commande|purchase\s+order|po)\s*(?:#|no\.?|n[°º]|number|"
                r"num[ée]ro)?\s*:?\s*#?\s*(\d{13,15})\b",
                re.IGNORECASE,
            ),
            re.compile(r"(?<!\d)(\d{15})(?!\d)"),
        ),
        re.compile(r"\s*(via|de)\s+Walmart.*$", re.IGNORECASE),
    ),
)


def _order(rule: _Rule, text: str) -> str | None:
    for pattern in rule.order:
        match = pattern.search(text)
        if match:
            return match[1]
    return None


def detect(mail: ParsedMail) -> Marketplace | None:
    """The marketplace a mail was relayed from, or None for ordinary mail."""
    candidates = [*mail.reply_to, mail.from_address or ""]
    for rule in _RULES:
        relay = next((a for a in candidates if rule.relay.search(a)), None)
        by_header = any(mail.header(h) is not None for h in rule.headers)
        if relay is None and not by_header:
            continue
        if relay is None:
            relay = mail.reply_address
        if not relay:
            continue
        name = mail.from_name
        if relay in mail.reply_to and relay != mail.from_address:
            pairs = getaddresses([mail.header("reply-to") or ""])
            name = next((n for n, a in pairs if a.lower() == relay and n), None)
        if name:
            name = rule.name_suffix.sub("", name).strip(" \"'") or None
        order = _order(rule, f"{mail.subject}\n{mail.text[:20_000]}")
        return Marketplace(rule.name, relay, name, order)
    return None
