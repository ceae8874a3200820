"""Meta's webhook signature: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw
body)>``, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def valid(app_secret: str | None, body: bytes, given: str | None) -> bool:
    if not app_secret or not given:
        return False
    return hmac.compare_digest(signature(app_secret, body), given.strip().lower())
