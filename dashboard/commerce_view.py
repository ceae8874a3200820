"""The online store page's logic, free of Streamlit: which fields each platform asks for, the
body the settings API takes, the hint shown for a saved secret, the webhook topics to subscribe
to, and the sync status and webhook deliveries in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from babel.numbers import format_decimal

from dashboard.i18n import DEFAULT_TZ, short_when, tr
from widget_api.contracts.commerce import SECRET_FIELDS, CommerceSettingsView, SyncStatus
from widget_api.contracts.commerce_admin import CommerceDelivery
from widget_api.i18n import LOCALES

PLATFORMS = ("local", "shopify", "woocommerce")


@dataclass(frozen=True)
class Field:
    name: str  # the settings API's field
    secret: bool = False
    number: bool = False

    @property
    def label_key(self) -> str:
        return f"dash.commerce.f.{self.name}"

    def widget_key(self, platform: str, version: int) -> str:
        """Per platform (a secret typed for one is not sent to another) and versioned (a save
        starts fresh widgets, so typed secrets do not linger)."""
        return f"commerce_{platform}_{self.name}_{version}"


FIELDS: dict[str, tuple[Field, ...]] = {
    "local": (),
    "shopify": (
        Field("shop_domain"), Field("access_token", secret=True),
        Field("webhook_secret", secret=True), Field("api_version"),
        Field("sync_days", number=True), Field("api_base_url"),
    ),
    "woocommerce": (
        Field("store_url"), Field("consumer_key", secret=True),
        Field("consumer_secret", secret=True), Field("webhook_secret", secret=True),
        Field("sync_days", number=True),
    ),
}  # fmt: skip
# What to subscribe to in the platform (issue 13's contract), all at the one webhook URL.
TOPICS = {
    "shopify": (
        "orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled",
        "refunds/create", "customers/update",
    ),
    # WooCommerce's topic words, built from resource and action: "order.updated" here is the
    # platform's topic, not Comptoir's event of the same spelling.
    "woocommerce": tuple(
        f"{resource}.{action}"
        for resource, action in (
            ("order", "created"), ("order", "updated"), ("order", "deleted"),
            ("customer", "updated"),
        )
    ),
}  # fmt: skip
PRIVACY_TOPICS = {"shopify": ("customers/data_request", "customers/redact", "shop/redact")}
DEFAULTS = {"api_version": "2025-10", "sync_days": 90}


def current_values(view: CommerceSettingsView, platform: str) -> dict[str, object]:
    """The form's starting values: the saved ones when ``platform`` is the saved platform."""
    values: dict[str, object] = {}
    saved = view.model_dump() if view.platform == platform else {}
    for field in FIELDS[platform]:
        if not field.secret:
            values[field.name] = saved.get(field.name) or DEFAULTS.get(field.name, "")
    return values


def secret_hint(view: CommerceSettingsView, platform: str, name: str, lang: str) -> str:
    """ "enregistré …a1b2 — laissez vide pour le garder", or "pas encore enregistré"."""
    hint = view.secrets.get(name) if view.platform == platform else None
    if hint:
        return tr("dash.commerce.secret_saved", lang, hint=hint)
    return tr("dash.commerce.secret_unset", lang)


def settings_body(platform: str, values: Mapping[str, object]) -> dict:
    """The ``PUT /api/v1/settings/commerce`` body: text trimmed, an empty secret sent as null
    (the saved one is kept), an empty optional address as null."""
    body: dict[str, object] = {"platform": platform}
    for field in FIELDS[platform]:
        value = values.get(field.name)
        if field.number:
            body[field.name] = int(value) if value not in (None, "") else None
            continue
        text = str(value or "").strip()
        body[field.name] = text or None
    if body.get("sync_days") is None:
        body.pop("sync_days", None)  # the server's default
    return body


def secret_fields(platform: str) -> tuple[str, ...]:
    return SECRET_FIELDS[platform]


def sync_rows(sync: SyncStatus, lang: str, tz: str = DEFAULT_TZ) -> list[tuple[str, str]]:
    """The sync in words: state, counts and dates in the store's time zone."""

    def when(value) -> str:
        return short_when(value, lang, tz) if value else tr("dash.commerce.sync.never", lang)

    rows = [
        (tr("dash.commerce.sync.state", lang), tr(f"dash.commerce.sync.state.{sync.state}", lang)),
        (tr("dash.commerce.sync.orders", lang), _count(sync.orders_imported, lang)),
        (tr("dash.commerce.sync.customers", lang), _count(sync.customers_imported, lang)),
        (tr("dash.commerce.sync.reconciled", lang), when(sync.last_reconciled_at)),
        (tr("dash.commerce.sync.last_webhook", lang), when(sync.last_webhook_at)),
    ]
    if sync.started_at:
        rows.insert(3, (tr("dash.commerce.sync.started", lang), when(sync.started_at)))
    if sync.finished_at:
        rows.insert(4, (tr("dash.commerce.sync.finished", lang), when(sync.finished_at)))
    return rows


def _count(n: int, lang: str) -> str:
    return format_decimal(n, locale=LOCALES.get(lang, "fr_CA"))


def delivery_rows(
    deliveries: Sequence[CommerceDelivery], lang: str, tz: str = DEFAULT_TZ
) -> pd.DataFrame:
    """The last deliveries as topic / received / status / attempts / error."""
    rows = [
        {
            tr("dash.commerce.deliveries.topic", lang): d.topic,
            tr("dash.commerce.deliveries.received", lang): short_when(d.received_at, lang, tz),
            tr("dash.commerce.deliveries.status", lang): tr(
                f"dash.commerce.delivery.{d.status}", lang
            ),
            tr("dash.commerce.deliveries.attempts", lang): d.attempts,
            tr("dash.commerce.deliveries.error", lang): d.error or "",
        }
        for d in deliveries
    ]
    return pd.DataFrame(rows)
