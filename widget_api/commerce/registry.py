"""From saved commerce settings to the platform's client (and the returns desk's backend).

The connectors are imported when chosen, so a store on the built-in platform never loads them.
Names fixed for the connectors: ``widget_api.commerce.shopify.client.ShopifyClient(cfg)`` with
``widget_api.commerce.shopify.backend.ShopifyBackend(client, db)``, and
``widget_api.commerce.woocommerce.client.WooClient(cfg)`` with
``widget_api.commerce.woocommerce.backend.WooBackend(client, db)``.
"""

from __future__ import annotations

from importlib import import_module

from widget_api.commerce.base import CommerceBackend
from widget_api.commerce.platform import PlatformClient
from widget_api.contracts.commerce import LocalCommerce, ShopifyCommerce, WooCommerce
from widget_api.storage import Database

_CONNECTORS = {
    "shopify": ("widget_api.commerce.shopify", "ShopifyClient", "ShopifyBackend"),
    "woocommerce": ("widget_api.commerce.woocommerce", "WooClient", "WooBackend"),
}


def client_for(cfg: LocalCommerce | ShopifyCommerce | WooCommerce) -> PlatformClient | None:
    """The platform's client with the (opened) secrets in ``cfg``; None for the built-in store."""
    if cfg.platform == "local":
        return None
    package, client_name, _ = _CONNECTORS[cfg.platform]
    return getattr(import_module(f"{package}.client"), client_name)(cfg)


def backend_for(client: PlatformClient, db: Database) -> CommerceBackend:
    package, _, backend_name = _CONNECTORS[client.platform]
    return getattr(import_module(f"{package}.backend"), backend_name)(client, db)
