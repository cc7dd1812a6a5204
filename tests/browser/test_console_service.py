"""The console over HTTP without a browser, on SQLite and PostgreSQL: the figures its
pages show against the declarations behind them, the session's rules (needed, sealed,
ended by a revoked key), the forms' rules, and what every page answer carries."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from app.auth import Rule
from app.console import access
from app.console.session import COOKIE, new_session, seal
from app.domain.clearance import Agency
from app.main import api_routes, create_app
from app.store import console, outbox
from app.store.db import read_session
from app.store.models import Declaration, OutboxMessage
from tests.support.factories import Declarations, register_everywhere
from tests.support.receipts import clear_everything, receipt, send
from tests.support.service import ADMIN, quiet_settings, settle

PLATFORM = "3301960001"
PAGES = (
    "/console/overview",
    "/console/declarations",
    "/console/enterprises",
    f"/console/enterprises/{PLATFORM}",
    "/console/index",
)


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]
    ids: list[str]
    orders: dict[str, str]

    @property
    def engine(self) -> Engine:
        engine: Engine = self.client.app.state.engine  # type: ignore[attr-defined]
        return engine

    def key_of(self, kind: str, agency: str | None = None) -> str:
        body = {"kind": kind} | ({"agency": agency} if agency else {})
        answer = self.client.post("/v1/keys", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.text
        key: str = answer.json()["key"]
        return key


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    declarations = Declarations(seed=5)
    with TestClient(create_app(quiet_settings(database_url))) as client:
        keys = {}
        for body in declarations.filings():
            answer = client.post("/v1/enterprises", json=body, headers=ADMIN)
            assert answer.status_code == 201, answer.text
            keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
        register_everywhere(client.app.state.engine, list(keys))  # type: ignore[attr-defined]
        platform = {"Authorization": f"Bearer {keys[PLATFORM]}"}
        ids, orders = [], {}
        for _ in range(5):
            body = declarations.valid()
            answer = client.post("/v1/declarations", json=body, headers=platform)
            assert answer.status_code == 202, answer.text
            ids.append(answer.json()["id"])
            orders[ids[-1]] = body["order"]["orderNo"]
        refused = declarations.valid()
        refused["payment"]["orderNo"] = "ANOTHER"
        assert client.post("/v1/declarations", json=refused, headers=platform).status_code == 422
        settle(client)
        clear_everything(client, ids[0])
        assert send(client, "customs", receipt(ids[1], "customs", "inspection", 1)).is_success
        cancelled = client.post(
            f"/v1/declarations/{ids[4]}/cancellation",
            json={"reason": "the buyer changed their mind"},
            headers=platform,
        )
        assert cancelled.status_code == 200, cancelled.text
        yield Service(client, keys, ids, orders)


def log_in(client: TestClient, key: str) -> None:
    form = client.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/console/login", data={"csrf": token.group(1), "key": key}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.postgres
def test_the_figures_add_up_to_the_declarations_behind_them(service: Service) -> None:
    engine = service.engine
    start = datetime.now(UTC) - timedelta(days=1)
    end = datetime.now(UTC) + timedelta(hours=1)
    with read_session(engine) as session:
        created = [session.get(Declaration, i) for i in service.ids]
    hours = [0] * 24
    for d in created:
        assert d is not None
        hours[d.created_at.hour] += 1
    assert console.by_hour(engine, start, end) == hours

    (general,) = [
        g for g in console.inspections_by_grade(engine, start, end) if g.grade == "general"
    ]
    assert (general.declarations, general.inspected) == (5, 1)

    times = console.agency_times(engine, start, end)
    assert {a: t.answered for a, t in times.items()} == {a.value: 1 for a in Agency}

    month = datetime.now(UTC).strftime("%Y-%m")
    first = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    (figures,) = console.monthly_index(engine, first, end)
    assert figures.month == month
    assert (figures.declarations, figures.cleared, figures.decided) == (5, 1, 1)
    assert (figures.refusals, figures.cancellations, figures.returns) == (1, 1, 0)
    assert figures.clearance.percent == 100

    queues = console.queues(engine, datetime.now(UTC))
    assert set(queues) == {a.value for a in Agency}
    assert all(q.pending > 0 and q.dead == 0 for q in queues.values())
    with read_session(engine) as session:
        message = session.scalar(
            select(col(OutboxMessage.id)).where(col(OutboxMessage.destination) == "tax").limit(1)
        )
    assert message is not None
    outbox.mark_dead(engine, [message], "refused")
    assert console.queues(engine, datetime.now(UTC))["tax"].dead == 1

    found, _ = console.search_declarations(
        engine,
        console.DeclarationSearch(order_no=service.orders[service.ids[2]]),
        None,
        10,
    )
    assert [d.id for d in found] == [service.ids[2]]


@pytest.mark.postgres
def test_every_page_answers_in_both_languages_with_no_store(service: Service) -> None:
    client = service.client
    log_in(client, service.key_of("regulator", "customs"))
    for page in (*PAGES, f"/console/declarations/{service.ids[0]}"):
        for lang, marker in (("zh", 'lang="zh-CN"'), ("en", 'lang="en"')):
            answer = client.get(page, params={"lang": lang})
            assert answer.status_code == 200, (page, answer.text)
            assert f"<html {marker}>" in answer.text
            assert answer.headers["cache-control"] == "no-store"
            assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    # The language asked for is remembered.
    assert '<html lang="en">' in client.get("/console/overview").text
    csv = client.get("/console/index.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    month = datetime.now(UTC).strftime("%Y-%m")
    (row,) = [line for line in csv.text.splitlines() if line.startswith(month)]
    # Money with two decimals, rates as numbers.
    assert re.fullmatch(
        rf"{month},5,[0-9]+\.[0-9]{{2}},[0-9]+\.[0-9]{{2}},1,1,100\.0,1,1,0,[0-9]+\.[0-9]{{2}}",
        row,
    ), row


@pytest.mark.postgres
def test_pages_need_a_session_and_a_forged_or_old_one_is_not_one(service: Service) -> None:
    client = service.client
    for page in (*PAGES, "/console"):
        answer = client.get(page, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/login"
    settings = client.app.state.settings  # type: ignore[attr-defined]
    key = service.key_of("regulator", "customs")
    good = seal(new_session(key), settings.audit_signing_key)
    other_secret = seal(new_session(key), "another-secret-of-32-characters!!")
    expired = seal(new_session(key, now=0), settings.audit_signing_key)
    altered = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    for cookie in (other_secret, expired, altered, "garbage"):
        client.cookies.set(COOKIE, cookie, path="/console")
        answer = client.get("/console/overview", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/login?ended=1"
    client.cookies.set(COOKIE, good, path="/console")
    assert client.get("/console/overview", follow_redirects=False).status_code == 200


@pytest.mark.postgres
def test_a_revoked_key_ends_its_session_at_once(service: Service) -> None:
    client = service.client
    issued = client.post(
        "/v1/keys", json={"kind": "enterprise", "customsCode": PLATFORM}, headers=ADMIN
    ).json()
    log_in(client, issued["key"])
    assert client.get("/console/declarations").status_code == 200
    assert client.delete(f"/v1/keys/{issued['id']}", headers=ADMIN).status_code == 204
    answer = client.get("/console/declarations", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?ended=1"


@pytest.mark.postgres
def test_the_actions_follow_the_apis_rules(service: Service) -> None:
    client = service.client
    rules: dict[str, Rule | None] = {
        route.path: route.rule
        for route in api_routes(client.app)  # type: ignore[arg-type]
        if route.path.startswith("/v1/regulator/enterprises/")
    }
    assert rules["/v1/regulator/enterprises/{customsCode}/credit-grade"] == access.GRADING
    assert rules["/v1/regulator/enterprises/{customsCode}/status"] == access.CHANGING_STATUS

    # Commerce may suspend but not grade: the form is not offered, nor taken.
    log_in(client, service.key_of("regulator", "commerce"))
    page = client.get(f"/console/enterprises/{PLATFORM}")
    assert 'id="grade-form"' not in page.text
    assert 'id="status-form"' in page.text
    token = csrf_of(page.text)
    refused = client.post(
        f"/console/enterprises/{PLATFORM}/credit-grade",
        data={"csrf": token, "creditGrade": "advanced", "reason": "no"},
    )
    assert refused.status_code == 403
    # A reason is needed, as in the API.
    empty = client.post(
        f"/console/enterprises/{PLATFORM}/status",
        data={"csrf": token, "status": "suspended", "reason": "  "},
    )
    assert empty.status_code == 422
    assert "请填写原因" in empty.text  # Chinese: the client asks for no language
    # Revocation, which is final, is left to the API.
    revoke = client.post(
        f"/console/enterprises/{PLATFORM}/status",
        data={"csrf": token, "status": "revoked", "reason": "fraud"},
    )
    assert revoke.status_code == 403
    filing = client.get(f"/v1/enterprises/{PLATFORM}", headers=ADMIN).json()
    assert (filing["status"], filing["creditGrade"]) == ("active", "general")


@pytest.mark.postgres
def test_the_console_is_not_in_the_api_document(service: Service) -> None:
    spec = service.client.get("/openapi.json").json()
    assert not [path for path in spec["paths"] if path.startswith("/console")]


def test_an_address_sending_wrong_keys_is_turned_away(sqlite_url: str) -> None:
    settings = quiet_settings(sqlite_url, auth_failure_limit="3/minute")
    with TestClient(create_app(settings)) as client:
        token = csrf_of(client.get("/console/login").text)
        for _ in range(3):
            wrong = client.post("/console/login", data={"csrf": token, "key": "sw_wrong"})
            assert wrong.status_code == 401
        stopped = client.post("/console/login", data={"csrf": token, "key": "sw_wrong"})
        assert stopped.status_code == 429
        assert "retry-after" in stopped.headers
