"""Shared fixtures: databases built by the migrations, the app, live servers, test data.

The whole suite runs on SQLite. Tests that take ``database_url`` run on SQLite and, when
SW_TEST_DATABASE_URL names a PostgreSQL server, on PostgreSQL too (a fresh database per
run); under CI=true a missing PostgreSQL fails instead of skipping."""

import os
import random
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import demo
from app.config import Settings
from app.db import upgrade
from app.main import create_app
from app.services import enterprises
from app.services.clearance import Agency

IN_CI = os.environ.get("CI") == "true"
SHARED = Path(__file__).resolve().parents[2] / "shared"
TABLES = (
    "api_keys",
    "audit_log",
    "declaration_lines",
    "refusal_codes",
    "enterprise_registrations",
    "webhook_endpoints",
    "declaration_events",
    "declaration_agencies",
    "outbox_messages",
    "declarations",
    "refusals",
    "waybills",
    "buyer_quotas",
    "idempotency_keys",
    "enterprises",
)


def need_shared() -> Path:
    """../shared, or a skip (a failure under CI, where it must be present)."""
    if SHARED.is_dir():
        return SHARED
    if IN_CI:
        pytest.fail(f"{SHARED} is missing; CI lays it beside the project")
    pytest.skip(f"{SHARED} is not present next to the project")


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


# The admin key every test service starts with (SW_BOOTSTRAP_ADMIN_KEY).
ADMIN_KEY = "sw_a_test-admin-key-0123456789abcdefghijklmnop"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def quiet_settings(database_url: str, **overrides: Any) -> Settings:
    """The service without its dispatcher: nothing leaves for the agencies."""
    return Settings(
        database_url=database_url,
        dispatcher_enabled=False,
        bootstrap_admin_key=ADMIN_KEY,
        **overrides,
    )


def register_everywhere(engine: Any, customs_codes: list[str]) -> None:
    """Record every agency's registration of these filings, as their answers would."""
    for agency in Agency:
        enterprises.record_registrations(
            engine, agency, {code: f"{agency.upper()[:3]}{code}" for code in customs_codes}
        )


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return quiet_settings(sqlite_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=ADMIN) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ThreadedServer:
    """An ASGI app under uvicorn on a free port, in a background thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", timeout_graceful_shutdown=1
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


class LiveServer(ThreadedServer):
    """The single window on a real port."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        super().__init__(self.app)

    @property
    def engine(self) -> Any:
        return self.app.state.engine


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    with LiveServer(quiet_settings(database_url)) as server:
        yield server


class Declarations:
    """Valid declarations for the filed demo parties; tests break them on purpose."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.serial = 0

    def filings(self) -> list[dict[str, Any]]:
        return [filing.body(self.rng) for filing in demo.DEMO_PARTIES.filings()]

    def buyer(self) -> demo.Buyer:
        return demo.make_buyer(self.rng)

    def valid(self, **options: Any) -> dict[str, Any]:
        self.serial += 1
        return demo.make_declaration(
            self.rng,
            order_no=f"ORD{self.serial:08d}",
            logistics_no=f"SF{self.serial:010d}",
            **options,
        )


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


def bearer_of(client: TestClient, customs_code: str) -> dict[str, str]:
    """The Authorization header of a party filed by ``filed_client``."""
    keys: dict[str, str] = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[customs_code]}"}
