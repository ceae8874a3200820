"""The commerce connection the admin chooses (built-in store, Shopify, WooCommerce): saved with
every secret sealed, shown with every secret masked, and tested against the platform on demand.

Saving never calls the platform; the settings listener makes the hub reload. A secret sent as
null (or left out) keeps the saved one while the platform stays the same.
"""

from __future__ import annotations

import logging

import httpx
from pydantic import SecretStr, TypeAdapter, ValidationError

from widget_api.commerce import registry
from widget_api.commerce.platform import PlatformError
from widget_api.contracts.auth import Agent
from widget_api.contracts.commerce import (
    SECRET_FIELDS,
    CommerceSettings,
    CommerceSettingsView,
    ConnectionResult,
    LocalCommerce,
    ShopifyCommerce,
    SyncStatus,
    WooCommerce,
)
from widget_api.contracts.commerce_admin import CommerceDelivery
from widget_api.domain import secret_box
from widget_api.domain.errors import ComptoirError, Invalid
from widget_api.i18n import catalog, t
from widget_api.settings import Settings
from widget_api.storage import Database, commerce_inbox, settings_store
from widget_api.storage.events import Actor
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
KEY = "commerce"
SYNC_KEY = "commerce_sync"
PLATFORM_NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce"}
WEBHOOK_PATHS = {"shopify": "/webhooks/shopify", "woocommerce": "/webhooks/woocommerce"}
_CONFIG = TypeAdapter(CommerceSettings)
Config = LocalCommerce | ShopifyCommerce | WooCommerce


class ConnectorMissing(ComptoirError):
    """The platform's connector is not installed in this server (a server problem)."""

    status_code = 503


def _saved(db: Database) -> dict:
    return db.read(lambda cur: settings_store.get(cur, KEY)) or {}


def _readable_saved(db: Database) -> tuple[dict, Config]:
    """The stored value (secrets sealed) and the settings it describes, secrets left out.
    Nothing saved, or a value this server version cannot read: the built-in store."""
    saved = _saved(db)
    if not saved:
        return {}, LocalCommerce()
    public = {k: v for k, v in saved.items() if k not in _all_secret_fields()}
    try:
        return saved, _CONFIG.validate_python(public)
    except ValidationError:
        log.warning("the saved commerce settings are unreadable; using the built-in store")
        return {}, LocalCommerce()


def _all_secret_fields() -> set[str]:
    return {name for names in SECRET_FIELDS.values() for name in names}


def mask(secret: str | None) -> str | None:
    """ "…a1b2": the last 4 characters at most, fewer for a short secret (a third of it)."""
    if not secret:
        return None
    return "…" + secret[-min(4, len(secret) // 3) :] if len(secret) >= 3 else "…"


def _opened(db: Database, sealed: str) -> str | None:
    try:
        return secret_box.open_secret(db, sealed, "commerce")
    except secret_box.SecretUnreadable:
        return None  # shown as unset: the admin re-enters it


def view(db: Database, settings: Settings, lang: str) -> CommerceSettingsView:
    """The saved settings as ``GET`` shows them: secrets masked, the webhook URL, the sync."""
    saved, cfg = _readable_saved(db)
    public = cfg.model_dump(mode="json", exclude=set(SECRET_FIELDS[cfg.platform]))
    secrets = {
        name: mask(_opened(db, saved[name])) if saved.get(name) else None
        for name in SECRET_FIELDS[cfg.platform]
    }
    path = WEBHOOK_PATHS.get(cfg.platform)
    base = settings.api.public_base_url.rstrip("/")
    return CommerceSettingsView(
        **public,
        secrets=secrets,
        webhook_url=f"{base}{path}" if path else None,
        sync=sync_status(db, lang),
    )


def sync_status(db: Database, lang: str) -> SyncStatus:
    """Where the sync stands (``commerce_sync``, written by the sync runner); absent: idle.
    An error stored as a catalogue key is said in the reader's language."""
    raw = db.read(lambda cur: settings_store.get(cur, SYNC_KEY)) or {}
    try:
        status = SyncStatus.model_validate(raw)
    except ValidationError:
        return SyncStatus()
    if status.error and status.error in catalog("en"):
        status.error = t(status.error, lang)
    return status


def deliveries(db: Database, limit: int = 20) -> list[CommerceDelivery]:
    """The last webhook deliveries of the configured platform (none for the built-in store)."""
    _, cfg = _readable_saved(db)
    if cfg.platform == "local":
        return []
    rows = db.read(lambda cur: commerce_inbox.recent(cur, cfg.platform, limit))
    return [CommerceDelivery.model_validate(row) for row in rows]


def _with_secrets(db: Database, data: Config, saved: dict) -> tuple[Config, dict[str, str]]:
    """``data`` with every secret filled (given ones, else the saved ones when the platform
    is the same), and the sealed value to store for each; 400 naming the missing ones."""
    same_platform = saved.get("platform") == data.platform
    clear: dict[str, str] = {}
    sealed: dict[str, str] = {}
    missing = []
    for name in SECRET_FIELDS[data.platform]:
        given: SecretStr | None = getattr(data, name)
        if given is not None and given.get_secret_value().strip():
            clear[name] = given.get_secret_value().strip()
            sealed[name] = secret_box.seal(db, clear[name])
        elif same_platform and saved.get(name):
            clear[name] = secret_box.open_secret(db, saved[name], "commerce")
            sealed[name] = saved[name]
        else:
            missing.append(name)
    if missing:
        key = f"commerce.settings.missing_secrets.{data.platform}"
        raise Invalid(key, fields=", ".join(missing))
    filled = data.model_copy(update={k: SecretStr(v) for k, v in clear.items()})
    return filled, sealed


def put(
    db: Database, settings: Settings, agent: Agent, data: Config, lang: str
) -> CommerceSettingsView:
    """Save the connection (secrets sealed); the hub reloads through the settings listener."""
    saved = _saved(db)
    _, sealed = _with_secrets(db, data, saved)
    value = data.model_dump(mode="json", exclude=set(SECRET_FIELDS[data.platform])) | sealed
    db.write(lambda w: settings_store.put(w, KEY, value, Actor("agent", agent.id), utcnow()))
    return view(db, settings, lang)


def current(db: Database) -> Config:
    """The saved settings with their secrets opened, for building the platform's client."""
    saved, cfg = _readable_saved(db)
    if cfg.platform == "local":
        return cfg
    filled, _ = _with_secrets(db, cfg, saved)
    return filled


def test_connection(db: Database, data: Config | None, lang: str) -> ConnectionResult:
    """Call the platform with ``data`` (secrets falling back to the saved ones) or with the
    saved settings; never saves anything."""
    cfg = current(db) if data is None else _with_secrets(db, data, _saved(db))[0]
    if cfg.platform == "local":
        return ConnectionResult(ok=True, message=t("commerce.settings.test_local", lang))
    try:
        client = registry.client_for(cfg)
    except ImportError as exc:
        log.error("the %s connector cannot be imported: %s", cfg.platform, exc)
        key = "commerce.settings.connector_missing"
        raise ConnectorMissing(key, platform=PLATFORM_NAMES[cfg.platform]) from exc
    try:
        result = client.test_connection()
    except PlatformError as exc:
        return ConnectionResult(ok=False, message=_reason(exc.key, exc.detail, lang, exc.params))
    except httpx.HTTPError as exc:
        return ConnectionResult(
            ok=False, message=t("commerce.settings.test_unreachable", lang, detail=str(exc))
        )
    finally:
        client.close()
    where = result.shop_name or _address(cfg)
    if result.ok:
        message = t("commerce.settings.test_ok", lang, shop=where)
    else:
        message = _reason(result.message, result.message, lang, {})
    return ConnectionResult(ok=result.ok, shop_name=result.shop_name, message=message)


def _address(cfg: Config) -> str:
    return cfg.shop_domain if isinstance(cfg, ShopifyCommerce) else getattr(cfg, "store_url", "")


def _reason(key: str, detail: str, lang: str, params: dict) -> str:
    """A failure in the admin's language: the connector's catalogue key when it has a text,
    else the platform's own words."""
    if key in catalog("en"):
        return t(key, lang, **params)
    return t("commerce.settings.test_failed", lang, detail=detail or key)
