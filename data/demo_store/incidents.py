"""Recurring incidents planted in the demo data, for spike detection to find.

Each incident adds extra tickets in its window on top of a background in which the same count
is steady. The extra count is ``(multiplier - 1) ×`` the background expected in the window, and at
least ``min_extra`` so that the spike stays visible in a small demo (where the real ratio is
therefore higher than ``multiplier``); both count the extras spike detection sees (see
``plan.incident_extras``). Windows start on a Monday, as the weeks of spike detection do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

WAREHOUSE_OWN = "Entrepôt Saint-Hyacinthe"
WAREHOUSE_3PL = "LogiPro 3PL (Laval)"


@dataclass(frozen=True)
class PlantedIncident:
    """A spike of one kind of ticket in a window given in days before ``now``."""

    key: str
    description_fr: str
    description_en: str
    problem_types: tuple[str, ...]
    variants: tuple[tuple[str, str, float], ...]  # (problem_type, variant, weight)
    start_days_ago: float
    end_days_ago: float
    multiplier: float
    min_extra: int
    sku: str | None = None
    warehouse: str | None = None
    carrier: str | None = None
    tag: str | None = None

    @property
    def problem_type(self) -> str:
        """The main problem type of the incident."""
        return self.problem_types[0]

    @property
    def dimension(self) -> tuple[str, str]:
        """Where spike detection should find it: (dimension, key), as its alerts name them."""
        if self.sku:
            return "sku", self.sku
        if self.warehouse:
            return "warehouse", self.warehouse
        return "carrier", self.carrier or ""

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The [start, end) of the incident for a demo seeded at ``now`` (naive UTC).

        It starts on the Monday (00:00 UTC, where the weekly counts of spike detection begin)
        of the week ``start_days_ago`` days before ``now``, and lasts ``start_days_ago -
        end_days_ago`` days. Unaligned, a week-long incident would straddle two report weeks
        on most dates, each holding half of it: too little to stand out on some dates."""
        day = now - timedelta(days=self.start_days_ago)
        start = datetime.combine((day - timedelta(days=day.weekday())).date(), time())
        return start, start + timedelta(days=self.start_days_ago - self.end_days_ago)


PLANTED_INCIDENTS: tuple[PlantedIncident, ...] = (
    PlantedIncident(
        key="parka-alize-m-noir-wrong-size",
        description_fr=(
            "Un lot de parkas Alizé noires étiquetées M contient des L : les plaintes « mauvaise "
            "taille » pour PK-ALIZE-M-NOIR triplent pendant une semaine."
        ),
        description_en=(
            "A batch of black Alizé parkas labelled M holds size L: wrong-size complaints for "
            "PK-ALIZE-M-NOIR triple for one week."
        ),
        problem_types=("wrong_item",),
        variants=(("wrong_item", "wrong_size", 1.0),),
        start_days_ago=38,
        end_days_ago=31,
        multiplier=3.0,
        min_extra=12,
        sku="PK-ALIZE-M-NOIR",
        warehouse=WAREHOUSE_OWN,
    ),
    PlantedIncident(
        key="logipro-mis-shipments",
        description_fr=(
            "Le 3PL LogiPro (Laval) mélange des commandes pendant une dizaine de jours : "
            "mauvais articles, mauvaises tailles et articles manquants."
        ),
        description_en=(
            "The LogiPro 3PL (Laval) mixes up orders for about ten days: wrong items, wrong "
            "sizes and missing items."
        ),
        problem_types=("wrong_item",),
        variants=(
            ("wrong_item", "wrong_product", 0.35),
            ("wrong_item", "wrong_size", 0.25),
            ("wrong_item", "wrong_color", 0.15),
            ("wrong_item", "missing_item", 0.25),
        ),
        start_days_ago=24,
        end_days_ago=14,
        multiplier=3.0,
        min_extra=30,
        warehouse=WAREHOUSE_3PL,
        tag="3pl",
    ),
    PlantedIncident(
        key="intelcom-delays",
        description_fr=(
            "Retards de livraison chez Intelcom après une tempête : les demandes de suivi et "
            "les colis bloqués livrés par Intelcom triplent pendant une semaine."
        ),
        description_en=(
            "Intelcom delivery delays after a snowstorm: tracking questions and stuck parcels "
            "shipped with Intelcom triple for one week."
        ),
        problem_types=("order_status", "delivery_problem"),
        variants=(
            ("order_status", "in_transit", 0.6),
            ("delivery_problem", "stuck", 0.4),
        ),
        start_days_ago=12,
        end_days_ago=5,
        multiplier=3.0,
        min_extra=20,
        carrier="Intelcom",
    ),
)
