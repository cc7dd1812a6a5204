"""Credit records (信用记录): an enterprise reads its own, regulators read all, anyone
authenticated reads the summary; grades, listings, upheld complaints and late take-downs
each with their source and time; refusals and detentions counted by month (China time)
from the declarations when read."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import demo
from app.main import create_app
from app.store.db import make_engine, upgrade
from app.store.models.types import utcnow
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
SELLER = demo.DEMO_PARTIES.ecommerce.customs_code


def regulator(client: TestClient, agency: str) -> dict[str, str]:
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": agency})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def enterprise(client: TestClient, code: str) -> dict[str, str]:
    keys = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[code]}"}


def record(client: TestClient, code: str, **headers: str) -> Any:
    answer = client.get(f"/v1/enterprises/{code}/credit", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_enterprise_reads_its_own_record_and_regulators_read_all(
    filed_client: TestClient,
) -> None:
    client = filed_client
    own = record(client, SELLER, **enterprise(client, SELLER))
    assert own["customsCode"] == SELLER
    assert own["creditGrade"] == "general"
    assert (own["listed"], own["listedUntil"], own["status"]) == (False, None, "active")
    assert own["events"] == []
    assert own["refusalsByMonth"] == []
    # Another enterprise's record: as if it were not filed.
    other = client.get(f"/v1/enterprises/{PLATFORM}/credit", headers=enterprise(client, SELLER))
    assert other.status_code == 404
    assert other.json()["code"] == "enterprise_not_found"
    for agency in ("tax", "forex", "market"):
        assert record(client, PLATFORM, **regulator(client, agency))["customsCode"] == PLATFORM
    unknown = client.get("/v1/enterprises/9999999999/credit")
    assert unknown.status_code == 404
    assert (
        client.get(f"/v1/enterprises/{SELLER}/credit", headers={"Authorization": ""}).status_code
        == 401
    )


def test_anyone_authenticated_reads_any_enterprises_summary(filed_client: TestClient) -> None:
    client = filed_client
    summary = client.get(f"/v1/credit/{PLATFORM}", headers=enterprise(client, SELLER))
    assert summary.status_code == 200
    assert summary.json() == {
        "customsCode": PLATFORM,
        "name": demo.DEMO_PARTIES.platform.name,
        "creditGrade": "general",
        "listed": False,
        "listedUntil": None,
    }
    assert client.get(f"/v1/credit/{PLATFORM}", headers={"Authorization": ""}).status_code == 401
    assert client.get("/v1/credit/9999999999").status_code == 404


def test_grades_and_listings_are_on_the_record_with_their_source(filed_client: TestClient) -> None:
    client = filed_client
    customs = regulator(client, "customs")
    for grade, reason in (("advanced", "AEO certified"), ("discredited", "smuggling case")):
        answer = client.post(
            f"/v1/regulator/enterprises/{SELLER}/credit-grade",
            json={"creditGrade": grade, "reason": reason},
            headers=customs,
        )
        assert answer.status_code == 200, answer.text
    listing = client.post(
        "/v1/regulator/negative-list",
        json={"customsCode": SELLER, "reason": "fakes", "legalBasis": "Art. 84"},
        headers=customs,
    ).json()
    client.post(
        f"/v1/regulator/negative-list/{listing['id']}/lift",
        json={"reason": "appeal granted"},
        headers=customs,
    )
    found = record(client, SELLER, **enterprise(client, SELLER))
    assert found["creditGrade"] == "discredited"
    events = found["events"]
    assert [e["kind"] for e in events] == ["lifted", "listed", "graded", "graded"]
    graded = events[-1]
    assert graded["detail"] == {"from": "general", "to": "advanced", "reason": "AEO certified"}
    assert graded["source"].startswith("regulator:customs:")
    assert events[1]["detail"]["listingId"] == listing["id"]
    assert events[1]["detail"]["legalBasis"] == "Art. 84"
    assert events[0]["detail"] == {"listingId": listing["id"], "reason": "appeal granted"}
    times = [datetime.fromisoformat(e["occurredAt"]) for e in events]
    assert times == sorted(times, reverse=True)
    # Not another enterprise's business.
    assert record(client, PLATFORM)["events"] == []


@pytest.fixture
def declared(database_url: str, declarations: Declarations) -> Iterator[TestClient]:
    """A service on ``database_url`` with the demo parties filed and ten declarations."""
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        bodies = declarations.filings()
        for body in bodies:
            assert client.post("/v1/enterprises", json=body).status_code == 201
        register_everywhere(client.app.state.engine, [b["customsCode"] for b in bodies])  # type: ignore[attr-defined]
        for _ in range(10):
            answer = client.post("/v1/declarations", json=declarations.valid())
            assert answer.status_code == 202, answer.text
        yield client


def decide(client: TestClient, status: str, at: datetime, count: int = 1) -> None:
    """Give ``count`` declarations still accepted this final status, at this time."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        ids = connection.execute(
            text("SELECT id FROM declarations WHERE status = 'accepted' ORDER BY id LIMIT :n"),
            {"n": count},
        ).scalars()
        for declaration_id in list(ids):
            connection.execute(
                text(
                    "UPDATE declarations SET status = :status, finalized_at = :at, "
                    "updated_at = :at WHERE id = :id"
                ),
                {"status": status, "at": at, "id": declaration_id},
            )


def test_refusals_and_detentions_are_counted_by_month_in_china_time(declared: TestClient) -> None:
    now = utcnow()
    this_month = now.astimezone(UTC).replace(day=15, hour=4)
    # 17:00 UTC on the last day of a month is already the next month in China.
    edge = (this_month.replace(day=1) - timedelta(days=1)).replace(hour=17)
    decide(declared, "rejected", this_month, 2)
    decide(declared, "detained", this_month, 1)
    decide(declared, "rejected", edge, 1)
    decide(declared, "cleared", this_month, 2)  # not counted
    # Long ago: beyond the months the record goes back.
    decide(declared, "rejected", now - timedelta(days=31 * 30), 1)
    found = record(declared, SELLER)["refusalsByMonth"]
    month = this_month.strftime("%Y-%m")
    assert found == [{"month": month, "rejected": 3, "detained": 1, "source": "declarations"}]
    # The platform is no e-commerce company: none of them are its refusals.
    assert record(declared, PLATFORM)["refusalsByMonth"] == []


def test_grades_given_before_credit_records_are_on_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0012")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_log (seq, occurred_at, kind, subject_type, subject_id, "
                    "actor, data, prev_hash, hash) VALUES (1, :at, 'filing.graded', "
                    "'enterprise', :code, 'regulator:customs:k1', :data, :zero, :zero)"
                ),
                {
                    "at": datetime(2026, 3, 1, 8, 0),
                    "code": SELLER,
                    "data": '{"from":"general","reason":"AEO","to":"advanced"}',
                    "zero": "0" * 64,
                },
            )
        upgrade(url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT customs_code, kind, source, detail FROM credit_events")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [
        (
            SELLER,
            "graded",
            "regulator:customs:k1",
            '{"from":"general","reason":"AEO","to":"advanced"}',
        )
    ]
