"""Who may call what: every /v1 route × every kind of caller, with the status expected.

The table below is written by hand. The test walks the app's own route list, so a route
added without a row here fails, as does an app route without an access rule."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import demo
from app.agencies.signing import signed_headers
from app.main import api_routes, create_app, refuse_routes_without_rules
from tests.support.certificates import rsa_identity
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import ADMIN_KEY, quiet_settings

# The callers: no key, the admin, two regulators, the platform of the declarations under
# test (a party), and another filed platform (not a party).
CALLERS = ("anonymous", "admin", "customs", "tax", "party", "stranger")
STRANGER = demo.Filing("3301960099", "宁波另一家跨境电商平台有限公司", ("platform",))
AGENCY_SECRET = "dev-customs-secret"


@dataclass
class World:
    client: TestClient
    declarations: Declarations
    keys: dict[str, str]  # caller → API key
    declaration_id: str
    party_code: str = demo.DEMO_PARTIES.platform.customs_code
    serial: int = field(default=0)
    # A filing that no caller holds a key of, for the suspend/reinstate route.
    bystander: str | None = None
    # The party's webhook endpoint that the read routes look at (an owner has at most 10).
    kept_webhook: str | None = None

    def headers(self, caller: str) -> dict[str, str]:
        if caller == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.keys[caller]}"}

    def as_admin(self, method: str, url: str, **kwargs: Any) -> Any:
        answer = self.client.request(method, url, headers=self.headers("admin"), **kwargs)
        assert answer.is_success, answer.text
        return answer.json()

    def fresh_filing(self) -> dict[str, Any]:
        self.serial += 1
        filing = demo.Filing(f"33019{self.serial:05d}", f"新企业{self.serial}", ("logistics",))
        return filing.body(self.declarations.rng)

    def party_key_id(self) -> str:
        """A spare key of the party's, to rotate or revoke."""
        issued = self.as_admin(
            "POST", "/v1/keys", json={"kind": "enterprise", "customsCode": self.party_code}
        )
        key_id: str = issued["id"]
        return key_id

    def suspended_bystander(self) -> str:
        """A filing suspended (by the admin) so that it can be reinstated: not a caller's,
        whose keys would stop working while it is suspended."""
        if self.bystander is None:
            body = self.fresh_filing()
            self.as_admin("POST", "/v1/enterprises", json=body)
            register_everywhere(self.client.app.state.engine, [body["customsCode"]])  # type: ignore[attr-defined]
            self.bystander = body["customsCode"]
        code = self.bystander
        if self.as_admin("GET", f"/v1/enterprises/{code}")["status"] == "active":
            self.as_admin(
                "POST",
                f"/v1/regulator/enterprises/{code}/status",
                json={"status": "suspended", "reason": "documents missing"},
            )
        return code

    def waiting_order(self) -> str:
        """The number of an order whose platform posted it on its own."""
        order = self.declarations.valid()["order"]
        self.as_admin("POST", "/v1/orders", json=order)
        order_no: str = order["orderNo"]
        return order_no

    def checkpointed(self) -> str:
        """The latest audit checkpoint's URL, once there is one."""
        self.as_admin("POST", "/v1/regulator/audit/checkpoints")
        return "/v1/regulator/audit/checkpoints/latest"

    def fresh_declaration(self) -> tuple[str, dict[str, Any]]:
        """A declaration of the party's, just accepted: its id and its documents."""
        body = self.declarations.valid()
        declared = self.as_admin("POST", "/v1/declarations", json=body)
        return declared["id"], body

    def amendment(self) -> Request:
        declaration_id, body = self.fresh_declaration()
        return (
            "PUT",
            f"/v1/declarations/{declaration_id}",
            {"json": body, "headers": {"If-Match": '"1"'}},
        )

    def cancellation(self) -> Request:
        declaration_id, _ = self.fresh_declaration()
        url = f"/v1/declarations/{declaration_id}/cancellation"
        return "POST", url, {"json": {"reason": "the order was voided"}}

    def early_return(self) -> Request:
        """A return asked before release: only who may ask gets as far as the 409."""
        declaration_id, _ = self.fresh_declaration()
        return (
            "POST",
            f"/v1/declarations/{declaration_id}/returns",
            {"json": {"logisticsNo": "RT1", "items": [{"gnum": 1, "qty": "1"}], "reason": "x"}},
        )

    def kept_webhook_id(self) -> str:
        if self.kept_webhook is None:
            self.kept_webhook = self.party_webhook_id()
        return self.kept_webhook

    def party_certificate_id(self) -> int:
        """A certificate of the party's, registered by the admin, to revoke."""
        registered = self.as_admin(
            "POST",
            f"/v1/enterprises/{self.party_code}/certificates",
            json={"certificate": rsa_identity().certificate.pem},
        )
        certificate_id: int = registered["id"]
        return certificate_id

    def party_webhook_id(self) -> str:
        answer = self.client.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "events": ["declaration.status_changed"]},
            headers=self.headers("party"),
        )
        assert answer.status_code == 201, answer.text
        endpoint_id: str = answer.json()["id"]
        return endpoint_id


# A request: (method, url, keyword arguments for the client), made fresh for each call.
Request = tuple[str, str, dict[str, Any]]
MakeRequest = Callable[[World], Request]


def receipts_request(world: World) -> Request:
    body = json.dumps(
        {
            "receipts": [
                {
                    "declarationId": world.declaration_id,
                    "agency": "customs",
                    "status": "acknowledged",
                    "sequence": 1,
                    "decidedAt": "2026-11-27T00:00:00+00:00",
                }
            ]
        }
    ).encode()
    return "POST", "/v1/receipts/customs", {"content": body}


def a_batch(world: World) -> Request:
    return (
        "POST",
        "/v1/declarations/batch",
        {"json": {"declarations": [world.declarations.valid()]}},
    )


# The negative list, complaints and take-downs: each write gets a fresh record to act on.
NEGATIVE_LIST = "/v1/regulator/negative-list"
# A 1×1 PNG, base64.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)


def a_listing(world: World) -> Request:
    body = world.fresh_filing()
    world.as_admin("POST", "/v1/enterprises", json=body)
    listing = {"customsCode": body["customsCode"], "reason": "fakes", "legalBasis": "Art. 84"}
    return "POST", NEGATIVE_LIST, {"json": listing}


def a_lifting(world: World) -> Request:
    method, url, kwargs = a_listing(world)
    listed = world.as_admin(method, url, **kwargs)
    return "POST", f"{NEGATIVE_LIST}/{listed['id']}/lift", {"json": {"reason": "appeal"}}


def a_complaint(world: World) -> dict[str, Any]:
    """Filed by the admin, about the party (a platform), with a PNG as evidence."""
    body = {
        "kind": "counterfeit",
        "enterpriseCode": world.party_code,
        "product": {"name": "handbag", "barcode": "6901234567892"},
        "description": "a fake",
        "attachments": [{"filename": "a.png", "contentType": "image/png", "data": PNG}],
    }
    filed: dict[str, Any] = world.as_admin("POST", "/v1/complaints", json=body)
    return filed


def a_decision(world: World) -> Request:
    url = f"/v1/regulator/complaints/{a_complaint(world)['id']}/decision"
    return "POST", url, {"json": {"decision": "reject", "reason": "genuine"}}


def an_acknowledgement(world: World) -> Request:
    upheld = world.as_admin(
        "POST",
        f"/v1/regulator/complaints/{a_complaint(world)['id']}/decision",
        json={"decision": "uphold", "reason": "fake"},
    )
    url = f"/v1/takedowns/{upheld['takedown']['id']}/acknowledgement"
    return "POST", url, {"json": {"actionTaken": "removed"}}


# Goods: products filed by the e-commerce company, delivery events on a waybill, traces
# and recalls.
SELLER = demo.DEMO_PARTIES.ecommerce.customs_code
GTIN = "6901234567892"


def a_product(item_no: str | None = None) -> dict[str, Any]:
    """The face cream of the demo declarations (by default under its item number)."""
    cream = demo.PRODUCTS[0]
    return {
        "ebcCode": SELLER,
        "itemNo": item_no or f"SKU-{cream.gcode[-6:]}",
        "name": cream.name,
        "hsCode": cream.gcode,
        "barcode": GTIN,
        "brand": "雪肌",
        "manufacturer": "Shiseido Co., Ltd.",
        "originCountry": cream.country,
        "unit": cream.unit,
    }


def a_product_url(world: World) -> str:
    filed = world.as_admin("POST", "/v1/products", json=a_product())
    return f"/v1/products/{SELLER}/{filed['itemNo']}"


def a_waybill(world: World) -> str:
    """The waybill number of the party's declaration under test."""
    detail = world.as_admin("GET", f"/v1/declarations/{world.declaration_id}")
    logistics_no: str = detail["documents"]["logistics"]["logisticsNo"]
    return logistics_no


def a_delivery_event(world: World) -> Request:
    """On a fresh declaration's waybill: only its logistics company (none of the callers)
    and the admin may post."""
    _, body = world.fresh_declaration()
    event = {"event": "picked_up", "at": "2026-01-01T08:00:00Z", "place": "杭州"}
    return "POST", f"/v1/waybills/{body['logistics']['logisticsNo']}/events", {"json": event}


def a_recall(world: World) -> str:
    """A recall of the face cream, declared on the party's platform."""
    world.as_admin("POST", "/v1/products", json=a_product())
    cream = world.declarations.valid(lines=[(demo.PRODUCTS[0], 1)])
    world.as_admin("POST", "/v1/declarations", json=cream)
    recall = world.as_admin(
        "POST", "/v1/regulator/recalls", json={"barcode": GTIN, "reason": "contaminated"}
    )
    recall_id: str = recall["id"]
    return recall_id


# Route → (how to call it, expected status per caller). Writes get a fresh object each
# time, so callers do not interfere.
EVERYONE_READS = {"anonymous": 401, "admin": 200, "customs": 200, "tax": 200}
REGULATORS_ONLY = EVERYONE_READS | {"party": 403, "stranger": 403}
TABLE: dict[tuple[str, str], tuple[MakeRequest, dict[str, int]]] = {
    ("POST", "/v1/enterprises"): (
        lambda w: ("POST", "/v1/enterprises", {"json": w.fresh_filing()}),
        {"anonymous": 401, "admin": 201, "customs": 403, "tax": 403, "party": 403, "stranger": 403},
    ),
    ("GET", "/v1/enterprises"): (
        lambda w: ("GET", "/v1/enterprises", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("GET", "/v1/enterprises/{customsCode}"): (
        lambda w: ("GET", f"/v1/enterprises/{w.party_code}", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    ("POST", "/v1/declarations"): (
        lambda w: ("POST", "/v1/declarations", {"json": w.declarations.valid()}),
        {"anonymous": 401, "admin": 202, "customs": 403, "tax": 403, "party": 202, "stranger": 403},
    ),
    ("POST", "/v1/declarations/validate"): (
        lambda w: ("POST", "/v1/declarations/validate", {"json": w.declarations.valid()}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    # A stranger's batch is answered, each item refused as not_a_party (tested below).
    ("POST", "/v1/declarations/batch"): (
        a_batch,
        {"anonymous": 401, "admin": 200, "customs": 403, "tax": 403, "party": 200, "stranger": 200},
    ),
    ("GET", "/v1/declarations"): (
        lambda w: ("GET", "/v1/declarations", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("GET", "/v1/declarations/{declarationId}"): (
        lambda w: ("GET", f"/v1/declarations/{w.declaration_id}", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    # Changes are the platform's or e-commerce company's (or an admin's); another
    # enterprise does not learn the declaration exists.
    ("PUT", "/v1/declarations/{declarationId}"): (
        World.amendment,
        {"anonymous": 401, "admin": 200, "customs": 403, "tax": 403, "party": 200, "stranger": 404},
    ),
    ("POST", "/v1/declarations/{declarationId}/cancellation"): (
        World.cancellation,
        {"anonymous": 401, "admin": 200, "customs": 403, "tax": 403, "party": 200, "stranger": 404},
    ),
    ("POST", "/v1/declarations/{declarationId}/returns"): (
        World.early_return,
        {"anonymous": 401, "admin": 409, "customs": 403, "tax": 403, "party": 409, "stranger": 404},
    ),
    ("GET", "/v1/declarations/{declarationId}/events"): (
        lambda w: ("GET", f"/v1/declarations/{w.declaration_id}/events", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    ("GET", "/v1/declarations/{declarationId}/ceb621.xml"): (
        lambda w: ("GET", f"/v1/declarations/{w.declaration_id}/ceb621.xml", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    # A message that is not XML: only who may send messages gets as far as its format.
    ("POST", "/v1/ceb/messages"): (
        lambda w: ("POST", "/v1/ceb/messages", {"json": {}}),
        {"anonymous": 401, "admin": 415, "customs": 403, "tax": 403, "party": 415, "stranger": 415},
    ),
    # Each party posts its own document: the party (the platform) sends orders only.
    ("POST", "/v1/orders"): (
        lambda w: ("POST", "/v1/orders", {"json": w.declarations.valid()["order"]}),
        {"anonymous": 401, "admin": 202, "customs": 403, "tax": 403, "party": 202, "stranger": 403},
    ),
    ("POST", "/v1/payments"): (
        lambda w: ("POST", "/v1/payments", {"json": w.declarations.valid()["payment"]}),
        {"anonymous": 401, "admin": 202, "customs": 403, "tax": 403, "party": 403, "stranger": 403},
    ),
    ("POST", "/v1/waybills"): (
        lambda w: ("POST", "/v1/waybills", {"json": w.declarations.valid()["logistics"]}),
        {"anonymous": 401, "admin": 202, "customs": 403, "tax": 403, "party": 403, "stranger": 403},
    ),
    ("GET", "/v1/orders/{ebpCode}/{orderNo}/documents"): (
        lambda w: ("GET", f"/v1/orders/{w.party_code}/{w.waiting_order()}/documents", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    # Agencies sign their receipts; a key is no signature.
    ("POST", "/v1/receipts/{agency}"): (
        receipts_request,
        {caller: 401 for caller in CALLERS},
    ),
    ("POST", "/v1/webhooks"): (
        lambda w: (
            "POST",
            "/v1/webhooks",
            {"json": {"url": "http://127.0.0.1:9/", "events": ["declaration.status_changed"]}},
        ),
        EVERYONE_READS | {"admin": 201, "customs": 201, "tax": 201, "party": 201, "stranger": 201},
    ),
    ("GET", "/v1/webhooks"): (
        lambda w: ("GET", "/v1/webhooks", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("DELETE", "/v1/webhooks/{endpointId}"): (
        lambda w: ("DELETE", f"/v1/webhooks/{w.party_webhook_id()}", {}),
        {"anonymous": 401, "admin": 204, "customs": 404, "tax": 404, "party": 204, "stranger": 404},
    ),
    ("GET", "/v1/webhooks/{endpointId}"): (
        lambda w: ("GET", f"/v1/webhooks/{w.kept_webhook_id()}", {}),
        {"anonymous": 401, "admin": 200, "customs": 404, "tax": 404, "party": 200, "stranger": 404},
    ),
    ("GET", "/v1/webhooks/{endpointId}/deliveries"): (
        lambda w: ("GET", f"/v1/webhooks/{w.kept_webhook_id()}/deliveries", {}),
        {"anonymous": 401, "admin": 200, "customs": 404, "tax": 404, "party": 200, "stranger": 404},
    ),
    # No delivery has that id: only who may look at the endpoint learns it.
    ("POST", "/v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver"): (
        lambda w: (
            "POST",
            f"/v1/webhooks/{w.kept_webhook_id()}/deliveries/"
            "0193a1b2-0000-7000-8000-000000000000/redeliver",
            {},
        ),
        {"anonymous": 401} | {caller: 404 for caller in CALLERS if caller != "anonymous"},
    ),
    ("POST", "/v1/keys"): (
        lambda w: (
            "POST",
            "/v1/keys",
            {"json": {"kind": "enterprise", "customsCode": w.party_code}},
        ),
        {"anonymous": 401, "admin": 201, "customs": 403, "tax": 403, "party": 201, "stranger": 403},
    ),
    ("GET", "/v1/keys"): (
        lambda w: ("GET", "/v1/keys", {}),
        {"anonymous": 401, "admin": 200, "customs": 403, "tax": 403, "party": 200, "stranger": 200},
    ),
    ("POST", "/v1/keys/{keyId}/rotate"): (
        lambda w: ("POST", f"/v1/keys/{w.party_key_id()}/rotate", {}),
        {"anonymous": 401, "admin": 201, "customs": 403, "tax": 403, "party": 201, "stranger": 404},
    ),
    ("DELETE", "/v1/keys/{keyId}"): (
        lambda w: ("DELETE", f"/v1/keys/{w.party_key_id()}", {}),
        {"anonymous": 401, "admin": 204, "customs": 403, "tax": 403, "party": 204, "stranger": 404},
    ),
    # Another enterprise's certificates: as if its filing did not exist.
    ("POST", "/v1/enterprises/{customsCode}/certificates"): (
        lambda w: (
            "POST",
            f"/v1/enterprises/{w.party_code}/certificates",
            {"json": {"certificate": rsa_identity().certificate.pem}},
        ),
        {"anonymous": 401, "admin": 201, "customs": 403, "tax": 403, "party": 201, "stranger": 404},
    ),
    ("GET", "/v1/enterprises/{customsCode}/certificates"): (
        lambda w: ("GET", f"/v1/enterprises/{w.party_code}/certificates", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    ("DELETE", "/v1/enterprises/{customsCode}/certificates/{certificateId}"): (
        lambda w: (
            "DELETE",
            f"/v1/enterprises/{w.party_code}/certificates/{w.party_certificate_id()}",
            {},
        ),
        {"anonymous": 401, "admin": 204, "customs": 403, "tax": 403, "party": 204, "stranger": 404},
    ),
    ("PUT", "/v1/enterprises/{customsCode}/signature-policy"): (
        lambda w: (
            "PUT",
            f"/v1/enterprises/{w.party_code}/signature-policy",
            {"json": {"unsignedAccepted": True}},
        ),
        {"anonymous": 401, "admin": 200, "customs": 403, "tax": 403, "party": 200, "stranger": 404},
    ),
    ("GET", "/v1/ceb/certificate"): (
        lambda w: ("GET", "/v1/ceb/certificate", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("GET", "/v1/regulator/enterprises"): (
        lambda w: ("GET", "/v1/regulator/enterprises", {}),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/declarations"): (
        lambda w: ("GET", "/v1/regulator/declarations", {}),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/declarations/export"): (
        lambda w: ("GET", "/v1/regulator/declarations/export", {}),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/stats"): (
        lambda w: ("GET", "/v1/regulator/stats", {}),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/feed"): (
        lambda w: ("GET", "/v1/regulator/feed?after=0", {}),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/audit/verify"): (
        lambda w: ("GET", "/v1/regulator/audit/verify", {}),
        REGULATORS_ONLY,
    ),
    # Verified against a checkpoint the caller kept.
    ("POST", "/v1/regulator/audit/verify"): (
        lambda w: (
            "POST",
            "/v1/regulator/audit/verify",
            {"json": w.as_admin("POST", "/v1/regulator/audit/checkpoints")},
        ),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/audit/checkpoints"): (
        lambda w: ("GET", "/v1/regulator/audit/checkpoints", {}),
        REGULATORS_ONLY,
    ),
    ("POST", "/v1/regulator/audit/checkpoints"): (
        lambda w: ("POST", "/v1/regulator/audit/checkpoints", {}),
        REGULATORS_ONLY,
    ),
    # A checkpoint is taken first, so that there is a latest one.
    ("GET", "/v1/regulator/audit/checkpoints/latest"): (
        lambda w: ("GET", w.checkpointed(), {}),
        REGULATORS_ONLY,
    ),
    # Customs grades credit; other regulators read only.
    ("POST", "/v1/regulator/enterprises/{customsCode}/credit-grade"): (
        lambda w: (
            "POST",
            f"/v1/regulator/enterprises/{STRANGER.customs_code}/credit-grade",
            {"json": {"creditGrade": "advanced", "reason": "audit passed"}},
        ),
        REGULATORS_ONLY | {"tax": 403},
    ),
    # Credit records: an enterprise reads its own; anyone with a key reads a summary.
    ("GET", "/v1/enterprises/{customsCode}/credit"): (
        lambda w: ("GET", f"/v1/enterprises/{w.party_code}/credit", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    ("GET", "/v1/credit/{customsCode}"): (
        lambda w: ("GET", f"/v1/credit/{w.party_code}", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    # Customs, commerce and market supervision list and lift; the published list needs no key.
    ("POST", NEGATIVE_LIST): (
        a_listing,
        REGULATORS_ONLY | {"admin": 201, "customs": 201, "tax": 403},
    ),
    ("GET", NEGATIVE_LIST): (lambda w: ("GET", NEGATIVE_LIST, {}), REGULATORS_ONLY),
    ("POST", "/v1/regulator/negative-list/{listingId}/lift"): (
        a_lifting,
        REGULATORS_ONLY | {"tax": 403},
    ),
    ("GET", "/v1/public/blacklist"): (
        lambda w: ("GET", "/v1/public/blacklist", {}),
        {caller: 200 for caller in CALLERS},
    ),
    # Anyone complains; the complainant follows with the token (none here: as if there
    # were no such complaint); regulators see all and triage (not tax).
    ("POST", "/v1/complaints"): (
        lambda w: (
            "POST",
            "/v1/complaints",
            {
                "json": {
                    "kind": "quality",
                    "enterpriseCode": w.party_code,
                    "product": {"name": "cream"},
                    "description": "rash",
                }
            },
        ),
        {caller: 201 for caller in CALLERS},
    ),
    ("GET", "/v1/complaints/{complaintId}"): (
        lambda w: ("GET", f"/v1/complaints/{a_complaint(w)['id']}", {}),
        {"anonymous": 404, "admin": 200, "customs": 200, "tax": 200, "party": 404, "stranger": 404},
    ),
    ("GET", "/v1/regulator/complaints"): (
        lambda w: ("GET", "/v1/regulator/complaints", {}),
        REGULATORS_ONLY,
    ),
    ("POST", "/v1/regulator/complaints/{complaintId}/decision"): (
        a_decision,
        REGULATORS_ONLY | {"tax": 403},
    ),
    ("GET", "/v1/regulator/complaints/{complaintId}/attachments/{position}"): (
        lambda w: ("GET", f"/v1/regulator/complaints/{a_complaint(w)['id']}/attachments/1", {}),
        REGULATORS_ONLY,
    ),
    ("GET", "/v1/regulator/complaints/{complaintId}/trace"): (
        lambda w: ("GET", f"/v1/regulator/complaints/{a_complaint(w)['id']}/trace", {}),
        REGULATORS_ONLY,
    ),
    # A platform reads and acknowledges its own take-down notices.
    ("GET", "/v1/takedowns"): (
        lambda w: ("GET", "/v1/takedowns", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("POST", "/v1/takedowns/{takedownId}/acknowledgement"): (
        an_acknowledgement,
        {"anonymous": 401, "admin": 200, "customs": 403, "tax": 403, "party": 200, "stranger": 404},
    ),
    # The e-commerce company files its products (the party, a platform, is not it); each
    # reads its own.
    ("POST", "/v1/products"): (
        lambda w: ("POST", "/v1/products", {"json": a_product(f"NEW-{uuid.uuid4().hex[:12]}")}),
        {"anonymous": 401, "admin": 201, "customs": 403, "tax": 403, "party": 403, "stranger": 403},
    ),
    ("GET", "/v1/products"): (
        lambda w: ("GET", "/v1/products", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("GET", "/v1/products/{ebcCode}/{itemNo}"): (
        lambda w: ("GET", a_product_url(w), {}),
        EVERYONE_READS | {"party": 404, "stranger": 404},
    ),
    # A registered applicant applies for itself: none is registered here, so only who may
    # apply gets as far as the 409.
    ("POST", "/v1/origin-certificates"): (
        lambda w: (
            "POST",
            "/v1/origin-certificates",
            {
                "json": {
                    "ebcCode": w.party_code,
                    "fta": "rcep",
                    "hsCode": "6109100021",
                    "value": "100",
                    "exportCountry": "116",
                }
            },
        ),
        {"anonymous": 401, "admin": 409, "customs": 403, "tax": 403, "party": 409, "stranger": 403},
    ),
    ("GET", "/v1/origin-certificates"): (
        lambda w: ("GET", "/v1/origin-certificates", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    # A logistics company posts on its own waybills; the declaration's parties read them.
    ("POST", "/v1/waybills/{logisticsNo}/events"): (
        a_delivery_event,
        {"anonymous": 401, "admin": 201, "customs": 403, "tax": 403, "party": 404, "stranger": 404},
    ),
    ("GET", "/v1/waybills/{logisticsNo}/events"): (
        lambda w: ("GET", f"/v1/waybills/{a_waybill(w)}/events", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    ("GET", "/v1/trace"): (
        lambda w: ("GET", f"/v1/trace?barcode={GTIN}", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    # Customs, inspection and market supervision recall; those concerned read the recall.
    ("POST", "/v1/regulator/recalls"): (
        lambda w: ("POST", "/v1/regulator/recalls", {"json": {"barcode": GTIN, "reason": "x"}}),
        REGULATORS_ONLY | {"admin": 201, "customs": 201, "tax": 403},
    ),
    ("GET", "/v1/recalls"): (
        lambda w: ("GET", "/v1/recalls", {}),
        EVERYONE_READS | {"party": 200, "stranger": 200},
    ),
    ("GET", "/v1/recalls/{recallId}"): (
        lambda w: ("GET", f"/v1/recalls/{a_recall(w)}", {}),
        EVERYONE_READS | {"party": 200, "stranger": 404},
    ),
    # Customs and commerce suspend and reinstate; a bystander is reinstated each time.
    ("POST", "/v1/regulator/enterprises/{customsCode}/status"): (
        lambda w: (
            "POST",
            f"/v1/regulator/enterprises/{w.suspended_bystander()}/status",
            {"json": {"status": "active", "reason": "documents supplied"}},
        ),
        REGULATORS_ONLY | {"tax": 403},
    ),
}


def route_keys(app: FastAPI) -> Iterator[tuple[str, str]]:
    for route in api_routes(app):
        for method in sorted(route.methods):
            yield method, route.path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from app.store.db import upgrade

    path = tmp_path_factory.mktemp("access") / "access.db"
    upgrade(f"sqlite:///{path}")
    settings = quiet_settings(f"sqlite:///{path}", rate_limit_enabled=False)
    declarations = Declarations(seed=11)
    with TestClient(create_app(settings)) as client:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        keys = {"admin": ADMIN_KEY}
        filings = [*declarations.filings(), STRANGER.body(declarations.rng)]
        for body in filings:
            answer = client.post("/v1/enterprises", json=body, headers=admin)
            assert answer.status_code == 201, answer.text
            if body["customsCode"] == demo.DEMO_PARTIES.platform.customs_code:
                keys["party"] = answer.json()["apiKey"]["key"]
            if body["customsCode"] == STRANGER.customs_code:
                keys["stranger"] = answer.json()["apiKey"]["key"]
        register_everywhere(client.app.state.engine, [b["customsCode"] for b in filings])  # type: ignore[attr-defined]
        for agency in ("customs", "tax"):
            answer = client.post(
                "/v1/keys", json={"kind": "regulator", "agency": agency}, headers=admin
            )
            keys[agency] = answer.json()["key"]
        declared = client.post("/v1/declarations", json=declarations.valid(), headers=admin)
        assert declared.status_code == 202, declared.text
        yield World(client, declarations, keys, declared.json()["id"])


def test_every_route_has_a_row_in_the_table(world: World) -> None:
    app: FastAPI = world.client.app  # type: ignore[assignment]
    routes = set(route_keys(app))
    assert routes - TABLE.keys() == set(), "routes without an access row in this table"
    assert TABLE.keys() - routes == set(), "rows for routes that are gone"


@pytest.mark.parametrize("route", sorted(TABLE), ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("caller", CALLERS)
def test_access(world: World, route: tuple[str, str], caller: str) -> None:
    make, expected = TABLE[route]
    method, url, kwargs = make(world)
    headers = world.headers(caller) | kwargs.pop("headers", {})
    answer = world.client.request(method, url, headers=headers, **kwargs)
    assert answer.status_code == expected[caller], answer.text
    if answer.status_code in (401, 403):
        assert answer.headers["content-type"] == "application/problem+json"


def test_a_signed_receipt_needs_no_key(world: World) -> None:
    method, url, kwargs = receipts_request(world)
    headers = signed_headers(AGENCY_SECRET, kwargs["content"])
    assert world.client.request(method, url, headers=headers, **kwargs).status_code == 200


def test_an_app_with_a_route_without_a_rule_does_not_start() -> None:
    app = create_app(quiet_settings("sqlite://"))

    @app.get("/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="forgotten"):
        refuse_routes_without_rules(app)


def test_unknown_and_revoked_keys_are_401(world: World) -> None:
    assert (
        world.client.get("/v1/declarations", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )
    key = world.as_admin("POST", "/v1/keys", json={"kind": "regulator", "agency": "forex"})
    bearer = {"Authorization": f"Bearer {key['key']}"}
    assert world.client.get("/v1/declarations", headers=bearer).status_code == 200
    assert world.client.delete(f"/v1/keys/{key['id']}", headers=world.headers("admin")).is_success
    answer = world.client.get("/v1/declarations", headers=bearer)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["code"] == "unauthenticated"


def test_a_stranger_cannot_see_or_infer_a_partys_declarations(world: World) -> None:
    stranger = world.headers("stranger")
    listed = world.client.get("/v1/declarations", headers=stranger).json()
    assert listed["items"] == []
    # The same order posted by the stranger: refused as not a party, not as a duplicate.
    body = world.declarations.valid()
    assert world.client.post(
        "/v1/declarations", json=body, headers=world.headers("party")
    ).is_success
    answer = world.client.post("/v1/declarations", json=body, headers=stranger)
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_a_party"
    checked = world.client.post("/v1/declarations/validate", json=body, headers=stranger).json()
    assert [v["code"] for v in checked["violations"]] == ["not_a_party"]
    batch = world.client.post(
        "/v1/declarations/batch", json={"declarations": [body]}, headers=stranger
    ).json()
    assert batch["results"][0]["outcome"] == "not_a_party"
    assert "location" not in batch["results"][0]


def test_buyers_personal_data_is_masked_for_all_but_regulators(world: World) -> None:
    url = f"/v1/declarations/{world.declaration_id}"
    order = {
        caller: world.client.get(url, headers=world.headers(caller)).json()["documents"]["order"]
        for caller in ("admin", "customs", "party")
    }
    real = order["customs"]["buyerIdNumber"]
    assert len(real) == 18
    assert "*" not in real
    for caller in ("admin", "party"):
        masked = order[caller]["buyerIdNumber"]
        assert masked == real[:4] + "*" * 10 + real[-4:]
        assert "*" in order[caller]["buyerTelephone"]
    assert "*" not in order["customs"]["buyerTelephone"]


def test_an_enterprise_lists_only_its_own_keys_and_filing(world: World) -> None:
    party = world.headers("party")
    codes = {k["customsCode"] for k in world.client.get("/v1/keys", headers=party).json()["items"]}
    assert codes == {world.party_code}
    filings = world.client.get("/v1/enterprises", headers=party).json()["items"]
    assert [f["customsCode"] for f in filings] == [world.party_code]


def test_an_issued_key_is_shown_once_and_kept_only_as_a_hash(world: World) -> None:
    headers = world.headers("admin") | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"kind": "regulator", "agency": "commerce", "label": "commerce desk"}
    first = world.client.post("/v1/keys", json=body, headers=headers)
    again = world.client.post("/v1/keys", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["key"].startswith("sw_r_")
    assert first.json()["key"].startswith(first.json()["prefix"])
    assert again.json()["key"] is None
    assert again.json()["id"] == first.json()["id"]
    engine = world.client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        dumped = "\n".join(
            str(row)
            for table in ("api_keys", "idempotency_keys")
            for row in connection.exec_driver_sql(f"SELECT * FROM {table}")
        )
    assert first.json()["key"] not in dumped


def test_rotating_a_key_revokes_the_old_one(world: World) -> None:
    issued = world.as_admin(
        "POST", "/v1/keys", json={"kind": "enterprise", "customsCode": world.party_code}
    )
    old = {"Authorization": f"Bearer {issued['key']}"}
    rotated = world.client.post(f"/v1/keys/{issued['id']}/rotate", headers=old)
    assert rotated.status_code == 201
    assert world.client.get("/v1/declarations", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {rotated.json()['key']}"}
    assert world.client.get("/v1/declarations", headers=new).status_code == 200


def test_a_key_must_name_its_agency_or_filing(world: World) -> None:
    for body, pointer in (
        ({"kind": "regulator"}, "/agency"),
        ({"kind": "enterprise"}, "/customsCode"),
    ):
        answer = world.client.post("/v1/keys", json=body, headers=world.headers("admin"))
        assert answer.status_code == 422
        assert [(v["code"], v["pointer"]) for v in answer.json()["violations"]] == [
            ("required", pointer)
        ]
