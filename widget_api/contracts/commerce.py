"""The commerce connection as the admin API takes and shows it, and the order actions an agent
takes from a ticket (issue 13).

Secrets go in (``access_token``, ``webhook_secret``, ``consumer_key``, ``consumer_secret``) but
never come out: ``CommerceSettingsView`` only shows them masked (``…a1b2``) with ``*_set`` flags.
Sending a secret field as ``null`` (or leaving it out) on ``PUT`` keeps the saved one.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from widget_api.contracts.common import UtcDateTime

Platform = Literal["local", "shopify", "woocommerce"]
_SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_API_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$|^unstable$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocalCommerce(_Strict):
    """The built-in store (the demo, or orders loaded with ``comptoir orders import``)."""

    platform: Literal["local"] = "local"


class ShopifyCommerce(_Strict):
    """The Shopify Admin GraphQL API at ``{api_base_url or https://shop_domain}/admin/api/
    {api_version}/graphql.json`` with the ``X-Shopify-Access-Token`` header."""

    platform: Literal["shopify"]
    shop_domain: str = Field(..., max_length=255, examples=["boutique-nordique.myshopify.com"])
    access_token: SecretStr | None = Field(None, description="Write-only (shpat_…).")
    webhook_secret: SecretStr | None = Field(None, description="Write-only.")
    api_version: str = Field("2025-10", description="Shopify API version, e.g. 2025-10.")
    api_base_url: str | None = Field(None, description="For tests and proxies only.")
    sync_days: int = Field(90, ge=1, le=3650, description="Days of orders the first sync imports.")

    @field_validator("shop_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.strip().lower().removeprefix("https://").rstrip("/")
        if not _SHOP_DOMAIN.match(value):
            raise ValueError("must be the shop's x.myshopify.com domain")
        return value

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _API_VERSION.match(value):
            raise ValueError("must be a Shopify API version such as 2025-10")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _base(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value else None


class WooCommerce(_Strict):
    """WooCommerce REST API v3 at ``{store_url}/wp-json/wc/v3/`` (HTTP Basic with the keys)."""

    platform: Literal["woocommerce"]
    store_url: str = Field(..., max_length=500, examples=["https://boutique.example"])
    consumer_key: SecretStr | None = Field(None, description="Write-only (ck_…).")
    consumer_secret: SecretStr | None = Field(None, description="Write-only (cs_…).")
    webhook_secret: SecretStr | None = Field(None, description="Write-only.")
    sync_days: int = Field(90, ge=1, le=3650)

    @field_validator("store_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be the store's http(s) address")
        return value


CommerceSettings = Annotated[
    LocalCommerce | ShopifyCommerce | WooCommerce, Field(discriminator="platform")
]
#: Secret fields of each platform's settings (sealed at rest, masked when shown).
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "local": (),
    "shopify": ("access_token", "webhook_secret"),
    "woocommerce": ("consumer_key", "consumer_secret", "webhook_secret"),
}


class SyncStatus(BaseModel):
    """Where the initial import and the reconciliation stand."""

    state: Literal["idle", "running", "done", "failed"] = "idle"
    orders_imported: int = 0
    customers_imported: int = 0
    started_at: UtcDateTime | None = None
    finished_at: UtcDateTime | None = None
    last_reconciled_at: UtcDateTime | None = None
    last_webhook_at: UtcDateTime | None = None
    error: str | None = None  # in the reader's language


class CommerceSettingsView(BaseModel):
    """``GET /api/v1/settings/commerce``: the settings with every secret masked."""

    platform: Platform
    shop_domain: str | None = None
    store_url: str | None = None
    api_version: str | None = None
    api_base_url: str | None = None
    sync_days: int | None = None
    secrets: dict[str, str | None] = Field(
        default_factory=dict, description="Secret field → masked hint (…a1b2), or null if unset."
    )
    webhook_url: str | None = Field(None, description="The URL to paste in the platform.")
    sync: SyncStatus = Field(default_factory=SyncStatus)


class ConnectionResult(BaseModel):
    """``POST /api/v1/settings/commerce/test``."""

    ok: bool
    shop_name: str | None = None
    message: str  # in the reader's language


# -- order actions --------------------------------------------------------------------------------

Money = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class RefundLine(_Strict):
    line_id: int = Field(..., description="The order line's id in Comptoir (order panel).")
    quantity: int = Field(..., ge=1, le=10_000)


class _Action(_Strict):
    notify_customer: bool = False
    idempotency_key: str | None = Field(
        None, min_length=8, max_length=100,
        description="Retry with the same key to get the first outcome, never a second action.",
    )  # fmt: skip


class RefundAction(_Action):
    action: Literal["refund"]
    amount: Money | None = Field(None, description="Dollars; null refunds the lines' value.")
    lines: list[RefundLine] | None = None
    shipping: bool = False
    restock: bool = False
    reason: str = Field("", max_length=500)


class CancelAction(_Action):
    action: Literal["cancel"]
    reason: Literal["customer", "inventory", "fraud", "declined", "other"] = "customer"
    refund: bool = True
    restock: bool = True


class ShippingAddress(_Strict):
    name: str = Field(..., min_length=1, max_length=200)
    address1: str = Field(..., min_length=1, max_length=200)
    address2: str | None = Field(None, max_length=200)
    city: str = Field(..., min_length=1, max_length=120)
    province_code: str = Field(..., min_length=2, max_length=3)
    zip: str = Field(..., min_length=3, max_length=12)
    country_code: str = Field("CA", min_length=2, max_length=2)
    phone: str | None = Field(None, max_length=40)


class UpdateAddressAction(_Action):
    action: Literal["update_shipping_address"]
    address: ShippingAddress


class ReplacementAction(_Action):
    action: Literal["replacement"]
    lines: list[RefundLine] | None = Field(None, description="Default: every line of the order.")


class DiscountCodeAction(_Action):
    action: Literal["discount_code"]
    percent: Decimal | None = Field(None, gt=0, le=100, decimal_places=2)
    amount: Money | None = None


OrderAction = Annotated[
    RefundAction | CancelAction | UpdateAddressAction | ReplacementAction | DiscountCodeAction,
    Field(discriminator="action"),
]


class OrderActionResult(BaseModel):
    """What happened: ``done`` with the platform's reference, or ``failed`` with the reason in
    the agent's language. ``unknown``: the platform did not answer; retrying with the same key
    asks the platform before acting again."""

    id: int
    action: str
    state: Literal["pending", "done", "failed", "unknown"]
    idempotency_key: str
    reference: str | None = None
    amount: str | None = None  # dollars, e.g. "25.00"
    code: str | None = None  # a discount code
    message: str  # in the agent's language
    replayed: bool = False  # true when the key had been used: the stored outcome
