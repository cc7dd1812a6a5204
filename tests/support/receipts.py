"""Agency receipts as the agencies would send them: signed, one or all four."""

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from app.agencies.signing import signed_headers

SECRETS = {a: f"dev-{a}-secret" for a in ("customs", "inspection", "tax", "forex")}
TAX = {"customsTax": "0", "valueAddedTax": "60.79", "consumptionTax": "0", "total": "60.79"}


def receipt(
    declaration_id: str, agency: str, status: str, sequence: int, **extra: Any
) -> dict[str, Any]:
    return {
        "declarationId": declaration_id,
        "agency": agency,
        "status": status,
        "sequence": sequence,
        "decidedAt": datetime.now(UTC).isoformat(),
        **extra,
    }


def send(client: TestClient, agency: str, *receipts: dict[str, Any]) -> Any:
    body = json.dumps({"receipts": list(receipts)}).encode()
    return client.post(
        f"/v1/receipts/{agency}", content=body, headers=signed_headers(SECRETS[agency], body)
    )


def clear_everything(client: TestClient, declaration_id: str) -> None:
    for agency, final, extra in (
        ("customs", "released", {}),
        ("inspection", "passed", {}),
        ("tax", "assessed", {"tax": TAX}),
        ("forex", "recorded", {}),
    ):
        answer = send(client, agency, receipt(declaration_id, agency, final, 2, **extra))
        assert answer.is_success, answer.text
        # An agency hears of a declaration only once the worker has derived it.
        assert answer.json()["unknown"] == [], f"{declaration_id} is not derived yet"
