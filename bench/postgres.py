"""A fresh PostgreSQL database for one benchmark run, dropped afterwards (as the tests'
fixtures do: ``CREATE DATABASE`` of a new name on the server the URL names)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class PostgresUnavailable(RuntimeError):
    """The server cannot be reached, or will not create a database."""


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """The URL of a new, empty database on ``server_url``'s server."""
    name = f"sw_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as error:
        admin.dispose()
        reason = str(error.orig if hasattr(error, "orig") else error).strip().splitlines()[0]
        safe_url = make_url(server_url).render_as_string(hide_password=True)
        raise PostgresUnavailable(f"PostgreSQL at {safe_url} is not usable: {reason}") from error
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
