"""The dashboard's session-cookie route (dashboard/session_cookie.py): a one-time code from the
script becomes an HttpOnly, SameSite=Strict cookie holding the token; a forget code clears it only
while it holds that token. Served by uvicorn on loopback (the browser flow is in
test_dashboard_signin_browser.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from dashboard import session_cookie as sc
from tests.conftest import free_port
from tests.waiting import wait_until


@pytest.fixture(scope="module")
def route_url() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(Starlette(routes=sc.routes()), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "the cookie route")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(monkeypatch, route_url) -> Iterator[httpx.Client]:
    monkeypatch.setattr(sc, "HANDOFFS", sc.Handoffs())
    with httpx.Client(base_url=route_url, timeout=10) as client:
        yield client


def _post(client: httpx.Client, code: str, **headers: str):
    return client.post(sc.ROUTE, json={"code": code}, headers=headers)


def test_a_keep_code_sets_an_httponly_strict_cookie_once(client):
    expires = datetime.now(UTC) + timedelta(hours=12)
    code = sc.HANDOFFS.offer("tok-1", keep=True, expires_at=expires)
    answer = _post(client, code)
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{sc.COOKIE}=tok-1;")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 12 * 3600 - 60 < max_age <= 12 * 3600
    assert _post(client, code).status_code == 400  # used once


def test_behind_an_https_proxy_the_cookie_is_secure(client):
    code = sc.HANDOFFS.offer("tok-2", keep=True)
    answer = _post(client, code, **{"X-Forwarded-Proto": "https"})
    assert "Secure" in answer.headers["set-cookie"]


@pytest.mark.parametrize("held, cleared", [("tok-3", True), ("newer-token", False)])
def test_a_forget_code_clears_the_cookie_only_while_it_holds_that_token(client, held, cleared):
    client.cookies.set(sc.COOKIE, held)
    answer = _post(client, sc.HANDOFFS.offer("tok-3", keep=False))
    assert answer.status_code == 204
    assert ("set-cookie" in answer.headers) is cleared
    if cleared:
        assert 'comptoir_session="";' in answer.headers["set-cookie"] or (
            "Max-Age=0" in answer.headers["set-cookie"]
        )


@pytest.mark.parametrize("body", [b"", b"{}", b'{"code": 3}', b"not json", b'{"code": "made-up"}'])
def test_bad_or_unknown_codes_are_refused(client, body):
    answer = client.post(sc.ROUTE, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400


def test_an_expired_code_is_refused(client, monkeypatch):
    monkeypatch.setattr(sc, "HANDOFFS", sc.Handoffs(seconds=-1))
    assert _post(client, sc.HANDOFFS.offer("tok-4", keep=True)).status_code == 400
