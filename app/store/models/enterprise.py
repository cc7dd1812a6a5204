from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from app.store.models.types import UTCDateTime, utcnow


class Enterprise(SQLModel, table=True):
    """One enterprise filing (企业备案), shared by every agency."""

    __tablename__ = "enterprises"

    id: int | None = Field(default=None, primary_key=True)
    customs_code: str = Field(sa_column=Column(String(10), nullable=False, unique=True))
    uscc: str = Field(sa_column=Column(String(18), nullable=False, unique=True))
    name: str = Field(max_length=100)
    # Space-separated, sorted role names; no role name is a substring of another, so a
    # LIKE filter on one role is exact.
    roles: str = Field(max_length=64)
    contact_name: str = Field(max_length=60)
    telephone: str = Field(max_length=30)
    status: str = Field(max_length=16, index=True)
    credit_grade: str = Field(max_length=16)
    # Why a regulator last changed the status (a suspension, a revocation).
    status_reason: str | None = Field(default=None, max_length=500)
    # While on the credit negative list: until when (app.domain.trust.OPEN_ENDED for a
    # listing without an end). Kept on the filing so that the intake learns it with the
    # filing, in the one statement it reads its facts with.
    listed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EnterpriseRegistration(SQLModel, table=True):
    """An agency's registration of a filing: the number it knows the enterprise by."""

    __tablename__ = "enterprise_registrations"

    enterprise_id: int = Field(
        sa_column=Column(Integer, ForeignKey("enterprises.id"), primary_key=True)
    )
    agency: str = Field(sa_column=Column(String(16), primary_key=True))
    registration_no: str = Field(max_length=40)
    registered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
