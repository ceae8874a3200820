"""The server secret that signs links and reply addresses: from the settings when given, else
generated on first start and kept in the database, so restarts do not break sent links."""

from __future__ import annotations

import secrets

from pydantic import SecretStr

from widget_api.settings import Settings
from widget_api.storage import Database, settings_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

KEY = "server_secret"


def ensure(db: Database, settings: Settings) -> str:
    if settings.security.secret_key is not None:
        return settings.security.secret_key.get_secret_value()
    saved = db.read(lambda cur: settings_store.get(cur, KEY))
    if saved is None:
        saved = {"value": secrets.token_urlsafe(32)}
        db.write(lambda w: settings_store.put(w, KEY, saved, SYSTEM, utcnow()))
    settings.security.secret_key = SecretStr(saved["value"])
    return saved["value"]
