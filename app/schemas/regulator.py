from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.schemas.enterprise import CreditGrade

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class CreditGradeChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    creditGrade: CreditGrade
    reason: Reason = Field(description="Why; kept in the audit trail.")


class FilingStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["suspended", "active", "revoked"] = Field(
        description="`suspended`, `active` (reinstated after a suspension) or `revoked` (final)."
    )
    reason: Reason = Field(description="Why; kept in the audit trail.")


class FeedItem(BaseModel):
    seq: int = Field(description="Position in the shared record; gapless, in commit order.")
    kind: str = Field(
        description=(
            "filing.created, filing.registered, filing.activated, filing.graded, "
            "filing.suspended, filing.reinstated, filing.revoked, filing.recorded, "
            "declaration.accepted, declaration.refused, declaration.status, key.issued, "
            "key.rotated, key.revoked, key.recorded, webhook.created, webhook.deleted, "
            "outbox.redriven, certificate.registered, certificate.revoked, "
            "signature_policy.changed, filing.listed, filing.lifted, complaint.filed, "
            "complaint.rejected, complaint.upheld, takedown.issued, takedown.acknowledged, "
            "product.filed, product.changed, delivery.recorded, recall.issued, "
            "filing.registration_reviewed, origin_certificate.applied"
        )
    )
    subjectType: Literal[
        "enterprise",
        "declaration",
        "key",
        "webhook",
        "outbox",
        "certificate",
        "complaint",
        "takedown",
        "product",
        "waybill",
        "recall",
        "origin_cert",
    ]
    subjectId: str
    actor: str = Field(description="Who did it: enterprise:<code>, regulator:<agency>:<key>, …")
    occurredAt: datetime
    data: dict[str, Any]
    hash: str = Field(description="The audit trail's hash of this row.")


class FeedPage(BaseModel):
    items: list[FeedItem]
    nextCursor: str = Field(
        description="Pass as `after` to get what follows (the same cursor when nothing is new)."
    )


class AuditCheckpoint(BaseModel):
    """A signed statement that row ``seq`` of the audit trail has hash ``hash``. Keep it:
    given back to ``POST /v1/regulator/audit/verify``, it shows whether the trail still
    holds that row unchanged, and so whether rows were removed from its end since."""

    model_config = ConfigDict(extra="forbid")

    seq: int = Field(
        ge=0, le=2**53 - 1, description="The row of the trail it signs (0: an empty trail)."
    )
    hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="That row's hash.")
    createdAt: datetime
    keyId: str = Field(
        pattern=r"^[0-9a-f]{16}$", description="Which of the service's signing keys signed it."
    )
    signature: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description=(
            "Hex HMAC-SHA256, under the service's audit key, of the canonical JSON of "
            '{"createdAt", "hash", "keyId", "seq"} (sorted keys, no spaces, the time in UTC '
            "with microseconds)."
        ),
    )


class AuditCheckpointPage(BaseModel):
    items: list[AuditCheckpoint]
    nextCursor: str | None


class CheckpointProblem(BaseModel):
    seq: int
    problem: str = Field(
        description=(
            "rows missing after a checkpoint (the trail ends before it), checkpoint hash "
            "mismatch (the row was rewritten), checkpoint signature invalid"
        )
    )
    kept: bool = Field(description="The checkpoint given to verify, not a stored one.")


class RowProblem(BaseModel):
    subjectType: Literal["enterprise", "declaration", "key"]
    subjectId: str
    problem: str = Field(
        description=(
            "no audit entry; state differs from its newest audit entry (the row was changed "
            "without one); differs from its acceptance entry (a declaration's parties, "
            "numbers, value or documents)"
        )
    )


class KeptCheckpointResult(BaseModel):
    seq: int
    ok: bool
    problem: str | None


class AuditVerification(BaseModel):
    ok: bool = Field(description="The chain, the checkpoints and the business rows all verify.")
    checked: int = Field(description="Rows of the trail checked.")
    brokenSeq: int | None = Field(description="The first row that does not verify.")
    problem: str | None
    headHash: str | None = Field(
        default=None, description="The hash of the last row checked (row `checked`)."
    )
    checkpointsChecked: int = Field(default=0, description="Checkpoints compared with the trail.")
    checkpointProblems: list[CheckpointProblem] = Field(default_factory=list)
    rowsChecked: int = Field(
        default=0, description="Filings, API keys and declarations compared with their entries."
    )
    rowProblemCount: int = Field(default=0)
    rowProblems: list[RowProblem] = Field(
        default_factory=list, description="The first 100 rows that do not match the trail."
    )
    unanchoredRows: int = Field(
        default=0, description="Rows whose entries all predate state hashes."
    )
    checkpoint: KeptCheckpointResult | None = Field(
        default=None, description="The checkpoint given to verify, if one was."
    )
