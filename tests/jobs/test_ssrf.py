"""Outbound HTTP targets: only public addresses unless the operator allows more; names are resolved and pinned."""

from __future__ import annotations

import ipaddress

import pytest

from brickroad.jobs import deliver_http
from brickroad.jobs.config import JobSettings, parse_networks


@pytest.mark.parametrize(
    "address,ok",
    [
        ("8.8.8.8", True), ("2606:4700::1111", True),
        ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
        ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
        ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ],
)
def test_only_public_addresses_by_default(address: str, ok: bool) -> None:
    assert deliver_http._allowed(ipaddress.ip_address(address), JobSettings()) is ok


def test_allow_list_and_allow_private() -> None:
    listed = JobSettings(allow_networks=parse_networks("10.0.0.0/8, 127.0.0.1"))
    assert deliver_http._allowed(ipaddress.ip_address("10.9.9.9"), listed)
    assert deliver_http._allowed(ipaddress.ip_address("127.0.0.1"), listed)
    assert not deliver_http._allowed(ipaddress.ip_address("192.168.0.1"), listed)
    assert deliver_http._allowed(ipaddress.ip_address("192.168.0.1"), JobSettings(allow_private=True))


def test_names_resolving_to_private_addresses_are_refused() -> None:
    with pytest.raises(deliver_http.TargetRefused):
        deliver_http.resolve("http://localhost:9/hook", JobSettings())
    with pytest.raises(deliver_http.TargetRefused):
        deliver_http.resolve("file:///etc/passwd", JobSettings(allow_private=True))
    result = deliver_http.post("http://localhost:9/hook", js=JobSettings(), secret=b"s", delivery_id="d",
                               json_body=b"{}")
    assert not result.ok and result.permanent and "private or local" in (result.error or "")


def test_the_request_goes_to_the_checked_address_with_the_original_host(receiver) -> None:  # type: ignore[no-untyped-def]
    js = JobSettings(allow_networks=parse_networks("127.0.0.1"))
    port = receiver.url.rsplit(":", 1)[1]
    url = f"http://127.0.0.1:{port}/pinned?x=1"
    target, headers, extensions = deliver_http._pinned(url, "127.0.0.1")
    assert (target, headers, extensions) == (url, {"Host": f"127.0.0.1:{port}"}, {})
    https = deliver_http._pinned("https://hooks.example.test/in", "93.184.216.34")
    assert https == ("https://93.184.216.34/in", {"Host": "hooks.example.test"}, {"sni_hostname": "hooks.example.test"})
    result = deliver_http.post(url, js=js, secret=b"s", delivery_id="d1", form={"a": "b"})
    assert result.ok and receiver.to("/pinned")[0].body == b"a=b"
