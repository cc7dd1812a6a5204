"""Where status pushes may go: http or https URLs of public addresses only.

An endpoint that a platform registers is called by the single window from inside its own
network, so a URL naming this machine, the private network or the cloud's metadata
service (169.254.169.254) would let a caller reach what only the single window can
reach. Such URLs are refused at registration, whatever the spelling of the address
(``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``, ``[::ffff:127.0.0.1]``...); a
DNS name is checked again at delivery against every address it resolves to
(``app.dispatch.webhook_client``), as its answer may have changed since.

Hosts the operator names in SW_WEBHOOK_ALLOWED_HOSTS pass both checks (receivers on the
developer's own machine, for instance); nothing else does.

Pure functions: nothing here resolves a name or opens a connection."""

import ipaddress
import re
import socket
from collections.abc import Iterable, Set
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = frozenset({"http", "https"})

# Addresses that carry an IPv4 address inside an IPv6 one; they are judged by the IPv4
# address, which is where the packets end up.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# What inet_aton might read as an IPv4 address: numbers in decimal, octal or hex, one to
# four of them. (inet_aton itself ignores anything after a space, so it is not asked
# about text with other characters.)
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why pushes may not go to a URL or an address, in English and Chinese."""

    message: str
    message_zh: str


def allowed_hosts(text: str) -> frozenset[str]:
    """The hosts of a comma-separated allow-list, as ``host_key`` writes them."""
    return frozenset(host_key(h) for h in text.split(",") if h.strip())


def host_key(host: str) -> str:
    """A host as the allow-list compares it: lower case, IPv6 without brackets."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host


def url_refusal(url: str, allowed: Set[str] = frozenset()) -> Refusal | None:
    """Why pushes may not go to ``url``, or None. A DNS name that is not ``localhost``
    passes here: what it resolves to is checked when a push goes out."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return Refusal("the URL is not valid", "推送地址无效")
    if parts.scheme not in SCHEMES:
        return Refusal("only http and https URLs are allowed", "仅允许 http 或 https 地址")
    if parts.username is not None or parts.password is not None:
        return Refusal(
            "the URL may not carry a user name or password (user:password@)",
            "推送地址不能包含用户名或密码（user:password@）",
        )
    if not host:
        return Refusal("the URL has no host", "推送地址缺少主机名")
    if host_key(host) in allowed:
        return None
    name = host.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return Refusal(
            f"{host!r} names this machine; pushes go to public addresses only",
            f"{host!r} 指向本机；推送只能发往公网地址",
        )
    address = parse_address(host)
    if address is None:
        return None
    return address_refusal(address)


def address_refusal(address: Address) -> Refusal | None:
    """Why pushes may not go to ``address``, or None."""
    if not is_forbidden(address):
        return None
    return Refusal(
        f"{address} is a loopback, private, link-local or otherwise non-public address; "
        "pushes go to public addresses only",
        f"{address} 是本机、内网、链路本地或其他非公网地址；推送只能发往公网地址",
    )


def resolved_refusal(host: str, addresses: Iterable[Address]) -> Refusal | None:
    """Why pushes may not go to ``host``, which resolves to ``addresses``: one forbidden
    address is enough, since the connection may land on any of them."""
    forbidden = sorted({str(a) for a in addresses if is_forbidden(a)})
    if not forbidden:
        return None
    listed = ", ".join(forbidden)
    return Refusal(
        f"{host!r} resolves to {listed}, which pushes may not reach: pushes go to public "
        "addresses only",
        f"{host!r} 解析为 {listed}，推送不能发往该地址：推送只能发往公网地址",
    )


def is_forbidden(address: Address) -> bool:
    """Anything but a public unicast address: loopback, private (10/8, 172.16/12,
    192.168/16, fc00::/7), shared (100.64/10), link-local (169.254/16, fe80::/10),
    unspecified, multicast, reserved, benchmarking and documentation ranges."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_forbidden(embedded)
        if address.is_site_local:
            return True
    return not address.is_global or address.is_multicast or address.is_reserved


def parse_address(host: str) -> Address | None:
    """The address ``host`` spells, in any form a resolver reads as one (``[::1]``,
    ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``, with or without a
    trailing dot); None for a DNS name."""
    text = host_key(host)
    if text.endswith("."):
        text = text[:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d),
    NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:AABB:CCDD::) address carries."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
