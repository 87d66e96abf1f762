"""SSRF (M4): the outbound rule refuses every address form that reaches a private network,
directly, through DNS and through a redirect, and URLs are refused when registered too."""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from brickroad.config import OutboundPolicy, parse_networks
from brickroad.errors import Invalid
from brickroad.jobs import deliver_http
from brickroad.jobs.config import JobSettings
from brickroad.services import oauth, outbound, webhooks
from brickroad.services.context import Context
from tests.api.goalkit import create_goal
from tests.conftest import Account
from tests.jobs.kit import Receiver, redirects

# Each of these reaches (or is) a private, local or special-purpose address.
REFUSED = [
    "::10.0.0.1", "::127.0.0.1", "::169.254.169.254",  # IPv4-compatible
    "::ffff:127.0.0.1", "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:0:10.0.0.1", "::ffff:0:169.254.169.254",  # SIIT ::ffff:0:a.b.c.d
    "64:ff9b::10.0.0.1", "64:ff9b::169.254.169.254", "64:ff9b::127.0.0.1",  # NAT64
    "2002:a00:1::1", "2002:a9fe:a9fe::", "2002:7f00:1::5",  # 6to4 of 10.0.0.1, 169.254.169.254, 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "2001:0:a00:1:8000:63bf:f7f7:f7f7",  # Teredo, server 10.0.0.1
    "fec0::1", "fec0:1:2::3",  # site-local
    "192.0.0.9", "192.0.0.10", "192.0.0.170", "192.88.99.1",
    "10.0.0.1", "169.254.169.254", "127.0.0.1", "0.0.0.0", "100.64.0.1", "198.18.0.1", "240.0.0.1",
    "::1", "::", "fe80::1", "fc00::1", "ff02::1", "224.0.0.1",
]
ALLOWED = [
    "8.8.8.8", "2606:4700::1111", "64:ff9b::8.8.8.8", "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo, public server and client 8.8.8.8
]


@pytest.mark.parametrize("address", REFUSED)
def test_private_address_forms_are_refused(address: str) -> None:
    assert not outbound.address_allowed(ipaddress.ip_address(address), OutboundPolicy())
    assert not deliver_http._allowed(ipaddress.ip_address(address), JobSettings())


@pytest.mark.parametrize("address", ALLOWED)
def test_public_address_forms_are_allowed(address: str) -> None:
    assert outbound.address_allowed(ipaddress.ip_address(address), OutboundPolicy())


def test_the_operator_can_still_allow_private_targets() -> None:
    assert outbound.address_allowed(ipaddress.ip_address("64:ff9b::10.0.0.1"), OutboundPolicy(allow_private=True))
    listed = OutboundPolicy(allow_networks=parse_networks("10.0.0.0/8"))
    assert outbound.address_allowed(ipaddress.ip_address("10.9.9.9"), listed)
    assert not outbound.address_allowed(ipaddress.ip_address("192.168.0.1"), listed)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Host names the resolver answers with chosen addresses (everything else resolves as usual)."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            family = socket.AF_INET6 if ":" in answers[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers


def test_a_name_resolving_to_an_embedded_private_address_is_refused_at_delivery(dns: dict[str, str]) -> None:
    dns["metadata.example.net"] = "64:ff9b::a9fe:a9fe"
    with pytest.raises(deliver_http.TargetRefused):
        deliver_http.resolve("http://metadata.example.net/latest", JobSettings())
    result = deliver_http.post("http://metadata.example.net/x", js=JobSettings(), secret=b"s", delivery_id="d",
                               json_body=b"{}")
    assert not result.ok and result.permanent


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@pytest.mark.parametrize("location", ["http://[64:ff9b::a9fe:a9fe]/latest", "http://[::ffff:0:a00:1]:9/",
                                      "http://192.0.0.9/", "http://[2002:a00:1::1]/"])
def test_a_redirect_to_an_embedded_private_address_is_not_followed(receiver: Receiver, location: str) -> None:
    receiver.scripts["/hop"] = redirects(location)
    js = JobSettings(allow_networks=parse_networks("127.0.0.1/32"), http_timeout=2.0)
    result = deliver_http.post(receiver.url + "/hop", js=js, secret=b"s", delivery_id="d", json_body=b"{}")
    assert not result.ok and result.permanent and "private or local" in (result.error or "")


# ------------------------------------------------------------------ at registration


PRIVATE_URLS = ["http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:0:a00:1]/",
                "http://[64:ff9b::a9fe:a9fe]/", "http://192.0.0.9/", "http://[::1]:8080/"]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_webhook_subscriptions_to_private_addresses_are_422(http: httpx.Client, alice: Account, url: str) -> None:
    r = http.post("/api/v1/users/me/webhooks.json", data={"auth_token": alice.token, "url": url})
    assert r.status_code == 422, r.text
    assert "url" in r.json()["errors"]
    listed = http.get("/api/v1/users/me/webhooks.json", params={"auth_token": alice.token}).json()
    assert listed["subscriptions"] == []


def test_a_name_resolving_to_a_private_address_is_refused_at_registration(
        http: httpx.Client, alice: Account, dns: dict[str, str]) -> None:
    dns["inside.example.net"] = "10.1.2.3"
    r = http.post("/api/v1/users/me/webhooks.json", data={"auth_token": alice.token, "url": "http://inside.example.net/"})
    assert r.status_code == 422 and "url" in r.json()["errors"]


@pytest.mark.parametrize("url", PRIVATE_URLS[:3])
def test_goal_callback_urls_to_private_addresses_are_422(http: httpx.Client, alice: Account, url: str) -> None:
    create_goal(http, alice.token, "cb")
    r = http.put("/api/v1/users/me/goals/cb.json", data={"auth_token": alice.token, "callback_url": url})
    assert r.status_code == 422, r.text
    assert "callback_url" in r.json()["errors"]
    goal = http.get("/api/v1/users/me/goals/cb.json", params={"auth_token": alice.token}).json()
    assert not goal.get("callback_url")


@pytest.mark.parametrize("field", ["deauthorize_url", "autofetch_url"])
def test_oauth_app_callbacks_to_private_addresses_are_refused(ctx: Context, alice: Account, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        oauth.register_client(ctx, alice.user, f"app-{field}", "https://app.example/cb",
                              **{field: "http://169.254.169.254/"})
    assert field in refused.value.fields
    assert oauth.clients_of(ctx, alice.user) == []


def test_private_targets_register_when_the_operator_allows_them(ctx: Context, alice: Account) -> None:
    roomy = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, outbound=OutboundPolicy(True)))
    sub = webhooks.subscribe(roomy, alice.user, "http://10.0.0.1/hook")
    assert sub.url == "http://10.0.0.1/hook"
    webhooks.unsubscribe(roomy, alice.user, sub.id)
