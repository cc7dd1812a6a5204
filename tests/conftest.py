"""Shared fixtures: databases built by the migrations, the app, live servers, test data.

The whole suite runs on SQLite. Tests that take ``database_url`` run on SQLite and, when
SW_TEST_DATABASE_URL names a PostgreSQL server, on PostgreSQL too (a fresh database per
run); under CI=true a missing PostgreSQL fails instead of skipping."""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.main import create_app
from app.store.db import upgrade
from tests.support.environment import IN_CI, TABLES
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, LiveServer, quiet_settings


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "singlewindow.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    server = os.environ.get("SW_TEST_DATABASE_URL")
    if not server:
        if IN_CI:
            pytest.fail("SW_TEST_DATABASE_URL is not set; CI runs the PostgreSQL tests")
        pytest.skip("SW_TEST_DATABASE_URL is not set")
    name = f"sw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {server} is not usable: {exc}")
        pytest.skip(f"PostgreSQL at {server} is not usable: {exc}")
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_database: str) -> str:
    engine = create_engine(postgres_database)
    with engine.begin() as connection:
        # The audit trail refuses TRUNCATE by trigger; a replica session skips triggers.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return quiet_settings(sqlite_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=ADMIN) as test_client:
        yield test_client


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    with LiveServer(quiet_settings(database_url)) as server:
        yield server


@pytest.fixture
def declarations() -> Declarations:
    return Declarations()


@pytest.fixture
def filed_client(client: TestClient, declarations: Declarations) -> TestClient:
    """A client whose service has the demo parties filed and registered by every agency."""
    bodies = declarations.filings()
    keys: dict[str, str] = {}
    for body in bodies:
        answer = client.post("/v1/enterprises", json=body)
        assert answer.status_code == 201
        keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
    register_everywhere(client.app.state.engine, [b["customsCode"] for b in bodies])  # type: ignore[attr-defined]
    client.app.state.enterprise_keys = keys  # type: ignore[attr-defined]
    return client
