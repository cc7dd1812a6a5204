"""The service's Prometheus metrics, and ``/metrics`` that shows them.

``singlewindow serve`` runs several processes: API processes, the receipt callbacks' own
process, and outbox workers, which make the agencies' calls and the webhook pushes. A
scrape reaches one API process; for it to see all of them, every process writes its
counts to files in one directory (prometheus-client's multiprocess mode), named by
``PROMETHEUS_MULTIPROC_DIR``, which ``serve`` sets for the processes it starts
(``shared_directory``), and the process scraped adds them up. Without the variable (tests,
an embedded app) each process counts in memory and shows its own.

What the database knows (declarations by status, the outbox's backlog, dead letters,
parked webhook endpoints) is read when scraped, by whichever process is scraped, once
for every process (``app.observability.gauges``).

Labels hold names from a short fixed list: a route's template (``/v1/declarations/
{declarationId}``, never the path with its id), a method, a status class, an agency, an
outcome; never an order number, an enterprise or anything about a buyer."""

import contextlib
import functools
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from starlette.routing import Mount, compile_path
from starlette.types import Scope

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Requests: what a platform waits for; most answer in milliseconds, a batch or an
# export in seconds.
_REQUEST_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Agency calls and webhook pushes cross the network: up to their deadlines (10 s).
_CALL_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUEST_SECONDS = Histogram(
    "singlewindow_http_request_duration_seconds",
    "Time to answer a request, by route template, method and status class.",
    ["route", "method", "status"],
    buckets=_REQUEST_BUCKETS,
)
INTAKE_DECLARATIONS = Counter(
    "singlewindow_intake_declarations",
    "Declarations handed in (singly, in batches, as CEB messages or each party's own "
    "documents), by outcome: accepted, declaration_refused (the rules), invalid_request "
    "(the schema), duplicate_order, not_a_party, idempotency_key (a retry answered again).",
    ["outcome"],
)
AGENCY_CALL_SECONDS = Histogram(
    "singlewindow_agency_call_duration_seconds",
    "Time of a call to an agency, by agency and operation (filings, declarations, "
    "actions, receipt), whatever its outcome.",
    ["agency", "operation"],
    buckets=_CALL_BUCKETS,
)
AGENCY_CALL_ERRORS = Counter(
    "singlewindow_agency_call_errors",
    "Calls to an agency that failed, by agency, operation and kind: retryable (5xx, 429, "
    "timeouts, connection errors), refused (other 4xx, an answer not in the wire format), "
    "untrusted (an answer not signed by the agency).",
    ["agency", "operation", "kind"],
)
WEBHOOK_PUSHES = Counter(
    "singlewindow_webhook_pushes",
    "Webhook pushes, by outcome: delivered (2xx), failed (retried), refused (not retried).",
    ["outcome"],
)
WEBHOOK_PUSH_SECONDS = Histogram(
    "singlewindow_webhook_push_duration_seconds",
    "Time of a webhook push, connection to last byte, whatever its outcome.",
    buckets=_CALL_BUCKETS,
)
# The database pools of the processes that serve the API, added up over those alive.
DB_POOL_SIZE = Gauge(
    "singlewindow_db_pool_size",
    "Connections the database pools keep open at most when idle (SQLAlchemy pool_size).",
    multiprocess_mode="livesum",
)
DB_POOL_CONNECTIONS = Gauge(
    "singlewindow_db_pool_connections",
    "Database connections open in the pools, idle or in use.",
    multiprocess_mode="livesum",
)
DB_POOL_CHECKED_OUT = Gauge(
    "singlewindow_db_pool_checked_out",
    "Database connections in use (checked out of the pools).",
    multiprocess_mode="livesum",
)


def multiprocess_directory() -> str | None:
    """The directory the processes share their counts in, or None: each on its own."""
    return os.environ.get(MULTIPROCESS_DIRECTORY) or None


@contextlib.contextmanager
def shared_directory() -> Iterator[str]:
    """For ``serve``, before it starts its processes: a directory for their counts, empty,
    named in the environment they inherit. ``PROMETHEUS_MULTIPROC_DIR`` if it is set (a
    container's volume: what a previous run left there is removed, or its counts would
    add to this run's), else a temporary directory, removed at the end."""
    given = multiprocess_directory()
    if given is not None:
        os.makedirs(given, exist_ok=True)
        for stale in glob.glob(os.path.join(given, "*.db")):
            os.remove(stale)
        yield given
        return
    made = tempfile.mkdtemp(prefix="singlewindow-metrics-")
    os.environ[MULTIPROCESS_DIRECTORY] = made
    try:
        yield made
    finally:
        os.environ.pop(MULTIPROCESS_DIRECTORY, None)
        shutil.rmtree(made, ignore_errors=True)


def process_ended() -> None:
    """This process is stopping: its pool gauges no longer count (its counters do)."""
    directory = multiprocess_directory()
    if directory is not None:
        multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]


# -- what the code calls --------------------------------------------------------------------


def count_intake(outcomes: Iterable[str]) -> None:
    for outcome in outcomes:
        INTAKE_DECLARATIONS.labels(outcome).inc()


@contextlib.contextmanager
def agency_call(agency: str, operation: str) -> Iterator[None]:
    """Times a call to an agency and counts it as an error if it raises a delivery error
    (``kind`` from the exception's class name: retryable, refused, untrusted)."""
    started = time.perf_counter()
    try:
        yield
    except Exception as error:
        AGENCY_CALL_ERRORS.labels(agency, operation, _error_kind(error)).inc()
        raise
    finally:
        AGENCY_CALL_SECONDS.labels(agency, operation).observe(time.perf_counter() - started)


F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def timed_agency_call(operation: str) -> Callable[[F], F]:
    """``agency_call`` around an agency adapter's method (the agency: its ``name``)."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        async def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            with agency_call(self.name, operation):
                return await method(self, *args, **kwargs)

        return cast(F, timed)

    return decorate


def _error_kind(error: Exception) -> str:
    # Imported here: the agencies' client times its calls with ``agency_call``.
    from app.agencies.client import RefusedError, UntrustedAnswer

    if isinstance(error, UntrustedAnswer):
        return "untrusted"
    if isinstance(error, RefusedError):
        return "refused"
    return "retryable"


def count_push(outcome: str, seconds: float) -> None:
    WEBHOOK_PUSHES.labels(outcome).inc()
    WEBHOOK_PUSH_SECONDS.observe(seconds)


def observe_pool(engine: Engine) -> None:
    """Counts the engine's pool in the pool gauges, from its own events: a process's
    connections are in the total whichever process is scraped."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    if callable(size):
        DB_POOL_SIZE.inc(size())
    # Connections the pool opened before it was observed (the app's start-up reads).
    opened = [getattr(pool, name, None) for name in ("checkedin", "checkedout")]
    DB_POOL_CONNECTIONS.inc(sum(count() for count in opened if callable(count)))
    in_use = getattr(pool, "checkedout", None)
    if callable(in_use):
        DB_POOL_CHECKED_OUT.inc(in_use())

    def connected(*_: object) -> None:
        DB_POOL_CONNECTIONS.inc()

    def closed(*_: object) -> None:
        DB_POOL_CONNECTIONS.dec()

    def checked_out(*_: object) -> None:
        DB_POOL_CHECKED_OUT.inc()

    def checked_in(*_: object) -> None:
        DB_POOL_CHECKED_OUT.dec()

    event.listen(engine, "connect", connected)
    event.listen(engine, "close", closed)
    event.listen(engine, "close_detached", closed)
    event.listen(engine, "checkout", checked_out)
    event.listen(engine, "checkin", checked_in)


def forget_pool(engine: Engine) -> None:
    size = getattr(engine.pool, "size", None)
    if callable(size):
        DB_POOL_SIZE.dec(size())


# -- requests -----------------------------------------------------------------------------

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class _Templates:
    exact: dict[str, str]
    patterns: Sequence[tuple[Callable[[str], object], str]]
    prefixes: Sequence[tuple[str, str]]

    def of(self, path: str) -> str:
        found = self.exact.get(path)
        if found is not None:
            return found
        for matches, template in self.patterns:
            if matches(path):
                return template
        for prefix, template in self.prefixes:
            if path.startswith(prefix):
                return template
        return UNMATCHED


class RequestMetrics:
    """Observes each request's time under its route's template. The templates are read
    from the app's routes at the first request (all are there by then); a path no route
    has counts as ``unmatched``, so that whatever a scanner asks for makes no new series.
    A plain dictionary finds the routes without parameters (the declaring routes among
    them) and the histogram's children are kept, so that a request costs a couple of
    look-ups and one observation."""

    def __init__(self, routes: Callable[[], Iterable[object]]) -> None:
        self._routes = routes
        self._templates: _Templates | None = None
        self._children: dict[tuple[str, str, str], object] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        templates = self._templates
        if templates is None:
            templates = self._templates = _templates_of(self._routes())
        method = scope.get("method", "")
        key = (
            templates.of(scope.get("path", "")),
            method if method in _METHODS else "other",
            f"{status // 100}xx",
        )
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = HTTP_REQUEST_SECONDS.labels(*key)
        child.observe(seconds)  # type: ignore[attr-defined]


def _templates_of(routes: Iterable[object]) -> _Templates:
    from fastapi.routing import iter_route_contexts

    exact: dict[str, str] = {}
    patterns: list[tuple[Callable[[str], object], str]] = []
    prefixes: list[tuple[str, str]] = []
    for context in iter_route_contexts(list(routes)):  # type: ignore[arg-type]
        route = context.original_route
        if isinstance(route, Mount):
            prefixes.append((route.path + "/", route.path + "/{path}"))
            continue
        template = context.path_format
        if not template:
            continue
        if "{" not in template:
            exact.setdefault(template, template)
        else:
            regex, _, _ = compile_path(template)
            patterns.append((regex.match, template))
    return _Templates(exact, patterns, prefixes)


# -- the scrape -----------------------------------------------------------------------------


class _Process(Collector):
    """This process's own metrics, as the default registry holds them."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def registry_for(*collectors: Collector) -> CollectorRegistry:
    """What a scrape shows: every process's counts (or this process's alone), and the
    collectors given (the database's figures)."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_directory()
    if directory is not None:
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Process())
    for collector in collectors:
        registry.register(collector)
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)


class MetricsPort:
    """``/metrics`` on a port of its own, without a key (``SW_METRICS_PORT``), for a
    Prometheus on a network the API's callers do not reach. Every API process tries to
    listen; the first to get the port serves it (each sees the same figures, since they
    add up the processes' files), the others go on without it."""

    def __init__(self, registry: CollectorRegistry, host: str, port: int) -> None:
        """``port`` 0: none."""
        self.registry = registry
        self.host = host
        self.port = port
        self._server: object | None = None

    def __enter__(self) -> "MetricsPort":
        from prometheus_client import start_http_server

        if not self.port:
            return self
        try:
            self._server, _ = start_http_server(self.port, addr=self.host, registry=self.registry)
        except OSError:
            self._server = None  # another process of the service listens there
        return self

    @property
    def listening(self) -> bool:
        return self._server is not None

    def __exit__(self, *_: object) -> None:
        server = self._server
        if server is not None:
            server.shutdown()  # type: ignore[attr-defined]
            server.server_close()  # type: ignore[attr-defined]
