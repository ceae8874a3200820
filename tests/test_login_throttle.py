"""Sign-in throttling: failures slow an account down then lock it, an address that fails too
often is locked across accounts, a success clears the account, unknown accounts answer exactly
like known ones, and the client address comes from X-Forwarded-For only behind a trusted proxy
(for every per-address limit). Lock expiry and forgetting run on an injected clock, no sleeping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dashboard.api_client import ApiClient, ApiError
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, RunningServer, make_database, start_server
from widget_api.domain.errors import RateLimited
from widget_api.domain.login_throttle import LoginThrottle

PASSWORD = "agent password 1"


def _server(tmp: Path, env: dict[str, str], rate_limit: int = 0) -> RunningServer:
    make_database(tmp / "comptoir.duckdb")
    return start_server(tmp / "comptoir.duckdb", rate_limit=rate_limit, env=env)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Behind a trusted proxy on loopback: each test speaks for its own client addresses. The
    first delay is long, so no answer here depends on how fast the machine is."""
    running = _server(
        tmp_path_factory.mktemp("proxied"),
        {
            "COMPTOIR_API__TRUSTED_PROXIES": json.dumps(["127.0.0.1", "::1"]),
            "COMPTOIR_API__LOGIN_FREE_FAILURES": "2",
            "COMPTOIR_API__LOGIN_DELAY_SECONDS": "600",
            "COMPTOIR_API__LOGIN_LOCK_FAILURES": "100",
            "COMPTOIR_API__LOGIN_ADDRESS_LOCK_FAILURES": "6",
        },
        rate_limit=100,
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """No trusted proxy (the default): X-Forwarded-For is the client's own claim, ignored. Locks
    come before any delay."""
    running = _server(
        tmp_path_factory.mktemp("direct"),
        {
            "COMPTOIR_API__LOGIN_FREE_FAILURES": "10",
            "COMPTOIR_API__LOGIN_LOCK_FAILURES": "2",
            "COMPTOIR_API__LOGIN_ADDRESS_LOCK_FAILURES": "3",
            "COMPTOIR_API__LOGIN_LOCK_SECONDS": "900",
        },
    )
    yield running
    running.stop()


def _agent(server: RunningServer, email: str) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = client.post(
            "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).json()["token"]
        answer = client.post(
            "/api/v1/agents",
            json={"email": email, "name": "Agent", "password": PASSWORD},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.text


def _login(
    server: RunningServer, email: str, password: str, address: str | None, lang: str = "en"
) -> httpx.Response:
    headers = {"Accept-Language": lang}
    if address:
        headers["X-Forwarded-For"] = address
    return httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": email, "password": password},
        headers=headers,
        timeout=30,
    )


def test_failures_make_the_account_wait_with_a_clear_message(proxied):
    email, address = "slow@shop.test", "203.0.113.10"
    _agent(proxied, email)
    assert [_login(proxied, email, "wrong", address).status_code for _ in range(2)] == [401, 401]
    for where, lang, text in (
        (address, "en", "Too many failed sign-ins. Wait {} seconds before trying again."),
        ("203.0.113.11", "fr", "Trop de tentatives de connexion échouées. Attendez {} secondes "
         "avant de réessayer."),
    ):  # fmt: skip
        waiting = _login(proxied, email, PASSWORD, where, lang)  # even the right password waits
        assert waiting.status_code == 429
        seconds = int(waiting.headers["Retry-After"])
        assert 590 <= seconds <= 600
        assert waiting.json()["detail"] == text.format(seconds)


def test_an_unknown_account_answers_exactly_like_a_known_one(proxied):
    known, unknown = "known@shop.test", "unknown@shop.test"
    _agent(proxied, known)
    for attempt in range(3):
        a = _login(proxied, known, "wrong", "203.0.113.20")
        b = _login(proxied, unknown, "wrong", "203.0.113.21")
        assert a.status_code == b.status_code, attempt
        assert re.sub(r"\d+", "N", a.json()["detail"]) == re.sub(r"\d+", "N", b.json()["detail"])
    assert (a.status_code, b.status_code) == (429, 429)


def test_a_successful_sign_in_clears_the_account(proxied):
    email, address = "resets@shop.test", "203.0.113.30"
    _agent(proxied, email)
    assert _login(proxied, email, "wrong", address).status_code == 401
    assert _login(proxied, email, PASSWORD, address).status_code == 200
    assert _login(proxied, email, "wrong", address).status_code == 401
    # Two failures in a row would make this one wait; the success in between cleared the first.
    assert _login(proxied, email, PASSWORD, address).status_code == 200


def test_an_address_failing_on_many_accounts_is_locked(proxied):
    email = "victim@shop.test"
    _agent(proxied, email)
    sprayer = "198.51.100.7"
    for n in range(6):  # one failure per account: no account is slowed down
        assert _login(proxied, f"guess{n}@shop.test", "wrong", sprayer).status_code == 401
    refused = _login(proxied, email, PASSWORD, sprayer)
    assert refused.status_code == 429 and "locked" in refused.json()["detail"]
    assert 890 <= int(refused.headers["Retry-After"]) <= 900  # the default lock, 15 min
    # Through the proxy, only the nearest untrusted hop counts, not what the client prepends.
    assert _login(proxied, email, PASSWORD, f"192.0.2.99, {sprayer}").status_code == 429
    assert _login(proxied, email, PASSWORD, "198.51.100.8").status_code == 200


def test_every_per_address_limit_uses_the_forwarded_address(proxied):
    def lookup(address: str) -> int:
        return httpx.post(
            f"{proxied.url}/api/v1/returns/lookup",
            json={"order_number": "ND-000000", "email": "nobody@example.com"},
            headers={"X-Forwarded-For": address},
            timeout=30,
        ).status_code

    answers = [lookup("203.0.113.40") for _ in range(11)]  # the lookup budget is 10 a minute
    assert answers[:10] == [404] * 10 and answers[10] == 429
    assert lookup("203.0.113.41") == 404


def test_the_dashboard_signs_in_on_behalf_of_the_browsers_address(proxied):
    """Behind the dashboard every sign-in comes from its host: it forwards the browser's address,
    so one person's failures do not lock every agent out (when its host is a trusted proxy)."""
    email = "dashboard.user@shop.test"
    _agent(proxied, email)
    for n in range(6):
        _login(proxied, f"spray{n}@shop.test", "wrong", "198.51.100.20")
    client = ApiClient(proxied.url, language="en")
    with pytest.raises(ApiError) as refused:
        client.login(email, PASSWORD, client_address="198.51.100.20")
    assert refused.value.status_code == 429 and "locked" in refused.value.detail
    assert client.login(email, PASSWORD, client_address="198.51.100.21").agent.email == email


def test_wrong_current_passwords_count_as_failed_sign_ins(proxied):
    """A borrowed session cannot guess the password through the change-password form faster than
    through the sign-in form: both count against the same account."""
    email, address = "guessed@shop.test", "203.0.113.50"
    _agent(proxied, email)
    session = _login(proxied, email, PASSWORD, address).json()
    headers = {"Authorization": f"Bearer {session['token']}", "X-Forwarded-For": address}

    def change(current: str) -> httpx.Response:
        return httpx.patch(
            f"{proxied.url}/api/v1/agents/{session['agent']['id']}",
            json={"password": "new password 1", "current_password": current},
            headers=headers,
            timeout=30,
        )

    assert [change(guess).status_code for guess in ("guess 1", "guess 2")] == [403, 403]
    assert change(PASSWORD).status_code == 429  # even the right one waits now
    assert _login(proxied, email, PASSWORD, "203.0.113.51").status_code == 429


def test_without_a_trusted_proxy_the_peer_is_the_client_and_accounts_lock(direct):
    _agent(direct, "locked@shop.test")
    _agent(direct, "other@shop.test")
    for claimed in ("198.51.100.1", "198.51.100.2"):
        assert _login(direct, "locked@shop.test", "wrong", claimed).status_code == 401
    locked = _login(direct, "locked@shop.test", PASSWORD, None, lang="fr")
    assert locked.status_code == 429 and 890 <= int(locked.headers["Retry-After"]) <= 900
    assert locked.json()["detail"] == (
        "Connexion bloquée après trop de tentatives échouées. Réessayez dans 15 min."
    )
    assert _login(direct, "other@shop.test", PASSWORD, None).status_code == 200
    # A third failure, claimed from yet another address, still counts for the real peer:
    assert _login(direct, "nobody@shop.test", "wrong", "198.51.100.3").status_code == 401
    refused = _login(direct, "other@shop.test", PASSWORD, "198.51.100.4")
    assert refused.status_code == 429 and "locked" in refused.json()["detail"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _refusal(throttle: LoginThrottle, account: str, address: str) -> tuple[str, int] | None:
    try:
        throttle.admit(account, address)
    except RateLimited as refused:
        return refused.key, int(refused.headers["Retry-After"])
    return None


def test_the_lock_lifts_and_failures_are_forgotten_on_the_clock():
    clock = Clock()
    throttle = LoginThrottle(
        free_failures=2, lock_failures=4, address_lock_failures=100, lock_seconds=600, clock=clock
    )  # first delay 1 s
    waits = []
    for _ in range(4):
        assert _refusal(throttle, "a@shop.test", "10.0.0.1") is None
        throttle.failed("a@shop.test", "10.0.0.1")
        waits.append(_refusal(throttle, "A@Shop.test ", "10.0.0.2"))  # same account, any case
        clock.now += 2.0  # past the 1 s and 2 s delays
    assert waits == [None, ("error.login_wait", 1), ("error.login_wait", 2),
                     ("error.login_locked", 600)]  # fmt: skip
    clock.now += 597.0
    assert _refusal(throttle, "a@shop.test", "10.0.0.1") == ("error.login_locked", 1)
    clock.now += 1.0
    assert _refusal(throttle, "a@shop.test", "10.0.0.1") is None  # lifted
    throttle.failed("a@shop.test", "10.0.0.1")  # still remembered: fails again, locks again
    assert _refusal(throttle, "a@shop.test", "10.0.0.1") == ("error.login_locked", 600)

    clock.now += 600.0 + 600.0  # the lock, then a quiet spell as long: all forgotten
    assert _refusal(throttle, "a@shop.test", "10.0.0.1") is None
    throttle.failed("a@shop.test", "10.0.0.1")
    assert _refusal(throttle, "a@shop.test", "10.0.0.1") is None


def test_concurrent_tries_cannot_share_one_delay_slot():
    clock = Clock()
    throttle = LoginThrottle(
        free_failures=1, lock_failures=50, address_lock_failures=100, lock_seconds=600, clock=clock
    )
    throttle.failed("b@shop.test", "10.0.0.1")
    clock.now += 5.0
    assert _refusal(throttle, "b@shop.test", "10.0.0.1") is None  # one try takes the slot
    assert _refusal(throttle, "b@shop.test", "10.0.0.1") == ("error.login_wait", 1)
