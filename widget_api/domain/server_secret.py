"""The server secret that signs links and reply addresses: from the settings when given, else
generated on first start and kept (sealed, see ``secret_box``) in the database, so restarts do
not break sent links."""

from __future__ import annotations

import logging
import secrets

from pydantic import SecretStr

from widget_api.domain import secret_box
from widget_api.settings import Settings
from widget_api.storage import Database, settings_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

KEY = "server_secret"
log = logging.getLogger(__name__)


def ensure(db: Database, settings: Settings) -> str:
    if settings.security.secret_key is not None:
        return settings.security.secret_key.get_secret_value()
    saved = db.read(lambda cur: settings_store.get(cur, KEY))
    value = None
    if saved is not None:
        try:
            value = secret_box.open_secret(db, saved["value"], "server_secret")
        except secret_box.SecretUnreadable as exc:
            # Nobody can re-enter a generated secret: a new one lets the server work, and
            # only links signed before stop working.
            log.warning("%s A new server secret replaces it.", exc)
    if value is None:
        value = secrets.token_urlsafe(32)
        sealed = {"value": secret_box.seal(db, value)}
        db.write(lambda w: settings_store.put(w, KEY, sealed, SYSTEM, utcnow()))
    settings.security.secret_key = SecretStr(value)
    return value
