"""Load drivers. Open loop: requests leave at scheduled times whatever the server does,
and each one's latency runs from its scheduled time, so a slow server cannot hide its
queue by slowing the sender (coordinated omission). Closed loop: a fixed number of
callers, each sending as soon as its last answer came back, to find a ceiling."""

import asyncio
import time
from collections.abc import Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bench.http1 import ConnectionPool, ProtocolError
from bench.resources import own_runqueue_wait

T = TypeVar("T")
# Bodies of unexpected answers kept per status, to say why requests failed.
EXAMPLE_BODY_CHARS = 400


@dataclass(slots=True)
class Outcome:
    """Seconds since the load started."""

    scheduled: float  # when the request was due to leave
    sent: float  # when the generator got to send it
    done: float  # when its answer came, or it gave up
    status: int  # 0: no HTTP answer (timeout, connection error)
    error: str | None = None


@dataclass
class LoadRecord:
    outcomes: list[Outcome]
    started_monotonic: float  # time.monotonic() at offset 0
    started_wall: float  # time.time() at offset 0
    wall_seconds: float
    generator_cpu_seconds: float  # this process (the generator) over the load
    generator_runqueue_wait_seconds: float  # waiting for a CPU while runnable
    connections_opened: int
    examples: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    expected_status: int
    timeout: float  # a request gives up this long after its scheduled time
    connections: int


class _Recorder:
    def __init__(self, target: Target, lead: float = 0.0) -> None:
        self.target = target
        self.pool = ConnectionPool(target.host, target.port, target.connections)
        self.outcomes: list[Outcome] = []
        self.examples: dict[str, str] = {}
        # Offset 0 is `lead` from now, so that the first sends are not already late.
        self.origin = time.monotonic() + lead
        self.origin_wall = time.time() + lead

    def now(self) -> float:
        return time.monotonic() - self.origin

    async def send(self, raw: bytes, scheduled: float) -> None:
        sent = self.now()
        status, error = 0, None
        try:
            async with asyncio.timeout(scheduled + self.target.timeout - sent):
                answer = await self.pool.request(raw)
            status = answer.status
            if status != self.target.expected_status:
                error = f"http_{status}"
                self.examples.setdefault(
                    error, answer.body[:EXAMPLE_BODY_CHARS].decode("utf-8", "replace")
                )
        except TimeoutError:
            error = "timeout"
        except (OSError, asyncio.IncompleteReadError, ProtocolError) as failure:
            error = type(failure).__name__
            self.examples.setdefault(error, str(failure)[:EXAMPLE_BODY_CHARS])
        self.outcomes.append(Outcome(scheduled, sent, self.now(), status, error))

    async def finish(self, cpu_at_start: float, wait_at_start: float) -> LoadRecord:
        await self.pool.aclose()
        return LoadRecord(
            outcomes=sorted(self.outcomes, key=lambda o: o.scheduled),
            started_monotonic=self.origin,
            started_wall=self.origin_wall,
            wall_seconds=self.now(),
            generator_cpu_seconds=time.process_time() - cpu_at_start,
            generator_runqueue_wait_seconds=own_runqueue_wait() - wait_at_start,
            connections_opened=self.pool.connections_opened,
            examples=self.examples,
        )


async def open_loop(target: Target, requests: Sequence[bytes], rate: float) -> LoadRecord:
    """Send ``requests[i]`` at ``i / rate`` seconds; wait for every answer or timeout."""
    cpu_at_start, wait_at_start = time.process_time(), own_runqueue_wait()
    recorder = _Recorder(target, lead=0.05)
    in_flight: set[asyncio.Task[None]] = set()
    for index, raw in enumerate(requests):
        due = index / rate
        delay = due - recorder.now()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(recorder.send(raw, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(in_flight)
    return await recorder.finish(cpu_at_start, wait_at_start)


async def closed_loop(
    target: Target, requests: Iterator[bytes], concurrency: int, seconds: float
) -> LoadRecord:
    """``concurrency`` callers send back to back for ``seconds`` (or until ``requests`` runs
    out); each request's latency runs from when it was sent."""
    cpu_at_start, wait_at_start = time.process_time(), own_runqueue_wait()
    recorder = _Recorder(target)

    async def caller() -> None:
        while recorder.now() < seconds:
            raw = next(requests, None)
            if raw is None:
                return
            await recorder.send(raw, recorder.now())

    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return await recorder.finish(cpu_at_start, wait_at_start)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop when it is there (uvicorn[standard] brings it): less CPU per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)
