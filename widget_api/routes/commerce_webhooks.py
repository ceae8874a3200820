"""Webhooks from the commerce platforms (public, signed): ``POST /webhooks/shopify`` and
``POST /webhooks/woocommerce``.

Each delivery is checked against the saved webhook secret (base64 of HMAC-SHA256 of the raw
body, compared in constant time), stored in ``commerce_webhooks`` in one write, and only then
answered 200; the webhook processor does the work afterwards, so the platform gets its answer
well within its timeout. A redelivery (same delivery id) is answered 200 and not stored again.
A missing or wrong signature, or a platform that is not the configured one (no secret to check
against), is a 401: the platform shows it as a failed delivery and retries later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from litestar import Request, post
from litestar.datastructures import State
from pydantic import BaseModel, Field

from widget_api.domain.errors import ComptoirError, Invalid, Unauthorized
from widget_api.storage import commerce_inbox
from widget_api.storage.rows import utcnow

#: Largest webhook body accepted (Shopify orders with many lines stay far below).
MAX_BODY = 2_000_000
_TAGS = ["commerce webhooks"]
_WOO_PING = re.compile(rb"^webhook_id=\d+$")


class TooLarge(ComptoirError):
    status_code = 413


class WebhookReceived(BaseModel):
    """The delivery is stored (or was already): the platform may forget it."""

    received: bool = True
    duplicate: bool = Field(False, description="True when this delivery id was already stored.")


async def _body(request: Request) -> bytes:
    """The raw body, refused past :data:`MAX_BODY` without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge("commerce.webhook.too_large", limit=MAX_BODY)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge("commerce.webhook.too_large", limit=MAX_BODY)
        chunks.append(chunk)
    return b"".join(chunks)


def verify(secret: bytes, body: bytes, signature: str | None, header: str) -> None:
    """``signature`` must be base64(HMAC-SHA256(secret, body)); 401 otherwise."""
    if not signature:
        raise Unauthorized("commerce.webhook.signature_missing", header=header)
    expected = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature.strip().encode()):
        raise Unauthorized("commerce.webhook.signature_wrong", header=header)


async def _store(
    state: State, platform: str, delivery_id: str, topic: str, body: bytes
) -> WebhookReceived:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("commerce.webhook.not_utf8") from None
    delivery_id, topic = delivery_id[:200], topic[:100]
    stored = await state.db.awrite(
        lambda w: commerce_inbox.receive(w, platform, delivery_id, topic, text, utcnow())
    )
    if stored:
        state.commerce_webhooks.wake()
    return WebhookReceived(duplicate=not stored)


def _secret(state: State, platform: str) -> bytes:
    secret = state.commerce.webhook_secret(platform)
    if secret is None:
        name = {"shopify": "Shopify"}.get(platform, "WooCommerce")
        raise Unauthorized("commerce.webhook.not_configured", platform=name)
    return secret


@post("/webhooks/shopify", operation_id="ShopifyWebhook", tags=_TAGS, status_code=200,
      request_max_body_size=None)  # fmt: skip
async def shopify_webhook(state: State, request: Request) -> WebhookReceived:
    """A Shopify webhook (orders, refunds, customers, privacy topics), signed with
    ``X-Shopify-Hmac-Sha256``; deduplicated on ``X-Shopify-Webhook-Id``."""
    body = await _body(request)
    headers = request.headers
    verify(_secret(state, "shopify"), body, headers.get("x-shopify-hmac-sha256"),
           "X-Shopify-Hmac-Sha256")  # fmt: skip
    topic = headers.get("x-shopify-topic")
    if not topic:
        raise Invalid("commerce.webhook.topic_missing", header="X-Shopify-Topic")
    delivery_id = (
        headers.get("x-shopify-webhook-id")
        or headers.get("x-shopify-event-id")
        or "sha256:" + hashlib.sha256(body).hexdigest()
    )
    return await _store(state, "shopify", delivery_id, topic, body)


@post("/webhooks/woocommerce", operation_id="WooCommerceWebhook", tags=_TAGS, status_code=200,
      request_max_body_size=None)  # fmt: skip
async def woocommerce_webhook(state: State, request: Request) -> WebhookReceived:
    """A WooCommerce webhook signed with ``X-WC-Webhook-Signature``, deduplicated on
    ``X-WC-Webhook-Delivery-ID``. The unsigned activation ping (form body ``webhook_id=N``)
    is answered 200 and not stored."""
    body = await _body(request)
    headers = request.headers
    signature = headers.get("x-wc-webhook-signature")
    if not signature and _WOO_PING.match(body.strip()):
        return WebhookReceived()
    verify(_secret(state, "woocommerce"), body, signature, "X-WC-Webhook-Signature")
    topic = headers.get("x-wc-webhook-topic")
    if not topic:
        raise Invalid("commerce.webhook.topic_missing", header="X-WC-Webhook-Topic")
    delivery_id = (
        headers.get("x-wc-webhook-delivery-id") or "sha256:" + hashlib.sha256(body).hexdigest()
    )
    return await _store(state, "woocommerce", delivery_id, topic, body)


HANDLERS = [shopify_webhook, woocommerce_webhook]
