"""Fetching a file a platform points to (an MMS's media, a Messenger attachment): streamed, and
given up as soon as it passes the attachment limit."""

from __future__ import annotations

import httpx


class TooLarge(Exception):
    """The file is larger than the limit."""


def download(client: httpx.Client, url: str, auth, limit: int) -> tuple[bytes, str]:
    """The file and its declared content type ("" when none)."""
    with client.stream("GET", url, auth=auth) as response:
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge
            chunks.append(chunk)
        return b"".join(chunks), response.headers.get("content-type") or ""
