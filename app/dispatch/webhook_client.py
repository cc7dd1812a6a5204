"""The HTTP client of status pushes: it connects only to addresses pushes may reach.

A webhook URL's host was checked when the endpoint was registered, but a DNS name may
resolve elsewhere since (DNS rebinding: a name that answered with a public address
answers with 127.0.0.1 or 169.254.169.254 the next time). So the client resolves each
host itself when it opens a connection, refuses the connection when any address the
name resolves to is forbidden (app.domain.webhook_targets), and connects to one of the
addresses it checked: it never asks the resolver a second time, whose answer could
differ. TLS still verifies the certificate against the host's name.

Hosts in SW_WEBHOOK_ALLOWED_HOSTS are connected to without the check."""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Set

import httpcore
import httpx

from app.agencies.client import RetryableError, timeouts
from app.config import Settings
from app.domain import webhook_targets

# A host and port to the addresses they resolve to, as text ("203.0.113.7", "2001:db8::7").
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """The system resolver's answer, asked off the event loop."""
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found))


class ForbiddenAddress(RetryableError):
    """The host resolves to an address pushes may not reach. Retried like any failed
    push (a name's answer may change back), until the message is dead-lettered."""


class CheckedNetwork(httpcore.AsyncNetworkBackend):
    """Opens the connections of status pushes: resolves, checks, then connects to a
    checked address."""

    def __init__(
        self,
        allowed_hosts: Set[str],
        resolver: Resolver = resolve,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allowed_hosts = allowed_hosts
        self.resolver = resolver
        self.network = network or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                found = await self.resolver(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host!r} took over {timeout} s") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        if not found:
            raise httpcore.ConnectError(f"{host!r} resolves to no address")
        if webhook_targets.host_key(host) not in self.allowed_hosts:
            refusal = webhook_targets.resolved_refusal(
                host, [ipaddress.ip_address(a) for a in found]
            )
            if refusal is not None:
                raise ForbiddenAddress(f"not pushed: {refusal.message}")
        failure: Exception | None = None
        for address in found:
            try:
                return await self.network.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("status pushes go over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.network.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a ``CheckedNetwork``. httpx offers no way to choose how
    its connection pool connects, so the pool it made is replaced by the same pool over
    the checked network (tests/security/test_webhook_delivery.py fails if that stops
    working). Environment proxies are not used: a proxy would resolve the name itself,
    after the check."""

    def __init__(self, network: CheckedNetwork, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=network,
        )


def webhook_client(settings: Settings, resolver: Resolver = resolve) -> httpx.AsyncClient:
    """The client that pushes status changes; redirects are not followed (a 3xx answer
    is a failed push), so a push never lands anywhere but where it was checked to go."""
    network = CheckedNetwork(settings.webhook_hosts_allowed(), resolver)
    # Room for every push the pusher may have under way at once.
    most = settings.webhook_concurrency * settings.webhook_endpoint_concurrency
    return httpx.AsyncClient(
        transport=_CheckedTransport(
            network, httpx.Limits(max_connections=most, max_keepalive_connections=most)
        ),
        timeout=timeouts(settings.dispatch_connect_timeout, settings.dispatch_read_timeout),
        follow_redirects=False,
        trust_env=False,
    )
