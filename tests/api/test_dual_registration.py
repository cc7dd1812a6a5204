"""两证合一: one enterprise filing also applies for foreign-trade operator registration
and certificate-of-origin applicant registration. Inspection (the simulated agency, over
HTTP through the outbox) reviews the certificate-of-origin application and answers,
signed; the filing shows both registrations; a registered applicant asks for
certificates of origin, counted per agreement and month in the regulators' statistics."""

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app import demo
from app.agencies.client import HttpAgency
from app.agencies.wire import (
    AgencyName,
    RegistrationReview,
    review_signature,
    verified_reviews,
)
from app.dispatch import payloads
from app.dispatch.dispatcher import Dispatcher
from app.domain.rules import CHINA_TIME
from app.main import create_app
from app.store import enterprises, outbox
from app.store.models.types import utcnow
from mock_agencies.service import create_app as create_agency
from tests.support.agencies import CallbackReceiver, fast_settings
from tests.support.factories import register_everywhere
from tests.support.service import ADMIN, ThreadedServer, quiet_settings

SELLER = "3301960088"
FOREIGN_TRADE = {
    "operatorType": "company",
    "legalRepresentative": "张伟",
    "registeredCapital": "5000000",
    "address": "杭州市滨江区网商路599号",
    "englishName": "Hangzhou Haitao Trading Co., Ltd.",
}
ORIGIN = {
    "legalRepresentative": "张伟",
    "productionAddress": "杭州市萧山区经济技术开发区",
    "applicantName": "李娜",
    "applicantTelephone": "13912345678",
    "hsCodes": ["6109100021", "4202210000"],
}


def filing(code: str = SELLER, **also: Any) -> dict[str, Any]:
    body = demo.Filing(code, "杭州出口贸易有限公司", ("ecommerce",)).body(random.Random(code))
    return body | ({"alsoRegister": also} if also else {})


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The service on SQLite and PostgreSQL, the admin calling."""
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as test_client:
        yield test_client


@pytest.fixture
def inspection(tmp_path: Path) -> Iterator[str]:
    """The simulated inspection agency, over real HTTP."""
    with CallbackReceiver() as receiver:
        settings = fast_settings(AgencyName.INSPECTION, tmp_path, receiver.url)
        with ThreadedServer(create_agency(settings)) as server:
            yield server.url


def deliver_filings(client: TestClient, agency_url: str) -> None:
    """One round of the dispatcher to inspection: the filings it is due."""
    app = client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]

    async def run() -> None:
        async with httpx.AsyncClient(base_url=agency_url, timeout=10) as http:
            agency = HttpAgency("inspection", http, settings.inspection_secret)
            await Dispatcher(engine, settings, {"inspection": agency}).deliver("inspection")

    asyncio.run(run())


def announced(destination: str) -> outbox.Claimed:
    """The filing's message to an agency, as the dispatcher holds it."""
    return outbox.Claimed(
        id=1,
        destination=destination,
        kind=enterprises.REGISTER_FILING,
        subject_id=SELLER,
        idempotency_key=f"filing:{SELLER}:{destination}:register",
        payload=None,
        attempts=0,
        created_at=utcnow(),
    )


def test_one_filing_applies_for_both_registrations_and_inspection_reviews_its_own(
    client: TestClient, inspection: str
) -> None:
    answer = client.post(
        "/v1/enterprises", json=filing(foreignTrade=FOREIGN_TRADE, certificateOfOrigin=ORIGIN)
    )
    assert answer.status_code == 201, answer.text
    url = f"/v1/enterprises/{SELLER}"
    pending = client.get(url).json()["registrations"]
    assert pending["foreignTrade"]["status"] == "pending"
    assert pending["foreignTrade"]["reviewer"] == "commerce"
    assert pending["certificateOfOrigin"]["status"] == "pending"
    assert pending["certificateOfOrigin"]["reviewer"] == "inspection"

    # Each application goes to the agency that reviews it only.
    engine = client.app.state.engine  # type: ignore[attr-defined]
    built = {
        destination: payloads.filing_messages(engine, [announced(destination)])[1]
        for destination in ("customs", "inspection")
    }
    assert built["customs"].applications == []
    (sent,) = built["inspection"].applications
    assert sent.registration == "certificate_of_origin"
    assert sent.fields["hsCodes"] == ORIGIN["hsCodes"]

    deliver_filings(client, inspection)
    shown = client.get(url).json()["registrations"]
    assert shown["inspection"].startswith("CIQ")
    origin = shown["certificateOfOrigin"]
    assert origin["status"] == "approved"
    assert origin["registrationNo"] == "CO" + shown["inspection"]
    assert origin["reviewedAt"] is not None
    # Commerce has no simulated service: its review waits.
    assert shown["foreignTrade"]["status"] == "pending"
    # Shared like the rest of the filing: regulators read it, and the feed has it.
    regulator_key = client.post(
        "/v1/keys", json={"kind": "regulator", "agency": "commerce"}, headers=ADMIN
    ).json()["key"]
    seen = client.get(url, headers={"Authorization": f"Bearer {regulator_key}"}).json()
    assert seen["registrations"]["certificateOfOrigin"]["status"] == "approved"
    feed = client.get("/v1/regulator/feed", params={"after": 0, "limit": 200}).json()["items"]
    (reviewed,) = [i for i in feed if i["kind"] == "filing.registration_reviewed"]
    assert reviewed["actor"] == "agency:inspection"
    assert reviewed["data"]["registration"] == "certificate_of_origin"
    (created,) = [i for i in feed if i["kind"] == "filing.created"]
    assert created["data"]["alsoRegister"] == ["certificate_of_origin", "foreign_trade"]


def test_inspection_refuses_an_application_with_its_reasons(
    client: TestClient, inspection: str
) -> None:
    body = filing(certificateOfOrigin=ORIGIN | {"hsCodes": ["61091000"]})
    assert client.post("/v1/enterprises", json=body).status_code == 201
    deliver_filings(client, inspection)
    origin = client.get(f"/v1/enterprises/{SELLER}").json()["registrations"]["certificateOfOrigin"]
    assert origin["status"] == "refused"
    assert origin["registrationNo"] is None
    assert origin["reasonCode"] == "goods_unidentified"
    assert origin["reason"]
    assert origin["reasonZh"]


def test_a_review_not_signed_by_the_agency_is_not_applied(client: TestClient) -> None:
    filed = client.post("/v1/enterprises", json=filing(certificateOfOrigin=ORIGIN))
    assert filed.status_code == 201, filed.text
    engine = client.app.state.engine  # type: ignore[attr-defined]
    review = RegistrationReview(
        customsCode=SELLER,
        registration="certificate_of_origin",
        agency=AgencyName.INSPECTION,
        approved=True,
        registrationNo="CO-FORGED",
        decidedAt=utcnow().replace(microsecond=0),
        signature="",
    )
    review.signature = review_signature("not-the-secret", review)
    secret = client.app.state.settings.inspection_secret  # type: ignore[attr-defined]
    assert verified_reviews(secret, "inspection", [review]) == []
    # Only a review signed with the agency's secret, by the agency that reviews it, counts.
    review.signature = review_signature(secret, review)
    assert verified_reviews(secret, "customs", [review]) == []
    enterprises.record_registrations(
        engine, "inspection", {}, verified_reviews(secret, "inspection", [review])
    )
    origin = client.get(f"/v1/enterprises/{SELLER}").json()["registrations"]["certificateOfOrigin"]
    assert (origin["status"], origin["registrationNo"]) == ("approved", "CO-FORGED")


def test_a_registered_applicant_applies_for_certificates_counted_per_agreement_and_month(
    client: TestClient, inspection: str
) -> None:
    filed = client.post("/v1/enterprises", json=filing(certificateOfOrigin=ORIGIN))
    assert filed.status_code == 201, filed.text
    other = filing("3301960089")
    assert client.post("/v1/enterprises", json=other).status_code == 201
    register_everywhere(client.app.state.engine, [SELLER, "3301960089"])  # type: ignore[attr-defined]
    application = {
        "ebcCode": SELLER,
        "fta": "rcep",
        "hsCode": "6109100021",
        "value": "12000.5",
        "exportCountry": "116",
    }
    # Not yet approved: refused.
    early = client.post("/v1/origin-certificates", json=application)
    assert (early.status_code, early.json()["code"]) == (409, "origin_applicant_not_registered")
    deliver_filings(client, inspection)
    for body in (application, application | {"value": "100"}, application | {"fta": "china_asean"}):
        answer = client.post("/v1/origin-certificates", json=body)
        assert answer.status_code == 201, answer.text
    assert answer.json()["value"] == "12000.50"
    # An enterprise never registered is refused; codes are checked.
    refused = client.post("/v1/origin-certificates", json=application | {"ebcCode": "3301960089"})
    assert refused.json()["code"] == "origin_applicant_not_registered"
    wrong = client.post("/v1/origin-certificates", json=application | {"exportCountry": "x"})
    assert [v["code"] for v in wrong.json()["violations"]] == ["country_code_invalid"]

    stats = client.get("/v1/regulator/stats").json()["certificatesOfOrigin"]
    month = utcnow().astimezone(CHINA_TIME)
    assert stats == [
        {"fta": "china_asean", "month": f"{month:%Y-%m}", "applications": 1, "value": "12000.50"},
        {"fta": "rcep", "month": f"{month:%Y-%m}", "applications": 2, "value": "12100.50"},
    ]
    mine = client.get("/v1/origin-certificates", params={"fta": "rcep"}).json()["items"]
    assert len(mine) == 2
