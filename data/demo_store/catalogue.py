"""Nordet, the fictional Québec winter-clothing store of the demo: its identity and its SKUs.

Each style expands into one product row per size and colour (``PK-ALIZE-M-NOIR``). Popularity
weights say how often a style is bought; ``OUT_OF_STOCK`` and ``FINAL_SALE`` pick the SKUs that
restock questions and clearance items use.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLORS: dict[str, tuple[str, str]] = {
    "NOIR": ("noir", "black"),
    "MARINE": ("marine", "navy"),
    "ROUGE": ("rouge", "red"),
    "GRIS": ("gris", "grey"),
    "VERT": ("vert forêt", "forest green"),
    "CREME": ("crème", "cream"),
    "CHARBON": ("charbon", "charcoal"),
    "BRUN": ("brun", "brown"),
    "BLEU": ("bleu", "blue"),
}


@dataclass(frozen=True)
class Style:
    """One product style; ``my_fr``/``the_fr`` carry the French possessive and article."""

    code: str
    name_fr: str
    name_en: str
    category: str
    my_fr: str  # "ma", "mon" or "mes"
    the_fr: str  # "la", "le", "l'" or "les"
    sizes: tuple[str, ...]
    colors: tuple[str, ...]
    price_cents: int
    popularity: float


STYLES: tuple[Style, ...] = (
    Style(
        "PK-ALIZE",
        "Parka Alizé",
        "Alizé Parka",
        "parkas",
        "ma",
        "la",
        ("S", "M", "L", "XL"),
        ("NOIR", "MARINE"),
        44900,
        9.0,
    ),
    Style(
        "PK-BOREALE",
        "Parka Boréale",
        "Boréale Parka",
        "parkas",
        "ma",
        "la",
        ("XS", "S", "M", "L"),
        ("ROUGE", "NOIR"),
        52900,
        6.0,
    ),
    Style(
        "HN-FLOCON",
        "Habit de neige Flocon (enfant)",
        "Flocon Kids Snowsuit",
        "enfants",
        "mon",
        "l'",
        ("4", "6", "8", "10"),
        ("BLEU",),
        15900,
        3.0,
    ),
    Style(
        "VP-CHICCHOCS",
        "Veste polaire Chic-Chocs",
        "Chic-Chocs Fleece Jacket",
        "polaires",
        "ma",
        "la",
        ("S", "M", "L"),
        ("GRIS", "VERT"),
        11900,
        4.0,
    ),
    Style(
        "TQ-POMPON",
        "Tuque à pompon",
        "Pom-Pom Toque",
        "tuques",
        "ma",
        "la",
        ("TU",),
        ("ROUGE", "GRIS", "MARINE", "CREME"),
        3400,
        7.0,
    ),
    Style(
        "TQ-MERINOS",
        "Tuque en mérinos",
        "Merino Toque",
        "tuques",
        "ma",
        "la",
        ("TU",),
        ("NOIR", "CHARBON"),
        3900,
        3.0,
    ),
    Style(
        "MT-LAINE",
        "Mitaines en laine doublées",
        "Lined Wool Mittens",
        "mitaines",
        "mes",
        "les",
        ("S/M", "L/XL"),
        ("GRIS", "ROUGE"),
        4500,
        5.0,
    ),
    Style(
        "MT-CHAUFF",
        "Mitaines chauffantes",
        "Heated Mittens",
        "mitaines",
        "mes",
        "les",
        ("S/M", "L/XL"),
        ("NOIR",),
        18900,
        3.0,
    ),
    Style(
        "BT-TOUNDRA",
        "Bottes Toundra",
        "Toundra Boots",
        "bottes",
        "mes",
        "les",
        ("7", "8", "9", "10", "11"),
        ("BRUN",),
        22900,
        5.0,
    ),
    Style(
        "BT-VERGLAS",
        "Bottes Verglas",
        "Verglas Boots",
        "bottes",
        "mes",
        "les",
        ("6", "7", "8", "9"),
        ("NOIR",),
        18900,
        3.5,
    ),
    Style(
        "ST-HAUT",
        "Haut thermique en mérinos",
        "Merino Base Layer Top",
        "thermiques",
        "mon",
        "le",
        ("S", "M", "L", "XL"),
        ("NOIR",),
        8900,
        4.0,
    ),
    Style(
        "ST-CALECON",
        "Caleçon long thermique",
        "Thermal Long Johns",
        "thermiques",
        "mon",
        "le",
        ("S", "M", "L", "XL"),
        ("NOIR",),
        7900,
        3.0,
    ),
    Style(
        "CC-POLAIRE",
        "Cache-cou en polaire",
        "Fleece Neck Warmer",
        "accessoires",
        "mon",
        "le",
        ("TU",),
        ("NOIR", "GRIS"),
        2400,
        3.0,
    ),
    Style(
        "CH-CHARLEVOIX",
        "Chandail Charlevoix en tricot",
        "Charlevoix Knit Sweater",
        "chandails",
        "mon",
        "le",
        ("S", "M", "L"),
        ("CREME", "MARINE"),
        12900,
        4.0,
    ),
    Style(
        "BA-LAINE",
        "Bas de laine",
        "Wool Socks",
        "accessoires",
        "mes",
        "les",
        ("M", "L"),
        ("GRIS",),
        2200,
        4.0,
    ),
    Style(
        "PN-TEMPETE",
        "Pantalon de neige Tempête",
        "Tempête Snow Pants",
        "pantalons",
        "mon",
        "le",
        ("S", "M", "L"),
        ("NOIR",),
        17900,
        2.5,
    ),
)

# Clearance items (final sale) and SKUs sold out right now.
FINAL_SALE = frozenset({"TQ-MERINOS-TU-CHARBON", "CH-CHARLEVOIX-S-MARINE", "PN-TEMPETE-S-NOIR"})
OUT_OF_STOCK = frozenset(
    {
        "PK-ALIZE-XL-MARINE",
        "PK-BOREALE-XS-ROUGE",
        "BT-TOUNDRA-11-BRUN",
        "MT-CHAUFF-LXL-NOIR",
        "CH-CHARLEVOIX-M-CREME",
        "HN-FLOCON-10-BLEU",
        "VP-CHICCHOCS-L-VERT",
    }
)

# How a defect is described, per category: (French clause, English clause).
DEFECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "parkas": (
        ("la fermeture éclair a brisé", "the zipper broke"),
        ("une couture est décousue sous le bras", "a seam came apart under the arm"),
        ("le duvet sort par les coutures", "down is leaking through the seams"),
        ("la bordure du capuchon se détache", "the hood trim is coming off"),
    ),
    "enfants": (
        ("la fermeture éclair est brisée", "the zipper is broken"),
        ("le genou est déjà troué", "there is already a hole in the knee"),
    ),
    "polaires": (
        ("le tissu boulotte après un seul lavage", "the fabric is pilling after one wash"),
        ("la fermeture éclair s'est séparée", "the zipper split apart"),
    ),
    "tuques": (
        ("le pompon est tombé", "the pom-pom fell off"),
        ("une maille a filé sur le côté", "a stitch came loose on the side"),
    ),
    "mitaines": (
        ("la couture du pouce a lâché", "the thumb seam gave out"),
        ("la doublure se détache", "the lining is coming loose"),
        ("la batterie ne charge plus", "the battery won't charge anymore"),
    ),
    "bottes": (
        ("la semelle se décolle", "the sole is peeling off"),
        ("elles prennent l'eau dans la slush", "they leak in the slush"),
        ("un œillet du lacet a arraché", "one of the lace eyelets ripped out"),
    ),
    "thermiques": (
        ("la couture de l'entrejambe s'est défaite", "the crotch seam came undone"),
        ("ça a rétréci au premier lavage", "it shrank in the first wash"),
    ),
    "accessoires": (
        ("il y a déjà un trou", "there's already a hole"),
        ("les coutures se défont", "the seams are coming apart"),
    ),
    "chandails": (
        ("une maille a filé sur la manche", "a stitch unravelled on the sleeve"),
        ("ça boulotte déjà", "it's already pilling"),
    ),
    "pantalons": (
        ("la fermeture de la jambe est brisée", "the leg zipper is broken"),
        ("la couture de la poche est décousue", "the pocket seam came apart"),
    ),
}


def sku_of(style: str, size: str, color: str) -> str:
    return f"{style}-{size.replace('/', '')}-{color}"


def slug(text: str) -> str:
    """A URL slug of a style name ("Parka Alizé" → "parka-alize")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in ascii_text)
    return "-".join(part for part in out.split("-") if part)


def build_products(first_id: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per SKU, in catalogue order, ids from ``first_id``; also the helper columns
    (style index, popularity, phrases) that the generator uses but does not store."""
    rows = []
    for style_index, style in enumerate(STYLES):
        for size in style.sizes:
            for color in style.colors:
                sku = sku_of(style.code, size, color)
                color_fr, color_en = COLORS[color]
                first_size = size == style.sizes[len(style.sizes) // 2]
                rows.append(
                    {
                        "sku": sku,
                        "style": style.code,
                        "name_fr": style.name_fr,
                        "name_en": style.name_en,
                        "category": style.category,
                        "size": size,
                        "color_fr": color_fr,
                        "color_en": color_en,
                        "price_cents": style.price_cents,
                        "final_sale": sku in FINAL_SALE,
                        "_style_index": style_index,
                        # Middle sizes and the first colour sell best.
                        "_weight": style.popularity
                        * (1.6 if first_size else 1.0)
                        * (1.4 if color == style.colors[0] else 1.0)
                        / (len(style.sizes) * len(style.colors)) ** 0.5,
                    }
                )
    products = pd.DataFrame(rows)
    products.insert(0, "id", np.arange(first_id, first_id + len(products), dtype=np.int64))
    stock = rng.integers(4, 140, len(products)).astype(np.int32)
    stock[products["sku"].isin(OUT_OF_STOCK).to_numpy()] = 0
    products["stock"] = stock
    products.loc[products["final_sale"], "price_cents"] = (
        products.loc[products["final_sale"], "price_cents"] * 0.6 // 100 * 100 + 99
    ).astype(np.int64)
    return products
