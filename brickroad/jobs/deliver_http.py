"""Outbound HTTP for webhooks and OAuth callbacks: signed, time-bounded, and never to private addresses.

The target's hostname is resolved here and every address checked; the request
then goes to the checked address itself (Host header and TLS SNI keep the
name), so a DNS answer can't change between the check and the connection.
Redirects are followed by hand, each hop checked the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import httpx

from brickroad.jobs.config import JobSettings
from brickroad.services import outbound

SIGNATURE_HEADER = "X-Brickroad-Signature"
DELIVERY_HEADER = "X-Brickroad-Delivery"
USER_AGENT = "brickroad-webhooks/1"
REDIRECTS = (301, 302, 303, 307, 308)


class TargetRefused(Exception):
    """The URL points somewhere we won't send to (private address, bad scheme): retrying can't help."""


@dataclass(frozen=True)
class HttpResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    permanent: bool = False  # don't retry (refused target, 410 Gone)


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, js: JobSettings) -> bool:
    return outbound.address_allowed(ip, js.outbound)


def resolve(url: str, js: JobSettings) -> str:
    """The address to connect to for `url`, after checking all of the host's addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(f"not an http(s) URL: {url[:200]}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {parts.hostname}: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for a in addresses:
        ip = ipaddress.ip_address(a.split("%", 1)[0])
        if not _allowed(ip, js):
            raise TargetRefused(f"{parts.hostname} resolves to {ip}, a private or local address")
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL rewritten to the checked address, plus the Host header and TLS SNI for the real name."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = host + (f":{parts.port}" if parts.port else "")
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), headers, extensions


def post(
    url: str,
    *,
    js: JobSettings,
    secret: bytes,
    delivery_id: str,
    json_body: bytes | None = None,
    form: dict[str, str] | None = None,
    client: httpx.Client | None = None,
) -> HttpResult:
    """POST once (following up to js.max_redirects checked redirects); never raises for network trouble."""
    if json_body is not None:
        body, content_type = json_body, "application/json"
    else:
        body, content_type = urlencode(form or {}).encode(), "application/x-www-form-urlencoded"
    headers = {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_HEADER: delivery_id,
        "Idempotency-Key": delivery_id,
    }
    own = client is None
    client = client or httpx.Client(timeout=js.http_timeout, follow_redirects=False, trust_env=False)
    try:
        for _hop in range(js.max_redirects + 1):
            try:
                address = resolve(url, js)
            except TargetRefused as exc:
                return HttpResult(False, error=str(exc), permanent=True)
            target, host_header, extensions = _pinned(url, address)
            try:
                response = client.post(target, content=body, headers={**headers, **host_header},
                                       extensions=extensions)
            except httpx.TimeoutException:
                return HttpResult(False, error=f"timed out after {js.http_timeout:g}s")
            except (httpx.HTTPError, OSError) as exc:
                return HttpResult(False, error=f"{type(exc).__name__}: {exc}"[:500])
            if response.status_code in REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            if 200 <= response.status_code < 300:
                return HttpResult(True, response.status_code)
            return HttpResult(False, response.status_code, f"HTTP {response.status_code}",
                              permanent=response.status_code == 410)
        return HttpResult(False, error=f"more than {js.max_redirects} redirects")
    finally:
        if own:
            client.close()
