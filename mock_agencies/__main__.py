"""``python -m mock_agencies --agency customs [--port 8101]``: run one agency service.
``--agency all`` runs the four, each in its own process (see ``runner.run_all``), on
8101–8104 or where ``--url customs=http://HOST:PORT`` … says.

Command-line options win over AGENCY_<NAME>_* variables, which win over AGENCY_*."""

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import uvicorn

from app.agencies.wire import AgencyName
from mock_agencies.config import DEFAULT_PORTS, listening_address, settings_for
from mock_agencies.runner import AgencyProcessError, exit_with_parent, run_all
from mock_agencies.service import create_app

ALL = "all"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mock_agencies", description=__doc__)
    parser.add_argument("--agency", choices=[*AgencyName, ALL], required=True)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int, help="one agency only (default 8101–8104)")
    parser.add_argument("--callback-base-url", help="the single window (http://127.0.0.1:8000)")
    parser.add_argument("--data-dir", type=Path, help="where the SQLite files go (./agency-data)")
    parser.add_argument("--decision-delay-ms", type=int)
    parser.add_argument("--log-level")
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="AGENCY=URL",
        help="with --agency all: the URL the single window reaches one agency at (its "
        "SW_<AGENCY>_URL); the agency listens on that URL's host and port. Once per agency, "
        "e.g. --url customs=http://127.0.0.1:9101 (default: --host, ports 8101–8104)",
    )
    parser.add_argument(
        "--exit-with-parent", action="store_true", help="stop when the parent process ends"
    )
    arguments = parser.parse_args(argv)
    if arguments.url and arguments.agency != ALL:
        parser.error("--url goes with --agency all (one agency takes --host and --port)")
    arguments.ports, arguments.hosts = dict(DEFAULT_PORTS), {}
    for given in arguments.url:
        name, _, url = given.partition("=")
        try:
            agency = AgencyName(name)
            arguments.hosts[agency], arguments.ports[agency] = listening_address(url)
        except ValueError as error:
            parser.error(f"--url {given}: {error}")
    return arguments


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    given: dict[str, Any] = {
        name: value
        for name in ("host", "port", "callback_base_url", "data_dir", "decision_delay_ms")
        if (value := getattr(arguments, name)) is not None
    }
    if arguments.log_level:
        given["log_level"] = arguments.log_level
    if arguments.exit_with_parent:
        exit_with_parent()
    if arguments.agency == ALL:
        given.pop("port", None)
        given |= {"ports": arguments.ports, "hosts": arguments.hosts}
        try:
            run_all(**given)
        except AgencyProcessError as error:
            sys.exit(f"mock_agencies: {error}")
        return
    settings = settings_for(AgencyName(arguments.agency), **given)
    logging.basicConfig(level=settings.log_level.upper())
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
