"""The commerce connection the server uses now: the platform client (order actions, sync,
webhooks) and the returns desk's backend, rebuilt when the ``commerce`` settings change.

``app.state.commerce`` holds the one ``CommerceHub``. Until a platform is configured, and for
``{"platform": "local"}``, it is the built-in store.
"""

from __future__ import annotations

import logging
import threading

from widget_api.commerce import registry
from widget_api.commerce.base import CommerceBackend
from widget_api.commerce.local import LocalStore
from widget_api.commerce.platform import PlatformClient
from widget_api.commerce.sync import SyncRunner
from widget_api.contracts.commerce import (
    LocalCommerce,
    ShopifyCommerce,
    WooCommerce,
)
from widget_api.domain import commerce_settings, secret_box
from widget_api.domain.errors import ComptoirError
from widget_api.settings import Settings
from widget_api.storage import Database

log = logging.getLogger(__name__)


class CommerceHub:
    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings
        self._lock = threading.Lock()
        self._reloading = threading.Lock()  # one reload at a time (start-up, settings listener)
        self.platform = "local"
        self._config: LocalCommerce | ShopifyCommerce | WooCommerce = LocalCommerce()
        self._client: PlatformClient | None = None
        self._backend: CommerceBackend = LocalStore(db)
        self._sync: SyncRunner | None = None

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

    def webhook_secret(self, platform: str) -> bytes | None:
        """The saved webhook secret of ``platform`` when it is the configured one, else None
        (its webhooks are then refused)."""
        cfg = self._config
        if cfg.platform != platform or cfg.platform == "local" or cfg.webhook_secret is None:
            return None
        return cfg.webhook_secret.get_secret_value().encode() or None

    @property
    def sync(self) -> SyncRunner | None:
        return self._sync

    def reload(self) -> None:
        """Re-read the ``commerce`` settings: build the platform's client and the returns
        desk's backend, swap them in, close the old client and (re)start the sync runner. A
        connector that cannot be built leaves the built-in store in place (logged)."""
        with self._reloading:
            cfg = self._read_config()
            client: PlatformClient | None = None
            backend: CommerceBackend = LocalStore(self.db)
            if not isinstance(cfg, LocalCommerce):
                try:
                    client = registry.client_for(cfg)
                    backend = registry.backend_for(client, self.db)
                except Exception:
                    log.exception("the %s connector could not be set up", cfg.platform)
                    if client is not None:
                        client.close()
                    cfg, client, backend = LocalCommerce(), None, LocalStore(self.db)
            runner = None
            if client is not None:
                runner = SyncRunner(self.db, client, cfg, self.settings.commerce)
            with self._lock:
                old_client, old_sync = self._client, self._sync
                self._config, self.platform = cfg, cfg.platform
                self._client, self._backend, self._sync = client, backend, runner
            _retire(old_client, old_sync)
            if runner is not None:
                runner.start()

    def _read_config(self) -> LocalCommerce | ShopifyCommerce | WooCommerce:
        """The saved settings with their secrets opened, read the one way the settings API
        reads them (the built-in store when none, or when a secret cannot be opened: logged)."""
        try:
            return commerce_settings.current(self.db)
        except (secret_box.SecretUnreadable, ComptoirError) as exc:
            log.warning("the saved commerce settings cannot be used (%s): built-in store", exc)
            return LocalCommerce()

    def close(self) -> None:
        with self._reloading, self._lock:
            client, runner = self._client, self._sync
            self._client, self._sync = None, None
        _retire(client, runner)


def _retire(client: PlatformClient | None, runner: SyncRunner | None) -> None:
    """Stop a runner and close its client: closing ends a call in flight, then it is joined."""
    if runner is not None:
        runner.signal_stop()
    if client is not None:
        try:
            client.close()
        except Exception:
            log.exception("closing the commerce client failed")
    if runner is not None:
        runner.join()
