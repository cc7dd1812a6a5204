"""A lean HTTP/1.1 keep-alive client for the load generator.

httpx measured here at 340–650 requests/s of ``GET /healthz`` while using 0.7–0.9 of a
core (1–3 ms a request): on a small machine it would measure itself, not the service. This
client writes prebuilt request bytes and reads ``Content-Length`` bodies: ~30 µs a request
back to back, ~100 µs in the open loop with its tasks and timeouts."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 this client understands."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


def build_request(
    method: str,
    path: str,
    *,
    host: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """The bytes of one request, built before the clock starts."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @property
    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing())

    async def exchange(self, request: bytes) -> tuple[Answer, bool]:
        """Send one request, read its answer; also say whether the connection stays open."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].split(b"\r\n")
        if not status_line.startswith(b"HTTP/1.") or len(status_line) < 12:
            raise ProtocolError(f"bad status line {status_line[:40]!r}")
        length: int | None = None
        keep_alive = True
        for line in header_lines:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                keep_alive = False
            elif name == b"transfer-encoding":
                raise ProtocolError("chunked answers are not supported")
        if length is None:
            raise ProtocolError("answer without Content-Length")
        body = await self.reader.readexactly(length) if length else b""
        return Answer(int(status_line[9:12]), body), keep_alive

    def close(self) -> None:
        self.writer.close()


class ConnectionPool:
    """At most ``size`` connections to one server; requests beyond wait for a free one
    (that wait counts in their latency, as a server-side queue would)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host = host
        self.port = port
        self._slots = asyncio.Semaphore(size)
        # A stack: reusing the most recent connection leaves the others idle, and only
        # those may have been closed by the server's keep-alive timeout (uvicorn: 5 s).
        self._idle: list[_Connection] = []
        self.connections_opened = 0

    async def request(self, raw: bytes) -> Answer:
        async with self._slots:
            connection = self._take_idle()
            if connection is not None:
                try:
                    return await self._exchange(connection, raw)
                except (ConnectionError, asyncio.IncompleteReadError):
                    # The server closed the idle connection before reading the request,
                    # so it was not processed: send it again on a fresh connection.
                    pass
            return await self._exchange(await self._connect(), raw)

    def _take_idle(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if connection.usable:
                return connection
            connection.close()
        return None

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.connections_opened += 1
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, raw: bytes) -> Answer:
        try:
            answer, keep_alive = await connection.exchange(raw)
        except BaseException:
            # Failed or cancelled mid-exchange: the connection's state is unknown.
            connection.close()
            raise
        if keep_alive:
            self._idle.append(connection)
        else:
            connection.close()
        return answer

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        await asyncio.sleep(0)  # let the transports close
