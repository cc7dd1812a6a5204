"""Status pushes go out apart from clearance: each endpoint reads one event log through a
cursor of its own, one turn at a time, each attempt cut off at a deadline; an endpoint
that keeps failing is parked and probed; what is still undelivered at the horizon is
given up on; owners see each endpoint's health and attempts, and can send one again."""

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.config import Settings
from app.dispatch.pusher import Pusher
from app.dispatch.webhook_client import webhook_client
from app.domain.clearance import ClearanceStatus
from app.main import create_app
from app.store import audit, webhooks
from app.store.db import write_session
from app.store.models.types import utcnow
from tests.support.factories import Declarations
from tests.support.reliability import FINAL_STATUSES, SHOES, Processes, SingleWindow
from tests.support.service import ADMIN, ThreadedServer

EVENTS = ["declaration.status_changed"]
FLOW = [
    (ClearanceStatus.ACCEPTED, ClearanceStatus.IN_REVIEW),
    (ClearanceStatus.IN_REVIEW, ClearanceStatus.CLEARED),
]


class Receiver:
    """A platform's endpoint: records each push it is sent (in the order they arrive)
    and answers ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.events: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        self.lock = threading.Lock()
        self.app = FastAPI()
        self.app.add_api_route("/hook", self.receive, methods=["POST"])

    async def receive(self, request: Request) -> Response:
        body = json.loads(await request.body())
        with self.lock:
            self.events.append(body)
            self.arrived.append(time.monotonic())
        return Response(status_code=self.status)

    def delivered(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.events) if self.status < 300 else []


class SilentServer:
    """Accepts connections and reads the request; then says nothing (``trickle`` False)
    or sends a response one byte a second, never finishing it (``trickle`` True)."""

    def __init__(self, trickle: bool = False) -> None:
        self.trickle = trickle
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.closing = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self) -> "SilentServer":
        self.listener.settimeout(0.1)
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self.threads.append(thread)
        return self

    def __exit__(self, *_: object) -> None:
        self.closing.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.listener.close()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._hold, args=(connection,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _hold(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(0.1)
            answer = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000
            sent = 0
            while not self.closing.wait(1.0 if self.trickle else 0.1):
                if self.trickle and sent < len(answer):
                    try:
                        connection.sendall(answer[sent : sent + 1])
                    except OSError:
                        return
                    sent += 1


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not {what} after {timeout} s"
        time.sleep(0.02)


@pytest.fixture
def push_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_deadline_seconds": 1.0,
            "webhook_retry_base_seconds": 0.05,
            "webhook_retry_cap_seconds": 0.2,
            "webhook_park_after": 3,
            "webhook_poll_seconds": 0.02,
        }
    )


@pytest.fixture
def api(push_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(push_settings), headers=ADMIN) as client:
        yield client


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def register(client: TestClient, url: str, **more: Any) -> str:
    answer = client.post("/v1/webhooks", json={"url": url, "events": EVENTS, **more})
    assert answer.status_code == 201, answer.text
    endpoint_id: str = answer.json()["id"]
    return endpoint_id


def announce(engine: Engine, declarations: int, parties: frozenset[str] = frozenset()) -> None:
    """Each declaration goes through the whole flow: two status changes each."""
    with write_session(engine) as session:
        for before, after in FLOW:
            webhooks.announce_changes(
                session,
                [
                    webhooks.StatusChange(
                        declaration_id=f"0193a1b2-0000-7000-8000-{n:012d}",
                        ebp_code="3301964Z01",
                        order_no=f"ORD{n:08d}",
                        parties=parties or frozenset({"3301964Z01"}),
                        previous_status=before,
                        status=after,
                        ceb_status=800 if after is ClearanceStatus.CLEARED else 120,
                    )
                    for n in range(declarations)
                ],
                utcnow(),
            )
        session.commit()


class PusherThread:
    """The pusher of a test client's service, running in a thread of its own."""

    def __init__(self, client: TestClient, clearance_busy: bool = False) -> None:
        self.clearance_busy = clearance_busy
        self.engine = engine_of(client)
        self.settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
        self.stop: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)

    async def _run(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stop = asyncio.Event()
        async with webhook_client(self.settings) as client:
            await Pusher(
                self.engine, self.settings, client, clearance_busy=lambda: self.clearance_busy
            ).run(self.stop)

    def __enter__(self) -> "PusherThread":
        self.thread.start()
        wait_until(lambda: self.stop is not None, "the pusher started", 5)
        return self

    def __exit__(self, *_: object) -> None:
        assert self.loop is not None
        assert self.stop is not None
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


def deliveries(client: TestClient, endpoint_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/v1/webhooks/{endpoint_id}/deliveries", params={"limit": 200})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def health(client: TestClient, endpoint_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/webhooks/{endpoint_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()["health"]
    return found


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


# --- the clearance path pays one event per change --------------------------------------------


def test_a_change_is_one_event_whatever_the_number_of_endpoints(api: TestClient) -> None:
    engine = engine_of(api)
    announce(engine, 3)
    assert count(engine, "webhook_events") == 0  # nobody listens: nothing is written
    for n in range(10):
        register(api, f"https://hooks{n}.example.com/hook")
    announce(engine, 3)
    assert count(engine, "webhook_events") == 6
    assert count(engine, "outbox_messages") == 0
    assert count(engine, "webhook_deliveries") == 0


def test_an_endpoint_limited_to_an_enterprise_logs_only_its_changes(api: TestClient) -> None:
    engine = engine_of(api)
    register(api, "https://hooks.example.com/hook", customsCode="3301964Z02")
    announce(engine, 2)  # 3301964Z01's
    assert count(engine, "webhook_events") == 0
    announce(engine, 2, frozenset({"3301964Z01", "3301964Z02"}))
    assert count(engine, "webhook_events") == 4


def test_an_owner_has_at_most_ten_endpoints(api: TestClient) -> None:
    made = [register(api, f"https://hooks{n}.example.com/hook") for n in range(10)]
    answer = api.post(
        "/v1/webhooks", json={"url": "https://hooks10.example.com/hook", "events": EVENTS}
    )
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "webhook_limit_reached"
    assert api.delete(f"/v1/webhooks/{made[0]}").status_code == 204
    register(api, "https://hooks10.example.com/hook")


# --- a slow endpoint holds nothing but itself -------------------------------------------------


def test_hanging_and_trickling_endpoints_are_cut_off_and_others_still_get_theirs(
    api: TestClient,
) -> None:
    healthy = Receiver()
    with (
        SilentServer() as hanging,
        SilentServer(trickle=True) as trickling,
        ThreadedServer(healthy.app) as server,
    ):
        stuck = [register(api, hanging.url), register(api, trickling.url)]
        good = register(api, f"{server.url}/hook")
        announce(engine_of(api), 20)
        with PusherThread(api):
            wait_until(lambda: len(healthy.delivered()) == 40, "all pushed to the healthy one")
            wait_until(lambda: all(deliveries(api, s) for s in stuck), "the stuck ones tried", 10)
        assert hanging.connections >= 1
        assert trickling.connections >= 1

    for endpoint_id in stuck:
        tried = deliveries(api, endpoint_id)
        assert {d["outcome"] for d in tried} == {"failed"}
        assert all(d["error"] == "no complete answer within 1 s" for d in tried)
        # Cut off at the deadline: the trickle never ends, the silence never breaks.
        assert all(900 <= d["durationMs"] < 3000 for d in tried)
        assert health(api, endpoint_id)["consecutiveFailures"] >= 1
    assert health(api, good) | {"lastSuccessAt": None} == {
        "lastSuccessAt": None,
        "lastFailureAt": None,
        "lastFailureReason": None,
        "consecutiveFailures": 0,
        "parked": False,
        "nextAttemptAt": None,
    }


def test_each_declaration_s_changes_arrive_in_order(api: TestClient) -> None:
    healthy = Receiver()
    with ThreadedServer(healthy.app) as server:
        register(api, f"{server.url}/hook")
        announce(engine_of(api), 50)
        with PusherThread(api):
            wait_until(lambda: len(healthy.delivered()) == 100, "all pushed")

    seen: dict[str, list[str]] = {}
    for event in healthy.delivered():
        seen.setdefault(event["data"]["declarationId"], []).append(event["data"]["status"])
    assert len(seen) == 50
    assert all(statuses == ["in_review", "cleared"] for statuses in seen.values())


class SlowReceiver(Receiver):
    """Takes a while to answer, and counts the pushes it holds at once."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = 0
        self.most = 0

    async def receive(self, request: Request) -> Response:
        with self.lock:
            self.holding += 1
            self.most = max(self.most, self.holding)
        await asyncio.sleep(0.1)
        try:
            return await super().receive(request)
        finally:
            with self.lock:
                self.holding -= 1


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy"])
def test_pushes_hold_back_while_clearance_is_busy(push_settings: Settings, busy: bool) -> None:
    """With clearance behind, pushes go out to one endpoint in eight, one at a time."""
    settings = push_settings.model_copy(
        update={"webhook_concurrency": 16, "webhook_endpoint_concurrency": 4}
    )
    receiver = SlowReceiver()
    with (
        TestClient(create_app(settings), headers=ADMIN) as api,
        ThreadedServer(receiver.app) as server,
    ):
        for n in range(10):
            register(api, f"{server.url}/hook?n={n}")
        announce(engine_of(api), 4)
        with PusherThread(api, clearance_busy=busy):
            wait_until(lambda: len(receiver.delivered()) == 80, "all pushed")
    # 10 endpoints: all at once when clearance is idle; 16 // 8 when it is busy.
    if busy:
        assert receiver.most <= 2
    else:
        assert receiver.most > 2


# --- a failing endpoint is parked, probed, and comes back -------------------------------------


def test_a_failing_endpoint_is_parked_then_probed_back_to_health(api: TestClient) -> None:
    receiver = Receiver(status=503)
    with ThreadedServer(receiver.app) as server:
        endpoint_id = register(api, f"{server.url}/hook")
        announce(engine_of(api), 5)
        with PusherThread(api):
            wait_until(lambda: health(api, endpoint_id)["parked"], "parked")
            parked = health(api, endpoint_id)
            assert parked["consecutiveFailures"] >= 3
            assert parked["lastFailureReason"] is not None
            assert "503" in parked["lastFailureReason"]
            assert parked["nextAttemptAt"] is not None
            # Parked: only a probe goes out each time, one event.
            receiver.status = 204
            wait_until(lambda: not health(api, endpoint_id)["parked"], "unparked")
            wait_until(
                lambda: {e["data"]["status"] for e in receiver.events[-2:]} == {"cleared"},
                "caught up",
            )

    back = health(api, endpoint_id)
    assert (back["consecutiveFailures"], back["nextAttemptAt"]) == (0, None)
    assert back["lastSuccessAt"] is not None
    outcomes = [d["outcome"] for d in reversed(deliveries(api, endpoint_id))]
    assert outcomes[0] == "failed"
    assert outcomes[-1] == "delivered"
    # Every event got through in the end, each declaration's in order.
    delivered = [e for e in receiver.events[len(outcomes) - outcomes.count("delivered") :]]
    per_declaration: dict[str, list[str]] = {}
    for event in delivered:
        per_declaration.setdefault(event["data"]["declarationId"], []).append(
            event["data"]["status"]
        )
    assert all(s[-1] == "cleared" for s in per_declaration.values())
    assert len(per_declaration) == 5


def test_what_is_undelivered_at_the_horizon_is_given_up_on(
    push_settings: Settings,
) -> None:
    horizon = push_settings.model_copy(update={"dead_letter_age_seconds": 0.3})
    receiver = Receiver(status=503)
    with (
        TestClient(create_app(horizon), headers=ADMIN) as api,
        ThreadedServer(receiver.app) as server,
    ):
        endpoint_id = register(api, f"{server.url}/hook")
        announce(engine_of(api), 3)
        with PusherThread(api):
            wait_until(
                lambda: any(d["outcome"] == "expired" for d in deliveries(api, endpoint_id)),
                "given up on",
            )
            wait_until(
                lambda: sum(d["outcome"] == "expired" for d in deliveries(api, endpoint_id)) == 6,
                "all six given up on",
            )
            receiver.status = 204
            announce(engine_of(api), 1)  # a fresh change, after the endpoint came back
            wait_until(lambda: len(receiver.delivered()) >= 2, "the fresh ones delivered")

        expired = [d for d in deliveries(api, endpoint_id) if d["outcome"] == "expired"]
        assert all("given up on" in d["error"] for d in expired)
        assert len({d["eventId"] for d in expired}) == 6


# --- owners see their endpoints' attempts and send one again ---------------------------------


def test_deliveries_are_listed_and_one_can_be_sent_again(api: TestClient) -> None:
    receiver = Receiver()
    with ThreadedServer(receiver.app) as server:
        endpoint_id = register(api, f"{server.url}/hook")
        announce(engine_of(api), 3)
        with PusherThread(api):
            wait_until(lambda: len(receiver.delivered()) == 6, "all pushed")

        first = api.get(f"/v1/webhooks/{endpoint_id}/deliveries", params={"limit": 4}).json()
        assert len(first["items"]) == 4
        rest = api.get(
            f"/v1/webhooks/{endpoint_id}/deliveries", params={"cursor": first["nextCursor"]}
        ).json()
        listed = first["items"] + rest["items"]
        assert len(listed) == 6
        assert rest["nextCursor"] is None
        # Newest first, in the order the attempts were recorded.
        assert [d["id"] for d in listed] == sorted((d["id"] for d in listed), reverse=True)
        assert {d["outcome"] for d in listed} == {"delivered"}
        assert {d["statusCode"] for d in listed} == {204}

        oldest = listed[-1]
        again = api.post(f"/v1/webhooks/{endpoint_id}/deliveries/{oldest['id']}/redeliver")
        assert again.status_code == 201, again.text
        assert again.json()["redelivery"] is True
        assert again.json()["eventId"] == oldest["eventId"]
        assert again.json()["outcome"] == "delivered"
        assert receiver.events[-1]["id"] == oldest["eventId"]
        assert len(deliveries(api, endpoint_id)) == 7

        missing = api.post(
            f"/v1/webhooks/{endpoint_id}/deliveries/0193a1b2-0000-7000-8000-000000000000/redeliver"
        )
        assert missing.status_code == 404
        assert missing.json()["code"] == "webhook_delivery_not_found"
        assert api.get("/v1/webhooks/0193a1b2-0000-7000-8000-000000000000").status_code == 404


# --- end to end: clearance does not wait for pushes -------------------------------------------


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    registry = Processes(tmp_path / "logs")
    try:
        yield registry
    finally:
        registry.stop_all()


def plain(count: int, seed: int) -> list[dict[str, Any]]:
    """Valid declarations of shoes, each for another buyer."""
    declarations = Declarations(seed)
    return [declarations.valid(lines=[(SHOES, 1)]) for _ in range(count)]


def cleared_in(sw: SingleWindow, bodies: list[dict[str, Any]]) -> tuple[list[str], float]:
    """Post the declarations; answer their ids and how long, from the first post, until
    every one is final."""
    started = time.monotonic()
    ids = sw.post(bodies)
    return ids, sw.wait_all_final(ids, timeout=120) - started


def test_a_thousand_declarations_clear_in_their_normal_time_beside_stuck_endpoints(
    sqlite_url: str, processes: Processes, tmp_path: Path
) -> None:
    sw = SingleWindow(
        processes,
        "w",
        sqlite_url,
        tmp_path,
        settings={"SW_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "SW_WEBHOOK_DEADLINE_SECONDS": "2"},
    )
    healthy = Receiver()
    try:
        with (
            SilentServer() as hanging,
            SilentServer(trickle=True) as trickling,
            ThreadedServer(healthy.app) as server,
            sw.client() as client,
        ):
            sw.start_agencies()
            sw.start_api()
            sw.file_parties()
            answer = client.post(
                "/v1/webhooks", json={"url": f"{server.url}/hook", "events": EVENTS}
            )
            assert answer.status_code == 201, answer.text

            bodies = plain(2000, seed=301)
            normal_ids, normal = cleared_in(sw, bodies[:1000])
            for url in [hanging.url] * 4 + [trickling.url] * 4:
                answer = client.post("/v1/webhooks", json={"url": url, "events": EVENTS})
                assert answer.status_code == 201, answer.text
            ids, beside_stuck = cleared_in(sw, bodies[1000:])
            print(
                f"\n1,000 declarations final in {normal:.1f} s alone, {beside_stuck:.1f} s "
                "beside 8 stuck endpoints"
            )
            assert beside_stuck < normal * 1.5 + 5

            # The healthy endpoint hears of every final status within seconds.
            def heard() -> set[str]:
                return {
                    e["data"]["declarationId"]
                    for e in healthy.delivered()
                    if e["data"]["status"] in FINAL_STATUSES
                }

            wait_until(lambda: heard() >= set(normal_ids + ids), "every final status pushed", 15)
            assert hanging.connections >= 1
            assert trickling.connections >= 1
    finally:
        sw.dispose()


def test_registering_and_removing_an_endpoint_is_audited_without_its_secret(
    api: TestClient,
) -> None:
    created = api.post(
        "/v1/webhooks",
        json={"url": "https://hooks.example.com/in?token=t0ps3cret#x", "events": EVENTS},
    ).json()
    assert api.delete(f"/v1/webhooks/{created['id']}").status_code == 204
    records, _ = audit.feed(engine_of(api), 0, 1000)
    trail = [r for r in records if r.subject_type == "webhook"]
    assert [(r.kind, r.subject_id) for r in trail] == [
        ("webhook.created", created["id"]),
        ("webhook.deleted", created["id"]),
    ]
    assert {r.data["url"] for r in trail} == {"https://hooks.example.com/in"}
    assert all(r.actor != "cli" for r in trail)
    written = json.dumps([r.data for r in trail])
    assert created["secret"] not in written
    assert "t0ps3cret" not in written
    assert audit.verify(engine_of(api)).ok
