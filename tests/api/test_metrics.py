"""/metrics: the Prometheus text a scrape gets, who may scrape it, and what its labels
may hold."""

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import Histogram
from prometheus_client.parser import text_string_to_metric_families

from app.agencies.client import HttpAgency, RetryableError
from app.config import Settings
from app.main import create_app
from app.observability import metrics
from app.observability.gauges import DatabaseFigures
from tests.support.factories import Declarations
from tests.support.service import ADMIN, free_port


def scrape(
    client: TestClient, headers: dict[str, str] | None = None
) -> dict[str, list[tuple[dict[str, str], float]]]:
    answer = client.get("/metrics", headers=headers if headers is not None else ADMIN)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return samples(answer.text)


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def value(found: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    return sum(v for given, v in found.get(name, []) if labels.items() <= given.items())


def test_a_scrape_after_declaring_shows_requests_intake_and_the_database(
    filed_client: TestClient, declarations: Declarations
) -> None:
    before = scrape(filed_client)
    ids = []
    for _ in range(2):
        answer = filed_client.post("/v1/declarations", json=declarations.valid())
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    refused = declarations.valid()
    refused["order"]["acturalPaid"] = "1.00"
    assert filed_client.post("/v1/declarations", json=refused).status_code == 422
    assert filed_client.get(f"/v1/declarations/{ids[0]}").status_code == 200
    # The database's figures are kept a few seconds; a new app's scrape reads them anew.
    filed_client.app.state.metrics_registry = metrics.registry_for(  # type: ignore[attr-defined]
        metrics_figures(filed_client)
    )

    after = scrape(filed_client)
    name = "singlewindow_http_request_duration_seconds_count"
    declare = {"route": "/v1/declarations", "method": "POST"}
    assert (
        value(after, name, **declare, status="2xx") - value(before, name, **declare, status="2xx")
        == 2
    )
    assert (
        value(after, name, **declare, status="4xx") - value(before, name, **declare, status="4xx")
        == 1
    )
    # The route's template, never the path with the declaration's id.
    read = {"route": "/v1/declarations/{declarationId}", "method": "GET", "status": "2xx"}
    assert value(after, name, **read) >= 1
    assert not any(ids[0] in labels.get("route", "") for labels, _ in after[name])

    intake = "singlewindow_intake_declarations_total"
    assert value(after, intake, outcome="accepted") - value(before, intake, outcome="accepted") == 2
    assert (
        value(after, intake, outcome="declaration_refused")
        - value(before, intake, outcome="declaration_refused")
        == 1
    )
    assert value(after, "singlewindow_declarations", status="accepted") == 2
    assert value(after, "singlewindow_declarations", status="cleared") == 0
    assert "singlewindow_declarations_finalized_total" in after
    # Accepted declarations wait in the outbox for the worker (not running here).
    assert value(after, "singlewindow_outbox_dead_letters", destination="customs") == 0
    assert value(after, "singlewindow_database_up") == 1
    for family in (
        "singlewindow_outbox_pending",
        "singlewindow_outbox_oldest_pending_age_seconds",
        "singlewindow_webhook_endpoints_parked",
        "singlewindow_db_pool_size",
        "singlewindow_db_pool_checked_out",
        "singlewindow_db_pool_connections",
    ):
        assert family in after, family
    assert value(after, "singlewindow_db_pool_size") >= 1
    assert value(after, "singlewindow_db_pool_connections") >= 1


def metrics_figures(client: TestClient) -> DatabaseFigures:
    return DatabaseFigures(client.app.state.engine, keep_seconds=0)  # type: ignore[attr-defined]


def test_an_enterprise_key_may_not_scrape_and_no_key_is_401(
    filed_client: TestClient,
) -> None:
    enterprise_key = next(iter(filed_client.app.state.enterprise_keys.values()))  # type: ignore[attr-defined]
    answer = filed_client.get("/metrics", headers={"Authorization": f"Bearer {enterprise_key}"})
    assert answer.status_code == 403
    assert filed_client.get("/metrics", headers={"Authorization": ""}).status_code == 401


def test_a_regulator_may_scrape(filed_client: TestClient) -> None:
    issued = filed_client.post("/v1/keys", json={"kind": "regulator", "agency": "customs"})
    assert issued.status_code == 201, issued.text
    scrape(filed_client, {"Authorization": f"Bearer {issued.json()['key']}"})


def test_labels_hold_no_personal_data_nor_paths(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    assert filed_client.post("/v1/declarations", json=body).status_code == 202
    # Paths no route has, with what a scanner might try, count as one "unmatched" route.
    filed_client.get(f"/v1/declarations/{body['order']['orderNo']}/nothing")
    filed_client.get("/wp-admin/login.php")
    text = filed_client.get("/metrics", headers=ADMIN).text
    order = body["order"]
    for secret in (
        order["orderNo"],
        order["buyerIdNumber"],
        order["buyerName"],
        order["buyerTelephone"],
        order["consigneeAddress"],
        order["ebpCode"],
        body["logistics"]["logisticsNo"],
        "wp-admin",
    ):
        assert secret not in text, secret
    routes = {
        labels["route"]
        for labels, _ in samples(text)["singlewindow_http_request_duration_seconds_count"]
    }
    assert metrics.UNMATCHED in routes
    assert all(route == metrics.UNMATCHED or route.startswith("/") for route in routes)


@pytest.fixture
def public_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_public": True})


def test_public_metrics_need_no_key(public_settings: Settings) -> None:
    with TestClient(create_app(public_settings)) as client:
        assert client.get("/metrics").status_code == 200


def test_the_metrics_port_serves_without_a_key(settings: Settings) -> None:
    port = free_port()
    with TestClient(create_app(settings.model_copy(update={"metrics_port": port}))) as client:
        answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert answer.status_code == 200
        assert "singlewindow_database_up 1.0" in answer.text
        # The API's own port still asks for a key.
        assert client.get("/metrics").status_code == 401
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1)


@pytest.fixture
def agency() -> HttpAgency:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"title": "busy"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://customs")
    return HttpAgency("customs", client, "secret")


async def _fail(agency: HttpAgency) -> None:
    with pytest.raises(RetryableError):
        await agency.submit_declarations(b"{}", "key-1")


def test_agency_calls_are_timed_and_their_errors_counted(agency: HttpAgency) -> None:
    import asyncio

    labels = {"agency": "customs", "operation": "declarations"}
    errors = metrics.AGENCY_CALL_ERRORS.labels(**labels, kind="retryable")
    before = errors._value.get()
    timed_before = _count(metrics.AGENCY_CALL_SECONDS, labels)
    asyncio.run(_fail(agency))
    assert errors._value.get() == before + 1
    assert _count(metrics.AGENCY_CALL_SECONDS, labels) == timed_before + 1


def _count(histogram: Histogram, labels: dict[str, str]) -> float:
    for family in histogram.collect():
        for sample in family.samples:
            if sample.name.endswith("_count") and labels.items() <= sample.labels.items():
                return float(sample.value)
    return 0.0


def test_multiprocess_counts_add_up_in_a_shared_directory() -> None:
    """Two processes count in one directory; a scrape of either shows the sum."""
    import subprocess
    import sys

    with metrics.shared_directory() as directory:
        program = (
            "from app.observability import metrics\n"
            "metrics.count_intake(['accepted'] * 3)\n"
            "metrics.count_push('delivered', 0.01)\n"
        )
        for _ in range(2):
            subprocess.run([sys.executable, "-c", program], check=True, timeout=60)
        scraped = subprocess.run(
            [
                sys.executable,
                "-c",
                "from app.observability import metrics\n"
                "print(metrics.render(metrics.registry_for()).decode())",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        assert directory
    found = samples(scraped)
    assert value(found, "singlewindow_intake_declarations_total", outcome="accepted") == 6
    assert value(found, "singlewindow_webhook_pushes_total", outcome="delivered") == 2
