"""Which addresses the server may send HTTP to (webhooks, callbacks): the SSRF rule, in one place.

`ipaddress.is_global` alone is not enough: it passes IPv6 forms that carry an
IPv4 address the network will translate and deliver to (NAT64, 6to4, Teredo,
IPv4-compatible and SIIT addresses), deprecated site-local fec0::/10, and a
few IPv4 special ranges. So the rule is explicit:

1. an address in the operator's allow-list is allowed;
2. with `allow_private` everything is allowed;
3. an IPv6 address that embeds IPv4 addresses is judged by those (every one
   must pass) and never by its own prefix;
4. otherwise the address must be global, not multicast, and outside the
   special ranges listed below.

Used at registration (services: a 422 naming the field) and at delivery
(jobs/deliver_http.py, on the resolved address and on every redirect).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from brickroad.config import Network, OutboundPolicy
from brickroad.errors import Invalid

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

_REFUSED_V4 = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24",  # IETF protocol assignments (192.0.0.9, 192.0.0.10 included)
    "192.0.2.0/24", "192.88.99.0/24",  # documentation; 6to4 relay anycast
    "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
_REFUSED_V6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::/128", "::1/128", "100::/64", "2001:db8::/32", "2001:10::/28", "3fff::/20",
    "64:ff9b:1::/48",  # local-use NAT64
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
# Prefixes whose last 32 bits are an IPv4 address the network reaches.
_V4_IN_LOW_BITS = tuple(ipaddress.IPv6Network(n) for n in (
    "::/96",  # IPv4-compatible ::a.b.c.d (deprecated)
    "::ffff:0:0/96",  # IPv4-mapped ::ffff:a.b.c.d
    "::ffff:0:0:0/96",  # SIIT ::ffff:0:a.b.c.d
    "64:ff9b::/96",  # NAT64
))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for (empty if none)."""
    if any(ip in net for net in _V4_IN_LOW_BITS):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)  # the relay server and the (de-obfuscated) client
    return []


def address_allowed(ip: IP, policy: OutboundPolicy) -> bool:
    if policy.allow_private or any(ip in net for net in policy.allow_networks):
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner:
            return all(address_allowed(v4, policy) for v4 in inner)
        refused: Iterable[Network] = _REFUSED_V6
    else:
        refused = _REFUSED_V4
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in refused)


def parse_ip(text: str) -> IP | None:
    """An IP literal (brackets, zone ids allowed); None for a host name."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def refused_address(host: str, port: int, policy: OutboundPolicy) -> IP | None:
    """The first address of `host` (a literal, or each address it resolves to) the policy refuses.

    A name that doesn't resolve now passes: delivery resolves and checks again.
    """
    literal = parse_ip(host)
    if literal is not None:
        return None if address_allowed(literal, policy) else literal
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        ip = parse_ip(str(info[4][0]))
        if ip is not None and not address_allowed(ip, policy):
            return ip
    return None


def check_target(url: str, field: str, policy: OutboundPolicy) -> None:
    """Invalid(field) if `url` points at an address we would refuse to send to."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Invalid(field, "has an invalid port") from None
    ip = refused_address(parts.hostname or "", port, policy)
    if ip is not None:
        raise Invalid(field, f"points to {ip}, a private, local or reserved address")
