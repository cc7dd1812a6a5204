"""Webhook endpoints that ask for CEB XML: a status change reaches them as a CEB622
inventory receipt, valid against the customs' schema and signed as every push is; other
endpoints, and other events, still get JSON."""

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import standardwebhooks
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine, insert

from app.ceb import xml
from app.ceb.inventory import pre_no
from app.ceb.pushes import return_info
from app.config import Settings
from app.dispatch.pusher import Pusher
from app.dispatch.webhook_client import webhook_client
from app.domain.clearance import ClearanceStatus
from app.domain.rules import CHINA_TIME
from app.store import webhooks
from app.store.db import write_session
from app.store.models import WebhookEvent
from app.store.models.types import utcnow
from tests.support.ceb import xsd_dir
from tests.support.factories import Declarations
from tests.support.receipts import clear_everything, receipt, send
from tests.support.service import ThreadedServer, settle

CEB = "{http://www.chinaport.gov.cn/ceb}"
DECLARATION = "0193a1b2-0000-7000-8000-000000000001"
ORDER_NO = "ORD-2026-0001-ABCDEFGHIJKL"  # longer than a copNo's 20 characters


class Receiver:
    """A platform's endpoint on this machine: keeps each push (path, headers, body)."""

    def __init__(self) -> None:
        self.pushes: list[tuple[str, dict[str, str], bytes]] = []
        self.app = FastAPI()
        self.app.add_api_route("/{path:path}", self.receive, methods=["POST"])

    async def receive(self, request: Request, path: str) -> Response:
        self.pushes.append((path, dict(request.headers), await request.body()))
        return Response(status_code=204)

    def to(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for at, headers, body in self.pushes if at == path]


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    endpoint = Receiver()
    with ThreadedServer(endpoint.app) as server:
        yield endpoint, server.url


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def register(client: TestClient, url: str, **more: Any) -> dict[str, Any]:
    answer = client.post(
        "/v1/webhooks", json={"url": url, "events": ["declaration.status_changed"], **more}
    )
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def push(client: TestClient) -> None:
    """A turn of the pusher at every endpoint with events waiting."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]

    async def run() -> None:
        async with webhook_client(settings) as http:
            pusher = Pusher(engine_of(client), settings, http)
            for target in webhooks.claim_due(engine_of(client), pusher.lease, 100):
                await pusher.serve(target)

    asyncio.run(run())


def announce_clearance(engine: Engine) -> None:
    change = webhooks.StatusChange(
        declaration_id=DECLARATION,
        ebp_code="3301964Z01",
        order_no=ORDER_NO,
        parties=frozenset({"3301964Z01", "3301964Z02"}),
        previous_status=ClearanceStatus.IN_REVIEW,
        status=ClearanceStatus.CLEARED,
        ceb_status=800,
        ebc_code="3301964Z02",
    )
    with write_session(engine) as session:
        webhooks.announce_changes(session, [change], utcnow())
        session.commit()


def inventory_return(body: bytes) -> dict[str, str]:
    """The receipt's one InventoryReturn, after checking the message against the schema."""
    tree = etree.fromstring(body)
    assert xml.schema(xsd_dir()).validate(tree.getroottree()), xml.schema(xsd_dir()).error_log
    assert tree.tag == f"{CEB}CEB622Message"
    (record,) = tree
    assert record.tag == f"{CEB}InventoryReturn"
    return {etree.QName(child).localname: child.text for child in record}


def test_a_ceb_endpoint_gets_a_schema_valid_signed_ceb622(
    client: TestClient, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    xml_endpoint = register(client, f"{url}/ceb", format="ceb")
    json_endpoint = register(client, f"{url}/json")
    assert (xml_endpoint["format"], json_endpoint["format"]) == ("ceb", "json")
    assert client.get(f"/v1/webhooks/{xml_endpoint['id']}").json()["format"] == "ceb"
    announce_clearance(engine_of(client))
    push(client)

    ((headers, body),) = endpoint.to("ceb")
    assert headers["content-type"] == "application/xml"
    # The signature covers the XML body as sent: any Standard Webhooks library checks it.
    standardwebhooks.Webhook(xml_endpoint["secret"]).verify(
        body.decode(), headers, json_parse=False
    )
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(json_endpoint["secret"]).verify(body, headers, json_parse=False)
    record = inventory_return(body)
    ((json_headers, json_body),) = endpoint.to("json")
    event = standardwebhooks.Webhook(json_endpoint["secret"]).verify(json_body, json_headers)
    happened = datetime.fromisoformat(event["createdAt"]).astimezone(CHINA_TIME)
    assert record == {
        "guid": record["guid"],
        "customsCode": "0000",
        "ebpCode": "3301964Z01",
        "ebcCode": "3301964Z02",
        "agentCode": "3301964Z02",
        "copNo": ORDER_NO[:20],
        "preNo": pre_no(DECLARATION),
        "returnStatus": "800",
        "returnTime": happened.strftime("%Y%m%d%H%M%S") + f"{happened.microsecond // 1000:03d}",
        "returnInfo": "800: 放行 released",
    }
    assert len(record["guid"]) == 36
    assert record["guid"] == record["guid"].upper()
    # The JSON endpoint hears of the same change as JSON, the e-commerce company with it.
    assert json_headers["content-type"] == "application/json"
    assert headers["webhook-id"] == json_headers["webhook-id"] == event["id"]
    assert event["data"]["cebStatus"] == 800
    assert event["data"]["ebcCode"] == "3301964Z02"


def test_a_cleared_declaration_is_pushed_as_released(
    filed_client: TestClient, declarations: Declarations, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    made = register(filed_client, f"{url}/ceb", format="ceb")
    body = declarations.valid()
    answer = filed_client.post("/v1/declarations", json=body)
    assert answer.status_code == 202, answer.text
    declared = answer.json()["id"]
    settle(filed_client)
    send(filed_client, "customs", receipt(declared, "customs", "acknowledged", 1))
    clear_everything(filed_client, declared)
    push(filed_client)

    records = []
    for headers, pushed in endpoint.to("ceb"):
        standardwebhooks.Webhook(made["secret"]).verify(pushed, headers, json_parse=False)
        records.append(inventory_return(pushed))
    assert [r["returnStatus"] for r in records] == ["300", "800"]
    order = body["order"]
    assert records[-1] | {"guid": "", "returnTime": ""} == {
        "guid": "",
        "customsCode": "0000",
        "ebpCode": order["ebpCode"],
        "ebcCode": order["ebcCode"],
        "agentCode": order["ebcCode"],
        "copNo": order["orderNo"][:20],
        "preNo": pre_no(declared),
        "returnStatus": "800",
        "returnTime": "",
        "returnInfo": "800: 放行 released",
    }
    assert records[0]["returnInfo"] == "300: 人工审核 manual review"
    # The same preNo the declaration's CEB621 inventory carries.
    inventory = filed_client.get(f"/v1/declarations/{declared}/ceb621.xml")
    assert inventory.status_code == 200, inventory.text
    assert f"<ceb:preNo>{pre_no(declared)}</ceb:preNo>".encode() in inventory.content


def test_other_events_stay_json_for_a_ceb_endpoint(
    client: TestClient, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    made = register(client, f"{url}/ceb", format="ceb", events=["documents.expired"])
    with write_session(engine_of(client)) as session:
        webhooks.announce_documents_expired(
            session,
            [webhooks.ExpiredDocument("payment", "3301964Z01", ORDER_NO, "3301964Z03", utcnow())],
            utcnow(),
        )
        session.commit()
    push(client)

    ((headers, body),) = endpoint.to("ceb")
    assert headers["content-type"] == "application/json"
    event = standardwebhooks.Webhook(made["secret"]).verify(body, headers)
    assert event["type"] == "documents.expired"
    assert json.loads(body)["data"]["orderNo"] == ORDER_NO


@pytest.mark.parametrize("format", ["xml", "CEB", "", None, 1])
def test_an_unknown_format_is_refused(client: TestClient, format: Any) -> None:
    answer = client.post(
        "/v1/webhooks",
        json={
            "url": "https://hooks.example.com/hook",
            "events": ["declaration.status_changed"],
            "format": format,
        },
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/webhooks").json()["items"] == []


def test_an_event_that_no_receipt_can_tell_is_refused_and_the_next_goes_on(
    client: TestClient, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    made = register(client, f"{url}/ceb", format="ceb")
    now = utcnow()
    with write_session(engine_of(client)) as session:
        # An event logged before its declaration's keys were all kept.
        session.connection().execute(
            insert(WebhookEvent),
            [
                {
                    "type": webhooks.STATUS_CHANGED,
                    "parties": ["3301964Z01"],
                    "endpoint_id": None,
                    "created_at": now,
                    "payload": {
                        "id": "evt_old",
                        "type": webhooks.STATUS_CHANGED,
                        "createdAt": now.isoformat(),
                        "data": {"status": "cleared"},
                    },
                }
            ],
        )
        session.commit()
    announce_clearance(engine_of(client))
    push(client)

    ((_, body),) = endpoint.to("ceb")
    assert inventory_return(body)["returnStatus"] == "800"
    tried = client.get(f"/v1/webhooks/{made['id']}/deliveries").json()["items"]
    assert [(d["eventId"], d["outcome"]) for d in reversed(tried)] == [
        ("evt_old", "refused"),
        (tried[0]["eventId"], "delivered"),
    ]
    assert "no CEB receipt tells this event" in tried[-1]["error"]


def test_a_status_without_its_own_words_is_named_as_the_window_names_it() -> None:
    assert return_info(800, "cleared") == "800: 放行 released"
    assert return_info(42, "somewhere") == "42: somewhere"
