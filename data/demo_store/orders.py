"""Orders and order lines of the demo store: taxes, warehouses, carriers, tracking, addresses,
and a fulfilment status that agrees with the dates and with the ticket about the order.

Taxes are on (subtotal − discount + shipping), rounded half up to the cent: GST 5 % + QST
9.975 % in Québec; HST 13 % in Ontario, 14 % in Nova Scotia, 15 % in the other Atlantic
provinces (in ``gst_cents``); GST + PST in British Columbia, Manitoba and Saskatchewan (PST in
``qst_cents``); GST alone in Alberta.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.demo_store.clock import DAY, HOUR, MINUTE, NEVER, business_add, to_daytime
from data.demo_store.incidents import WAREHOUSE_3PL, WAREHOUSE_OWN
from data.demo_store.people import ON, PROVINCES, QC, TOWERS, object_frame, wrong_postal_codes
from data.demo_store.plan import (
    CARRIER_MIX,
    SHARE_3PL,
    SINGLE_LINE_SHARE,
    TWO_EXTRA_SHARE,
    TicketPlan,
)

CARRIERS = ("Postes Canada", "Purolator", "UPS", "Intelcom", "Nationex")
CARRIER_EN = {"Postes Canada": "Canada Post"}
PROMO_CODES = (("HIVER15", 15), ("BIENVENUE10", 10), ("NORDET20", 20), ("FROID10", 10))
FREE_SHIPPING_FROM = 9900
SHIPPING_CENTS = 1295

# How the order stood when the ticket arrived, per problem type/variant.
PRESHIP, TRANSIT, RTS, ADDRESS_EXCEPTION, DELIVERED_RECENTLY, DELIVERED, REFUND, NO_ORDER = range(8)
TIMELINE: dict[str, int] = {
    "order_status/not_shipped": PRESHIP,
    "order_status/in_transit": TRANSIT,
    "delivery_problem/not_received": DELIVERED_RECENTLY,
    "delivery_problem/damaged": DELIVERED_RECENTLY,
    "delivery_problem/stuck": TRANSIT,
    "delivery_problem/rts": RTS,
    "return_request/exchange": DELIVERED,
    "return_request/refund": DELIVERED,
    "refund_status/waiting": REFUND,
    "refund_status/wrong_amount": REFUND,
    "wrong_item/wrong_size": DELIVERED_RECENTLY,
    "wrong_item/wrong_color": DELIVERED_RECENTLY,
    "wrong_item/missing_item": DELIVERED_RECENTLY,
    "wrong_item/wrong_product": DELIVERED_RECENTLY,
    "defective_product/defect": DELIVERED,
    "address_change/before_ship": PRESHIP,
    "address_change/wrong_postal": ADDRESS_EXCEPTION,
    "address_change/missing_apt": ADDRESS_EXCEPTION,
    "order_change/cancel": PRESHIP,
    "order_change/modify": PRESHIP,
    "product_question/sizing": NO_ORDER,
    "product_question/restock": NO_ORDER,
    "product_question/material": NO_ORDER,
    "billing/double_charge": PRESHIP,
    "billing/promo": PRESHIP,
    "billing/invoice": DELIVERED,
    "billing/declined": NO_ORDER,
    "other/compliment": NO_ORDER,
    "other/partnership": NO_ORDER,
    "other/job": NO_ORDER,
    "other/feedback": NO_ORDER,
}


def tracking_url(carrier: str, number: str, lang: str) -> str:
    if carrier == "Postes Canada":
        return f"https://www.canadapost-postescanada.ca/track-reperage/{lang}#/details/{number}"
    if carrier == "Purolator":
        return f"https://www.purolator.com/{lang}/shipping/tracker?pin={number}"
    if carrier == "UPS":
        return f"https://www.ups.com/track?loc={lang}_CA&tracknum={number}"
    if carrier == "Intelcom":
        page = "suivi-de-colis" if lang == "fr" else "track-a-package"
        return f"https://intelcom.ca/{lang}/{page}/?tracking-id={number}"
    return f"https://www.nationex.com/{lang}/suivi/?tracking={number}"


def tracking_numbers(rng: np.random.Generator, carrier: np.ndarray, warehouse: np.ndarray):
    """A tracking number in each carrier's own format."""
    n = len(carrier)
    a = rng.integers(0, 10**8, n)
    b = rng.integers(0, 10**8, n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        c = carrier[i]
        if c == "Postes Canada":
            out[i] = f"70{a[i]:08d}{b[i] % 10**6:06d}"
        elif c == "Purolator":
            out[i] = f"33{a[i]:08d}{b[i] % 100:02d}"
        elif c == "UPS":
            shipper = "8R4W19" if warehouse[i] == WAREHOUSE_OWN else "A62F07"
            out[i] = f"1Z{shipper}20{a[i]:08d}"
        elif c == "Intelcom":
            out[i] = f"INTLCMD{a[i]:08d}{b[i] % 10:01d}"
        else:
            out[i] = f"0{b[i]:08d}{a[i] % 100:02d}"
    return out


def draw_logistics(
    rng: np.random.Generator, plan: TicketPlan, province: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The warehouse and carrier of each ticket's order (forced by incidents where planted)."""
    n = len(plan)
    warehouse = np.where(rng.random(n) < SHARE_3PL, WAREHOUSE_3PL, WAREHOUSE_OWN).astype(object)
    forced = pd.notna(plan.warehouse)
    warehouse[forced] = plan.warehouse[forced]
    carrier = draw_carriers(rng, province)
    forced = pd.notna(plan.carrier)
    carrier[forced] = plan.carrier[forced]
    return warehouse, carrier


def draw_carriers(rng: np.random.Generator, province: np.ndarray) -> np.ndarray:
    out = np.empty(len(province), dtype=object)
    for region, mask in (
        ("QC", province == QC),
        ("ON", province == ON),
        ("other", (province != QC) & (province != ON)),
    ):
        rows = np.flatnonzero(mask)
        names = np.array(list(CARRIER_MIX[region]), dtype=object)
        w = np.array(list(CARRIER_MIX[region].values()))
        out[rows] = names[rng.choice(len(w), size=len(rows), p=w / w.sum())]
    return out


def _transit(rng: np.random.Generator, carrier: np.ndarray, province: np.ndarray) -> np.ndarray:
    low = np.where(province == QC, 1.0, np.where(province == ON, 1.5, 3.0))
    days = low + rng.random(len(carrier)) * np.where(province == QC, 2.0, 3.0)
    days *= np.where(carrier == "Postes Canada", 1.2, 1.0)
    return (days * DAY).astype(np.int64)


def _processing(rng: np.random.Generator, warehouse: np.ndarray) -> np.ndarray:
    hours = np.where(
        warehouse == WAREHOUSE_3PL,
        rng.uniform(12, 72, len(warehouse)),
        rng.uniform(6, 48, len(warehouse)),
    )
    return (hours * HOUR).astype(np.int64)


@dataclass
class OrderDraft:
    """Orders before ids: one per ticket that has one, then the orders without a ticket."""

    frame: pd.DataFrame  # one row per order
    lines: pd.DataFrame  # order_index, product index, quantity
    ticket_order: np.ndarray  # per ticket: index into frame, or -1


def build_orders(
    rng: np.random.Generator,
    plan: TicketPlan,
    people: pd.DataFrame,
    products: pd.DataFrame,
    warehouse: np.ndarray,
    carrier: np.ndarray,
    resolution: np.ndarray,
    total_orders: int,
    start_s: int,
    now_s: int,
) -> OrderDraft:
    timeline = np.array([TIMELINE[k] for k in plan.key])
    has_order = timeline != NO_ORDER
    # A tenth of product questions come from past customers quoting an earlier order.
    has_order |= (plan.ptype == "product_question") & (rng.random(len(plan)) < 0.1)
    timeline = np.where(has_order & (timeline == NO_ORDER), DELIVERED, timeline)
    t_rows = np.flatnonzero(has_order)
    n_t = len(t_rows)
    n_extra = max(0, total_orders - n_t)

    # -- orders of tickets: dates worked back from the ticket --------------------------------
    t0 = plan.t0[t_rows]
    tl = timeline[t_rows]
    res = resolution[t_rows]
    wh = warehouse[t_rows]
    cr = carrier[t_rows]
    cust = plan.customer[t_rows]
    prov = people["province"].to_numpy()[cust]
    variant = plan.variant[t_rows]
    proc = _processing(rng, wh)
    transit = _transit(rng, cr, prov)
    u = rng.random(n_t)
    placed = np.empty(n_t, dtype=np.int64)
    ship = np.full(n_t, NEVER, dtype=np.int64)
    deliver = np.full(n_t, NEVER, dtype=np.int64)
    rts_at = np.full(n_t, NEVER, dtype=np.int64)
    exc_at = np.full(n_t, NEVER, dtype=np.int64)
    cancel_at = np.full(n_t, NEVER, dtype=np.int64)

    m = tl == PRESHIP
    lag_days = np.select(
        [
            variant == "not_shipped",
            variant == "before_ship",
            variant == "cancel",
            variant == "modify",
        ],
        [1.0 + 4.0 * u, 0.02 + 0.8 * u, 0.005 + 0.5 * u, 0.005 + 0.5 * u],
        default=0.01 + 1.2 * u,
    )
    placed[m] = t0[m] - (lag_days[m] * DAY).astype(np.int64)
    ship[m] = t0[m] + rng.integers(3 * HOUR, 40 * HOUR, int(m.sum()))
    cancelled = m & (variant == "cancel") & (res < NEVER)
    ship[cancelled] = NEVER
    cancel_at[cancelled] = res[cancelled]
    deliver[m] = np.where(ship[m] < NEVER, ship[m] + transit[m], NEVER)

    m = tl == TRANSIT
    late = plan.carrier[t_rows] == "Intelcom"  # planted delays run longer
    ago = np.where(late, rng.uniform(4, 10, n_t), rng.uniform(2, 8, n_t))
    ship[m] = t0[m] - (ago[m] * DAY).astype(np.int64)
    deliver[m] = t0[m] + (rng.uniform(0.5, 4.0, int(m.sum())) * DAY).astype(np.int64)
    placed[m] = ship[m] - proc[m]

    m = tl == RTS
    ship[m] = t0[m] - (rng.uniform(4, 10, int(m.sum())) * DAY).astype(np.int64)
    rts_at[m] = t0[m] - rng.integers(2 * HOUR, 2 * DAY, int(m.sum()))
    placed[m] = ship[m] - proc[m]

    m = tl == ADDRESS_EXCEPTION
    ship[m] = t0[m] - (rng.uniform(1, 4, int(m.sum())) * DAY).astype(np.int64)
    exc_at[m] = t0[m] - rng.integers(1 * HOUR, 20 * HOUR, int(m.sum()))
    placed[m] = ship[m] - proc[m]
    fixed = m & (res < NEVER)
    deliver[fixed] = res[fixed] + (rng.uniform(1, 3, int(fixed.sum())) * DAY).astype(np.int64)

    m = np.isin(tl, [DELIVERED_RECENTLY, DELIVERED, REFUND])
    gap_days = np.select(
        [
            tl == DELIVERED_RECENTLY,
            plan.ptype[t_rows] == "defective_product",
            plan.ptype[t_rows] == "billing",
            tl == REFUND,
        ],
        [0.05 + 2.9 * u, 3 + 45 * u, 0.2 + 15 * u, 10 + 18 * u],
        default=1 + 24 * u,
    )
    deliver[m] = t0[m] - (gap_days[m] * DAY).astype(np.int64)
    ship[m] = deliver[m] - transit[m]
    placed[m] = ship[m] - proc[m]

    # Squeeze the chains that would start before the demo span (the first days only).
    earliest = start_s + 10 * MINUTE
    squeeze = np.clip((t0 - earliest) / np.maximum(t0 - placed, 1), 0.0, 1.0)
    for arr in (placed, ship, deliver, rts_at, exc_at):
        before_t0 = arr < t0
        arr[:] = np.where(before_t0, t0 - ((t0 - arr) * squeeze).astype(np.int64), arr)

    # -- orders without a ticket: placed any time, delivered on their own -----------------
    e_cust = (len(people) * rng.random(n_extra)).astype(np.int64)
    e_prov = people["province"].to_numpy()[e_cust]
    e_wh = np.where(rng.random(n_extra) < SHARE_3PL, WAREHOUSE_3PL, WAREHOUSE_OWN).astype(object)
    e_cr = draw_carriers(rng, e_prov)
    e_placed = start_s + rng.integers(0, now_s - start_s, n_extra)
    e_ship = business_add(e_placed, (rng.uniform(2, 14, n_extra) * HOUR).astype(np.int64))
    e_ship = e_ship + np.where(e_wh == WAREHOUSE_3PL, rng.integers(0, 12 * HOUR, n_extra), 0)
    e_deliver = to_daytime(e_ship + _transit(rng, e_cr, e_prov), rng)

    ticket_deliver_free = np.isin(tl, [PRESHIP]) & (deliver < NEVER)
    deliver[ticket_deliver_free] = to_daytime(deliver[ticket_deliver_free], rng)
    frame = object_frame(
        {
            "customer": np.concatenate([cust, e_cust]),
            "placed": np.concatenate([placed, e_placed]),
            "ship": np.concatenate([ship, e_ship]),
            "deliver": np.concatenate([deliver, e_deliver]),
            "rts_at": np.concatenate([rts_at, np.full(n_extra, NEVER)]),
            "exc_at": np.concatenate([exc_at, np.full(n_extra, NEVER)]),
            "cancel_at": np.concatenate([cancel_at, np.full(n_extra, NEVER)]),
            "warehouse": np.concatenate([wh, e_wh]),
            "carrier": np.concatenate([cr, e_cr]),
            "ticket": np.concatenate([t_rows, np.full(n_extra, -1)]),
        }
    )
    frame["variant"] = pd.Series(
        np.concatenate([variant, np.full(n_extra, "", dtype=object)]), dtype=object
    )
    frame["ptype"] = pd.Series(
        np.concatenate([plan.ptype[t_rows], np.full(n_extra, "", dtype=object)]), dtype=object
    )
    frame["resolution"] = np.concatenate([res, np.full(n_extra, NEVER)])
    channel = np.full(len(frame), "web", dtype=object)
    t_channel = plan.channel[t_rows]
    channel[:n_t] = np.where(np.isin(t_channel, ["amazon", "etsy"]), t_channel, "web")
    market = rng.random(n_extra)
    channel[n_t:] = np.where(market < 0.1, "amazon", np.where(market < 0.15, "etsy", "web"))
    frame["channel"] = pd.Series(channel, dtype=object)

    lines = _lines(rng, plan, t_rows, products, n_extra)
    ticket_order = np.full(len(plan), -1, dtype=np.int64)
    ticket_order[t_rows] = np.arange(n_t)
    return OrderDraft(frame, lines, ticket_order)


def _lines(rng, plan: TicketPlan, t_rows: np.ndarray, products: pd.DataFrame, n_extra: int):
    """Line items: the ticket's product first, then 0–2 others (the missing item among them)."""
    n_t = len(t_rows)
    n = n_t + n_extra
    w = products["_weight"].to_numpy()
    p = w / w.sum()
    first = rng.choice(len(w), size=n, p=p)
    first[:n_t] = plan.product[t_rows]
    single = np.array([SINGLE_LINE_SHARE.get(t, 0.5) for t in plan.ptype[t_rows]])
    extra_count = np.where(
        rng.random(n) < np.concatenate([single, np.full(n_extra, 0.45)]),
        0,
        np.where(rng.random(n) < 1 - TWO_EXTRA_SHARE, 1, 2),
    )
    missing = plan.variant[t_rows] == "missing_item"
    extra_count[:n_t][missing] = np.maximum(extra_count[:n_t][missing], 1)
    order_idx = [np.arange(n)]
    product = [first]
    for k in (1, 2):
        has = np.flatnonzero(extra_count >= k)
        order_idx.append(has)
        chosen = rng.choice(len(w), size=len(has), p=p)
        if k == 1:
            in_tickets = has < n_t
            miss_rows = has[in_tickets][missing[has[in_tickets]]]
            chosen_map = dict(zip(has.tolist(), range(len(has)), strict=True))
            for r in miss_rows:
                chosen[chosen_map[int(r)]] = plan.other_product[t_rows[r]]
        product.append(chosen)
    lines = pd.DataFrame({"order": np.concatenate(order_idx), "product": np.concatenate(product)})
    lines = lines.drop_duplicates(["order", "product"], keep="first")
    small = products["category"].to_numpy()[lines["product"].to_numpy()]
    lines["quantity"] = np.where(
        np.isin(small, ["tuques", "accessoires"]) & (rng.random(len(lines)) < 0.3), 2, 1
    )
    return lines.sort_values(["order"], kind="stable").reset_index(drop=True)


def finish_orders(
    rng: np.random.Generator,
    draft: OrderDraft,
    people: pd.DataFrame,
    products: pd.DataFrame,
    first_order_id: int,
    first_line_id: int,
    now_s: int,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Order and order-line rows as stored, ids in order of placement.

    Returns (orders, order_lines, new index of each draft order)."""
    f = draft.frame
    n = len(f)
    order = np.lexsort((np.arange(n), f["placed"].to_numpy()))
    new_index = np.empty(n, dtype=np.int64)
    new_index[order] = np.arange(n)
    ids = first_order_id + new_index

    # Money.
    lines = draft.lines
    price = products["price_cents"].to_numpy()[lines["product"].to_numpy()]
    line_total = price * lines["quantity"].to_numpy()
    subtotal = np.bincount(lines["order"].to_numpy(), weights=line_total, minlength=n).astype(
        np.int64
    )
    has_code = (rng.random(n) < 0.12) & (f["variant"].to_numpy() != "promo")
    code_pct = np.array([c[1] for c in PROMO_CODES])[rng.integers(0, len(PROMO_CODES), n)]
    discount = np.where(has_code, (subtotal * code_pct + 50) // 100, 0)
    shipping = np.where(subtotal - discount >= FREE_SHIPPING_FROM, 0, SHIPPING_CENTS)
    taxable = subtotal - discount + shipping
    prov = people["province"].to_numpy()[f["customer"].to_numpy()]
    gst_rate = np.array([p.gst_rate for p in PROVINCES])[prov]
    pst_rate = np.array([p.pst_rate for p in PROVINCES])[prov]
    gst = (taxable * gst_rate + 50_000) // 100_000
    qst = (taxable * pst_rate + 50_000) // 100_000
    total = taxable + gst + qst

    # Where it went: the customer's address, wrong on purpose for address tickets.
    cust = f["customer"].to_numpy()
    address1 = people["address1"].to_numpy()[cust].copy()
    address2 = people["address2"].to_numpy()[cust].copy()
    city = people["city"].to_numpy()[cust].copy()
    postal = people["postal"].to_numpy()[cust].copy()
    variant = f["variant"].to_numpy()
    res = f["resolution"].to_numpy()
    wrong_postal = np.flatnonzero(variant == "wrong_postal")
    postal[wrong_postal] = wrong_postal_codes(rng, prov[wrong_postal])
    for i in np.flatnonzero(variant == "missing_apt"):
        towers = TOWERS["QC" if prov[i] == QC else "ON"]
        addr, tcity, fsa = towers[int(rng.integers(0, len(towers)))]
        address1[i], city[i], address2[i] = addr, tcity, None
        postal[i] = (
            f"{fsa} {rng.integers(0, 10)}{'ABCEGHJKLMNPRSTVWXYZ'[rng.integers(0, 20)]}"
            f"{rng.integers(0, 10)}"
        )
    # Address changes made before shipping are on the order once the agent made them.
    moved = np.flatnonzero((variant == "before_ship") & (res <= now_s))
    for column, target in (
        ("new_address1", address1),
        ("new_address2", address2),
        ("new_city", city),
        ("new_postal", postal),
    ):
        target[moved] = f[column].to_numpy()[moved]

    # Status as of now.
    placed = f["placed"].to_numpy()
    ship = f["ship"].to_numpy()
    deliver = f["deliver"].to_numpy()
    rts_at = f["rts_at"].to_numpy()
    exc_at = f["exc_at"].to_numpy()
    cancel_at = f["cancel_at"].to_numpy()
    shipped = ship <= now_s
    delivered = (deliver <= now_s) & (rts_at > now_s)
    status = np.select(
        [
            cancel_at <= now_s,
            ~shipped & (now_s - placed < 2 * HOUR),
            ~shipped,
            rts_at <= now_s,
            (exc_at <= now_s) & ~delivered,
            delivered,
            now_s - ship < 10 * HOUR,
            deliver - now_s < 8 * HOUR,
        ],
        [
            "cancelled",
            "unfulfilled",
            "processing",
            "returned_to_sender",
            "exception",
            "delivered",
            "shipped",
            "out_for_delivery",
        ],
        default="in_transit",
    )
    ptype = f["ptype"].to_numpy()
    resolved = res <= now_s
    u = rng.random(n)
    financial = np.select(
        [
            status == "cancelled",
            (ptype == "refund_status") & (variant == "wrong_amount"),
            (ptype == "refund_status") & resolved,
            (variant == "promo") & resolved,
            (ptype == "defective_product") & resolved & (u < 0.3),
            (status == "unfulfilled") & (u < 0.3),
        ],
        [
            np.where(u < 0.5, "voided", "refunded"),
            "partially_refunded",
            np.where(u < 0.6, "refunded", "partially_refunded"),
            "partially_refunded",
            "refunded",
            "pending",
        ],
        default="paid",
    )
    carrier = f["carrier"].to_numpy()
    warehouse = f["warehouse"].to_numpy()
    tracking = tracking_numbers(rng, carrier, warehouse)
    lang = people["language"].to_numpy()[cust]
    url = np.array(
        [tracking_url(c, t, lg) for c, t, lg in zip(carrier, tracking, lang, strict=True)],
        dtype=object,
    )
    phone = people["phone"].to_numpy()[cust]
    orders = object_frame(
        {
            "id": ids,
            "number": np.array([f"ND-{100000 + i}" for i in ids.tolist()], dtype=object),
            "customer_id": cust,  # index for now; the generator maps it to ids
            "placed_at": placed,
            "currency": np.full(n, "CAD", dtype=object),
            "subtotal_cents": subtotal,
            "shipping_cents": shipping,
            "discount_cents": discount,
            "gst_cents": gst,
            "qst_cents": qst,
            "total_cents": total,
            "financial_status": financial.astype(object),
            "fulfillment_status": status.astype(object),
            "warehouse": warehouse,
            "carrier": np.where(shipped, carrier, None).astype(object),
            "tracking_number": np.where(shipped, tracking, None).astype(object),
            "tracking_url": np.where(shipped, url, None).astype(object),
            "shipped_at": np.where(shipped, ship, NEVER),
            "delivered_at": np.where(delivered, deliver, NEVER),
            "ship_name": people["name"].to_numpy()[cust],
            "ship_address1": address1,
            "ship_address2": address2,
            "ship_city": city,
            "ship_province": np.array([p.code for p in PROVINCES], dtype=object)[prov],
            "ship_postal_code": postal,
            "ship_country": np.full(n, "CA", dtype=object),
            "ship_phone": phone,
            "channel": f["channel"].to_numpy(),
            # helpers, not stored
            "_planned_carrier": carrier,
            "_tracking": tracking,
            "_url": url,
        }
    )
    order_lines = pd.DataFrame(
        {
            "order_id": ids[lines["order"].to_numpy()],
            "product": lines["product"].to_numpy(),
            "quantity": lines["quantity"].to_numpy().astype(np.int32),
            "unit_price_cents": price,
        }
    )
    order_lines = order_lines.sort_values(["order_id"], kind="stable").reset_index(drop=True)
    order_lines.insert(0, "id", first_line_id + np.arange(len(order_lines), dtype=np.int64))
    return orders.iloc[order].reset_index(drop=True), order_lines, new_index
