"""Services called directly on a migrated database: filings, declarations, receipts, and
what the audit trail holds afterwards."""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from app.agencies.wire import Receipt
from app.schemas.declaration import DeclarationSet
from app.schemas.enterprise import EnterpriseCreate
from app.schemas.parsing import parse_body
from app.services import intake
from app.store import audit, enterprises, receipts
from tests.support.factories import Declarations, register_everywhere

ADMIN = "admin:key-1"
PLATFORM = "enterprise:3301960001"


def file_parties(engine: Engine, declarations: Declarations, *, register: bool = True) -> list[str]:
    """File the demo parties (and have every agency register them): their customs codes."""
    bodies = declarations.filings()
    for body in bodies:
        enterprises.file_enterprise(engine, EnterpriseCreate.model_validate(body), actor=ADMIN)
    codes = [str(body["customsCode"]) for body in bodies]
    if register:
        register_everywhere(engine, codes)
    return codes


def parsed(body: dict[str, Any]) -> DeclarationSet:
    return parse_body(DeclarationSet, json.dumps(body).encode())


def declare(engine: Engine, body: dict[str, Any], actor: str = PLATFORM) -> intake.NewDeclaration:
    return intake.declare(engine, parsed(body), actor=actor)


def receipt(declaration_id: str, agency: str, status: str, sequence: int, **extra: Any) -> Receipt:
    return Receipt.model_validate(
        {
            "declarationId": declaration_id,
            "agency": agency,
            "status": status,
            "sequence": sequence,
            "decidedAt": datetime.now(UTC).isoformat(),
            **extra,
        }
    )


TAX = {"customsTax": "0", "valueAddedTax": "60.79", "consumptionTax": "0", "total": "60.79"}


def clear(engine: Engine, declaration_id: str) -> None:
    """Every agency acknowledges, then lets the declaration through."""
    for agency, final, extra in (
        ("customs", "released", {}),
        ("inspection", "passed", {}),
        ("tax", "assessed", {"tax": TAX}),
        ("forex", "recorded", {}),
    ):
        receipts.apply_receipts(
            engine,
            [
                receipt(declaration_id, agency, "acknowledged", 1),
                receipt(declaration_id, agency, final, 2, **extra),
            ],
        )


def trail(engine: Engine) -> list[audit.Record]:
    records, _ = audit.feed(engine, 0, 1_000_000)
    return records
