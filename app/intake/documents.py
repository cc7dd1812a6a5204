"""Each party's own document (三单对碰) into the one intake pipeline: filed with the
order's others, and, once the order, its payment and its waybill are all there, declared
exactly as a declaration posted as one set. The JSON routes (app.routers.documents) and
the CEB messages (app.routers.ceb) both come through here."""

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from app.config import Settings
from app.domain import party_documents as domain
from app.domain.clearance import CEB_STATUS, ClearanceStatus
from app.domain.decision import Candidate, Outcome
from app.domain.party_documents import DocumentKind, DocumentStatus
from app.domain.privacy import PERSONAL_FIELDS, mask
from app.errors import NotAParty
from app.intake.pipeline import IntakePipeline, ItemResult, Submission
from app.schemas.declaration import DeclarationSet
from app.schemas.responses import Violation
from app.store import party_documents as store
from app.store.models.types import utcnow


async def receive_document(
    pipeline: IntakePipeline,
    settings: Settings,
    kind: DocumentKind,
    document: dict[str, Any],
    platform: str | None,
    *,
    own: str | None,
    actor: str,
) -> store.Filed:
    """File one party's document (``own``: the enterprise sending it, None for the
    admins); when it completes its order's three, declare them. ``NotAParty`` when the
    sender is not the party the document names in its role."""
    stranger = domain.not_a_sender(own, kind, document)
    if stranger is not None:
        raise NotAParty(stranger.message, stranger.messageZh)
    arrival = store.Arrival(
        kind=kind,
        platform=domain.platform_of(kind, document) or platform,
        order_no=str(document["orderNo"]),
        party_code=own or domain.senders(kind, document)[0],
        actor=actor,
        document=document,
        fingerprint=domain.fingerprint(document),
        app_type=str(document.get("appType", "1")),
    )
    window = timedelta(hours=settings.document_match_hours)
    engine = pipeline.engine
    filed = await asyncio.to_thread(store.file, engine, arrival, utcnow(), window)
    if filed.assembly is not None:
        await _declare(pipeline, actor, filed, filed.assembly)
    return filed


async def _declare(
    pipeline: IntakePipeline, actor: str, filed: store.Filed, assembly: store.Assembly
) -> None:
    """Declare the three through the intake pipeline, and record what it decided."""
    engine = pipeline.engine
    try:
        ds = DeclarationSet.model_validate(domain.declaration_body(assembly.documents))
        result = await pipeline.declare(
            Submission(Candidate.of(ds, assembly.declaration_id), actor)
        )
    except BaseException:
        await asyncio.to_thread(store.release, engine, assembly, utcnow())
        raise
    outcome = _outcome(result, assembly)
    accepted = result.outcome is Outcome.ACCEPTED
    status = DocumentStatus.ASSEMBLED if accepted else DocumentStatus.REFUSED
    await asyncio.to_thread(store.settle, engine, assembly, status, outcome, utcnow())
    filed.status, filed.outcome = status, outcome


def _outcome(result: ItemResult, assembly: store.Assembly) -> dict[str, Any]:
    """What became of the declaration, as kept with the documents: buyers' and payers'
    ID and phone numbers masked in the violations' texts (each party reads them)."""
    if result.outcome is Outcome.ACCEPTED:
        return {
            "outcome": Outcome.ACCEPTED.value,
            "id": assembly.declaration_id,
            "status": ClearanceStatus.ACCEPTED.value,
            "cebStatus": CEB_STATUS[ClearanceStatus.ACCEPTED],
        }
    duplicate = result.outcome is Outcome.DUPLICATE
    secrets = _personal_values(assembly.documents)
    violations = [
        Violation(
            code=v.code,
            pointer=v.pointer,
            parameter=v.parameter,
            message=v.message,
            messageZh=v.messageZh,
        ).model_dump(exclude_none=True)
        for v in result.violations
    ]
    for v in violations:
        for value in secrets:
            v["message"] = v["message"].replace(value, mask(value))
            v["messageZh"] = v["messageZh"].replace(value, mask(value))
    return {
        "outcome": Outcome.DUPLICATE.value if duplicate else Outcome.REFUSED.value,
        "violations": violations,
    }


def _personal_values(documents: Mapping[DocumentKind, Mapping[str, Any]]) -> list[str]:
    values = []
    for kind, document in documents.items():
        for name in PERSONAL_FIELDS[domain.PART[kind]]:
            value = document.get(name)
            if isinstance(value, str) and value:
                values.append(value)
    return sorted(set(values), key=len, reverse=True)
