"""Phone numbers in E.164, the form identities and Twilio use."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "CA"


def to_e164(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """``+15145550123`` for a valid number however it is written; None when it is not one."""
    if not raw or len(raw) > 40:
        return None
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str | None:
    """The digits a number is written with at home (``5145550123`` for ``+15145550123``)."""
    try:
        return str(phonenumbers.parse(e164).national_number)
    except phonenumbers.NumberParseException:
        return None
