"""Shipping-address warnings on the order panel."""

from __future__ import annotations

import pytest

from widget_api.domain.address import warnings

GOOD = {
    "ship_country": "CA",
    "ship_postal_code": "H2J 2L3",
    "ship_province": "QC",
    "ship_address1": "4520 rue Saint-Denis",
    "ship_address2": "",
    "carrier": "Postes Canada",
}


def test_a_consistent_address_has_no_warning():
    assert warnings(GOOD, [], "fr") == []


@pytest.mark.parametrize(
    ("change", "units", "expected"),
    [
        ({"ship_postal_code": "M5V 2T6"}, [], "ne correspond pas à la province QC"),
        ({"ship_postal_code": "H2J2L"}, [], "Code postal invalide"),
        ({"ship_postal_code": "D2J 2L3"}, [], "Code postal invalide"),
        ({}, ["app. 3"], "Numéro d'appartement manquant"),
        ({"ship_address1": "C.P. 123", "carrier": "Purolator"}, [], "cases postales"),
    ],
)
def test_suspicious_addresses_are_flagged(change, units, expected):
    found = warnings({**GOOD, **change}, units, "fr")
    assert len(found) == 1 and expected in found[0]


def test_a_unit_given_in_the_street_line_counts():
    order = {**GOOD, "ship_address1": "4520 rue Saint-Denis, app. 3"}
    assert warnings(order, ["app. 3"], "en") == []


def test_warnings_speak_the_agents_language():
    assert (
        "does not match province QC"
        in warnings({**GOOD, "ship_postal_code": "K1A 0B1"}, [], "en")[0]
    )
