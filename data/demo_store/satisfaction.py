"""CSAT ratings for the demo: about a third of solved tickets are rated, and ratings follow
what customers feel: fast answers please, slow ones and store mistakes do not."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from widget_api.storage import demo_load

_RESPONSE_RATE = 0.35


def seed_ratings(con, seed: int, now) -> int:
    """Insert ratings for solved demo tickets; return how many. (The demo's event log is written
    in time order by the generator, so ratings, given after it, appear in the table only.)"""
    rows = demo_load.solved_for_rating(con)
    if not rows:
        return 0
    rng = np.random.default_rng(seed + 4242)
    rated = [r for r in rows if rng.random() < _RESPONSE_RATE]
    wait_h = np.array([r[4] / 3600 for r in rated])
    mistake = np.array([r[1] in ("wrong_item", "defective_product", "delivery_problem")
                        for r in rated])  # fmt: skip
    mood = 4.6 - np.clip(wait_h / 24, 0, 2.0) - 0.7 * mistake + rng.normal(0, 0.8, len(rated))
    scores = np.clip(np.rint(mood), 1, 5).astype(int)
    start_id = demo_load.next_rating_id(con)
    at = [min(r[3] + np.timedelta64(int(h), "h").astype(object), now) for r, h in
          zip(rated, rng.integers(1, 48, len(rated)), strict=True)]  # fmt: skip
    table = pa.table({
        "id": np.arange(start_id, start_id + len(rated)),
        "ticket_id": [r[0] for r in rated],
        "agent_id": [r[2] for r in rated],
        "score": scores.astype(np.int16),
        "comment": [None] * len(rated),
        "created_at": at,
        "updated_at": at,
    })  # fmt: skip
    demo_load.load_ratings(con, table)
    return len(rated)
