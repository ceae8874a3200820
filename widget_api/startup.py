"""What commands check before starting a server: the port is free, the address is ours.

Each failure is one ``click`` line saying what, why and which flag changes it (no traceback).
"""

from __future__ import annotations

import errno
import socket
import subprocess
import time

import click
import httpx


def listen(host: str, port: int, *, flag: str, env: str) -> socket.socket:
    """A socket bound to ``host:port`` (uvicorn serves on it), or a one-line error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose
    # protocol says TCP, and with Nagle on, a response written in two parts (head, then body)
    # on a kept-alive connection waits for the client's delayed ACK: 40 ms on every request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(_bind_problem(host, port, exc, flag, env)) from None
    return sock


def check_port(host: str, port: int, *, flag: str, env: str) -> None:
    """Fail now, with a clear line, rather than when a child process cannot listen."""
    listen(host, port, flag=flag, env=env).close()


def _bind_problem(host: str, port: int, exc: OSError, flag: str, env: str) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {where}: the port is already in use by another program; "
            f"choose another with {flag} (env {env})"
        )
    if exc.errno == errno.EACCES:
        return (
            f"cannot listen on {where}: ports below 1024 need privileges; "
            f"choose another with {flag} (env {env})"
        )
    reason = exc.strerror or str(exc)
    return f"cannot listen on {where} ({reason}): check the address and port (env {env})"


def reachable(host: str) -> str:
    """The host part of a URL that reaches a server listening on ``host`` from this machine."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def wait_answering(url: str, process: subprocess.Popen, what: str, timeout: float = 120) -> None:
    """Wait until ``url`` answers 200, or fail with a line if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(f"the {what} stopped while starting (see above)")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"the {what} did not answer at {url} within {timeout:.0f} s")
