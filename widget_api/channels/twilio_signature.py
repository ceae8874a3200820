"""Twilio's request signature (``X-Twilio-Signature``): base64 of HMAC-SHA1, keyed with the
account's auth token, over the full URL Twilio called followed by each POST parameter's name and
value, sorted by name. The URL is the public one (``api.public_base_url``): behind a proxy the
server's own view of the URL is not what Twilio signed."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    data = url + "".join(f"{name}{value}" for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid(auth_token: str, url: str, params: Iterable[tuple[str, str]], given: str | None) -> bool:
    if not given or not auth_token:
        return False
    return hmac.compare_digest(signature(auth_token, url, params).encode(), given.encode())


def public_url(public_base_url: str, path: str, query: str = "") -> str:
    url = public_base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url
