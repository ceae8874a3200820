"""What the demo says: the slot values of every ticket (product, order, carrier, dates,
amounts...), and the subject and body of every message, filled from ``texts_fr``/``texts_en``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data.demo_store import texts
from data.demo_store.catalogue import DEFECTS, STYLES, slug
from data.demo_store.clock import DAY, NEVER, to_local
from data.demo_store.incidents import WAREHOUSE_3PL
from data.demo_store.lifecycle import (
    BACK,
    FORGOT,
    HOLD,
    M_CUSTOMER2,
    M_FIRST,
    M_NOTE1,
    M_NOTE2,
    M_REPLY1,
    M_REPLY2,
    ONE,
    QUIET,
    REOPEN,
    THANKS,
)
from data.demo_store.orders import CARRIER_EN, PROMO_CODES
from data.demo_store.people import DEMO_AGENTS
from data.demo_store.plan import MARKETPLACES, SHORT_CHANNELS, TicketPlan

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


# -- slots: what the templates can say about each ticket ---------------------------------------
def _money(cents: np.ndarray, lang: np.ndarray) -> np.ndarray:
    return np.array(
        [
            f"{c // 100},{c % 100:02d} $" if lg == "fr" else f"${c // 100}.{c % 100:02d}"
            for c, lg in zip(cents.tolist(), lang, strict=True)
        ],
        dtype=object,
    )


def _dates(seconds: np.ndarray, lang: np.ndarray) -> np.ndarray:
    local = pd.DatetimeIndex(to_local(np.minimum(seconds, NEVER - 1)).astype("datetime64[s]"))
    month, day = local.month.to_numpy() - 1, local.day.to_numpy()
    return np.array(
        [
            (f"{d} {MONTHS_FR[m]}" if d != 1 else f"1er {MONTHS_FR[m]}")
            if lg == "fr"
            else f"{MONTHS_EN[m]} {d}"
            for d, m, lg in zip(day.tolist(), month.tolist(), lang, strict=True)
        ],
        dtype=object,
    )


def _product_forms(products: pd.DataFrame) -> dict[str, np.ndarray]:
    forms: dict[str, list[str]] = {k: [] for k in (
        "product_fr", "the_fr", "my_fr", "The_fr", "product_en", "the_en", "my_en", "The_en",
        "size_fr", "size_en",
    )}  # fmt: skip
    for style_index, size in zip(products["_style_index"], products["size"], strict=True):
        style = STYLES[style_index]
        name = style.name_fr[0].lower() + style.name_fr[1:]
        the = f"{style.the_fr}{name}" if style.the_fr.endswith("'") else f"{style.the_fr} {name}"
        forms["product_fr"].append(name)
        forms["the_fr"].append(the)
        forms["my_fr"].append(f"{style.my_fr} {name}")
        forms["The_fr"].append(the[0].upper() + the[1:])
        forms["product_en"].append(style.name_en)
        forms["the_en"].append(f"the {style.name_en}")
        forms["my_en"].append(f"my {style.name_en}")
        forms["The_en"].append(f"The {style.name_en}")
        forms["size_fr"].append("taille unique" if size == "TU" else size)
        forms["size_en"].append("one size" if size == "TU" else size)
    return {k: np.array(v, dtype=object) for k, v in forms.items()}


def _by_lang(lang: np.ndarray, fr: np.ndarray, en: np.ndarray) -> np.ndarray:
    return np.where(lang == "fr", fr, en).astype(object)


def ticket_slots(
    rng: np.random.Generator,
    plan: TicketPlan,
    people: pd.DataFrame,
    products: pd.DataFrame,
    orders: pd.DataFrame,
    order_row: np.ndarray,
    lang: np.ndarray,
    lc,
    warehouse: np.ndarray,
    carrier: np.ndarray,
    new_address: np.ndarray,
) -> dict[str, np.ndarray]:
    n = len(plan)
    c = plan.customer
    p = plan.product
    op = plan.other_product
    forms = _product_forms(products)
    has = order_row >= 0
    row = np.maximum(order_row, 0)

    def order_col(name: str, default: Any = "") -> np.ndarray:
        return np.where(has, orders[name].to_numpy()[row], default).astype(object)

    number = order_col("number")
    market = np.isin(plan.channel, list(MARKETPLACES))
    amazon = plan.channel == "amazon"
    a = rng.integers(0, 10**7, n)
    b = rng.integers(0, 10**7, n)
    mkt_id = np.full(n, "", dtype=object)
    for i in np.flatnonzero(market):
        mkt_id[i] = f"702-{a[i]:07d}-{b[i]:07d}" if amazon[i] else f"3{a[i]:07d}{b[i] % 100:02d}"

    planned_carrier = np.where(has, orders["_planned_carrier"].to_numpy()[row], carrier)
    carrier_name = np.array(
        [cr if lg == "fr" else CARRIER_EN.get(cr, cr) for cr, lg in
         zip(planned_carrier, lang, strict=True)], dtype=object)  # fmt: skip
    placed = np.where(has, orders["placed_at"].to_numpy()[row], plan.t0 - 3 * DAY)
    shipped = np.where(
        has & (orders["shipped_at"].to_numpy()[row] < NEVER),
        orders["shipped_at"].to_numpy()[row],
        placed + DAY,
    )
    delivered = np.where(
        has & (orders["delivered_at"].to_numpy()[row] < NEVER),
        orders["delivered_at"].to_numpy()[row],
        shipped + 2 * DAY,
    )
    since = np.select(
        [plan.ptype == "defective_product", plan.variant == "in_transit"],
        [plan.t0 - delivered, plan.t0 - shipped],
        default=plan.t0 - placed,
    )
    days = np.maximum(1, np.ceil(since / DAY)).astype(np.int64).astype(str).astype(object)
    date_at = np.select(
        [
            plan.ptype == "refund_status",
            plan.variant == "stuck",
            np.isin(plan.ptype, ["delivery_problem", "return_request"]),
        ],
        [plan.t0 - rng.integers(2, 10, n) * DAY, shipped + DAY, delivered],
        default=placed,
    )
    total = order_col("total_cents", 0).astype(np.int64)
    price = products["price_cents"].to_numpy()[p]
    code_i = rng.integers(0, len(PROMO_CODES), n)
    code = np.array([k for k, _ in PROMO_CODES], dtype=object)[code_i]
    pct = np.array([v for _, v in PROMO_CODES])[code_i]
    amount_cents = np.select(
        [plan.ptype == "refund_status", plan.variant == "promo"],
        [
            np.where(plan.variant == "wrong_amount", price * 0.87, price).astype(np.int64),
            (order_col("subtotal_cents", 0).astype(np.int64) * pct + 50) // 100,
        ],
        default=np.where(total > 0, total, price),
    )
    defects_fr = np.empty(n, dtype=object)
    defects_en = np.empty(n, dtype=object)
    category = products["category"].to_numpy()[p]
    pick = rng.integers(0, 1000, n)
    for cat, options in DEFECTS.items():
        rows = np.flatnonzero(category == cat)
        chosen = pick[rows] % len(options)
        defects_fr[rows] = np.array([o[0] for o in options], dtype=object)[chosen]
        defects_en[rows] = np.array([o[1] for o in options], dtype=object)[chosen]
    defect = _by_lang(lang, defects_fr, defects_en)
    agents_first = np.array([a.first_name for a in DEMO_AGENTS], dtype=object)
    wh_name = np.where(
        warehouse == WAREHOUSE_3PL,
        "LogiPro",
        np.where(lang == "fr", "l'entrepôt de Saint-Hyacinthe", "the Saint-Hyacinthe warehouse"),
    ).astype(object)
    return_url = np.array(
        [f"https://nordet.example/fr/retours?commande={o}" if lg == "fr"
         else f"https://nordet.example/en/returns?order={o}"
         for o, lg in zip(number, lang, strict=True)], dtype=object)  # fmt: skip
    slots = {
        "first": people["first"].to_numpy()[c],
        "full": people["name"].to_numpy()[c],
        "order": np.where(market, mkt_id, number).astype(object),
        "product": _by_lang(lang, forms["product_fr"][p], forms["product_en"][p]),
        "the_product": _by_lang(lang, forms["the_fr"][p], forms["the_en"][p]),
        "my_product": _by_lang(lang, forms["my_fr"][p], forms["my_en"][p]),
        "The_product": _by_lang(lang, forms["The_fr"][p], forms["The_en"][p]),
        "size": _by_lang(lang, forms["size_fr"][p], forms["size_en"][p]),
        "other_size": plan.other_size.astype(object),
        "color": _by_lang(
            lang, products["color_fr"].to_numpy()[p], products["color_en"].to_numpy()[p]
        ),
        "other_color": _by_lang(lang, plan.other_color_fr, plan.other_color_en),
        "other_product": _by_lang(lang, forms["the_fr"][op], forms["the_en"][op]),
        "carrier": carrier_name,
        "tracking": order_col("_tracking"),
        "url": order_col("_url"),
        "city": np.where(has, order_col("ship_city"), people["city"].to_numpy()[c]),
        "postal": order_col("ship_postal_code"),
        "new_postal": people["postal"].to_numpy()[c],
        "address": order_col("ship_address1"),
        "new_address": new_address,
        "apt": rng.integers(2, 2400, n).astype(str).astype(object),
        "days": days,
        "amount": _money(amount_cents, lang),
        "date": _dates(date_at, lang),
        "defect": defect,
        "Defect": np.array([d[0].upper() + d[1:] for d in defect], dtype=object),
        "code": code,
        "mkt_id": mkt_id,
        "agent": agents_first[lc.a1],
        "colleague": agents_first[lc.colleague],
        "return_url": return_url,
        "last4": rng.integers(1000, 9999, n).astype(str).astype(object),
        "case": np.array([f"{x:08d}" for x in rng.integers(0, 10**8, n)], dtype=object),
        "warehouse": wh_name,
    }
    slots["_source"] = _sources(rng, plan, lang, people, products, mkt_id)
    return slots


def _sources(rng, plan: TicketPlan, lang, people, products, mkt_id) -> np.ndarray:
    n = len(plan)
    hexes = rng.integers(0, 2**63, n)
    style_slug = {s.code: slug(s.name_fr) for s in STYLES}
    style = products["style"].to_numpy()[plan.product]
    af = people["ascii_first"].to_numpy()[plan.customer]
    al = people["ascii_last"].to_numpy()[plan.customer]
    phone = people["phone"].to_numpy()[plan.customer]
    domain = [e.split("@", 1)[1] for e in people["email"].to_numpy()[plan.customer]]
    out = np.empty(n, dtype=object)
    for i in range(n):
        ch = plan.channel[i]
        lg = lang[i]
        if ch == "web":
            out[i] = (
                f'{{"page_url": "https://nordet.example/{lg}/'
                f'{"contact" if lg == "en" else "nous-joindre"}", "locale": "{lg}-CA"}}'
            )
        elif ch == "chat":
            section = "produits" if lg == "fr" else "products"
            out[i] = (
                f'{{"page_url": "https://nordet.example/{lg}/{section}/'
                f'{style_slug[style[i]]}", "locale": "{lg}-CA"}}'
            )
        elif ch == "email":
            out[i] = (
                f'{{"message_id": "<{hexes[i]:016x}@{domain[i]}>", "to": "support@nordet.example"}}'
            )
        elif ch == "amazon":
            out[i] = (
                f'{{"marketplace": "amazon.ca", "marketplace_order_id": "{mkt_id[i]}", '
                f'"relay": "{hexes[i]:012x}@marketplace.amazon.ca"}}'
            )
        elif ch == "etsy":
            out[i] = f'{{"marketplace": "etsy", "marketplace_order_id": "{mkt_id[i]}"}}'
        elif ch == "sms":
            out[i] = f'{{"from": "+1{str(phone[i]).replace("-", "")}"}}'
        else:
            out[i] = f'{{"username": "{af[i]}.{al[i][:8]}{hexes[i] % 100:02d}"}}'
    return out


# -- texts --------------------------------------------------------------------------------------
def render(rng, plan: TicketPlan, lang, slots, steps, lc) -> tuple[np.ndarray, np.ndarray]:
    """The body of every message in ``steps`` and the subject of every ticket."""
    n = len(plan)
    short = np.isin(plan.channel, list(SHORT_CHANNELS))
    noise = np.where(
        lang == "fr",
        rng.choice(3, size=n, p=[0.5, 0.3, 0.2]),
        rng.choice(3, size=n, p=[0.65, 0.25, 0.1]),
    )
    bodies = np.empty(len(steps.ticket), dtype=object)

    # First customer message.
    first_rows = np.flatnonzero(steps.what == M_FIRST)
    t = steps.ticket[first_rows]
    first_body = _opening_bodies(rng, plan.key[t], lang[t], noise[t], t, slots)
    bodies[first_rows] = _wrap_customer(rng, first_body, t, lang, short, noise, slots)
    opening = np.empty(n, dtype=object)  # what chat-like subjects are cut from
    opening[t] = first_body
    sloppy = t[(noise[t] == 2) & short[t]]
    opening[sloppy] = [texts.sloppy(x) for x in opening[sloppy]]

    # Customer's second message: the details asked for, or thanks.
    rows = np.flatnonzero(steps.what == M_CUSTOMER2)
    t = steps.ticket[rows]
    thanks = lc.shape[t] == THANKS
    reopened = lc.shape[t] == REOPEN
    body = np.empty(len(t), dtype=object)
    for lg in ("fr", "en"):
        sel = np.flatnonzero(lang[t] == lg)
        pools = dict(texts.LANGS[lg].CUSTOMER_INFO)
        pools["_thanks"] = texts.LANGS[lg].THANKS
        pools["_reopened"] = texts.LANGS[lg].REOPENED
        keys = np.select(
            [thanks[sel], reopened[sel]],
            ["_thanks", "_reopened"],
            default=_pool_keys(pools, plan, t[sel]),
        ).astype(object)
        body[sel] = texts.pick_fill(rng, pools, keys, t[sel], slots)
    sloppy = noise[t] == 2
    body[sloppy] = [texts.sloppy(x) for x in body[sloppy]]
    bodies[rows] = body

    # Agent replies.
    for slot_kind in (M_REPLY1, M_REPLY2):
        rows = np.flatnonzero(steps.what == slot_kind)
        t = steps.ticket[rows]
        bodies[rows] = _agent_replies(rng, plan, lang, short, slots, lc, t, slot_kind)

    # Internal notes, in the agent's own language.
    for slot_kind in (M_NOTE1, M_NOTE2):
        rows = np.flatnonzero(steps.what == slot_kind)
        t = steps.ticket[rows]
        note_lang = np.array([DEMO_AGENTS[a].language for a in lc.a1[t]], dtype=object)
        body = np.empty(len(t), dtype=object)
        for lg in ("fr", "en"):
            sel = np.flatnonzero(note_lang == lg)
            if slot_kind == M_NOTE1:
                pools = texts.LANGS[lg].NOTE_HOLD
                keys = plan.ptype[t[sel]]
            else:
                pools = {"misc": texts.LANGS[lg].NOTE_MISC}
                keys = np.full(len(sel), "misc", dtype=object)
            body[sel] = texts.pick_fill(rng, pools, keys, t[sel], slots)
        bodies[rows] = body

    return bodies, _subjects(rng, plan, lang, noise, slots, opening)


def _opening_bodies(rng, keys, lang, noise, tickets, slots) -> np.ndarray:
    """The customer's first message without greeting and sign-off; with typos when noisy."""
    out = np.empty(len(keys), dtype=object)
    for lg in ("fr", "en"):
        pools: dict[str, tuple[str, ...]] = {}
        for key, pool in texts.LANGS[lg].CUSTOMER.items():
            pools[key] = pool
            pools[key + "|typo"] = tuple(
                texts.with_typos(tpl, lg, salt) for salt, tpl in enumerate(pool)
            )
        sel = np.flatnonzero(lang == lg)
        k = np.where(noise[sel] >= 1, keys[sel] + "|typo", keys[sel]).astype(object)
        out[sel] = texts.pick_fill(rng, pools, k, tickets[sel], slots)
    return out


def _pool_keys(pools, plan: TicketPlan, t: np.ndarray) -> np.ndarray:
    """``problem_type/variant`` where the pool has texts for the variant, else the type."""
    return np.where(np.isin(plan.key[t], list(pools)), plan.key[t], plan.ptype[t]).astype(object)


def _wrap_customer(rng, body, t, lang, short, noise, slots) -> np.ndarray:
    """Greeting + body + sign-off, on one line for chat-like channels."""
    n = len(t)
    greet = np.empty(n, dtype=object)
    sign = np.empty(n, dtype=object)
    for lg in ("fr", "en"):
        mod = texts.LANGS[lg]
        for is_short in (True, False):
            sel = np.flatnonzero((lang[t] == lg) & (short[t] == is_short))
            g_pool = mod.GREETINGS_SHORT if is_short else mod.GREETINGS_LONG
            s_pool = mod.SIGNOFFS_SHORT if is_short else mod.SIGNOFFS_LONG
            greet[sel] = texts.pick(rng, g_pool, len(sel))
            sign[sel] = texts.fill(s_pool, rng.integers(0, len(s_pool), len(sel)), t[sel], slots)
    out = np.empty(n, dtype=object)
    for i in range(n):
        sep = " " if short[t[i]] else "\n\n"
        out[i] = sep.join(x for x in (greet[i], body[i], sign[i]) if x)
    sloppy = noise[t] == 2
    out[sloppy] = [
        texts.sloppy(x) if short[ti] else texts.strip_accents(x)
        for x, ti in zip(out[sloppy], t[sloppy], strict=True)
    ]
    return out


def _agent_replies(rng, plan, lang, short, slots, lc, t, slot_kind) -> np.ndarray:
    """First or second answers: the fix, a question back, or "we are checking", wrapped in a
    greeting, an opener, a closer and a signature (short and unsigned on chat-like channels)."""
    n = len(t)
    shape = lc.shape[t]
    if slot_kind == M_REPLY1:
        kind = np.select(
            [np.isin(shape, [ONE, QUIET, THANKS, REOPEN]), np.isin(shape, [BACK, FORGOT])],
            ["resolve", "ask"],
            default="hold",
        )
        agent = lc.a1[t]
    else:
        kind = np.select(
            [shape == HOLD, shape == REOPEN], ["after_hold", "after_reopen"], default="resolve"
        )
        agent = lc.a2[t]
    ask_keys = _pool_keys(texts.LANGS["fr"].AGENT_ASK, plan, t)
    keys = np.where(
        np.isin(kind, ["resolve", "after_hold", "after_reopen"]),
        plan.key[t],
        np.where(kind == "ask", ask_keys, plan.ptype[t]),
    )
    keys = np.array([f"{k}:{p}" for k, p in zip(kind, keys, strict=True)], dtype=object)
    own = dict(slots)
    agent_first = np.full(len(plan), "", dtype=object)
    agent_first[t] = np.array([a.first_name for a in DEMO_AGENTS], dtype=object)[agent]
    own["agent"] = agent_first
    core = np.empty(n, dtype=object)
    greet = np.empty(n, dtype=object)
    opener = np.empty(n, dtype=object)
    closer = np.empty(n, dtype=object)
    signature = np.empty(n, dtype=object)
    for lg in ("fr", "en"):
        mod = texts.LANGS[lg]
        pools: dict[str, tuple[str, ...]] = {}
        for key, pool in mod.AGENT_RESOLVE.items():
            pools[f"resolve:{key}"] = pool
            pools[f"after_hold:{key}"] = tuple(f"{mod.AFTER_HOLD_OPENER} {x}" for x in pool)
            pools[f"after_reopen:{key}"] = tuple(f"{mod.REOPEN_OPENER} {x}" for x in pool)
        for key, pool in mod.AGENT_ASK.items():
            pools[f"ask:{key}"] = pool
        for key, pool in mod.AGENT_HOLD.items():
            pools[f"hold:{key}"] = pool
        sel = np.flatnonzero(lang[t] == lg)
        core[sel] = texts.pick_fill(rng, pools, keys[sel], t[sel], own)
        for is_short in (True, False):
            sub = sel[short[t[sel]] == is_short]
            g_pool = mod.AGENT_GREETINGS_CHAT if is_short else mod.AGENT_GREETINGS
            greet[sub] = texts.fill(g_pool, rng.integers(0, len(g_pool), len(sub)), t[sub], own)
        opener[sel] = texts.pick(rng, mod.AGENT_OPENERS, len(sel))
        closer[sel] = texts.pick(rng, mod.AGENT_CLOSERS, len(sel))
        signature[sel] = texts.fill((mod.SIGNATURE,), np.zeros(len(sel), dtype=np.int64), t[sel],
                                    own)  # fmt: skip
    out = np.empty(n, dtype=object)
    after_hold = kind == "after_hold"
    for i in range(n):
        if short[t[i]]:
            out[i] = f"{greet[i]} {core[i]}"
        else:
            first = core[i] if (after_hold[i] or not opener[i]) else f"{opener[i]} {core[i]}"
            out[i] = f"{greet[i]}\n\n{first}\n\n{closer[i]}\n\n{signature[i]}"
    return out


def _subjects(rng, plan: TicketPlan, lang, noise, slots, opening) -> np.ndarray:
    """E-mail and web-form subjects from templates, marketplace relay subjects, and for chat,
    SMS and Instagram the first words of the message."""
    n = len(plan)
    out = np.empty(n, dtype=object)
    short = np.flatnonzero(np.isin(plan.channel, list(SHORT_CHANNELS)))
    for i in short:
        words = str(opening[i]).split()
        head = " ".join(words[:7])
        out[i] = head + ("…" if len(words) > 7 else "")
    for lg in ("fr", "en"):
        mod = texts.LANGS[lg]
        sel = np.flatnonzero((lang == lg) & np.isin(plan.channel, ["email", "web"]))
        out[sel] = texts.pick_fill(rng, mod.SUBJECT, _pool_keys(mod.SUBJECT, plan, sel), sel, slots)
        blank = sel[rng.random(len(sel)) < 0.03]
        out[blank] = mod.NO_SUBJECT
        for channel, template in (("amazon", mod.AMAZON_SUBJECT), ("etsy", mod.ETSY_SUBJECT)):
            rows = np.flatnonzero((lang == lg) & (plan.channel == channel))
            out[rows] = texts.fill((template,), np.zeros(len(rows), dtype=np.int64), rows, slots)
    sloppy = np.flatnonzero((noise == 2) & np.isin(plan.channel, ["email", "web"]))
    out[sloppy] = [texts.sloppy(x) for x in out[sloppy]]
    return out
