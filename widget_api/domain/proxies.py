"""The client's address behind configured reverse proxies.

``X-Forwarded-For`` is a list anyone can write to, so it is read only when the TCP peer is a
trusted proxy, and only as far back as the hops are trusted proxies too: the first untrusted hop
from the right is the client (whatever a client put further left is its own claim).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

Network = IPv4Network | IPv6Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in proxies)


def client_address(peer: str, forwarded_for: Iterable[str], proxies: Sequence[Network]) -> str:
    """``peer``, or the nearest untrusted hop of ``X-Forwarded-For`` when ``peer`` is a proxy."""
    if not proxies:
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        if not _trusted(client, proxies):
            break
        try:
            client = str(ip_address(hop))
        except ValueError:  # a garbled hop: the last address we can vouch for is the client
            break
    return client
