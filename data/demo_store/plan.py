"""What each demo ticket is about, before any text is written: when it arrives, on which
channel, its problem type and variant, its customer, and the product it is about.

Volume follows the hour of the week of each channel (``clock.hourly_weights``). The planted
incidents add their extra tickets inside their windows; everything else is background.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.demo_store.catalogue import COLORS, OUT_OF_STOCK, STYLES
from data.demo_store.clock import HOUR, hourly_weights
from data.demo_store.incidents import WAREHOUSE_3PL, PlantedIncident
from data.demo_store.people import ON, PROVINCES, QC
from widget_api.contracts.taxonomy import PROBLEM_TYPES
from widget_api.storage.analytics import INCIDENT_TYPES

TYPE_SHARE = np.array([0.25, 0.11, 0.14, 0.08, 0.07, 0.06, 0.05, 0.06, 0.10, 0.05, 0.03])

VARIANTS: dict[str, tuple[tuple[str, float], ...]] = {
    "order_status": (("not_shipped", 0.35), ("in_transit", 0.65)),
    "delivery_problem": (("not_received", 0.35), ("damaged", 0.2), ("stuck", 0.3), ("rts", 0.15)),
    "return_request": (("exchange", 0.45), ("refund", 0.55)),
    "refund_status": (("waiting", 0.8), ("wrong_amount", 0.2)),
    "wrong_item": (
        ("wrong_size", 0.45),
        ("wrong_color", 0.2),
        ("missing_item", 0.2),
        ("wrong_product", 0.15),
    ),
    "defective_product": (("defect", 1.0),),
    "address_change": (("before_ship", 0.5), ("wrong_postal", 0.25), ("missing_apt", 0.25)),
    "order_change": (("cancel", 0.5), ("modify", 0.5)),
    "product_question": (("sizing", 0.4), ("restock", 0.3), ("material", 0.3)),
    "billing": (("double_charge", 0.3), ("promo", 0.25), ("invoice", 0.3), ("declined", 0.15)),
    "other": (("compliment", 0.4), ("partnership", 0.2), ("job", 0.15), ("feedback", 0.25)),
}
KEYS = tuple(f"{t}/{v}" for t in PROBLEM_TYPES for v, _ in VARIANTS[t])

CHANNELS = ("email", "chat", "web", "amazon", "etsy", "sms", "instagram")
CHANNEL_SHARE = np.array([0.31, 0.27, 0.15, 0.09, 0.04, 0.05, 0.09])
SHORT_CHANNELS = frozenset({"chat", "sms", "instagram"})
MARKETPLACES = frozenset({"amazon", "etsy"})

# How much more (or less) often each problem type comes through a channel.
_CHANNEL_FACTORS: dict[str, dict[str, float]] = {
    "chat": {"product_question": 2.0, "order_status": 1.1, "refund_status": 0.8, "billing": 0.8},
    "instagram": {
        "product_question": 2.5, "other": 2.5, "refund_status": 0.5, "billing": 0.4,
        "address_change": 0.6,
    },
    "sms": {"order_status": 1.5, "address_change": 1.5, "product_question": 0.6},
    "amazon": {
        "order_status": 1.4, "delivery_problem": 1.3, "return_request": 1.3,
        "product_question": 0.3, "other": 0.2, "order_change": 0.6, "billing": 0.4,
        "address_change": 0.5,
    },
    "etsy": {
        "order_status": 1.3, "return_request": 1.2, "product_question": 0.6, "billing": 0.4,
        "address_change": 0.6,
    },
    "email": {"billing": 1.4, "refund_status": 1.3, "defective_product": 1.2},
}  # fmt: skip


def type_mix(channel: str) -> np.ndarray:
    """P(problem type | channel)."""
    factors = _CHANNEL_FACTORS.get(channel, {})
    mix = TYPE_SHARE * np.array([factors.get(t, 1.0) for t in PROBLEM_TYPES])
    return mix / mix.sum()


def marginal_key_share() -> dict[str, float]:
    """P(problem type/variant) over all channels."""
    share = sum(CHANNEL_SHARE[c] * type_mix(ch) for c, ch in enumerate(CHANNELS))
    out = {}
    for t_index, t in enumerate(PROBLEM_TYPES):
        total = sum(w for _, w in VARIANTS[t])
        for v, w in VARIANTS[t]:
            out[f"{t}/{v}"] = float(share[t_index] * w / total)
    return out


@dataclass
class TicketPlan:
    """Column arrays, one row per ticket, sorted by arrival time."""

    t0: np.ndarray  # int64 seconds
    channel: np.ndarray  # str
    ptype: np.ndarray  # str
    variant: np.ndarray  # str
    key: np.ndarray  # "ptype/variant"
    incident: np.ndarray  # incident key or ""
    product: np.ndarray  # index into the products frame
    warehouse: np.ndarray  # forced warehouse or None
    carrier: np.ndarray  # forced carrier or None
    # Filled in by ``_related_products`` and ``assign_customers``:
    other_size: np.ndarray | None = None
    other_color_fr: np.ndarray | None = None
    other_color_en: np.ndarray | None = None
    other_product: np.ndarray | None = None  # index into the products frame
    customer: np.ndarray | None = None  # index into the people frame

    def __len__(self) -> int:
        return len(self.t0)


def _sample_times(
    rng: np.random.Generator, channel: str, n: int, start_s: int, lo: int, hi: int, weights
) -> np.ndarray:
    w = weights[channel][lo:hi]
    slot = lo + rng.choice(hi - lo, size=n, p=w / w.sum())
    return start_s + slot.astype(np.int64) * HOUR + rng.integers(0, HOUR, n)


def _variants(rng: np.random.Generator, ptype: np.ndarray) -> np.ndarray:
    out = np.empty(len(ptype), dtype=object)
    for t in PROBLEM_TYPES:
        rows = np.flatnonzero(ptype == t)
        names = np.array([v for v, _ in VARIANTS[t]], dtype=object)
        weights = np.array([w for _, w in VARIANTS[t]])
        out[rows] = names[rng.choice(len(names), size=len(rows), p=weights / weights.sum())]
    return out


def incident_extras(
    incidents: list[tuple[PlantedIncident, int, int]],
    tickets: int,
    products: pd.DataFrame,
    start_s: int,
    hours: int,
    weights: dict[str, np.ndarray],
) -> list[int]:
    """How many extra tickets each incident gets (see the ``incidents`` module docstring).

    The background is what spike detection will count: tickets of the incident's problem
    types that detection follows (``INCIDENT_TYPES``: not ``order_status``) whose order
    contains the SKU, was shipped from the warehouse, or went with the carrier. Extras of a
    type detection does not follow, or left unclassified, are not counted either: the total
    is scaled up so that the counted extras reach their share (and ``min_extra``)."""
    shares = marginal_key_share()
    total_weight = sum(
        CHANNEL_SHARE[c] * weights[ch] / weights[ch].sum() for c, ch in enumerate(CHANNELS)
    )
    prov_w = np.array([p.weight for p in PROVINCES])
    p_intelcom = (
        prov_w[QC] * CARRIER_MIX["QC"]["Intelcom"] + prov_w[ON] * CARRIER_MIX["ON"]["Intelcom"]
    ) / prov_w.sum()
    popularity = products["_weight"].to_numpy() / products["_weight"].sum()
    out = []
    for inc, win_start, win_end in incidents:
        lo = max(0, int((win_start - start_s) // HOUR))
        hi = min(hours, int((win_end - start_s) // HOUR))
        in_window = float(total_weight[lo:hi].sum())
        p = 0.0
        for key, share in shares.items():
            ptype = key.split("/")[0]
            if ptype not in inc.problem_types or ptype not in INCIDENT_TYPES:
                continue
            if inc.sku is not None:
                x = int(np.flatnonzero(products["sku"].to_numpy() == inc.sku)[0])
                share *= focus_weights(key, products)[x] + extra_lines(key) * popularity[x]
            if inc.warehouse == WAREHOUSE_3PL:
                share *= SHARE_3PL
            if inc.carrier is not None:
                share *= p_intelcom * 0.93  # the shipped ones
            p += share
        counted = CLASSIFIED_SHARE * sum(w for t, _, w in inc.variants if t in INCIDENT_TYPES)
        counted /= sum(w for _, _, w in inc.variants)
        extra = max(inc.min_extra, (inc.multiplier - 1.0) * tickets * p * in_window)
        out.append(round(extra / counted))
    return out


CLASSIFIED_SHARE = 0.95  # tickets given a problem type (see ``tables``)


SHARE_3PL = 0.35  # orders shipped by LogiPro
SINGLE_LINE_SHARE = {"wrong_item": 0.7}  # orders with one line only (default 0.5)
TWO_EXTRA_SHARE = 0.3  # of the orders with more than one line, those with three


def extra_lines(key: str) -> float:
    """Expected number of order lines besides the ticket's product (see ``orders._lines``)."""
    single = SINGLE_LINE_SHARE.get(key.split("/")[0], 0.5)
    if key == "wrong_item/missing_item":  # the missing item is always on the order
        return single * 1.0 + (1 - single) * (1 + TWO_EXTRA_SHARE)
    return (1 - single) * (1 + TWO_EXTRA_SHARE)


# Carrier shares by destination: Québec has the regional couriers.
CARRIER_MIX: dict[str, dict[str, float]] = {
    "QC": {"Postes Canada": 0.35, "Intelcom": 0.25, "Purolator": 0.15, "Nationex": 0.15,
           "UPS": 0.10},
    "ON": {"Postes Canada": 0.5, "Purolator": 0.22, "UPS": 0.2, "Intelcom": 0.08},
    "other": {"Postes Canada": 0.55, "Purolator": 0.25, "UPS": 0.2},
}  # fmt: skip


def plan_tickets(
    rng: np.random.Generator,
    tickets: int,
    start_s: int,
    now_s: int,
    products: pd.DataFrame,
    incidents: list[tuple[PlantedIncident, int, int]],
) -> tuple[TicketPlan, dict[str, int]]:
    """Arrival time, channel, type, variant and product of every ticket, sorted by time."""
    hours = int((now_s - start_s) // HOUR)
    weights = {ch: hourly_weights(start_s, hours, ch) for ch in CHANNELS}
    extras = incident_extras(incidents, tickets, products, start_s, hours, weights)
    if sum(extras) > tickets // 4:  # a tiny demo: shrink the incidents, keep their shape
        scale = (tickets // 4) / max(sum(extras), 1)
        extras = [int(e * scale) for e in extras]
    n_bg = tickets - sum(extras)

    parts: list[dict[str, np.ndarray]] = []
    channel = np.array(CHANNELS, dtype=object)[
        rng.choice(len(CHANNELS), size=n_bg, p=CHANNEL_SHARE / CHANNEL_SHARE.sum())
    ]
    t0 = np.empty(n_bg, dtype=np.int64)
    ptype = np.empty(n_bg, dtype=object)
    for ch in CHANNELS:
        rows = np.flatnonzero(channel == ch)
        t0[rows] = _sample_times(rng, ch, len(rows), start_s, 0, hours, weights)
        mix = type_mix(ch)
        ptype[rows] = np.array(PROBLEM_TYPES, dtype=object)[rng.choice(len(mix), len(rows), p=mix)]
    parts.append(
        {
            "t0": t0,
            "channel": channel,
            "ptype": ptype,
            "variant": _variants(rng, ptype),
            "incident": np.full(n_bg, "", dtype=object),
            "sku": np.full(n_bg, None, dtype=object),
            "warehouse": np.full(n_bg, None, dtype=object),
            "carrier": np.full(n_bg, None, dtype=object),
        }
    )
    direct = np.array([0, 1, 2, 5, 6])  # e-mail, chat, web, SMS, Instagram
    direct_share = CHANNEL_SHARE[direct] / CHANNEL_SHARE[direct].sum()
    for (inc, win_start, win_end), n in zip(incidents, extras, strict=True):
        if n <= 0:
            continue
        lo = max(0, int((win_start - start_s) // HOUR))
        hi = min(hours, int((win_end - start_s) // HOUR))
        ch_idx = direct[rng.choice(len(direct), size=n, p=direct_share)]
        ch = np.array(CHANNELS, dtype=object)[ch_idx]
        t = np.empty(n, dtype=np.int64)
        for c in sorted(set(ch.tolist())):
            rows = np.flatnonzero(ch == c)
            t[rows] = _sample_times(rng, c, len(rows), start_s, lo, hi, weights)
        w = np.array([x[2] for x in inc.variants])
        pick = rng.choice(len(w), size=n, p=w / w.sum())
        parts.append(
            {
                "t0": t,
                "channel": ch,
                "ptype": np.array([x[0] for x in inc.variants], dtype=object)[pick],
                "variant": np.array([x[1] for x in inc.variants], dtype=object)[pick],
                "incident": np.full(n, inc.key, dtype=object),
                "sku": np.full(n, inc.sku, dtype=object),
                "warehouse": np.full(n, inc.warehouse, dtype=object),
                "carrier": np.full(n, inc.carrier, dtype=object),
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((np.arange(len(cols["t0"])), cols["t0"]))
    cols = {k: v[order] for k, v in cols.items()}
    key = np.array(
        [f"{t}/{v}" for t, v in zip(cols["ptype"], cols["variant"], strict=True)], dtype=object
    )
    plan = TicketPlan(
        t0=cols["t0"],
        channel=cols["channel"],
        ptype=cols["ptype"],
        variant=cols["variant"],
        key=key,
        incident=cols["incident"],
        product=_focus_products(rng, key, cols["sku"], products),
        warehouse=cols["warehouse"],
        carrier=cols["carrier"],
    )
    _related_products(rng, plan, products)
    return plan, {inc.key: n for (inc, _, _), n in zip(incidents, extras, strict=True)}


def focus_weights(key: str, products: pd.DataFrame) -> np.ndarray:
    """P(the ticket is about each product | problem type/variant)."""
    weight = products["_weight"].to_numpy()
    multi_size = products["_multi_size"].to_numpy()
    final = products["final_sale"].to_numpy()
    eligible = {
        "return_request/exchange": multi_size & ~final,
        "wrong_item/wrong_size": multi_size,
        "order_change/modify": multi_size,
        "product_question/sizing": multi_size,
        "wrong_item/wrong_color": products["_multi_color"].to_numpy(),
        "return_request/refund": ~final,
    }
    if key == "product_question/restock":
        w = products["sku"].isin(OUT_OF_STOCK).to_numpy().astype(float)
    else:
        w = np.where(eligible.get(key, np.ones(len(products), dtype=bool)), weight, 0.0)
    return w / w.sum()


def _focus_products(
    rng: np.random.Generator, key: np.ndarray, forced_sku: np.ndarray, products: pd.DataFrame
) -> np.ndarray:
    """The product each ticket is about, drawn among the products that make sense for it."""
    out = np.empty(len(key), dtype=np.int64)
    for k in sorted(set(key.tolist())):
        rows = np.flatnonzero(key == k)
        p = focus_weights(k, products)
        out[rows] = rng.choice(len(p), size=len(rows), p=p)
    sku_index = pd.Series(np.arange(len(products)), index=products["sku"].to_numpy())
    forced = np.flatnonzero(pd.notna(forced_sku))
    if len(forced):
        out[forced] = sku_index.loc[forced_sku[forced]].to_numpy()
    return out


def _related_products(rng: np.random.Generator, plan: TicketPlan, products: pd.DataFrame) -> None:
    """The other size, other colour and other product each ticket may mention."""
    n = len(plan)
    p = plan.product
    bigger = products["_bigger"].to_numpy()[p]
    smaller = products["_smaller"].to_numpy()[p]
    size = products["size"].to_numpy()[p]
    # A size exchange is usually for the next size up; a wrong size is either way.
    up = rng.random(n) < np.where(plan.variant == "exchange", 0.8, 0.5)
    up |= plan.incident == "parka-alize-m-noir-wrong-size"  # labelled M, really L
    other = np.where(up, bigger, smaller)
    other = np.where(pd.isna(other), np.where(pd.isna(bigger), smaller, bigger), other)
    plan.other_size = np.where(pd.isna(other), size, other)
    plan.other_color_fr = products["_other_color_fr"].to_numpy()[p]
    plan.other_color_en = products["_other_color_en"].to_numpy()[p]
    # Another style entirely, by popularity.
    w = products["_weight"].to_numpy()
    style = products["_style_index"].to_numpy()
    other_p = rng.choice(len(w), size=n, p=w / w.sum())
    clash = style[other_p] == style[p]
    while clash.any():
        other_p[clash] = rng.choice(len(w), size=int(clash.sum()), p=w / w.sum())
        clash = style[other_p] == style[p]
    plan.other_product = other_p


def product_helpers(products: pd.DataFrame) -> pd.DataFrame:
    """Add the helper columns ``plan`` needs: neighbour sizes, another colour, flags."""
    bigger, smaller, ofr, oen, msize, mcolor = [], [], [], [], [], []
    for style_index, size, color_fr in zip(
        products["_style_index"], products["size"], products["color_fr"], strict=True
    ):
        style = STYLES[style_index]
        r = style.sizes.index(size)
        bigger.append(style.sizes[r + 1] if r + 1 < len(style.sizes) else None)
        smaller.append(style.sizes[r - 1] if r > 0 else None)
        colors = [COLORS[c] for c in style.colors]
        others = [c for c in colors if c[0] != color_fr] or [
            c for c in (COLORS["GRIS"], COLORS["NOIR"]) if c[0] != color_fr
        ]
        ofr.append(others[0][0])
        oen.append(others[0][1])
        msize.append(len(style.sizes) > 1)
        mcolor.append(len(style.colors) > 1)
    out = products.copy()
    out["_bigger"] = pd.array(bigger, dtype=object)
    out["_smaller"] = pd.array(smaller, dtype=object)
    out["_other_color_fr"] = ofr
    out["_other_color_en"] = oen
    out["_multi_size"] = msize
    out["_multi_color"] = mcolor
    return out


def assign_customers(rng: np.random.Generator, plan: TicketPlan, people: pd.DataFrame) -> None:
    """Give each ticket a customer: every customer gets at least one ticket when there are
    enough tickets, and some customers write again and again."""
    n_t, n_c = len(plan), len(people)
    customer = np.empty(n_t, dtype=np.int64)
    first = rng.permutation(n_t)[: min(n_t, n_c)]
    customer[first] = rng.permutation(n_c)[: len(first)]
    rest = np.setdiff1d(np.arange(n_t), first, assume_unique=True)
    customer[rest] = (n_c * rng.random(len(rest)) ** 2).astype(np.int64)
    # Intelcom only serves Québec and Ontario; the apartment towers are there too.
    province = people["province"].to_numpy()
    needs_qc_on = (plan.carrier == "Intelcom") | (plan.variant == "missing_apt")
    eligible = np.flatnonzero((province == QC) | (province == ON))
    bad = np.flatnonzero(needs_qc_on & ~np.isin(province[customer], [QC, ON]))
    customer[bad] = eligible[rng.integers(0, len(eligible), len(bad))]
    plan.customer = customer
