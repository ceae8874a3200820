"""One Shopify Admin GraphQL call: POST ``{"query", "variables"}`` with the access token, and
Shopify's ways of saying "not now" handled in one place.

- ``THROTTLED`` (GraphQL error, HTTP 200 or 429 with ``extensions.cost.throttleStatus``): the
  query did not run; wait until the bucket holds its cost (``(requested - currentlyAvailable) /
  restoreRate`` seconds) and send it again. HTTP 429 with ``Retry-After``: the same.
- 5xx, dropped connections and read timeouts: reads are sent again a few times. A mutation is
  not: it may have happened, so the action layer asks Shopify first (``find_action``) and a
  read timeout is a ``PlatformTimeout`` (outcome unknown).
- 401/403 → ``commerce.error.auth``; other refusals → a ``PlatformError`` whose ``detail`` is
  Shopify's own words.

Every wait goes through the injected ``sleep`` and all waits of one call together stay under
``max_wait`` (past it: ``commerce.error.throttled``, retryable).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import httpx

from widget_api.commerce.platform import PlatformError, PlatformTimeout

log = logging.getLogger(__name__)

ATTEMPTS = 3  # sends of one read when Shopify answers 5xx or drops the connection
BACKOFF = 0.5  # seconds before the second send, doubled each time
MAX_THROTTLES = 10  # throttled answers one call accepts before giving up
MIN_PACE_FRACTION = 0.1  # pace calls once the bucket is below 10 % of its size


class Transport:
    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float,
        max_wait: float,
        sleep: Callable[[float], None],
        http: httpx.Client | None = None,
    ):
        self.url = url
        self.max_wait = max_wait
        self.sleep = sleep
        self.http = http or httpx.Client(timeout=timeout)
        self.headers = {
            "X-Shopify-Access-Token": token,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "Comptoir helpdesk",
        }
        self._bucket: dict[str, float] | None = None  # the last throttleStatus seen

    def close(self) -> None:
        self.http.close()

    def run(self, document: str, variables: dict | None = None, *, read: bool = True) -> dict:
        """The ``data`` of the answer. ``read=False`` for mutations (never sent twice after a
        possible execution)."""
        waited = 0.0
        attempt = throttles = 0
        waited += self._pace(waited)
        while True:
            attempt += 1
            try:
                response = self.http.post(
                    self.url,
                    json={"query": document, "variables": variables or {}},
                    headers=self.headers,
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Never reached Shopify: safe to send again, read or not.
                if attempt < ATTEMPTS:
                    waited += self._wait(BACKOFF * 2 ** (attempt - 1), waited, "unavailable")
                    continue
                raise PlatformError(
                    "commerce.error.unavailable", retryable=True, detail=str(exc)
                ) from exc
            except httpx.TimeoutException as exc:
                if read and attempt < ATTEMPTS:
                    continue
                raise PlatformTimeout(detail=f"no answer in time ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                if read and attempt < ATTEMPTS:
                    waited += self._wait(BACKOFF * 2 ** (attempt - 1), waited, "unavailable")
                    continue
                if read:
                    raise PlatformError(
                        "commerce.error.unavailable", retryable=True, detail=str(exc)
                    ) from exc
                raise PlatformTimeout(detail=f"connection lost: {exc}") from exc

            status = response.status_code
            if status in (401, 403):
                raise PlatformError("commerce.error.auth", detail=_text(response))
            if status in (402, 423):
                raise PlatformError(
                    "commerce.error.shopify.shop_unavailable", detail=_text(response)
                )
            if status == 404:
                raise PlatformError("commerce.error.shopify.not_found", detail=_text(response))
            body = _json(response)
            if status == 429 or _throttled(body):
                seconds = _retry_after(response) if status == 429 else None
                if seconds is None:
                    seconds = _throttle_wait(body)
                throttles += 1
                if throttles > MAX_THROTTLES:
                    raise PlatformError("commerce.error.throttled", retryable=True)
                waited += self._wait(seconds, waited, "throttled")
                attempt = 0  # a throttled call never ran: it does not use up the 5xx attempts
                continue
            if status >= 500 or _internal_error(body):
                if read and attempt < ATTEMPTS:
                    waited += self._wait(BACKOFF * 2 ** (attempt - 1), waited, "unavailable")
                    continue
                raise PlatformError(
                    "commerce.error.unavailable", retryable=True, detail=f"HTTP {status}"
                )
            if status >= 400 or body is None:
                raise PlatformError("commerce.error.rejected", detail=_text(response))
            self._remember(body)
            errors = body.get("errors")
            if errors:
                codes = {((e.get("extensions") or {}).get("code") or "") for e in _list(errors)}
                detail = "; ".join(str(e.get("message", e)) for e in _list(errors))[:500]
                if "ACCESS_DENIED" in codes:
                    raise PlatformError("commerce.error.shopify.access_denied", detail=detail)
                raise PlatformError("commerce.error.shopify.query_failed", detail=detail)
            return body.get("data") or {}

    def mutate(
        self, document: str, variables: dict, root: str, errors_field: str = "userErrors"
    ) -> dict:
        """Run a mutation; its ``userErrors`` become ``commerce.error.rejected`` with Shopify's
        messages as ``detail``. Returns the mutation's payload (``data[root]``)."""
        data = self.run(document, variables, read=False)
        payload = data.get(root) or {}
        user_errors = payload.get(errors_field) or []
        if user_errors:
            detail = "; ".join(str(e.get("message") or e) for e in user_errors)[:500]
            codes = [e.get("code") for e in user_errors if e.get("code")]
            raise PlatformError("commerce.error.rejected", detail=detail, codes=",".join(codes))
        return payload

    # -- waiting --------------------------------------------------------------------------------

    def _wait(self, seconds: float, waited: float, why: str) -> float:
        seconds = max(0.0, float(seconds))
        if waited + seconds > self.max_wait:
            raise PlatformError(
                f"commerce.error.{why}",
                retryable=True,
                detail=f"Shopify asked to wait {seconds:.1f}s; {waited:.1f}s already waited",
            )
        log.info("Shopify: waiting %.2fs (%s)", seconds, why)
        self.sleep(seconds)
        return seconds

    def _pace(self, waited: float) -> float:
        """Before sending: when the last answer left the bucket nearly empty, wait until a tenth
        of it is back rather than being throttled (the initial import sends many pages)."""
        bucket = self._bucket
        if not bucket or bucket["restoreRate"] <= 0:
            return 0.0
        floor = bucket["maximumAvailable"] * MIN_PACE_FRACTION
        if bucket["currentlyAvailable"] >= floor:
            return 0.0
        self._bucket = None
        seconds = _round_up((floor - bucket["currentlyAvailable"]) / bucket["restoreRate"])
        return self._wait(seconds, waited, "throttled")

    def _remember(self, body: dict) -> None:
        status = _throttle_status(body)
        if status:
            self._bucket = status


def _round_up(seconds: float) -> float:
    return math.ceil(seconds * 100) / 100


def _list(value: Any) -> list[dict]:
    if isinstance(value, list):
        return [e if isinstance(e, dict) else {"message": str(e)} for e in value]
    return [{"message": str(value)}]


def _json(response: httpx.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _text(response: httpx.Response) -> str:
    return response.text[:300]


def _throttled(body: dict | None) -> bool:
    if not body or not body.get("errors"):
        return False
    return any(
        (e.get("extensions") or {}).get("code") == "THROTTLED" for e in _list(body["errors"])
    )


def _internal_error(body: dict | None) -> bool:
    if not body or not body.get("errors") or body.get("data"):
        return False
    return any(
        (e.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"
        for e in _list(body["errors"])
    )


def _throttle_status(body: dict | None) -> dict[str, float] | None:
    cost = ((body or {}).get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        return {
            "maximumAvailable": float(status["maximumAvailable"]),
            "currentlyAvailable": float(status["currentlyAvailable"]),
            "restoreRate": float(status["restoreRate"]),
            "requested": float(cost.get("requestedQueryCost") or 0),
        }
    except (KeyError, TypeError, ValueError):
        return None


def _throttle_wait(body: dict | None) -> float:
    """Seconds until the bucket holds the query's cost; 1 s when Shopify does not say."""
    status = _throttle_status(body)
    if not status or status["restoreRate"] <= 0:
        return 1.0
    missing = status["requested"] - status["currentlyAvailable"]
    return _round_up(max(missing, 1.0) / status["restoreRate"])


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
