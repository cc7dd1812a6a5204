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
            "filing.suspended, filing.reinstated, filing.revoked, declaration.accepted, "
            "declaration.refused, declaration.status"
        )
    )
    subjectType: Literal["enterprise", "declaration"]
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


class AuditVerification(BaseModel):
    ok: bool
    checked: int = Field(description="Rows checked.")
    brokenSeq: int | None = Field(description="The first row that does not verify.")
    problem: str | None
