"""HTTP to a WooCommerce store's REST API v3: authentication, retries, errors.

Authentication follows WooCommerce's REST docs: over HTTPS the consumer key and secret go as
HTTP Basic credentials, or as ``consumer_key``/``consumer_secret`` query parameters when the
web server drops the Authorization header (WooCommerce then answers 401 without having read
the keys; we switch once and stay switched). Over plain HTTP WooCommerce ignores Basic auth and
requires OAuth 1.0a "one-legged" signing (no token, the parameters in the query string, the
key being ``consumer_secret&``): signed with ``oauthlib``, made for exactly this.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_QUERY
from oauthlib.oauth1 import Client as OAuth1

from widget_api.commerce.platform import PlatformError, PlatformTimeout
from widget_api.contracts.commerce import WooCommerce

# The keys were read and refused ("Consumer secret is invalid."): switching to query
# parameters would not help.
_KEYS_READ = "woocommerce_rest_authentication_error"
_STATUS_KEYS = {
    401: "commerce.error.auth",
    403: "commerce.error.woocommerce.forbidden",
    404: "commerce.error.woocommerce.not_found",
}


_SECRET_IN_URL = re.compile(r"(consumer_secret=)[^&\s\"']+")


class _RedactQuerySecret(logging.Filter):
    """httpx logs each request's URL at INFO: never with the secret of the query-string
    fallback in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and "consumer_secret=" in str(record.args):
            record.args = tuple(
                _SECRET_IN_URL.sub(r"\1…", str(a)) if "consumer_secret=" in str(a) else a
                for a in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_RedactQuerySecret())


class WooTransport:
    """One store's ``/wp-json/wc/v3/``: JSON in and out, errors as ``PlatformError``."""

    def __init__(
        self,
        cfg: WooCommerce,
        *,
        timeout: float = 10.0,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        retries: int = 3,
        verify: Any = True,
    ):
        self.store_url = cfg.store_url
        self.base = f"{cfg.store_url}/wp-json/wc/v3/"
        self._key = _plain(cfg.consumer_key)
        self._secret = _plain(cfg.consumer_secret)
        self._https = cfg.store_url.startswith("https://")
        self._query_auth = False  # HTTPS, for servers that drop the Authorization header
        self.max_wait = max_wait
        self.retries = retries
        self.sleep = sleep
        self._http = httpx.Client(
            timeout=timeout,
            verify=verify,
            follow_redirects=False,  # a redirect to http:// would downgrade the auth
            headers={"Accept": "application/json", "User-Agent": "Comptoir helpdesk"},
        )

    def close(self) -> None:
        self._http.close()

    # -- one request ------------------------------------------------------------------------

    def _url(self, path: str, params: dict | None) -> str:
        url = path if path.startswith("http") else self.base + path.lstrip("/")
        query = dict(params or {})
        if self._https and self._query_auth:
            query |= {"consumer_key": self._key, "consumer_secret": self._secret}
        return f"{url}?{urlencode(query, doseq=True)}" if query else url

    def _send(self, method: str, url: str, body: Any, signed: bool) -> httpx.Response:
        auth = None
        if signed and self._https and not self._query_auth:
            auth = httpx.BasicAuth(self._key, self._secret)
        elif signed and not self._https:
            oauth = OAuth1(
                self._key,
                client_secret=self._secret,
                signature_method=SIGNATURE_HMAC_SHA256,
                signature_type=SIGNATURE_TYPE_QUERY,
            )
            url, _, _ = oauth.sign(url, method)  # a fresh nonce and timestamp each attempt
        return self._http.request(method, url, json=body, auth=auth)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: Any = None,
        signed: bool = True,
        retry_5xx: bool | None = None,
    ) -> httpx.Response:
        """Send and answer a 2xx response. Waits out 429/503 ``Retry-After`` through ``sleep``
        (never more than ``max_wait`` in all); retries 5xx a few times except for POST, which
        may have acted (the caller asks the platform first). A timeout is ``PlatformTimeout``:
        the call may have happened."""
        retry_5xx = method != "POST" if retry_5xx is None else retry_5xx
        waited, attempt, switched = 0.0, 0, False
        while True:
            attempt += 1
            try:
                response = self._send(method, self._url(path, params), body, signed)
            except httpx.TimeoutException as exc:
                raise PlatformTimeout(f"{method} {path}: no answer in time") from exc
            except httpx.ConnectError as exc:  # nothing reached the store: safe to try again
                delay = min(2.0 ** (attempt - 1), self.max_wait - waited)
                if attempt > self.retries or delay <= 0:
                    raise PlatformError(
                        "commerce.error.unavailable", retryable=True, detail=str(exc)
                    ) from exc
                self.sleep(delay)
                waited += delay
                continue
            except httpx.HTTPError as exc:
                raise PlatformError(
                    "commerce.error.unavailable", retryable=True, detail=str(exc)
                ) from exc
            status = response.status_code
            if status < 400:
                return response
            error = error_body(response)
            header_lost = self._https and not self._query_auth and not switched
            if status == 401 and header_lost and (error or {}).get("code") != _KEYS_READ:
                self._query_auth, switched = True, True
                continue
            if status == 401 and switched:
                self._query_auth = False  # query parameters did not help either
            if status in (429, 503) and (status == 429 or "retry-after" in response.headers):
                delay = retry_after(response.headers.get("retry-after"), attempt)
                if attempt <= self.retries + 2 and waited + delay <= self.max_wait:
                    self.sleep(delay)
                    waited += delay
                    continue
                raise PlatformError(
                    "commerce.error.throttled",
                    retryable=True,
                    seconds=int(delay + 0.999),
                    detail=_message(error, response),
                )
            if status >= 500 and error is None and retry_5xx and attempt <= self.retries:
                delay = min(2.0 ** (attempt - 1), self.max_wait - waited)
                if delay > 0:
                    self.sleep(delay)
                    waited += delay
                    continue
            raise to_platform_error(status, error, response)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformError(
                "commerce.error.unavailable",
                retryable=True,
                detail=f"{method} {path}: the store did not answer JSON",
            ) from exc


def _plain(secret: Any) -> str:
    return secret.get_secret_value() if hasattr(secret, "get_secret_value") else str(secret or "")


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); else a back-off."""
    if value:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    return float(2 ** (attempt - 1))


def error_body(response: httpx.Response) -> dict | None:
    """WooCommerce's error JSON ``{"code", "message", "data": {"status"}}``, or None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and "code" in body and "message" in body else None


def _message(error: dict | None, response: httpx.Response) -> str:
    if error:
        return html.unescape(str(error.get("message") or error.get("code")))
    return f"HTTP {response.status_code}"


def to_platform_error(status: int, error: dict | None, response: httpx.Response) -> PlatformError:
    detail = _message(error, response)
    if status in _STATUS_KEYS:
        return PlatformError(_STATUS_KEYS[status], detail=detail)
    if status == 429:
        return PlatformError("commerce.error.throttled", retryable=True, seconds=1, detail=detail)
    if status >= 500 and error is None:  # a proxy or PHP failure, not WooCommerce's answer
        return PlatformError("commerce.error.unavailable", retryable=True, detail=detail)
    # 400 / 409, or WooCommerce's own refusal sent as 500 ("Invalid refund amount.")
    return PlatformError("commerce.error.rejected", detail=detail)
