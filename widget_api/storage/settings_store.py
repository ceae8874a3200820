"""Store settings edited from the dashboard (name, languages, support e-mail, time zone)."""

from __future__ import annotations

import json
from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append


def get(cur: Cursor, key: str) -> dict | None:
    row = cur.execute("SELECT value FROM store_settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else None


def put(w: Writer, key: str, value: dict, actor: Actor, at: datetime) -> None:
    before = get(w.cur, key)
    w.cur.execute(
        "INSERT INTO store_settings (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, json.dumps(value), at],
    )
    append(w, name=ev.SETTINGS_CHANGED, actor=actor, entity_type="settings", entity_id=0, at=at,
           before=_redacted(key, before), after=_redacted(key, value))  # fmt: skip


def remember(w: Writer, key: str, value: dict, at: datetime) -> None:
    """Bookkeeping the server keeps for itself (not a merchant's setting, so no event)."""
    w.cur.execute(
        "INSERT INTO store_settings (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, json.dumps(value), at],
    )


_SECRET_WORDS = ("secret", "password", "token")


def _redacted(key: str, value: dict | None) -> dict | None:
    """The event log keeps what changed, never a secret or password."""
    if value is None:
        return None
    hidden = {"value"} if "secret" in key else set()
    return {
        k: ("***" if v and (k in hidden or any(w in k for w in _SECRET_WORDS)) else v)
        for k, v in value.items()
    } | {"key": key}


# Field names that hold a secret (platform tokens and API keys are secrets too).
_SECRET_WORDS = ("secret", "password", "token", "consumer_key")
