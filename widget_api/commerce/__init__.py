"""The store's commerce backend, behind one interface: refunds, exchange orders, store credit and
stock. ``LocalStore`` (the built-in store in the DuckDB tables) is the first implementation;
Shopify and WooCommerce plug in behind the same ``CommerceBackend`` protocol."""

from widget_api.commerce.base import (
    CommerceBackend,
    CommerceError,
    CommerceOrder,
    CommerceResult,
    ReturnedLine,
)
from widget_api.commerce.local import LocalStore

__all__ = (
    "CommerceBackend",
    "CommerceError",
    "CommerceOrder",
    "CommerceResult",
    "LocalStore",
    "ReturnedLine",
)
