"""The regulators' shared view over HTTP: mirroring the feed while declarations arrive,
finding tampering, acting on filings, statistics and exports, and the abuse limits."""

import asyncio
import csv
import io
import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from app.config import Settings
from app.demo import DEMO_PARTIES
from app.domain.clearance import Agency
from app.main import create_app
from app.store import derived
from app.store.db import read_session
from app.store.models import Declaration, Enterprise
from tests.support.factories import Declarations, register_everywhere
from tests.support.receipts import clear_everything
from tests.support.service import ADMIN, LiveServer, bearer_of, quiet_settings, settle

PLATFORM = DEMO_PARTIES.platform.customs_code


def regulator_headers(client: TestClient | httpx.Client, agency: str) -> dict[str, str]:
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": agency}, headers=ADMIN)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def mirror(state: dict[str, Any], items: list[dict[str, Any]]) -> None:
    """What a regulator's copy of the shared records does with each feed item."""
    for item in items:
        kind, data, subject = item["kind"], item["data"], item["subjectId"]
        if kind == "filing.created":
            assert subject not in state["filings"], "a filing created twice"
            state["filings"][subject] = data["status"]
        elif kind == "filing.activated":
            state["filings"][subject] = "active"
        elif kind == "declaration.accepted":
            assert subject not in state["declarations"], "a declaration accepted twice"
            state["declarations"][subject] = data["status"]
        elif kind == "declaration.status":
            state["declarations"][subject] = data["status"]
        assert item["seq"] not in state["seen"], "an item seen twice"
        state["seen"].add(item["seq"])


@pytest.mark.postgres
def test_a_regulator_mirrors_the_feed_while_declarations_arrive(
    database_url: str, declarations: Declarations
) -> None:
    with LiveServer(quiet_settings(database_url)) as server:
        with httpx.Client(base_url=server.url, headers=ADMIN, timeout=30) as admin:
            keys = {}
            for body in declarations.filings():
                answer = admin.post("/v1/enterprises", json=body)
                keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
            register_everywhere(server.engine, list(keys))
            customs = regulator_headers(admin, "customs")
        platform = {"Authorization": f"Bearer {keys[PLATFORM]}"}
        bodies = [declarations.valid() for _ in range(120)]

        async def post_all() -> None:
            async with httpx.AsyncClient(base_url=server.url, headers=platform) as client:
                for start in range(0, len(bodies), 8):
                    answers = await asyncio.gather(
                        *(
                            client.post("/v1/declarations", json=b)
                            for b in bodies[start : start + 8]
                        )
                    )
                    assert all(a.status_code == 202 for a in answers)

        async def follow(done: asyncio.Event) -> dict[str, Any]:
            state: dict[str, Any] = {"filings": {}, "declarations": {}, "seen": set()}
            cursor = "0"
            async with httpx.AsyncClient(base_url=server.url, headers=customs) as client:
                while True:
                    finished = done.is_set()
                    page = await client.get("/v1/regulator/feed", params={"after": cursor})
                    assert page.status_code == 200, page.text
                    mirror(state, page.json()["items"])
                    cursor = page.json()["nextCursor"]
                    if finished and not page.json()["items"]:
                        return state
                    await asyncio.sleep(0.01)

        async def work(posted: asyncio.Event) -> None:
            # The worker, deriving in small batches while declarations arrive: their
            # declaration.accepted entries join the trail as it writes them.
            while True:
                finished = posted.is_set()
                made = await asyncio.to_thread(derived.derive_pending, server.engine, 16)
                if finished and not made:
                    return
                if not made:
                    await asyncio.sleep(0.01)

        async def both() -> dict[str, Any]:
            posted, done = asyncio.Event(), asyncio.Event()
            follower = asyncio.create_task(follow(done))
            worker = asyncio.create_task(work(posted))
            await post_all()
            posted.set()
            await worker
            done.set()
            return await follower

        state = asyncio.run(both())
        with read_session(server.engine) as session:
            stored = {d.id: d.status for d in session.query(Declaration)}
            filed = {e.customs_code: e.status for e in session.query(Enterprise)}
    assert state["declarations"] == stored
    assert len(stored) == 120
    assert derived.backlog(server.engine) == 0
    assert state["filings"] == filed


def test_changing_one_byte_of_the_trail_is_named_by_verify(
    filed_client: TestClient, declarations: Declarations
) -> None:
    customs = regulator_headers(filed_client, "customs")
    for _ in range(3):
        assert filed_client.post("/v1/declarations", json=declarations.valid()).status_code == 202
    settle(filed_client)
    verified = filed_client.get("/v1/regulator/audit/verify", headers=customs).json()
    assert verified["ok"] is True
    assert verified["checked"] > 5
    engine = filed_client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        seq = (
            connection.execute(
                text("SELECT seq FROM audit_log WHERE kind = 'declaration.accepted' ORDER BY seq")
            )
            .scalars()
            .all()[1]
        )
        # One byte: an amount's last digit.
        connection.execute(
            text(
                'UPDATE audit_log SET data = replace(data, \'"dutiableValue":"\', '
                '\'"dutiableValue":"9\') WHERE seq = :seq'
            ),
            {"seq": seq},
        )
    verified = filed_client.get("/v1/regulator/audit/verify", headers=customs).json()
    assert verified["ok"] is False
    assert verified["brokenSeq"] == seq


def test_a_suspended_enterprise_cannot_declare_and_the_action_is_in_the_trail(
    filed_client: TestClient, declarations: Declarations
) -> None:
    commerce = regulator_headers(filed_client, "commerce")
    tax = regulator_headers(filed_client, "tax")
    url = f"/v1/regulator/enterprises/{PLATFORM}/status"
    body = {"status": "suspended", "reason": "counterfeit goods reported"}
    assert filed_client.post(url, json=body, headers=tax).status_code == 403
    suspended = filed_client.post(url, json=body, headers=commerce)
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"

    # Its keys stop working; a declaration naming it, whoever posts it, is refused.
    platform = bearer_of(filed_client, PLATFORM)
    stopped = filed_client.post("/v1/declarations", json=declarations.valid(), headers=platform)
    assert stopped.status_code == 403
    assert stopped.json()["code"] == "enterprise_suspended"
    refused = filed_client.post("/v1/declarations", json=declarations.valid())  # the admin
    assert refused.status_code == 422
    assert "enterprise_inactive" in {v["code"] for v in refused.json()["violations"]}

    items = filed_client.get("/v1/regulator/feed", headers=commerce).json()["items"]
    actions = [i for i in items if i["kind"] == "filing.suspended"]
    assert len(actions) == 1
    assert actions[0]["actor"].startswith("regulator:commerce:")
    assert actions[0]["data"]["reason"] == "counterfeit goods reported"

    again = filed_client.post(url, json=body, headers=commerce)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["status"] == 409


def test_customs_grades_credit(filed_client: TestClient) -> None:
    customs = regulator_headers(filed_client, "customs")
    graded = filed_client.post(
        f"/v1/regulator/enterprises/{PLATFORM}/credit-grade",
        json={"creditGrade": "advanced", "reason": "AEO certified"},
        headers=customs,
    )
    assert graded.status_code == 200
    assert graded.json()["creditGrade"] == "advanced"
    listed = filed_client.get(
        "/v1/regulator/enterprises", params={"creditGrade": "advanced"}, headers=customs
    ).json()
    assert [e["customsCode"] for e in listed["items"]] == [PLATFORM]


def test_stats_and_export_over_http(filed_client: TestClient, declarations: Declarations) -> None:
    tax = regulator_headers(filed_client, "tax")
    ids = [
        filed_client.post("/v1/declarations", json=declarations.valid()).json()["id"]
        for _ in range(4)
    ]
    settle(filed_client)  # the agencies hear of them from the worker
    clear_everything(filed_client, ids[0])
    figures = filed_client.get("/v1/regulator/stats", headers=tax)
    assert figures.status_code == 200, figures.text
    body = figures.json()
    assert body["declarations"] == 4
    assert body["byStatus"] == {"accepted": 3, "cleared": 1}
    assert body["clearanceSeconds"]["cleared"] == 1

    exported = filed_client.get(
        "/v1/regulator/declarations/export", params={"format": "csv"}, headers=tax
    )
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sorted(r["id"] for r in rows) == sorted(ids)
    lines = filed_client.get(
        "/v1/regulator/declarations/export", params={"format": "ndjson"}, headers=tax
    ).text.splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(ids)

    empty = filed_client.get(
        "/v1/regulator/stats",
        params={"createdFrom": "2026-01-02T00:00:00Z", "createdTo": "2026-01-01T00:00:00Z"},
        headers=tax,
    )
    assert empty.status_code == 422
    assert empty.json()["violations"][0]["parameter"] == "createdFrom"


def test_a_runaway_client_gets_429_with_retry_after(sqlite_url: str) -> None:
    # Minute windows: requests that straddle a window boundary are still counted together.
    settings = quiet_settings(sqlite_url, rate_limit="5/minute", rate_limit_heavy="2/minute")
    with TestClient(create_app(settings), headers=ADMIN) as client:
        answers = [client.get("/v1/declarations") for _ in range(8)]
        assert [a.status_code for a in answers[:5]] == [200] * 5
        limited = answers[-1]
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["code"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
        # Heavy reads have their own, lower limit.
        heavy = [client.get("/v1/regulator/audit/verify").status_code for _ in range(3)]
    assert heavy[2] == 429


def test_production_refuses_development_secrets() -> None:
    with pytest.raises(ValidationError, match="development secret"):
        Settings(environment="production")
    secrets: dict[str, Any] = {f"{a.value}_secret": f"{a.value}-" + "s" * 40 for a in Agency}
    secrets["audit_signing_key"] = "audit-" + "s" * 40
    secrets["database_url"] = "postgresql+psycopg://singlewindow@db.internal/singlewindow"
    secrets["ceb_signing_key_file"] = "/etc/singlewindow/ceb-key.pem"
    secrets["ceb_certificate_file"] = "/etc/singlewindow/ceb-certificate.pem"
    assert Settings.model_validate({"environment": "production"} | secrets)
    with pytest.raises(ValidationError, match="SW_OPEN_FILING"):
        Settings.model_validate({"environment": "production", "open_filing": True} | secrets)


def test_open_filing_lets_anyone_file_in_development(
    sqlite_url: str, declarations: Declarations
) -> None:
    body = declarations.filings()[0]
    with TestClient(create_app(quiet_settings(sqlite_url))) as closed:
        assert closed.post("/v1/enterprises", json=body).status_code == 401
    with TestClient(create_app(quiet_settings(sqlite_url, open_filing=True))) as opened:
        filed = opened.post("/v1/enterprises", json=body)
        assert filed.status_code == 201
        key = filed.json()["apiKey"]["key"]
        mine = opened.get(
            f"/v1/enterprises/{body['customsCode']}", headers={"Authorization": f"Bearer {key}"}
        )
        assert mine.status_code == 200
        # Open filing opens filing only.
        assert opened.get("/v1/declarations").status_code == 401
