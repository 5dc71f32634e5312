"""The client's network address for the audit log (办法49: every operation's time, network address and person).

X-Forwarded-For is believed only when the direct peer is a configured trusted proxy; then the address taken is
the right-most one that is not itself a trusted proxy (anything left of it could have been written by the client).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(item, strict=False) for item in items]


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_ip(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str | None:
    if peer is None or not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed hop: fall back to what we can vouch for
    return hops[0] if hops else peer
