"""Where status pushes may go: the rule alone, on URLs as a platform could write them."""

import ipaddress

import pytest

from app.domain import webhook_targets
from app.domain.webhook_targets import url_refusal

FORBIDDEN_URLS = [
    # Loopback, in every spelling a resolver reads as 127.0.0.1.
    "http://127.0.0.1/hook",
    "http://127.0.0.1./hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://0x7F.0.0.1/hook",
    "http://0177.0.0.1/hook",
    "http://017700000001/hook",
    "http://127.1/hook",
    "http://127.0.1/hook",
    "http://127.255.255.254:8080/hook",
    "http://localhost/hook",
    "http://LocalHost:8000/hook",
    "http://localhost./hook",
    "http://hooks.localhost/hook",
    "http://a.b.LOCALHOST./hook",
    # The cloud's metadata service and the rest of link-local.
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/latest/meta-data/",
    "http://0xa9fea9fe/latest/meta-data/",
    "http://169.254.1.1/",
    # Private, shared (CGNAT) and unspecified.
    "http://10.0.0.1/",
    "http://10.1/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://100.127.255.255/",
    "http://0.0.0.0/",
    "http://0/",
    # Multicast, broadcast, reserved, benchmarking and documentation ranges.
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://198.18.0.1/",
    "http://192.0.2.1/",
    "http://198.51.100.7/",
    "http://203.0.113.9/",
    # IPv6: loopback, unspecified, link-local, unique local, site-local, multicast,
    # documentation.
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[fd12:3456:789a::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    "http://[2001:db8::1]/",
    # IPv4 inside IPv6: mapped, compatible, NAT64 and 6to4 forms of forbidden addresses.
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::10.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:c0a8:101::1]/",
    # Only http and https; no user name or password.
    "ftp://hooks.example.com/",
    "file:///etc/passwd",
    "gopher://hooks.example.com/",
    "http://user:secret@hooks.example.com/",
    "http://user@hooks.example.com/",
    "https://:secret@hooks.example.com/",
    "http://@hooks.example.com/",
    # Not a URL with a host.
    "http:///hook",
    "http://[not-an-address]/",
]


@pytest.mark.parametrize("url", FORBIDDEN_URLS)
def test_urls_that_reach_inside_are_refused(url: str) -> None:
    refusal = url_refusal(url)
    assert refusal is not None
    assert refusal.message
    assert refusal.message_zh


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/status",
        "http://hooks.example.com:8080/status?x=1",
        "https://8.8.8.8/hook",
        "https://134744072/hook",  # 8.8.8.8 in decimal: a public address, however written
        "https://[2606:4700:4700::1111]/hook",
        "https://[::ffff:8.8.8.8]/hook",
        "https://[64:ff9b::8.8.8.8]/hook",  # NAT64 of a public address
        "https://[2002:808:808::1]/hook",  # 6to4 of a public address
        "https://localhost.example.com/hook",  # only localhost and *.localhost are names of it
        "https://cafe.be/hook",
    ],
)
def test_public_urls_pass(url: str) -> None:
    assert url_refusal(url) is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/hook", "127.0.0.1"),
        ("http://localhost:8000/hook", "localhost"),
        ("http://LOCALHOST:8000/hook", " LocalHost "),
        ("http://[::1]:8000/hook", "[::1]"),
        ("http://[::1]:8000/hook", "::1"),
        ("http://10.0.0.5/hook", "hooks.internal, 10.0.0.5"),
    ],
)
def test_allowed_hosts_pass_as_written(url: str, allowed: str) -> None:
    assert url_refusal(url) is not None
    assert url_refusal(url, webhook_targets.allowed_hosts(allowed)) is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        # The allow-list names hosts as the URL writes them, not what they stand for.
        ("http://127.1/hook", "127.0.0.1"),
        ("http://2130706433/hook", "127.0.0.1"),
        ("http://localhost./hook", "localhost"),
        ("http://127.0.0.1/hook", "localhost"),
        ("http://hooks.localhost/hook", "localhost"),
        # The scheme and user-information rules hold for allowed hosts too.
        ("ftp://127.0.0.1/hook", "127.0.0.1"),
        ("http://user:pw@127.0.0.1/hook", "127.0.0.1"),
    ],
)
def test_an_allowed_host_lets_nothing_else_through(url: str, allowed: str) -> None:
    assert url_refusal(url, webhook_targets.allowed_hosts(allowed)) is not None


def test_a_name_is_refused_when_any_address_it_resolves_to_is_forbidden() -> None:
    public = ipaddress.ip_address("93.184.216.34")
    assert webhook_targets.resolved_refusal("hooks.example.com", [public]) is None
    refusal = webhook_targets.resolved_refusal(
        "hooks.example.com", [public, ipaddress.ip_address("169.254.169.254")]
    )
    assert refusal is not None
    assert "169.254.169.254" in refusal.message
    assert "169.254.169.254" in refusal.message_zh
