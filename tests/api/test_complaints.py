"""Complaints (投诉举报): filed by anyone, with evidence checked by its content, followed
with a token shown once; triaged by regulators into a take-down notice the platform reads,
is pushed and acknowledges in time (or is late on its credit record), an upheld complaint
on the seller's record and goods blocked at intake; reverse tracing (反向追溯) from a
complaint to the seller and every declaration of the goods."""

import base64
import hashlib
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import demo
from app.main import create_app
from app.store.models.types import utcnow
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN, quiet_settings

PLATFORM = demo.DEMO_PARTIES.platform.customs_code
SELLER = demo.DEMO_PARTIES.ecommerce.customs_code
PAYMENT = demo.DEMO_PARTIES.payment.customs_code
LOGISTICS = demo.DEMO_PARTIES.logistics.customs_code
NO_KEY = {"Authorization": ""}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
PDF = b"%PDF-1.4\n%" + b"evidence" * 20
JPEG = b"\xff\xd8\xff\xe0" + bytes(100)
BARCODE = "6901234567892"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def complaint_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "counterfeit",
        "enterpriseCode": SELLER,
        "product": {"name": "婴儿配方奶粉", "itemNo": "SKU-FAKE01", "barcode": BARCODE},
        "listingUrl": "https://shop.example/items/1",
        "description": "The tin's batch number does not exist at the maker.",
        "complainant": {"kind": "consumer", "name": "李娜", "contact": "13912345678"},
        "attachments": [
            {"filename": "tin.png", "contentType": "image/png", "data": b64(PNG)},
            {"filename": "maker-letter.pdf", "contentType": "application/pdf", "data": b64(PDF)},
        ],
    }
    return body | changes


def file(client: TestClient, headers: dict[str, str] | None = None, **changes: Any) -> Any:
    answer = client.post("/v1/complaints", json=complaint_body(**changes), headers=headers or {})
    assert answer.status_code == 201, answer.text
    return answer.json()


def regulator(client: TestClient, agency: str) -> dict[str, str]:
    answer = client.post("/v1/keys", json={"kind": "regulator", "agency": agency}, headers=ADMIN)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


def enterprise(client: TestClient, code: str) -> dict[str, str]:
    keys = client.app.state.enterprise_keys  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {keys[code]}"}


def decide(client: TestClient, complaint_id: str, **body: Any) -> Any:
    return client.post(
        f"/v1/regulator/complaints/{complaint_id}/decision",
        json={"decision": "uphold", "reason": "counterfeit confirmed by the maker"} | body,
    )


def violations(answer: Any) -> list[tuple[str, str]]:
    assert answer.status_code == 422, answer.text
    return [(v["code"], v["pointer"]) for v in answer.json()["violations"]]


def test_a_consumer_files_without_a_key_and_follows_with_the_token(client: TestClient) -> None:
    answer = client.post("/v1/complaints", json=complaint_body(), headers=NO_KEY)
    assert answer.status_code == 201, answer.text
    filed = answer.json()
    assert answer.headers["location"] == f"/v1/complaints/{filed['id']}"
    assert filed["status"] == "open"
    token = filed["followUpToken"]
    assert token.startswith("swc_")
    url = f"/v1/complaints/{filed['id']}"

    followed = client.get(url, headers=NO_KEY | {"X-Complaint-Token": token})
    assert followed.status_code == 200, followed.text
    assert followed.json() == {
        "id": filed["id"],
        "status": "open",
        "kind": "counterfeit",
        "createdAt": filed["createdAt"],
        "updatedAt": filed["createdAt"],
        "outcome": None,
        "takedown": None,
    }
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).json() == followed.json()
    # Without the token, or with another: as if there were no such complaint.
    for headers in (NO_KEY, NO_KEY | {"X-Complaint-Token": "swc_" + "A" * 43}):
        missing = client.get(url, headers=headers)
        assert missing.status_code == 404
        assert missing.json()["code"] == "complaint_not_found"

    # Regulators see the whole complaint, and its evidence as filed.
    market = regulator(client, "market")
    full = client.get(url, headers=market).json()
    assert full["complainantName"] == "李娜"
    assert full["product"] == complaint_body()["product"]
    assert full["filedBy"] == "anonymous:anonymous"
    assert [(a["position"], a["contentType"], a["size"]) for a in full["attachments"]] == [
        (1, "image/png", len(PNG)),
        (2, "application/pdf", len(PDF)),
    ]
    assert full["attachments"][0]["sha256"] == hashlib.sha256(PNG).hexdigest()
    evidence = client.get(f"/v1/regulator/complaints/{filed['id']}/attachments/2", headers=market)
    assert evidence.status_code == 200
    assert evidence.content == PDF
    assert evidence.headers["content-type"] == "application/pdf"
    assert evidence.headers["content-disposition"] == "attachment"
    gone = client.get(f"/v1/regulator/complaints/{filed['id']}/attachments/3", headers=market)
    assert gone.status_code == 404
    listed = client.get("/v1/regulator/complaints?status=open&kind=counterfeit", headers=market)
    assert [c["id"] for c in listed.json()["items"]] == [filed["id"]]
    assert client.get("/v1/regulator/complaints?kind=quality").json()["items"] == []


def test_the_follow_up_token_is_shown_once_and_kept_as_a_hash(client: TestClient) -> None:
    headers = NO_KEY | {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/v1/complaints", json=complaint_body(), headers=headers)
    again = client.post("/v1/complaints", json=complaint_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    token = first.json()["followUpToken"]
    assert again.json() == first.json() | {"followUpToken": None}
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        dumped = "\n".join(
            str(row)
            for table in ("complaints", "idempotency_keys", "audit_log")
            for row in connection.exec_driver_sql(f"SELECT * FROM {table}")
        )
        (stored,) = connection.exec_driver_sql("SELECT token_hash FROM complaints").scalars()
    assert token not in dumped
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    # The complainant's name and contact stay out of the audit trail.
    assert "13912345678" not in str(client.get("/v1/regulator/feed?after=0").json())


@pytest.mark.parametrize(
    ("attachments", "expected"),
    [
        (
            [{"filename": "a.png", "contentType": "image/png", "data": b64(JPEG)}],
            [("attachment_type_mismatch", "/attachments/0/data")],
        ),
        (
            [
                {"filename": "a.png", "contentType": "image/png", "data": b64(PNG)},
                {"filename": "a.txt", "contentType": "text/plain", "data": b64(b"hello")},
            ],
            [("attachment_type_not_allowed", "/attachments/1/contentType")],
        ),
        (
            [{"filename": "a.pdf", "contentType": "application/pdf", "data": "%%%"}],
            [("attachment_not_base64", "/attachments/0/data")],
        ),
        (
            [
                {
                    "filename": "big.png",
                    "contentType": "image/png",
                    "data": b64(PNG + bytes(2 * 1024 * 1024)),
                }
            ],
            [("attachment_too_large", "/attachments/0/data")],
        ),
    ],
    ids=["jpeg said png", "text", "not base64", "over 2 MiB"],
)
def test_evidence_is_checked_by_its_content(
    client: TestClient, attachments: list[dict[str, str]], expected: list[tuple[str, str]]
) -> None:
    answer = client.post("/v1/complaints", json=complaint_body(attachments=attachments))
    assert answer.json()["code"] == "evidence_refused"
    assert answer.headers["content-type"] == "application/problem+json"
    assert violations(answer) == expected
    assert all(v["messageZh"] for v in answer.json()["violations"])
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM complaints").scalar() == 0


def test_a_complaint_needs_what_it_is_about(client: TestClient) -> None:
    six = [{"filename": "a.png", "contentType": "image/png", "data": b64(PNG)}] * 6
    assert violations(client.post("/v1/complaints", json=complaint_body(attachments=six))) == [
        ("too_many_items", "/attachments")
    ]
    body = complaint_body()
    del body["enterpriseCode"], body["product"]
    assert sorted(violations(client.post("/v1/complaints", json=body))) == [
        ("required", "/enterpriseCode"),
        ("required", "/product"),
    ]
    # The enterprise by its customs code, and the waybill, under the names used elsewhere.
    body = complaint_body(attachments=[], waybillNo="SF0000000009")
    body["customsCode"] = body.pop("enterpriseCode")
    filed = client.post("/v1/complaints", json=body)
    assert filed.status_code == 201, filed.text
    full = client.get(f"/v1/complaints/{filed.json()['id']}").json()
    assert (full["enterpriseCode"], full["logisticsNo"]) == (SELLER, "SF0000000009")
    wrong = complaint_body(kind="rumour", listingUrl="ftp://x")
    assert {code for code, _ in violations(client.post("/v1/complaints", json=wrong))} >= {
        "value_not_allowed"
    }


def test_filing_without_a_key_is_limited_per_address(client: TestClient) -> None:
    bare = complaint_body(attachments=[])
    answers = [client.post("/v1/complaints", json=bare, headers=NO_KEY) for _ in range(11)]
    assert [a.status_code for a in answers] == [201] * 10 + [429]
    assert answers[-1].json()["code"] == "rate_limited"
    assert "retry-after" in answers[-1].headers
    # With a key, a caller is counted as on any route.
    assert client.post("/v1/complaints", json=bare).status_code == 201


@pytest.fixture
def hooked(filed_client: TestClient) -> TestClient:
    """The platform listens for take-down notices."""
    answer = filed_client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hooks", "events": ["takedown.issued"]},
        headers=enterprise(filed_client, PLATFORM),
    )
    assert answer.status_code == 201, answer.text
    return filed_client


def test_upholding_sends_a_takedown_the_platform_acknowledges(hooked: TestClient) -> None:
    client = hooked
    filed = file(client, NO_KEY)
    market = regulator(client, "market")
    answer = client.post(
        f"/v1/regulator/complaints/{filed['id']}/decision",
        json={
            "decision": "uphold",
            "reason": "counterfeit confirmed by the maker",
            "acknowledgeWithinHours": 12,
            "platformCode": PLATFORM,
        },
        headers=market,
    )
    assert answer.status_code == 200, answer.text
    decided = answer.json()
    assert decided["status"] == "upheld"
    assert (decided["sellerCode"], decided["platformCode"]) == (SELLER, PLATFORM)
    takedown = decided["takedown"]
    issued = datetime.fromisoformat(takedown["issuedAt"])
    assert datetime.fromisoformat(takedown["acknowledgeBy"]) == issued + timedelta(hours=12)
    assert (takedown["acknowledgedAt"], takedown["late"]) == (None, False)

    # Pushed to the platform's endpoint: one event, for the platform only.
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        (event,) = connection.execute(
            text("SELECT type, parties, payload FROM webhook_events WHERE type = :t"),
            {"t": "takedown.issued"},
        ).all()
    payload = event[2] if isinstance(event[2], dict) else __import__("json").loads(event[2])
    assert payload["data"]["takedownId"] == takedown["id"]
    assert payload["data"]["product"]["itemNo"] == "SKU-FAKE01"
    assert PLATFORM in str(event[1])

    # The platform reads it; no one else's key shows it.
    platform = enterprise(client, PLATFORM)
    mine = client.get("/v1/takedowns", headers=platform).json()["items"]
    assert [t["id"] for t in mine] == [takedown["id"]]
    assert client.get("/v1/takedowns", headers=enterprise(client, SELLER)).json()["items"] == []
    acknowledgement = f"/v1/takedowns/{takedown['id']}/acknowledgement"
    body = {"actionTaken": "listing removed, seller warned"}
    stranger = client.post(acknowledgement, json=body, headers=enterprise(client, SELLER))
    assert stranger.status_code == 404
    done = client.post(acknowledgement, json=body, headers=platform)
    assert done.status_code == 200, done.text
    assert done.json()["actionTaken"] == body["actionTaken"]
    assert done.json()["late"] is False
    twice = client.post(acknowledgement, json=body, headers=platform)
    assert twice.status_code == 409
    assert twice.json()["code"] == "takedown_already_acknowledged"
    assert client.get("/v1/takedowns?acknowledged=false", headers=platform).json()["items"] == []

    # The complainant sees the outcome; the seller's record has it; nothing twice.
    followed = client.get(
        f"/v1/complaints/{filed['id']}",
        headers=NO_KEY | {"X-Complaint-Token": filed["followUpToken"]},
    ).json()
    assert followed["outcome"]["decision"] == "upheld"
    assert followed["takedown"]["actionTaken"] == body["actionTaken"]
    events = client.get(f"/v1/enterprises/{SELLER}/credit").json()["events"]
    assert [(e["kind"], e["detail"]["complaintId"]) for e in events] == [
        ("complaint_upheld", filed["id"])
    ]
    assert events[0]["source"].startswith("regulator:market:")
    again = decide(client, filed["id"], decision="reject")
    assert again.status_code == 409
    assert again.json()["code"] == "complaint_already_decided"
    kinds = [i["kind"] for i in client.get("/v1/regulator/feed?after=0&limit=200").json()["items"]]
    assert [k for k in kinds if k.startswith(("complaint.", "takedown."))] == [
        "complaint.filed",
        "complaint.upheld",
        "takedown.issued",
        "takedown.acknowledged",
    ]
    assert client.get("/v1/regulator/audit/verify").json()["ok"]


def test_rejecting_closes_the_complaint_and_changes_no_record(filed_client: TestClient) -> None:
    client = filed_client
    filed = file(client)
    answer = decide(client, filed["id"], decision="reject", reason="the tin is genuine")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "rejected"
    assert answer.json()["takedown"] is None
    assert answer.json()["outcome"]["reason"] == "the tin is genuine"
    assert client.get("/v1/takedowns").json()["items"] == []
    assert client.get(f"/v1/enterprises/{SELLER}/credit").json()["events"] == []


def test_who_triages(filed_client: TestClient) -> None:
    client = filed_client
    filed = file(client)
    for headers in (regulator(client, "tax"), enterprise(client, PLATFORM)):
        assert decide_as(client, filed["id"], headers).status_code == 403
    assert decide_as(client, filed["id"], regulator(client, "inspection")).status_code == 200


def decide_as(client: TestClient, complaint_id: str, headers: dict[str, str]) -> Any:
    return client.post(
        f"/v1/regulator/complaints/{complaint_id}/decision",
        json={"decision": "reject", "reason": "not a quality failure"},
        headers=headers,
    )


def test_the_platform_to_notify_must_be_known(filed_client: TestClient) -> None:
    client = filed_client
    unknown = file(client, enterpriseCode="3301968888", product={"name": "handbag"})
    assert violations(decide(client, unknown["id"])) == [("platform_unknown", "/platformCode")]
    assert violations(decide(client, unknown["id"], platformCode=SELLER)) == [
        ("platform_not_filed", "/platformCode")
    ]
    assert violations(decide(client, unknown["id"], platformCode=PLATFORM, blockProduct=True)) == [
        ("product_unidentified", "/blockProduct")
    ]
    upheld = decide(client, unknown["id"], platformCode=PLATFORM)
    assert upheld.status_code == 200, upheld.text
    # Nobody sold it that the complaint tells: the enterprise it names answers for it.
    assert upheld.json()["sellerCode"] is None
    assert upheld.json()["platformCode"] == PLATFORM


def test_a_takedown_not_acknowledged_in_time_is_late_on_the_platforms_record(
    filed_client: TestClient,
) -> None:
    client = filed_client
    platform = enterprise(client, PLATFORM)
    filed = file(client)
    takedown = decide(client, filed["id"], acknowledgeWithinHours=1, platformCode=PLATFORM).json()[
        "takedown"
    ]
    due = datetime.fromisoformat(takedown["acknowledgeBy"])

    def lateness() -> list[dict[str, Any]]:
        found = client.get(f"/v1/enterprises/{PLATFORM}/credit", headers=platform).json()
        return [e for e in found["events"] if e["kind"] == "takedown_late"]

    assert lateness() == []
    client.app.state.clock = lambda: due + timedelta(minutes=30)  # type: ignore[attr-defined]
    (late,) = lateness()
    assert late["source"] == "system"
    assert datetime.fromisoformat(late["occurredAt"]) == due
    assert late["detail"]["takedownId"] == takedown["id"]
    assert late["detail"]["acknowledgedAt"] is None
    assert client.get("/v1/takedowns", headers=platform).json()["items"][0]["late"] is True
    # The seller's record has the upheld complaint, not the platform's lateness.
    seller = client.get(f"/v1/enterprises/{SELLER}/credit").json()["events"]
    assert [e["kind"] for e in seller] == ["complaint_upheld"]

    done = client.post(
        f"/v1/takedowns/{takedown['id']}/acknowledgement",
        json={"actionTaken": "removed at last"},
        headers=platform,
    ).json()
    assert done["late"] is True
    (late,) = lateness()
    acknowledged = datetime.fromisoformat(late["detail"]["acknowledgedAt"])
    assert acknowledged == datetime.fromisoformat(done["acknowledgedAt"])


@pytest.fixture
def service(database_url: str, declarations: Declarations) -> Iterator[TestClient]:
    with TestClient(create_app(quiet_settings(database_url)), headers=ADMIN) as client:
        bodies = declarations.filings()
        keys = {}
        for body in bodies:
            answer = client.post("/v1/enterprises", json=body)
            assert answer.status_code == 201, answer.text
            keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
        register_everywhere(client.app.state.engine, list(keys))  # type: ignore[attr-defined]
        client.app.state.enterprise_keys = keys  # type: ignore[attr-defined]
        yield client


def with_goods(
    declarations: Declarations, item_no: str | None = None, barcode: str | None = None
) -> dict[str, Any]:
    """A declaration whose first line is these goods."""
    body = declarations.valid()
    line = body["order"]["items"][0]
    if item_no is not None:
        line["itemNo"] = item_no
    if barcode is not None:
        line["barCode"] = barcode
    return body


def test_blocked_goods_are_refused_at_intake(
    service: TestClient, declarations: Declarations
) -> None:
    client = service
    assert (
        client.post("/v1/declarations", json=with_goods(declarations, "SKU-FAKE01")).status_code
        == 202
    )
    filed = file(client, product={"name": "formula", "itemNo": "SKU-FAKE01"}, attachments=[])
    assert decide(client, filed["id"], blockProduct=True).json()["productBlocked"] is True
    refused = client.post("/v1/declarations", json=with_goods(declarations, "SKU-FAKE01"))
    assert violations(refused) == [("product_blocked", "/order/items/0/itemNo")]
    assert "SKU-FAKE01" in refused.json()["violations"][0]["message"]
    # A dry run says the same.
    checked = client.post(
        "/v1/declarations/validate", json=with_goods(declarations, "SKU-FAKE01")
    ).json()
    assert [v["code"] for v in checked["violations"]] == ["product_blocked"]
    assert (
        client.post("/v1/declarations", json=with_goods(declarations, "SKU-REAL01")).status_code
        == 202
    )

    # A barcode is blocked whoever declares the goods, under whatever item number.
    by_barcode = file(client, product={"name": "formula", "barcode": BARCODE}, attachments=[])
    blocked = decide(client, by_barcode["id"], blockProduct=True, platformCode=PLATFORM)
    assert blocked.status_code == 200, blocked.text
    refused = client.post(
        "/v1/declarations", json=with_goods(declarations, "SKU-OTHER", barcode=BARCODE)
    )
    assert violations(refused) == [("product_blocked", "/order/items/0/barCode")]
    assert (
        client.post(
            "/v1/declarations", json=with_goods(declarations, "SKU-OTHER", barcode="6900000000000")
        ).status_code
        == 202
    )


def test_reverse_tracing_finds_every_declaration_of_the_goods(
    service: TestClient, declarations: Declarations
) -> None:
    client = service
    of_goods = []
    for n in range(4):
        body = (
            with_goods(declarations, "SKU-FAKE01")
            if n < 3
            else with_goods(declarations, "SKU-ELSE", barcode=BARCODE)
        )
        answer = client.post("/v1/declarations", json=body)
        assert answer.status_code == 202, answer.text
        of_goods.append((answer.json()["id"], body))
        client.post("/v1/declarations", json=declarations.valid())  # other goods
    filed = file(client, attachments=[])
    decide(client, filed["id"], blockProduct=False)
    customs = regulator(client, "customs")
    url = f"/v1/regulator/complaints/{filed['id']}/trace"

    first = client.get(f"{url}?limit=3", headers=customs)
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["seller"]["customsCode"] == SELLER
    assert page["product"]["itemNo"] == "SKU-FAKE01"
    rest = client.get(f"{url}?limit=3&cursor={page['nextCursor']}", headers=customs).json()
    assert rest["nextCursor"] is None
    found = [d["id"] for d in page["items"] + rest["items"]]
    assert found == [declaration_id for declaration_id, _ in reversed(of_goods)]

    newest_id, newest = of_goods[-1]
    traced = page["items"][0]
    assert traced["id"] == newest_id
    assert [(line["gnum"], line["barCode"]) for line in traced["lines"]] == [(1, BARCODE)]
    payment = newest["payment"]
    assert traced["payment"] == {
        "payCode": PAYMENT,
        "payName": payment["payName"],
        "payTransactionId": payment["payTransactionId"],
        "payerName": payment["payerName"],
        "payerIdNumber": payment["payerIdNumber"],
        "payerTelephone": payment.get("telephone"),
    }
    assert traced["waybill"]["logisticsNo"] == newest["logistics"]["logisticsNo"]
    assert page["paymentCompanies"] == [
        {"customsCode": PAYMENT, "name": demo.DEMO_PARTIES.payment.name}
    ]
    assert page["logisticsCompanies"][0]["customsCode"] == LOGISTICS

    # Masked for all but regulators.
    admin = client.get(f"{url}?limit=1").json()["items"][0]["payment"]
    real = payment["payerIdNumber"]
    assert admin["payerIdNumber"] == real[:4] + "*" * 10 + real[-4:]
    # Bounded in time: nothing declared before the window asked for.
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    assert client.get(url, params={"createdFrom": later}, headers=customs).json()["items"] == []
    assert client.get(url, headers=enterprise(client, SELLER)).status_code == 403


def test_a_complaint_naming_no_goods_traces_its_order(
    service: TestClient, declarations: Declarations
) -> None:
    client = service
    body = declarations.valid()
    declared = client.post("/v1/declarations", json=body).json()
    filed = file(
        client,
        product={"name": "a handbag"},
        orderNo=body["order"]["orderNo"],
        enterpriseCode=PLATFORM,
        attachments=[],
    )
    # The platform named; the seller comes from the order's declaration.
    upheld = decide(client, filed["id"]).json()
    assert (upheld["sellerCode"], upheld["platformCode"]) == (SELLER, PLATFORM)
    trace = client.get(f"/v1/regulator/complaints/{filed['id']}/trace").json()
    assert [d["id"] for d in trace["items"]] == [declared["id"]]
    assert trace["items"][0]["lines"] == []
    assert trace["seller"]["customsCode"] == SELLER
