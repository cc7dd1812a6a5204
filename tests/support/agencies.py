"""Agency services and a stand-in for the single window's receipt endpoint, each under
uvicorn on a real port in a background thread; and declarations to send them."""

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from app import demo
from app.agencies.wire import AgencyName, Receipt, ReceiptBatch
from mock_agencies.config import AgencySettings, settings_for
from mock_agencies.rules import customs, inspection
from tests.support.service import ThreadedServer

Body = dict[str, Any]


@dataclass(frozen=True)
class Callback:
    agency: str
    headers: dict[str, str]
    body: bytes

    @property
    def receipts(self) -> list[Receipt]:
        return ReceiptBatch.model_validate_json(self.body).receipts


class CallbackReceiver:
    """Collects every callback; answers 200, or the statuses queued with ``answer_next``."""

    def __init__(self) -> None:
        self.calls: list[Callback] = []
        self.queued: list[int] = []
        self.lock = threading.Lock()
        self.app = FastAPI()
        self.app.add_api_route("/v1/receipts/{agency}", self._receive, methods=["POST"])
        self.server = ThreadedServer(self.app)

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> "CallbackReceiver":
        self.server.__enter__()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.__exit__()

    async def _receive(self, agency: str, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.calls.append(Callback(agency, dict(request.headers), body))
            status = self.queued.pop(0) if self.queued else 200
        return Response(status_code=status)

    def answer_next(self, *statuses: int) -> None:
        with self.lock:
            self.queued.extend(statuses)

    def callbacks(self) -> list[Callback]:
        with self.lock:
            return list(self.calls)

    def receipts(self, declaration_id: str | None = None) -> list[Receipt]:
        """Every receipt received, in the order received (repeats included)."""
        return [
            receipt
            for call in self.callbacks()
            for receipt in call.receipts
            if declaration_id is None or receipt.declarationId == declaration_id
        ]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen in {timeout} s; received {self.receipts()}")
            time.sleep(0.01)

    def wait_for_receipts(self, declaration_id: str, count: int) -> list[Receipt]:
        self.wait_for(lambda: len(self.receipts(declaration_id)) >= count)
        return self.receipts(declaration_id)


def fast_settings(
    agency: AgencyName, data_dir: Path, callback_base_url: str, **overrides: Any
) -> AgencySettings:
    """Settings that decide in 50 ms and retry within a fraction of a second."""
    quick: dict[str, Any] = {
        "decision_delay_ms": 50,
        "sender_tick_ms": 10,
        "retry_base_ms": 20,
        "retry_max_ms": 200,
        "callback_timeout_seconds": 2,
        "quarantine_sampling_rate": SAMPLING_RATE,
    }
    return settings_for(
        agency,
        data_dir=data_dir,
        callback_base_url=callback_base_url,
        **(quick | overrides),
    )


# Quarantine inspects a sample of flagged goods here, so that both outcomes occur.
SAMPLING_RATE = 0.2


def documents(
    seed: int = 1,
    lines: list[tuple[demo.Product, int]] | None = None,
    buyer: demo.Buyer | None = None,
    **options: Any,
) -> Body:
    rng = random.Random(seed)
    return demo.make_declaration(
        rng,
        order_no=f"ORD{seed:010d}",
        logistics_no=f"SF{seed:010d}",
        lines=lines,
        buyer=buyer,
        **options,
    )


def message(declaration_id: str, body: Body | None = None, credit_grade: str = "general") -> Body:
    """One ``DeclarationMessage`` as JSON."""
    body = body or documents()
    order, waybill = body["order"], body["logistics"]
    amounts = (order["goodsValue"], order["freight"], waybill["insuredFee"])
    dutiable = sum((Decimal(amount) for amount in amounts), Decimal(0))
    return {
        "declarationId": declaration_id,
        "messageId": f"msg-{declaration_id}",
        "creditGrade": credit_grade,
        "dutiableValue": str(dutiable),
        "documents": body,
    }


def ids_where(condition: Callable[[str], bool], prefix: str = "DECL") -> Iterator[str]:
    """Declaration ids for which a (deterministic) draw comes out as wanted."""
    n = 0
    while True:
        n += 1
        candidate = f"{prefix}-{n:06d}"
        if condition(candidate):
            yield candidate


def plain_ids() -> Iterator[str]:
    """Ids neither customs (general grade) nor quarantine picks for inspection."""
    return ids_where(
        lambda i: not customs.sampled(i, "general") and not inspection.sampled(i, SAMPLING_RATE),
        "PLAIN",
    )


def filing(code: str, roles: list[str], grade: str = "general", status: str = "active") -> Body:
    return {
        "customsCode": code,
        "uscc": "91330106MA2B0X0T2X",
        "name": "测试企业有限公司",
        "roles": roles,
        "creditGrade": grade,
        "status": status,
    }


def send(
    client: httpx.Client, *messages: Body, key: str | None = None, timeout: float = 10
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    batch = {"declarations": list(messages)}
    return client.post("/declarations", json=batch, headers=headers, timeout=timeout)


def stats(client: httpx.Client) -> dict[str, int]:
    answer: dict[str, int] = client.get("/admin/stats").json()
    return answer
