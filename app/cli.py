"""The `singlewindow` command: serve, migrate, export the spec, run the demo."""

import json
from typing import Annotated

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from app.config import get_settings
from app.db import upgrade

cli = typer.Typer(help="Single Window: cross-border e-commerce declarations.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
console = Console()


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: SW_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: SW_PORT or 8000.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API (migrate first with `singlewindow db upgrade`)."""
    from app.main import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        access_log=False,  # the app writes its own access line, with the request id
    )


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the migrations to SW_DATABASE_URL (default: ./singlewindow.db)."""
    url = get_settings().database_url
    upgrade(url, revision)
    console.print(f"[green]database at {revision}[/green]")


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document (what openapi/openapi.json holds)."""
    from app.main import create_app

    print(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False, sort_keys=True))


@cli.command()
def demo(
    count: Annotated[int, typer.Option(min=1, max=100_000)] = 300,
    base_url: Annotated[str, typer.Option(help="A running service.")] = "http://127.0.0.1:8000",
    seed: Annotated[int | None, typer.Option(help="Repeatable data.")] = None,
) -> None:
    """File the demo enterprises and post realistic declarations, some broken on purpose;
    print what the service answered, by rule code."""
    from app.demo import run_demo

    with httpx.Client(base_url=base_url, timeout=30) as client, Progress(console=console) as bar:
        task = bar.add_task("declaring", total=count)
        outcome = run_demo(client, count, seed=seed, on_progress=lambda: bar.advance(task))

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


def main() -> None:
    cli()
