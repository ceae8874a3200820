"""The analytics part of the agent API, as DataFrames for the charts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from dashboard.api_client import ApiClient


def _params(start: date, end: date, channels: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"start": start.isoformat(), "end": end.isoformat()}
    if channels:
        params["channel"] = channels
    return params


def report(api: ApiClient, name: str, start: date, end: date, channels: list[str]) -> Any:
    return api.request(
        "GET", f"/api/v1/analytics/report/{name}", params=_params(start, end, channels)
    )


def frame(rows: list[dict] | None) -> pd.DataFrame:
    return pd.DataFrame(rows or [])


def drill(
    api: ApiClient, start: date, end: date, channels: list[str], filters: dict[str, Any]
) -> pd.DataFrame:
    params = {**_params(start, end, channels), **filters, "limit": 2000}
    return frame(api.request("GET", "/api/v1/analytics/tickets", params=params))


def spikes(api: ApiClient, start: date, end: date) -> list[dict]:
    return api.request("GET", "/api/v1/analytics/spikes", params=_params(start, end, []))
