"""The single window as the tests run it: its admin key and quiet settings, and servers
on real ports in background threads."""

import socket
import threading
import time
from typing import Any, Self

import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from app.store import derived

# The admin key every test service starts with (SW_BOOTSTRAP_ADMIN_KEY).
ADMIN_KEY = "sw_a_test-admin-key-0123456789abcdefghijklmnop"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


# Where the tests' webhook receivers listen (a ThreadedServer): pushes reach this machine
# only when it is allowed (SW_WEBHOOK_ALLOWED_HOSTS); tests of that rule take it away.
RECEIVER_HOST = "127.0.0.1"


def quiet_settings(database_url: str, **overrides: Any) -> Settings:
    """The service without its dispatcher: nothing leaves for the agencies."""
    given: dict[str, Any] = {
        "database_url": database_url,
        "dispatcher_enabled": False,
        "bootstrap_admin_key": ADMIN_KEY,
        "webhook_allowed_hosts": RECEIVER_HOST,
    }
    return Settings(**given | overrides)


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


def bearer_of(client: TestClient, customs_code: str) -> dict[str, str]:
    """The Authorization header of a party filed by ``filed_client``."""
    keys: dict[str, str] = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[customs_code]}"}


def settle(target: TestClient | Engine) -> int:
    """Do what the worker does first in every round: write what derives from the
    declarations accepted so far (agency rows, lines, events, audit entries, outbox
    messages), for the service of a test client or on an engine. Answers how many
    declarations it derived."""
    engine: Engine = (
        target.app.state.engine  # type: ignore[attr-defined]
        if isinstance(target, TestClient)
        else target
    )
    total = 0
    while settled := derived.derive_pending(engine):
        total += settled
    return total
