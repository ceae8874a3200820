"""Warnings about shipping addresses that look wrong, shown on the order panel.

Canadian postal codes start with a letter that belongs to one province or territory (Canada
Post's forward sortation areas), so a mismatch is a strong sign of a typo; a unit that the
customer used before at the same street but left out this time is the classic missing apartment.
"""

from __future__ import annotations

import re

from widget_api.i18n import t

# First letter of the postal code → province codes it serves.
_FIRST_LETTER = {
    "A": {"NL"}, "B": {"NS"}, "C": {"PE"}, "E": {"NB"}, "G": {"QC"}, "H": {"QC"}, "J": {"QC"},
    "K": {"ON"}, "L": {"ON"}, "M": {"ON"}, "N": {"ON"}, "P": {"ON"}, "R": {"MB"}, "S": {"SK"},
    "T": {"AB"}, "V": {"BC"}, "X": {"NT", "NU"}, "Y": {"YT"},
}  # fmt: skip
_POSTAL = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")
_UNIT_WORDS = re.compile(
    r"(\b(app|apt|appartement|apartment|suite|unit|unité|bureau)\b|#\s*\d)", re.I
)
_PO_BOX = re.compile(r"\b(c\.?\s?p\.?|case postale|p\.?\s?o\.?\s?box)\s*\d", re.I)
_NO_PO_BOX_CARRIERS = {"Purolator", "Intelcom", "UPS", "Nationex", "FedEx"}


def warnings(order: dict, previous_units: list[str], lang: str) -> list[str]:
    found: list[str] = []
    country = (order.get("ship_country") or "CA").upper()
    postal = (order.get("ship_postal_code") or "").strip().upper()
    province = (order.get("ship_province") or "").strip().upper()
    address1 = order.get("ship_address1") or ""
    address2 = order.get("ship_address2") or ""
    if country == "CA":
        if not _POSTAL.match(postal):
            found.append(t("address.postal_invalid", lang, postal=postal or "—"))
        elif province and province not in _FIRST_LETTER.get(postal[0], set()):
            found.append(t("address.postal_province", lang, postal=postal, province=province))
    has_unit = bool(address2.strip()) or bool(_UNIT_WORDS.search(address1))
    if previous_units and not has_unit:
        found.append(t("address.missing_unit", lang, units=", ".join(previous_units)))
    if _PO_BOX.search(f"{address1} {address2}") and order.get("carrier") in _NO_PO_BOX_CARRIERS:
        found.append(t("address.po_box", lang, carrier=order["carrier"]))
    return found
