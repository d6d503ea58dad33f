"""Client addresses: who really sent a request, and how much of that we keep."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def parse_networks(values: tuple[str, ...]) -> list[Network]:
    """Addresses or CIDR ranges, e.g. from BROADSHEET_TRUSTED_PROXIES (parsed once)."""
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(meta: Mapping[str, str], trusted: Sequence[str]) -> str:
    """The client's address, believing X-Forwarded-For only as far as it came through our proxies.

    Walking the header from the right, each hop added by a trusted proxy is stepped over; the
    first address a trusted proxy did not add is the client. With no trusted proxies the
    header is ignored, so nobody can pick their own address by sending it.
    """
    trusted_proxies = parse_networks(tuple(trusted))
    remote = _parse(meta.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    if not any(remote in network for network in trusted_proxies):
        return str(remote)
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        client = address
        if not any(address in network for network in trusted_proxies):
            break
    return str(client)


def truncate(ip: str) -> str:
    """The network an address belongs to: /24 for IPv4, /48 for IPv6, as a CIDR string."""
    address = _parse(ip)
    if address is None:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def keyed_hash(value: str, *, key: str, purpose: str) -> str:
    """A hash of ``value`` only this site can compute, so it links nothing across sites."""
    digest = hmac.new(f"{purpose}:{key}".encode(), value.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
