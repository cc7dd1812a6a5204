"""Services called directly on a migrated database: filings, declarations, receipts, and
what the audit trail holds afterwards."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from app.agencies.wire import Receipt
from app.domain.decision import Candidate, Outcome
from app.errors import DeclarationRefused, DuplicateOrder
from app.intake.pipeline import IntakePipeline, ItemResult, Submission, new_id
from app.schemas.declaration import DeclarationSet
from app.schemas.enterprise import EnterpriseCreate
from app.schemas.parsing import parse_body
from app.store import audit, derived, enterprises, receipts
from app.store.intake import NewDeclaration
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


def pipeline(engine: Engine) -> IntakePipeline:
    return IntakePipeline(engine, key_ttl=timedelta(hours=24))


def declare_batch(
    engine: Engine, items: list[DeclarationSet], actor: str = PLATFORM
) -> list[ItemResult]:
    """Decide declarations as one group (as a batch is), then write what derives from
    the accepted ones (as the worker does)."""
    results = pipeline(engine).decide_and_write(
        [Submission(Candidate.of(ds, new_id()), actor) for ds in items]
    )
    derived.derive_pending(engine)
    return results


def declare(engine: Engine, body: dict[str, Any], actor: str = PLATFORM) -> NewDeclaration:
    """Declare one set; raises ``DuplicateOrder`` or ``DeclarationRefused`` as the API
    would answer 409 or 422."""
    (result,) = declare_batch(engine, [parsed(body)], actor)
    if result.outcome is Outcome.DUPLICATE:
        raise DuplicateOrder(f"declared as {result.decision.existing_id}", "已申报")
    if result.outcome is not Outcome.ACCEPTED:
        raise DeclarationRefused(list(result.violations))
    assert result.declaration is not None
    return result.declaration


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
