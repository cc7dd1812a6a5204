"""The `singlewindow` command: serve, migrate, export the spec, run the demo."""

import asyncio
import contextlib
import functools
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import httpx
import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from app.config import Settings, get_settings
from app.domain.clearance import Agency
from app.store.db import upgrade

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.ceb.xml import XmlProblem
    from app.submit import Summary

cli = typer.Typer(help="Single Window: cross-border e-commerce declarations.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
outbox_cli = typer.Typer(help="The outbox: dead letters and re-driving them.", no_args_is_help=True)
cli.add_typer(outbox_cli, name="outbox")
keys_cli = typer.Typer(help="API keys.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")
ceb_cli = typer.Typer(help="CEB 202205 XML messages.", no_args_is_help=True)
cli.add_typer(ceb_cli, name="ceb")
console = Console()

# Where `serve` keeps the admin key it makes in development (not in production, where
# SW_BOOTSTRAP_ADMIN_KEY is given or keys are made with `singlewindow keys create`).
DEV_ADMIN_KEY_FILE = Path(".singlewindow-admin-key")
WORKER_STOP_SECONDS = 10
REPLICA_START_SECONDS = 30
AGENCY_STOP_SECONDS = 10  # mock_agencies' own grace for each agency


def development_admin_key() -> str:
    """The development admin key: made once, kept in DEV_ADMIN_KEY_FILE (mode 600)."""
    if DEV_ADMIN_KEY_FILE.exists():
        return DEV_ADMIN_KEY_FILE.read_text().strip()
    key = "sw_dev_admin_" + secrets.token_urlsafe(32)
    DEV_ADMIN_KEY_FILE.touch(mode=0o600)
    DEV_ADMIN_KEY_FILE.write_text(key + "\n")
    return key


def admin_key_for_tools(given: str | None) -> str:
    """The admin key a command-line tool talks to the service with."""
    key = given or os.environ.get("SW_BOOTSTRAP_ADMIN_KEY")
    if key:
        return key
    if DEV_ADMIN_KEY_FILE.exists():
        return DEV_ADMIN_KEY_FILE.read_text().strip()
    raise typer.BadParameter(
        "no admin key: pass --admin-key, set SW_BOOTSTRAP_ADMIN_KEY, or start the service "
        "in development with `make run`, which makes one"
    )


def fail(message: str) -> NoReturn:
    """End the command with ``message`` on stderr and exit status 1 (usage errors are
    typer's, with status 2)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def local_url(host: str, port: int) -> str:
    """The service listening on ``host``:``port``, as a client on this machine reaches it:
    an address that means every interface (0.0.0.0, ::) is reached on loopback."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def agency_options(settings: Settings, callback_base_url: str) -> list[str]:
    """``python -m mock_agencies --agency all`` options: each simulated agency listens
    where the single window will look for it (SW_CUSTOMS_URL …), and calls back at
    ``callback_base_url``."""
    options = ["--callback-base-url", callback_base_url]
    for agency in Agency:
        options += ["--url", f"{agency}={settings.agency_url(agency)}"]
    return options


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: SW_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: SW_PORT or 8000.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="API processes (default: SW_API_WORKERS, else one per core)."),
    ] = None,
    with_agencies: Annotated[
        bool,
        typer.Option(
            help="Also run the four simulated agencies (what `make run` does), each at its "
            "SW_CUSTOMS_URL, SW_INSPECTION_URL, SW_TAX_URL or SW_FOREX_URL."
        ),
    ] = False,
    dispatch_workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="`singlewindow worker` processes to start beside the API, which then leaves "
            "the outbox to them; 0 delivers it inside the API process.",
        ),
    ] = 1,
    callback_port: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=65535,
            help="Port of a second API process that takes the agencies' receipt callbacks, "
            "so that they never wait behind intake (default: SW_CALLBACK_PORT or 8001); 0: "
            "the main port takes them.",
        ),
    ] = None,
    exit_with_parent: Annotated[
        bool, typer.Option(hidden=True, help="Stop when the process that started it ends.")
    ] = False,
) -> None:
    """Serve the API (migrate first with `singlewindow db upgrade`)."""
    from app.main import configure_logging
    from app.runtime import exit_with_parent as watch_parent

    if exit_with_parent:
        watch_parent()

    # The API processes uvicorn starts read these from the environment.
    os.environ["SW_GC_TUNING"] = "true"
    get_settings.cache_clear()
    settings = get_settings()
    configure_logging(settings.log_level)
    host, port = host or settings.host, port or settings.port
    workers = workers or settings.api_workers or os.cpu_count() or 1
    callback_port = settings.callback_port if callback_port is None else callback_port
    if callback_port == port:
        raise typer.BadParameter(
            "the callback port must differ from the API's", param_hint="--callback-port"
        )
    if settings.bootstrap_admin_key is None and settings.environment == "development":
        # The processes uvicorn starts read it from the environment.
        os.environ["SW_BOOTSTRAP_ADMIN_KEY"] = development_admin_key()
        get_settings.cache_clear()
        console.print(
            "[bold]admin key (development)[/bold]: "
            f"{os.environ['SW_BOOTSTRAP_ADMIN_KEY']}  [dim](kept in {DEV_ADMIN_KEY_FILE}; "
            "send it as Authorization: Bearer <key>)[/dim]"
        )
    if settings.ceb_signing_key_file is None:
        # Made now, once, rather than by the first API process that signs a message.
        from app.ceb.certificates import window_identity

        made = window_identity(settings)
        console.print(
            f"[bold]CEB signing certificate (development)[/bold]: SHA-256 "
            f"{made.certificate.fingerprint}  [dim](kept in "
            f"{settings.ceb_development_identity_file()})[/dim]"
        )

    def run_api() -> None:
        uvicorn.run(
            "app.main:serve_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level,
            access_log=False,  # the app writes its own access line, with the request id
        )

    with contextlib.ExitStack() as running:
        from app.observability.metrics import shared_directory

        # Every process (API workers, the callback process, dispatch workers) counts in
        # one directory, so that a scrape of any API process shows the whole service.
        running.enter_context(shared_directory())
        if settings.dispatcher_enabled and dispatch_workers:
            running.enter_context(DispatchWorkers(dispatch_workers))
            # The API processes uvicorn starts read it from the environment.
            os.environ["SW_DISPATCHER_ENABLED"] = "false"
            get_settings.cache_clear()
        receipts_port = port
        if callback_port:
            running.enter_context(CallbackReplica(host, callback_port))
            receipts_port = callback_port
            console.print(f"[dim]receipt callbacks[/dim]  http://{host}:{callback_port}")
        if with_agencies:
            sims = running.enter_context(
                SimulatedAgencies(
                    *agency_options(settings, local_url(host, receipts_port)),
                    *("--log-level", "warning"),
                )
            )
            for agency, url in sims.urls.items():
                console.print(f"[dim]agency[/dim] {agency:>10}  {url}")
        run_api()


class SimulatedAgencies:
    """The four simulated agencies beside the API, as ``python -m mock_agencies --agency
    all`` in a process of their own (the single window never imports them). Entering
    waits until all four answer; they stop with ``serve``, and die with it if it is
    killed."""

    def __init__(self, *options: str) -> None:
        self.command = [sys.executable, "-m", "mock_agencies", "--agency", "all"]
        self.command += [*options, "--exit-with-parent"]
        self.process: subprocess.Popen[str] | None = None
        self.urls: dict[str, str] = {}

    def __enter__(self) -> "SimulatedAgencies":
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        # Once all four answer their health check, the process names each with its URL,
        # one line apiece; it exits (saying why on stderr) when one does not come up.
        while len(self.urls) < len(Agency):
            line = self.process.stdout.readline()
            if not line:
                self.__exit__()
                console.print("[red]the simulated agencies did not start[/red]")
                raise typer.Exit(1)
            agency, url = line.split()
            self.urls[agency] = url
        threading.Thread(target=self._relay, args=(self.process.stdout,), daemon=True).start()
        return self

    @staticmethod
    def _relay(output: IO[str]) -> None:
        """Whatever else they print, so that a full pipe never blocks them."""
        for line in output:
            sys.stdout.write(line)

    def __exit__(self, *exc_info: object) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            # Long enough for it to stop the four agencies in turn.
            process.wait(timeout=2 * AGENCY_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class DispatchWorkers:
    """``singlewindow worker`` processes beside the API: the outbox is delivered on other
    cores than the API's. They stop with ``serve``, and die with it if it is killed."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> "DispatchWorkers":
        command = [sys.executable, "-c", "from app.cli import main; main()", "worker"]
        for _ in range(self.count):
            self.processes.append(subprocess.Popen([*command, "--exit-with-parent"]))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class CallbackReplica:
    """A second API process, on a port of its own, for the agencies' receipt callbacks.

    Intake and receipts both take turns at the database's writer; in one process they
    also take turns at the interpreter, and a receipt group waiting for it holds the
    writer the longer. Apart, each runs on its own core. It is the same application (any
    replica may take any request); it leaves the outbox to the workers."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "CallbackReplica":
        command = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
        self.process = subprocess.Popen(
            [
                *command,
                *("--host", self.host, "--port", str(self.port)),
                *("--workers", "1", "--callback-port", "0", "--dispatch-workers", "0"),
                "--exit-with-parent",
            ],
            env=os.environ | {"SW_DISPATCHER_ENABLED": "false"},
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + REPLICA_START_SECONDS
        url = f"http://{self.host}:{self.port}/readyz"
        while self.process is not None and self.process.poll() is None:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.__exit__()
        console.print(
            f"[red]the receipt callback process did not answer on {url}: is port "
            f"{self.port} taken? (--callback-port 0 takes the callbacks on the API's port)[/red]"
        )
        raise typer.Exit(1)

    def __exit__(self, *exc_info: object) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@cli.command()
def agencies(
    callback_base_url: Annotated[
        str | None,
        typer.Option(
            help="The single window their receipts go to (default: SW_HOST and "
            "SW_CALLBACK_PORT, where `serve` takes them, or SW_PORT if that is 0)."
        ),
    ] = None,
    decision_delay_ms: Annotated[int | None, typer.Option(min=0)] = None,
) -> None:
    """Run the four simulated agencies alone, each in its own process, until Ctrl-C.
    Each listens where the single window looks for it: SW_CUSTOMS_URL,
    SW_INSPECTION_URL, SW_TAX_URL, SW_FOREX_URL (by default 127.0.0.1:8101–8104)."""
    settings = get_settings()
    receipts_port = settings.callback_port or settings.port
    command = [sys.executable, "-m", "mock_agencies", "--agency", "all"]
    command += agency_options(
        settings, callback_base_url or local_url(settings.host, receipts_port)
    )
    if decision_delay_ms is not None:
        command += ["--decision-delay-ms", str(decision_delay_ms)]
    process = subprocess.Popen([*command, "--exit-with-parent"])
    # SIGTERM stops the agencies as Ctrl-C does: passed on, so that they stop in turn.
    signal.signal(signal.SIGTERM, lambda signum, frame: process.terminate())
    while True:
        try:
            code = process.wait()
            break
        except KeyboardInterrupt:
            continue  # Ctrl-C reached the agencies too; wait for them to stop.
    if code not in (0, -signal.SIGTERM):
        raise typer.Exit(1)


@cli.command()
def worker(
    exit_with_parent: Annotated[
        bool, typer.Option(hidden=True, help="Stop when the process that started it ends.")
    ] = False,
) -> None:
    """Deliver the outbox (run with SW_DISPATCHER_ENABLED=false on the API processes; any
    number of workers may run over PostgreSQL)."""
    from app.main import configure_logging

    if exit_with_parent:
        from app.runtime import exit_with_parent as watch_parent

        watch_parent()
    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_worker(settings))


async def run_worker(settings: Settings) -> None:
    from app.dispatch.dispatcher import build_dispatcher
    from app.runtime import tune_gc
    from app.store.db import Checkpointer, make_engine

    tune_gc()
    engine = make_engine(settings.database_url, background_checkpoints=True)
    from app.observability.metrics import observe_pool

    observe_pool(engine)
    dispatcher, clients = build_dispatcher(engine, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        with Checkpointer(engine):
            await dispatcher.run(stop)
    finally:
        for client in clients:
            await client.aclose()
        engine.dispose()


@outbox_cli.command("list")
def outbox_list(limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100) -> None:
    """Show the outbox's counts and its dead letters."""
    from app.store import outbox
    from app.store.db import make_engine

    engine = make_engine(get_settings().database_url)
    counts = outbox.counts(engine)
    console.print(
        "outbox: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        if counts
        else "outbox: empty"
    )
    dead = outbox.dead_letters(engine, limit)
    table = Table(title=f"dead letters ({counts.get(outbox.DEAD, 0)})")
    for column in ("id", "destination", "kind", "subject", "attempts", "last error"):
        table.add_column(column)
    for message in dead:
        table.add_row(
            str(message.id),
            message.destination,
            message.kind,
            message.subject_id,
            str(message.attempts),
            (message.last_error or "")[:80],
        )
    console.print(table)


@outbox_cli.command("redrive")
def outbox_redrive(
    ids: Annotated[list[int] | None, typer.Argument(help="Dead letters to retry.")] = None,
    all_dead: Annotated[bool, typer.Option("--all", help="Retry every dead letter.")] = False,
) -> None:
    """Put dead letters back in the queue. An id that is not a dead letter is named on
    stderr and the command exits with status 1; the others are queued all the same."""
    from app.store import outbox
    from app.store.db import make_engine

    if not ids and not all_dead:
        raise typer.BadParameter("name the dead letters to retry, or pass --all")
    if ids and all_dead:
        raise typer.BadParameter("name the dead letters to retry or pass --all, not both")
    engine = make_engine(get_settings().database_url)
    try:
        if all_dead:
            count, missing = outbox.redrive(engine), []
        else:
            # One by one, so that the ones that are not dead letters can be named.
            named = list(dict.fromkeys(ids or []))
            missing = [id_ for id_ in named if not outbox.redrive(engine, [id_])]
            count = len(named) - len(missing)
    finally:
        engine.dispose()
    console.print(f"[green]{count} message(s) queued again[/green]")
    if missing:
        fail(
            f"no dead letter {', '.join(map(str, missing))} (no such message, or it is not "
            "dead); `singlewindow outbox list` shows the dead letters"
        )


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the migrations to SW_DATABASE_URL (default: ./singlewindow.db)."""
    from alembic.util import CommandError

    url = get_settings().database_url
    try:
        upgrade(url, revision)
    except CommandError as error:  # an unknown revision, above all
        fail(str(error))
    console.print(f"[green]database at {revision}[/green]")


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document (what openapi/openapi.json holds)."""
    from app.main import create_app

    print(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False, sort_keys=True))


@cli.command()
def demo(
    count: Annotated[int, typer.Option(min=1, max=100_000)] = 300,
    base_url: Annotated[
        str | None,
        typer.Option(help="A running service (default: SW_HOST and SW_PORT, as `serve` uses)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Repeatable data.")] = None,
    admin_key: Annotated[
        str | None,
        typer.Option(help="Default: SW_BOOTSTRAP_ADMIN_KEY, else the development key."),
    ] = None,
) -> None:
    """File the demo enterprises (as the admin) and post realistic declarations as the
    platform, some broken on purpose; print what the service answered, by rule code."""
    from app.demo import run_demo

    settings = get_settings()
    base_url = base_url or local_url(settings.host, settings.port)
    headers = {"Authorization": f"Bearer {admin_key_for_tools(admin_key)}"}
    try:
        with (
            httpx.Client(base_url=base_url, timeout=30, headers=headers) as client,
            Progress(console=console) as bar,
        ):
            task = bar.add_task("declaring", total=count)
            outcome = run_demo(client, count, seed=seed, on_progress=lambda: bar.advance(task))
    except httpx.TransportError as error:
        fail(
            f"no single window answers at {base_url} ({error}): start it with `make run`, "
            "or say where it is with SW_HOST and SW_PORT or --base-url"
        )
    except RuntimeError as error:  # a filing or a key the service refused
        fail(str(error))

    summary = Table(title=f"{outcome.posted} declarations posted to {base_url}")
    summary.add_column("outcome")
    summary.add_column("count", justify="right")
    summary.add_row("[green]accepted (202)[/green]", str(outcome.accepted))
    summary.add_row("[red]refused (422)[/red]", str(outcome.refused))
    summary.add_row("[yellow]duplicate order (409)[/yellow]", str(outcome.duplicates))
    console.print(summary)
    codes = Table(title="violations by rule code")
    codes.add_column("code")
    codes.add_column("count", justify="right")
    for code, n in sorted((outcome.by_code or {}).items(), key=lambda kv: (-kv[1], kv[0])):
        codes.add_row(code, str(n))
    console.print(codes)


ServiceUrl = Annotated[
    str | None,
    typer.Option(
        "--url", help="The service (default: SW_HOST and SW_PORT, where `serve` listens)."
    ),
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="SW_API_KEY",
        show_envvar=True,
        help="Your API key (default: SW_API_KEY, else the admin key as `demo` finds it).",
    ),
]


def service_client(url: str | None, key: str | None) -> httpx.Client:
    """A client of the service at ``url`` (or where `serve` listens) with ``key``."""
    settings = get_settings()
    key = key or os.environ.get("SW_BOOTSTRAP_ADMIN_KEY")
    if not key and DEV_ADMIN_KEY_FILE.exists():
        key = DEV_ADMIN_KEY_FILE.read_text().strip()
    if not key:
        raise typer.BadParameter("no API key: pass --key or set SW_API_KEY", param_hint="--key")
    return httpx.Client(
        base_url=url or local_url(settings.host, settings.port),
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(120, connect=10),
    )


@cli.command()
def submit(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="Declaration sets: NDJSON (one a line) or CSV (`.csv`, the flat layout of "
            "examples/submit.md).",
        ),
    ],
    url: ServiceUrl = None,
    key: ApiKey = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=100, help="Declarations per call of the batch endpoint.")
    ] = 100,
) -> None:
    """Declare a file of orders through the batch endpoint. Safe to run again after an
    interruption: nothing is declared twice, and what was declared before is reported as
    already declared. Refused records go to FILE.refused.ndjson with their violations, to
    be fixed and sent again. Exit status 1 when a record was refused or the run stopped."""
    from app import submit as upload

    try:
        records = upload.read_records(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise typer.BadParameter(str(error), param_hint="FILE") from None
    summary = upload.Summary()
    stopped: str | None = None
    with service_client(url, key) as client:
        submitter = upload.Submitter(client, batch_size)
        try:
            if sys.stderr.isatty():
                with Progress(console=Console(stderr=True)) as bar:
                    task = bar.add_task("declaring", total=len(records))

                    def advance(results: list[upload.RecordResult]) -> None:
                        summary.add(results)
                        bar.update(task, completed=summary.done)

                    submitter.submit(records, advance)
            else:
                plain = upload.PlainProgress(len(records))

                def report(results: list[upload.RecordResult]) -> None:
                    summary.add(results)
                    plain.update(summary)

                submitter.submit(records, report)
                plain.update(summary, final=True)
        except upload.SubmitStopped as error:
            stopped = str(error)
        except KeyboardInterrupt:
            stopped = "interrupted"
    _print_submitted(summary, len(records), file)
    if stopped:
        fail(
            f"{stopped}. {summary.done} of {len(records)} records answered; run the same "
            "command again to go on: nothing is declared twice"
        )
    if summary.refused:
        raise typer.Exit(1)


def _print_submitted(summary: "Summary", total: int, file: Path) -> None:
    from app import submit as upload

    table = Table(title=f"{summary.done} of {total} records")
    table.add_column("outcome")
    table.add_column("count", justify="right")
    table.add_row("[green]accepted[/green]", str(summary.accepted))
    table.add_row("[cyan]already declared[/cyan]", str(summary.already_declared))
    table.add_row("[red]refused[/red]", str(len(summary.refused)))
    console.print(table)
    refused_file = upload.refused_path(file)
    if not summary.refused:
        refused_file.unlink(missing_ok=True)  # what an earlier run refused is now declared
        return
    codes = Table(title="refused, by rule code")
    codes.add_column("code")
    codes.add_column("records", justify="right")
    for code, n in sorted(summary.by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        codes.add_row(code, str(n))
    console.print(codes)
    upload.write_refused(refused_file, summary.refused)
    typer.echo(f"refused records, with their violations: {refused_file}")


@cli.command()
def status(
    order_or_id: Annotated[
        str, typer.Argument(metavar="ORDER_OR_ID", help="An order number or a declaration id.")
    ],
    url: ServiceUrl = None,
    key: ApiKey = None,
    ebp_code: Annotated[
        str | None, typer.Option(help="The platform, when several declared that order number.")
    ] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Follow each change until the status is final.")
    ] = False,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between looks.")] = 2.0,
) -> None:
    """Show a declaration's status and its history; --watch follows it live."""
    from app import submit as upload

    with service_client(url, key) as client:
        try:
            declaration_id = upload.find_declaration(client, order_or_id, ebp_code)
            say = functools.partial(console.print, markup=False, highlight=False, soft_wrap=True)
            say(f"declaration {declaration_id}")
            upload.follow(client, declaration_id, say, watch=watch, interval=interval)
        except (upload.NotFoundError, upload.SubmitStopped) as error:
            fail(str(error))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None


@keys_cli.command("create")
def keys_create(
    admin: Annotated[bool, typer.Option("--admin", help="An admin's key.")] = False,
    regulator: Annotated[
        str | None,
        typer.Option(help="A regulator's key: customs, inspection, tax, forex, commerce, market."),
    ] = None,
    enterprise: Annotated[
        str | None, typer.Option(help="An enterprise's key: its customs code.")
    ] = None,
    label: Annotated[str | None, typer.Option(max=100)] = None,
) -> None:
    """Issue an API key straight in the database (SW_DATABASE_URL) and print it once."""
    from app.errors import DomainError
    from app.store import keys
    from app.store.db import make_engine
    from app.store.keys import KeyKind, RegulatorAgency

    chosen = [admin, regulator is not None, enterprise is not None]
    if sum(chosen) != 1:
        raise typer.BadParameter("give exactly one of --admin, --regulator, --enterprise")
    try:
        agency = RegulatorAgency(regulator) if regulator else None
    except ValueError:
        raise typer.BadParameter(f"no regulator {regulator!r}") from None
    kind = KeyKind.ADMIN if admin else KeyKind.REGULATOR if agency else KeyKind.ENTERPRISE
    engine = make_engine(get_settings().database_url)
    try:
        issued = keys.create(
            engine,
            kind,
            created_by="cli",
            agency=agency,
            customs_code=enterprise.upper() if enterprise else None,
            label=label,
        )
    except DomainError as error:
        fail(error.detail)
    finally:
        engine.dispose()
    console.print(f"id      {issued.key.id}\nprefix  {issued.key.prefix}")
    console.print("key     (shown once; only its hash is kept)")
    print(issued.plain)


CebFile = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The message.")
]


def ceb_refused(file: Path, problems: "Sequence[XmlProblem]") -> NoReturn:
    """Every problem on stderr, one a line (``FILE:LINE: element: message [code]``), and
    exit status 1."""
    for problem in problems:
        where = f"{file}:{problem.line}" if problem.line is not None else str(file)
        element = f" {problem.element}:" if problem.element else ""
        typer.echo(f"{where}:{element} {problem.message} [{problem.code}]", err=True)
    raise typer.Exit(1)


@ceb_cli.command("validate")
def ceb_validate(file: CebFile) -> None:
    """Check a CEB message: safe to read and valid against ceb-import-202205.xsd (the
    schemas in SW_CEB_XSD_DIR). Every violation goes to stderr, with exit status 1."""
    from app.ceb import xml

    try:
        tree = xml.read(file.read_bytes(), get_settings().ceb_xsd_dir)
    except xml.CebXmlError as error:
        ceb_refused(file, error.problems)
    except FileNotFoundError as error:
        fail(str(error))
    typer.echo(f"{file}: a valid {xml.local_name(tree.getroot())}")


@ceb_cli.command("to-json")
def ceb_to_json(file: CebFile) -> None:
    """Print a CEB message (CEB311, CEB411, CEB511, CEB621 or their receipts) as JSON:
    its guid, version, BaseTransfer and one document per record."""
    from app.ceb import messages, xml

    try:
        message = messages.read_message(file.read_bytes(), get_settings().ceb_xsd_dir)
    except xml.CebXmlError as error:
        ceb_refused(file, error.problems)
    except FileNotFoundError as error:
        fail(str(error))
    print(json.dumps(message.as_json(), ensure_ascii=False, indent=2))


@ceb_cli.command("from-json")
def ceb_from_json(
    file: CebFile,
    message_type: Annotated[
        str, typer.Option("--type", help="CEB311, CEB411, CEB511, CEB621 (or a receipt).")
    ],
) -> None:
    """Print the CEB message holding the JSON's documents: what `ceb to-json` prints, a
    list of documents, or one document (then the BaseTransfer names the record's usual
    sender). The message is checked against the schema before it is printed."""
    from app.ceb import messages, xml

    kind = messages.MESSAGE_TYPES.get(message_type.upper().removesuffix("MESSAGE"))
    if kind is None:
        raise typer.BadParameter(f"one of {', '.join(messages.MESSAGE_TYPES)}", param_hint="--type")
    try:
        given = json.loads(file.read_bytes())
    except ValueError as error:
        fail(f"{file} is not JSON: {error}")
    wrapped = isinstance(given, dict) and "documents" in given
    envelope: dict[str, Any] = given if wrapped else {}
    documents = envelope.get("documents") if wrapped else given
    if isinstance(documents, dict):
        documents = [documents]
    if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
        fail('the JSON holds no documents: an object, a list of objects, or {"documents": […]}')
    if envelope.get("messageType") not in (None, kind.name):
        fail(f"the JSON holds a {envelope['messageType']} message, not a {kind.name}")
    try:
        transfer = envelope.get("baseTransfer")
        if kind.receipt:
            sender = None
        elif isinstance(transfer, dict):
            sender = messages.BaseTransfer(**transfer)
        else:
            sender = messages.default_sender(kind.name, documents[0] if documents else {})
        body = messages.build_message(
            kind.name,
            documents,
            sender,
            guid=envelope.get("guid"),
            version=envelope.get("version") or "1.0",
        )
    except (TypeError, ValueError) as error:
        fail(str(error))
    try:
        # A CEB621 is checked as if signed: `ceb sign` signs it.
        xml.read(body, get_settings().ceb_xsd_dir, signature_required=kind.name != "CEB621")
    except xml.CebXmlError as error:
        typer.echo(body.decode(), err=True)
        ceb_refused(Path(f"<{kind.name} from {file}>"), error.problems)
    except FileNotFoundError as error:
        fail(str(error))
    sys.stdout.write(body.decode())


CebKeyFile = Annotated[
    Path | None,
    typer.Option(
        "--key",
        exists=True,
        dir_okay=False,
        help="Private key, PEM (RSA, or SM2 in PKCS#8 or SEC1). Default: the window's own "
        "(SW_CEB_SIGNING_KEY_FILE, or in development the key made beside the database).",
    ),
]
CebCertFile = Annotated[
    Path | None,
    typer.Option("--cert", exists=True, dir_okay=False, help="The key's certificate, PEM."),
]


@ceb_cli.command("sign")
def ceb_sign(
    file: CebFile,
    key: CebKeyFile = None,
    cert: CebCertFile = None,
    algorithm: Annotated[
        str | None,
        typer.Option(help="rsa-sha256 (RSA's default) or rsa-sha1; SM2 keys sign with sm2-sm3."),
    ] = None,
) -> None:
    """Print the message with an enveloped CEB signature (C14N 20010315, the whole
    message, the certificate in KeyInfo), replacing any signature it had."""
    from app.ceb import certificates, signing

    if (key is None) != (cert is None):
        raise typer.BadParameter("give --key and --cert together, or neither")
    methods = {"rsa-sha256": signing.RSA_SHA256, "rsa-sha1": signing.RSA_SHA1}
    methods["sm2-sm3"] = signing.SM2_SM3
    if algorithm is not None and algorithm not in methods:
        raise typer.BadParameter(f"one of {', '.join(methods)}", param_hint="--algorithm")
    try:
        if key is not None and cert is not None:
            identity = certificates.read_identity(key.read_bytes(), cert.read_bytes())
        else:
            identity = certificates.window_identity(get_settings())
        signed = signing.sign(
            file.read_bytes(), identity, algorithm=methods[algorithm] if algorithm else None
        )
    except certificates.CertificateError as error:
        fail(f"{error.message} [{error.code}]")
    except signing.SignatureError as error:
        fail(f"{file}: {error.message} [{error.code}]")
    except ValueError as error:
        fail(str(error))
    sys.stdout.buffer.write(signed)


@ceb_cli.command("verify")
def ceb_verify(
    file: CebFile,
    cert: Annotated[
        list[Path],
        typer.Option(
            "--cert",
            exists=True,
            dir_okay=False,
            help="A certificate (PEM) the message may be signed with; repeat for several.",
        ),
    ],
) -> None:
    """Check a message's signature with the given certificates, as the window checks
    its senders' registered ones: the signer on success, else the problem on stderr
    (``FILE:LINE: element: message [code]``) with exit status 1."""
    from app.ceb import certificates, signing

    try:
        trusted = [
            signing.RegisteredCertificate(certificates.read_certificate(p.read_bytes()).fingerprint)
            for p in cert
        ]
    except certificates.CertificateError as error:
        fail(f"{error.message} [{error.code}]")
    try:
        verified = signing.verify(file.read_bytes(), trusted, sender=None, unsigned_accepted=False)
    except signing.SignatureError as error:
        where = f"{file}:{error.line}" if error.line is not None else str(file)
        typer.echo(f"{where}: {error.element}: {error.message} [{error.code}]", err=True)
        raise typer.Exit(1) from None
    assert verified is not None
    signer = verified.certificate
    console.print(
        f"{file}: signed with {verified.algorithm.rsplit('#', 1)[-1]} by {signer.subject} "
        f"(SHA-256 {signer.fingerprint})"
    )


def main() -> None:
    try:
        cli()
    except ValidationError as error:
        # Settings that do not hold (production's refusals among them): each problem in a
        # line, not a traceback, and never the values given (secrets among them).
        print("singlewindow: the settings are not valid:", file=sys.stderr)
        for problem in error.errors():
            where = f"SW_{str(problem['loc'][0]).upper()}: " if problem["loc"] else ""
            cause = problem.get("ctx", {}).get("error", problem["msg"])
            print(f"  {where}{cause}".replace("\n", "\n    "), file=sys.stderr)
        sys.exit(2)
