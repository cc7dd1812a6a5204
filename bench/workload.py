"""The benchmark's declarations: valid, unique, built before the clock starts.

Every declaration is accepted by the rules (the demo parties are filed and active, each
buyer declares a few times only, so the annual limit never refuses) and the agencies then
clear, inspect or refuse it by their own rules, as they would real traffic."""

import json
import random
import uuid
from typing import Any

import httpx

from app.ceb.messages import BaseTransfer, build_message
from app.demo import DEMO_PARTIES, Buyer, make_buyer, make_declaration, wait_until_active
from bench.http1 import build_request

# Baskets stay within CNY ~4,600 with tax: five of them stay inside the CNY 26,000 a year.
DECLARATIONS_PER_BUYER = 5
ACTIVATION_SECONDS = 60
# A CEB message carries up to 100 records; so does a batch.
BATCH_SIZE = 100
# The platform's number on the customs' data exchange, as a CEB311's BaseTransfer names it.
PLATFORM_DXP_ID = "DXPENT0000000001"


def file_parties(base_url: str, rng: random.Random, admin_key: str) -> str:
    """File the demo platform, e-commerce, payment and logistics companies as the admin;
    wait until every agency has registered them. Returns the platform's API key."""
    admin = {"Authorization": f"Bearer {admin_key}"}
    with httpx.Client(base_url=base_url, timeout=30, headers=admin) as client:
        for filing in DEMO_PARTIES.filings():
            answer = client.post("/v1/enterprises", json=filing.body(rng))
            if answer.status_code not in (201, 409):
                raise RuntimeError(f"filing {filing.customs_code} failed: {answer.text}")
        codes = [f.customs_code for f in DEMO_PARTIES.filings()]
        wait_until_active(client, codes, ACTIVATION_SECONDS)
        issued = client.post(
            "/v1/keys",
            json={"kind": "enterprise", "customsCode": DEMO_PARTIES.platform.customs_code},
        )
        if issued.status_code != 201:
            raise RuntimeError(f"issuing the platform's key failed: {issued.text}")
        key: str = issued.json()["key"]
        return key


class Declarations:
    """Request bytes of ``POST /v1/declarations``, numbered through the run so that every
    orderNo and logisticsNo is unique."""

    def __init__(
        self, *, host: str, run_id: str, seed: int, idempotency_keys: bool, api_key: str
    ) -> None:
        self.host = host
        self.api_key = api_key
        self.run_id = run_id
        self.rng = random.Random(seed)
        self.idempotency_keys = idempotency_keys
        self.serial = 0
        self._buyer: Buyer | None = None

    def _next_buyer(self) -> Buyer:
        if self._buyer is None or self.serial % DECLARATIONS_PER_BUYER == 0:
            self._buyer = make_buyer(self.rng)
        return self._buyer

    def order_prefix(self, step: str) -> str:
        """What every orderNo of one step starts with (the database is read by it)."""
        return f"B{self.run_id}{step}"

    def batch(self, step: str, count: int) -> list[bytes]:
        return [self.one(step) for _ in range(count)]

    def one(self, step: str) -> bytes:
        return self._request("/v1/declarations", self._body(step))

    def batches(self, step: str, count: int, size: int = BATCH_SIZE) -> list[bytes]:
        """``count`` requests of ``POST /v1/declarations/batch``, ``size`` declarations each."""
        return [
            self._request(
                "/v1/declarations/batch",
                {"declarations": [self._body(step) for _ in range(size)]},
            )
            for _ in range(count)
        ]

    def ceb311(self, step: str, count: int) -> list[bytes]:
        """``count`` requests of ``POST /v1/ceb/messages``, each a CEB311 holding one
        order (a new orderNo, the order part of a declaration like ``one``'s), sent by
        the platform with its own key. Unsigned: the platform accepts unsigned messages
        by default, as enterprises do until they ask otherwise."""
        platform = DEMO_PARTIES.platform
        sender = BaseTransfer(
            copCode=platform.customs_code, copName=platform.name, dxpId=PLATFORM_DXP_ID
        )
        headers = {"Content-Type": "application/xml", "Authorization": f"Bearer {self.api_key}"}
        return [
            build_request(
                "POST",
                "/v1/ceb/messages",
                host=self.host,
                body=build_message("CEB311", [self._body(step)["order"]], sender),
                headers=headers,
            )
            for _ in range(count)
        ]

    def _body(self, step: str) -> dict[str, Any]:
        buyer = self._next_buyer()
        self.serial += 1
        return make_declaration(
            self.rng,
            order_no=f"{self.order_prefix(step)}{self.serial:08d}",
            logistics_no=f"SF{self.run_id}{self.serial:08d}",
            buyer=buyer,
        )

    def _request(self, path: str, body: dict[str, Any]) -> bytes:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"}
        if self.idempotency_keys:
            headers["Idempotency-Key"] = str(uuid.UUID(int=self.rng.getrandbits(128)))
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return build_request("POST", path, host=self.host, body=raw, headers=headers)
