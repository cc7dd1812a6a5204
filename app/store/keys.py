"""API keys: made random, shown once, kept only as a SHA-256 with a visible prefix.
Issuing, rotating and revoking a key are recorded in the audit trail, in the same
transaction, with the key's state hash (``audit.key_state``)."""

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.errors import ApiKeyNotFound, EnterpriseNotFound
from app.store import audit
from app.store.db import read_session, write_session
from app.store.models import ApiKey, Enterprise
from app.store.models.types import utcnow

PREFIX_LENGTH = 12


class KeyKind(StrEnum):
    ADMIN = "admin"
    REGULATOR = "regulator"
    ENTERPRISE = "enterprise"


class RegulatorAgency(StrEnum):
    """The regulators that share the single window's records."""

    CUSTOMS = "customs"
    INSPECTION = "inspection"
    TAX = "tax"
    FOREX = "forex"
    COMMERCE = "commerce"
    # Market supervision (市场监管): complaints about goods, the credit negative list.
    MARKET = "market"


def hash_key(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def generate(kind: KeyKind) -> str:
    """``sw_<a|r|e>_`` and 256 random bits: the letter tells people what a key is for."""
    return f"sw_{kind.value[0]}_{secrets.token_urlsafe(32)}"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    plain: str  # shown once, never stored


def new_key(
    kind: KeyKind,
    *,
    created_by: str,
    agency: RegulatorAgency | None = None,
    customs_code: str | None = None,
    label: str | None = None,
) -> IssuedKey:
    plain = generate(kind)
    return IssuedKey(
        ApiKey(
            id=str(uuid.uuid4()),
            prefix=plain[:PREFIX_LENGTH],
            key_hash=hash_key(plain),
            kind=kind.value,
            agency=agency.value if agency else None,
            customs_code=customs_code,
            label=label,
            created_by=created_by,
            created_at=utcnow(),
        ),
        plain,
    )


def create(
    engine: Engine,
    kind: KeyKind,
    *,
    created_by: str,
    agency: RegulatorAgency | None = None,
    customs_code: str | None = None,
    label: str | None = None,
) -> IssuedKey:
    issued = new_key(
        kind, created_by=created_by, agency=agency, customs_code=customs_code, label=label
    )
    with write_session(engine) as session:
        if customs_code is not None and not session.scalar(
            select(Enterprise.id).where(col(Enterprise.customs_code) == customs_code)
        ):
            raise EnterpriseNotFound(
                f"No enterprise is filed as {customs_code!r}.", f"企业 {customs_code!r} 未备案。"
            )
        session.add(issued.key)
        session.flush()
        audit.append(session, [_issued_entry(issued.key)])
        session.commit()
    return issued


def _entry(kind: str, key: ApiKey, actor: str, data: dict[str, Any]) -> audit.Entry:
    return audit.Entry(
        kind=kind,
        subject_type="key",
        subject_id=key.id,
        actor=actor,
        data=data | {"stateSha256": audit.state_sha256(audit.key_state(key))},
        occurred_at=utcnow(),
    )


def _issued_entry(key: ApiKey, **extra: Any) -> audit.Entry:
    """What the trail keeps of a new key: whose it is and what it may do (not its hash)."""
    return _entry(
        "key.issued",
        key,
        key.created_by,
        {
            "id": key.id,
            "prefix": key.prefix,
            "kind": key.kind,
            "agency": key.agency,
            "customsCode": key.customs_code,
            "label": key.label,
            **extra,
        },
    )


def list_keys(engine: Engine, customs_code: str | None = None) -> Sequence[ApiKey]:
    """Every key (newest first), or an enterprise's own."""
    query = select(ApiKey).order_by(col(ApiKey.created_at).desc(), col(ApiKey.id))
    if customs_code is not None:
        query = query.where(col(ApiKey.customs_code) == customs_code)
    with read_session(engine) as session:
        return session.scalars(query).all()


def _owned(key: ApiKey | None, key_id: str, customs_code: str | None) -> ApiKey:
    if key is None or (customs_code is not None and key.customs_code != customs_code):
        raise ApiKeyNotFound(f"No API key has id {key_id!r}.", f"API 密钥 {key_id!r} 不存在。")
    return key


def revoke(
    engine: Engine, key_id: str, customs_code: str | None = None, *, actor: str = "system"
) -> ApiKey:
    """Revoke a key (an enterprise only its own). Revoking twice is harmless."""
    with write_session(engine) as session:
        key = _owned(session.get(ApiKey, key_id), key_id, customs_code)
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            _record(session, [_entry("key.revoked", key, actor, {})])
            session.commit()
        return key


def _record(session: Session, entries: list[audit.Entry]) -> None:
    session.flush()
    audit.append(session, entries)


def rotate(
    engine: Engine, key_id: str, *, created_by: str, customs_code: str | None = None
) -> tuple[ApiKey, IssuedKey]:
    """A new key with the same powers; the old one is revoked in the same transaction."""
    with write_session(engine) as session:
        old = _owned(session.get(ApiKey, key_id), key_id, customs_code)
        issued = new_key(
            KeyKind(old.kind),
            created_by=created_by,
            agency=RegulatorAgency(old.agency) if old.agency else None,
            customs_code=old.customs_code,
            label=old.label,
        )
        trail = []
        if old.revoked_at is None:
            old.revoked_at = utcnow()
            trail.append(_entry("key.rotated", old, created_by, {"replacedBy": issued.key.id}))
        session.add(issued.key)
        trail.append(_issued_entry(issued.key, replaces=old.id))
        _record(session, trail)
        session.commit()
        return old, issued


@dataclass(frozen=True, slots=True)
class KeyHolder:
    key: ApiKey
    # The enterprise's filing, for an enterprise's key.
    enterprise: Enterprise | None


def find_active(engine: Engine, key_hash: str) -> KeyHolder | None:
    with read_session(engine) as session:
        key = session.scalars(
            select(ApiKey).where(col(ApiKey.key_hash) == key_hash, col(ApiKey.revoked_at).is_(None))
        ).first()
        if key is None:
            return None
        enterprise = None
        if key.customs_code is not None:
            enterprise = session.scalars(
                select(Enterprise).where(col(Enterprise.customs_code) == key.customs_code)
            ).first()
        return KeyHolder(key, enterprise)
