"""Each party's own document (三单对碰) into the one intake pipeline: filed with the
order's others, and, once the order, its payment and its waybill are all there, declared
exactly as a declaration posted as one set. The JSON routes (app.routers.documents) and
the CEB messages (app.routers.ceb) both come through here."""

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from app.config import Settings
from app.domain import party_documents as domain
from app.domain.clearance import CEB_STATUS, ClearanceStatus
from app.domain.decision import Candidate, Outcome
from app.domain.party_documents import DocumentKind, DocumentStatus
from app.domain.privacy import PERSONAL_FIELDS, mask
from app.errors import InvalidRequest, NotAParty
from app.intake.pipeline import IntakePipeline, ItemResult, Submission
from app.schemas.declaration import DeclarationSet
from app.schemas.parsing import violations_from
from app.schemas.responses import Violation
from app.store import afterlife, declarations
from app.store import party_documents as store
from app.store.models import Declaration
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
    if arrival.app_type == CHANGE and arrival.platform:
        declared = await asyncio.to_thread(
            declarations.find_by_order, engine, arrival.platform, arrival.order_no
        )
        if declared is not None:
            key_ttl = timedelta(hours=settings.idempotency_ttl_hours)
            return await asyncio.to_thread(
                _amend_part, engine, declared, kind, document, actor, key_ttl
            )
    filed = await asyncio.to_thread(store.file, engine, arrival, utcnow(), window)
    if filed.assembly is not None:
        await _declare(pipeline, actor, filed, filed.assembly)
    return filed


# A document sent with appType 2 is a change: before its order is declared it replaces
# the one of its kind; after, it amends the declaration.
CHANGE = "2"


def _amend_part(
    engine: Any,
    declared: Declaration,
    kind: DocumentKind,
    document: Mapping[str, Any],
    actor: str,
    key_ttl: timedelta,
) -> store.Filed:
    """Amend a declared set with one party's corrected document, as ``PUT
    /v1/declarations/{id}`` does with the whole set: the same rules, a new version for
    the agencies. The same document again changes nothing."""
    part = domain.PART[kind]
    corrected = {k: v for k, v in document.items() if k != "appType"}
    if kind is DocumentKind.ORDER:
        # A CEB311's lines have no HS code: each keeps the one declared for its gnum.
        declared_lines = {
            item.get("gnum"): item for item in declared.documents[part].get("items", [])
        }
        corrected["items"] = [
            item
            if item.get("gcode")
            else dict(item) | {"gcode": declared_lines.get(item.get("gnum"), {}).get("gcode")}
            for item in corrected.get("items", [])
        ]
    try:
        ds = DeclarationSet.model_validate(dict(declared.documents) | {part: corrected})
    except ValidationError as error:
        raise InvalidRequest(violations_from(error.errors(include_url=False))) from None
    now = utcnow()
    received = list(domain.KINDS)
    if ds.model_dump(mode="json", exclude_none=True) == declared.documents:
        return store.Filed(
            verdict=store.Verdict.UNCHANGED,
            kind=kind,
            ebp_code=declared.ebp_code,
            order_no=declared.order_no,
            status=DocumentStatus.ASSEMBLED,
            expires_at=now,
            received=received,
            outcome=_declared(declared.id, ClearanceStatus(declared.status)),
        )
    amended = afterlife.amend(
        engine,
        declared.id,
        ds,
        if_match=declared.version,
        actor=actor,
        party=None,
        key_ttl=key_ttl,
        now=now,
    )
    return store.Filed(
        verdict=store.Verdict.STORED,
        kind=kind,
        ebp_code=declared.ebp_code,
        order_no=declared.order_no,
        status=DocumentStatus.ASSEMBLED,
        expires_at=now,
        received=received,
        outcome=_declared(declared.id, ClearanceStatus(amended.declaration.status)),
    )


def _declared(declaration_id: str, status: ClearanceStatus) -> dict[str, Any]:
    return {
        "outcome": Outcome.ACCEPTED.value,
        "id": declaration_id,
        "status": status.value,
        "cebStatus": CEB_STATUS[status],
    }


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
        return _declared(assembly.declaration_id, ClearanceStatus.ACCEPTED)
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
