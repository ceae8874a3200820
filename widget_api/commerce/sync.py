"""The sync runner: the initial import of a newly connected platform's orders, then a periodic
reconciliation that catches what webhooks missed.

One runner per configured platform client, on its own thread, (re)started by
``CommerceHub.reload``. The initial import asks ``client.orders_page(since, cursor)`` for the
orders updated in the last ``sync_days`` days, page by page; each page is stored in one write
together with the progress and the next cursor (store setting ``commerce_sync``), so a restart
resumes at the page where it stopped, never from the start. Once done, every
``COMPTOIR_COMMERCE__RECONCILE_MINUTES`` it fetches the orders updated since the last
reconciliation began, less :data:`RECONCILE_MARGIN` (clocks differ, platforms index late).

Errors (the platform refusing, rate limits, timeouts) are kept in the status as an i18n key with
its parameters, so the settings page shows them in the reader's language, and the same page is
tried again after ``COMPTOIR_COMMERCE__RETRY_SECONDS`` (doubling, at most the reconciliation
interval). ``stop()`` ends the thread between two calls; the hub closes the client first, which
ends a call in flight.

The ``commerce_sync`` value is a :class:`SyncStatus` plus the bookkeeping: ``identity`` (the
platform and shop it belongs to: another shop starts afresh), ``since``, ``cursor``,
``initial_done`` and ``error_key``/``error_params``.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from widget_api.commerce import mirror
from widget_api.commerce.platform import PlatformClient, PlatformError
from widget_api.contracts.commerce import ShopifyCommerce, SyncStatus, WooCommerce
from widget_api.i18n import t
from widget_api.settings import CommerceRuntime
from widget_api.storage import Database, commerce_inbox, commerce_mirror, settings_store
from widget_api.storage.db import Writer
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)

STATUS_KEY = "commerce_sync"
RECONCILE_MARGIN = timedelta(minutes=10)


def identity(cfg: ShopifyCommerce | WooCommerce) -> str:
    """Which shop a sync status belongs to."""
    shop = cfg.shop_domain if isinstance(cfg, ShopifyCommerce) else cfg.store_url
    return f"{cfg.platform}:{shop}"


def read_status(db: Database, lang: str, platform: str | None = None) -> SyncStatus:
    """The sync status as the settings page shows it, the error in ``lang``."""

    def read(cur) -> tuple[dict | None, datetime | None]:
        stored = settings_store.get(cur, STATUS_KEY)
        name = platform or (stored or {}).get("platform")
        return stored, commerce_inbox.last_received_at(cur, name) if name else None

    stored, last_webhook = db.read(read)
    stored = stored or {}
    if platform and stored.get("platform") not in (None, platform):
        stored = {}
    fields = {k: stored[k] for k in SyncStatus.model_fields if k in stored}
    if stored.get("error_key"):
        fields["error"] = t(stored["error_key"], lang, **(stored.get("error_params") or {}))
    fields["last_webhook_at"] = last_webhook
    return SyncStatus(**fields)


class SyncRunner:
    """Imports, then reconciles, one platform's orders on its own thread."""

    def __init__(
        self, db: Database, client: PlatformClient, cfg: ShopifyCommerce | WooCommerce,
        options: CommerceRuntime | None = None,
    ):  # fmt: skip
        options = options or CommerceRuntime()
        self._db = db
        self._client = client
        self._platform = cfg.platform
        self._identity = identity(cfg)
        self._sync_days = cfg.sync_days
        self._interval = timedelta(minutes=options.reconcile_minutes)
        self._retry = options.retry_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- thread ---------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="comptoir-commerce-sync",
                                            daemon=True)  # fmt: skip
            self._thread.start()

    def signal_stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float = 30) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        self.signal_stop()
        self.join()

    def _run(self) -> None:
        delay = self._retry
        while not self._stop.is_set():
            status = self._db.read(lambda cur: settings_store.get(cur, STATUS_KEY))
            if not status or status.get("identity") != self._identity:
                status = None
            try:
                if not (status and status.get("initial_done")):
                    self._initial_import(status)
                else:
                    wait = _parse(status["last_reconciled_at"]) + self._interval - utcnow()
                    if wait > timedelta(0):
                        self._stop.wait(wait.total_seconds())
                        continue
                    self._reconcile(status)
                delay = self._retry
            except Exception as exc:
                if self._stop.is_set():
                    return  # the client was closed under a call: no error to keep
                self._keep_error(exc)
                self._stop.wait(delay)
                delay = min(delay * 2, max(self._retry, self._interval.total_seconds()))

    # -- the work -------------------------------------------------------------------------------
    def _initial_import(self, status: dict | None) -> None:
        now = utcnow()
        if status is None:
            status = {
                "identity": self._identity, "platform": self._platform,
                "since": (now - timedelta(days=self._sync_days)).isoformat(), "cursor": None,
                "initial_done": False, "orders_imported": 0, "customers_imported": 0,
                "started_at": now.isoformat(),
            }  # fmt: skip
        status |= {"state": "running"}
        self._save(lambda w, st: st.update(status))
        since, cursor = _parse(status["since"]), status.get("cursor")
        while not self._stop.is_set():
            page = self._client.orders_page(since, cursor)
            done = page.next_cursor is None

            def page_done(w: Writer, st: dict, page=page, done=done) -> None:
                at = utcnow()
                count, _ = mirror.store_orders(w, self._platform, list(page.orders), at)
                st["orders_imported"] = st.get("orders_imported", 0) + count
                st["customers_imported"] = commerce_mirror.synced_customers(w.cur, self._platform)
                st["cursor"] = page.next_cursor
                _clear_error(st)
                st["state"] = "running"
                if done:
                    # Reconciliation goes on from when the import began: what changed during
                    # the import is fetched again.
                    st |= {
                        "initial_done": True,
                        "state": "done",
                        "finished_at": at.isoformat(),
                        "last_reconciled_at": st.get("started_at") or at.isoformat(),
                    }

            self._save(page_done)
            cursor = page.next_cursor
            if done:
                return

    def _reconcile(self, status: dict) -> None:
        began = utcnow()
        since = _parse(status["last_reconciled_at"]) - RECONCILE_MARGIN
        cursor: str | None = None
        while not self._stop.is_set():
            page = self._client.orders_page(since, cursor)
            last = page.next_cursor is None

            def page_done(w: Writer, st: dict, page=page, last=last) -> None:
                mirror.store_orders(w, self._platform, list(page.orders), utcnow())
                st["customers_imported"] = commerce_mirror.synced_customers(w.cur, self._platform)
                if last:
                    _clear_error(st)
                    st["last_reconciled_at"] = began.isoformat()

            self._save(page_done)
            cursor = page.next_cursor
            if last:
                return

    def _keep_error(self, exc: Exception) -> None:
        if isinstance(exc, PlatformError):
            key, params = exc.key, {k: str(v) for k, v in exc.params.items()}
            log.warning("commerce sync: %s %s", key, exc.detail)
        else:
            key, params = "commerce.sync.error.unexpected", {}
            log.exception("commerce sync failed")

        def keep(w: Writer, st: dict) -> None:
            st |= {"error_key": key, "error_params": params, "error": t(key, "en", **params)}
            if not st.get("initial_done"):
                st["state"] = "failed"

        try:
            self._save(keep)
        except Exception:
            log.exception("commerce sync: the error could not be kept")

    def _save(self, change) -> None:
        """Read the status, change it and store it in one write (with the page's orders)."""

        def job(w: Writer) -> None:
            if self._stop.is_set():
                return  # a newer runner may own the status now
            st: dict[str, Any] = settings_store.get(w.cur, STATUS_KEY) or {}
            if st.get("identity") != self._identity:
                st = {"identity": self._identity, "platform": self._platform}
            change(w, st)
            settings_store.remember(w, STATUS_KEY, st, utcnow())

        self._db.write(job)


def _clear_error(status: dict) -> None:
    for key in ("error", "error_key", "error_params"):
        status.pop(key, None)


def _parse(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
