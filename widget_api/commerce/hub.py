"""The commerce connection the server uses now: the platform client (order actions, sync,
webhooks) and the returns desk's backend, rebuilt when the ``commerce`` settings change.

``app.state.commerce`` holds the one ``CommerceHub``. Until a platform is configured, and for
``{"platform": "local"}``, it is the built-in store.
"""

from __future__ import annotations

import threading

from widget_api.commerce.base import CommerceBackend
from widget_api.commerce.local import LocalStore
from widget_api.commerce.platform import PlatformClient
from widget_api.settings import Settings
from widget_api.storage import Database


class CommerceHub:
    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings
        self._lock = threading.Lock()
        self.platform = "local"
        self._client: PlatformClient | None = None
        self._backend: CommerceBackend = LocalStore(db)

    @property
    def client(self) -> PlatformClient | None:
        """The configured platform's client (None: the built-in store, until it has one)."""
        return self._client

    @property
    def backend(self) -> CommerceBackend:
        """What the returns desk refunds, exchanges and restocks through."""
        return self._backend

    # The returns desk holds the hub as its backend: each call goes to the current platform.
    @property
    def name(self) -> str:
        return self._backend.name

    def refund(self, *args, **kwargs):
        return self._backend.refund(*args, **kwargs)

    def create_exchange_order(self, *args, **kwargs):
        return self._backend.create_exchange_order(*args, **kwargs)

    def issue_store_credit(self, *args, **kwargs):
        return self._backend.issue_store_credit(*args, **kwargs)

    def restock(self, sku: str, qty: int) -> None:
        self._backend.restock(sku, qty)

    def reload(self) -> None:
        """Re-read the ``commerce`` settings and rebuild the client (filled in with the
        connectors)."""

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
