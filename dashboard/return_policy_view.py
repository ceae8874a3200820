"""The return policy screen's pure parts: amounts typed the merchant's way ("12,95", "12.95",
"12,95 $") to cents and back, and the policy body sent to the API."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^\$?\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*\$?$")


class UnreadableAmount(ValueError):
    pass


def amount_text(cents: int, lang: str) -> str:
    """ "12,95" in French, "12.95" in English, for an input field."""
    text = f"{cents // 100}.{cents % 100:02d}"
    return text.replace(".", ",") if lang == "fr" else text


def parse_amount(text: str) -> int:
    """Cents from "12,95", "12.95", "12 $", "$12"; raises ``UnreadableAmount``."""
    found = _AMOUNT.match(text.strip().replace("\u00a0", " ").replace(" ", ""))
    if not found:
        raise UnreadableAmount(text)
    dollars, fraction = found.group(1), (found.group(2) or "0").ljust(2, "0")
    return int(dollars) * 100 + int(fraction)


def categories(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def policy_body(current: dict, **changes) -> dict:
    """The edited values over the saved policy, sent raw: the API's messages answer."""
    return {**current, **changes}
