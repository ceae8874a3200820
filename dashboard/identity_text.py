"""Identities in words, without Streamlit: phones written for people and the identities an
event names (the history and the customer panel share them)."""

from __future__ import annotations

from collections.abc import Sequence

import phonenumbers

from dashboard.i18n import tr

_HOME_REGION = "CA"


def human_phone(e164: str) -> str:
    """ "(514) 555-0177" at home (Canada and the US share +1), "+33 1 42 68 53 00" abroad;
    the value as stored when it is not a number."""
    try:
        number = phonenumbers.parse(e164, _HOME_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def shown(kind: str, value: str) -> str:
    return human_phone(value) if kind in ("phone", "whatsapp") else value


def summary_of(identities: Sequence[dict], lang: str) -> str:
    """The identities an event names, in words: "Téléphone (SMS) (514) 555-0177"."""
    words = []
    for item in identities:
        kind, value = str(item.get("kind")), str(item.get("value"))
        words.append(f"{tr(f'identities.kind.{kind}', lang)} {shown(kind, value)}")
    return ", ".join(words)
