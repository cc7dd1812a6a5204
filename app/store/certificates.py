"""Enterprises' signing certificates and signature policies.

A certificate is registered once (by its SHA-256 fingerprint) for one enterprise, and
revoking it is final. Registering and revoking are recorded in the audit trail in the
same transaction, as is each change of whether unsigned messages are accepted."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.ceb.certificates import Certificate
from app.ceb.signing import RegisteredCertificate
from app.errors import CertificateAlreadyRegistered, CertificateNotFound, EnterpriseNotFound
from app.store import audit
from app.store.db import read_session, write_session
from app.store.models import Enterprise, EnterpriseCertificate, SignaturePolicy
from app.store.models.types import utcnow

# Unsigned messages are accepted unless the enterprise says otherwise.
UNSIGNED_ACCEPTED_BY_DEFAULT = True


@dataclass(frozen=True, slots=True)
class SenderSignatures:
    """What verifying a sender's message needs: its certificates (revoked ones too, so
    that a signature by one is refused as revoked, not as unknown) and its policy."""

    unsigned_accepted: bool
    certificates: list[RegisteredCertificate]


def _require_enterprise(session: Session, customs_code: str) -> None:
    if not session.scalar(
        select(Enterprise.id).where(col(Enterprise.customs_code) == customs_code)
    ):
        raise EnterpriseNotFound(
            f"No enterprise is filed as {customs_code!r}.", f"企业 {customs_code!r} 未备案。"
        )


def register(
    engine: Engine, customs_code: str, certificate: Certificate, *, actor: str
) -> EnterpriseCertificate:
    row = EnterpriseCertificate(
        customs_code=customs_code,
        pem=certificate.pem,
        fingerprint=certificate.fingerprint,
        algorithm=certificate.algorithm,
        subject=certificate.subject[:500],
        not_before=certificate.not_before,
        not_after=certificate.not_after,
        created_at=utcnow(),
    )
    with write_session(engine) as session:
        _require_enterprise(session, customs_code)
        existing = session.scalars(
            select(EnterpriseCertificate).where(
                col(EnterpriseCertificate.fingerprint) == certificate.fingerprint
            )
        ).first()
        if existing is not None:
            mine = existing.customs_code == customs_code
            raise CertificateAlreadyRegistered(
                f"This certificate (SHA-256 {certificate.fingerprint}) is already registered"
                + (" for this enterprise" if mine else " for another enterprise")
                + (", and revoked." if existing.revoked_at is not None else "."),
                f"该证书（SHA-256 {certificate.fingerprint}）已登记"
                + ("。" if mine else "于其他企业。"),
                location=(
                    f"/v1/enterprises/{customs_code}/certificates/{existing.id}" if mine else None
                ),
            )
        session.add(row)
        session.flush()
        audit.record_action(
            session,
            actor,
            "certificate.registered",
            "certificate",
            str(row.id),
            {
                "customsCode": customs_code,
                "fingerprint": row.fingerprint,
                "algorithm": row.algorithm,
                "subject": row.subject,
                "notAfter": row.not_after,
            },
        )
        session.commit()
    return row


def list_for(engine: Engine, customs_code: str) -> Sequence[EnterpriseCertificate]:
    """An enterprise's certificates, revoked ones included, oldest first."""
    with read_session(engine) as session:
        _require_enterprise(session, customs_code)
        return session.scalars(
            select(EnterpriseCertificate)
            .where(col(EnterpriseCertificate.customs_code) == customs_code)
            .order_by(col(EnterpriseCertificate.id))
        ).all()


def revoke(
    engine: Engine, customs_code: str, certificate_id: int, *, actor: str
) -> EnterpriseCertificate:
    """Revoke a certificate (once; revoking it again changes nothing)."""
    with write_session(engine) as session:
        row = session.get(EnterpriseCertificate, certificate_id)
        if row is None or row.customs_code != customs_code:
            raise CertificateNotFound(
                f"Enterprise {customs_code} has no certificate {certificate_id}.",
                f"企业 {customs_code} 没有编号为 {certificate_id} 的证书。",
            )
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)
            session.flush()
            audit.record_action(
                session,
                actor,
                "certificate.revoked",
                "certificate",
                str(row.id),
                {"customsCode": customs_code, "fingerprint": row.fingerprint},
            )
            session.commit()
    return row


def unsigned_accepted(engine: Engine, customs_code: str) -> bool:
    with read_session(engine) as session:
        return _unsigned_accepted(session, customs_code)


def _unsigned_accepted(session: Session, customs_code: str) -> bool:
    policy = session.get(SignaturePolicy, customs_code)
    return UNSIGNED_ACCEPTED_BY_DEFAULT if policy is None else policy.unsigned_accepted


def set_unsigned_accepted(
    engine: Engine, customs_code: str, accepted: bool, *, actor: str
) -> SignaturePolicy:
    with write_session(engine) as session:
        _require_enterprise(session, customs_code)
        policy = session.get(SignaturePolicy, customs_code)
        before = UNSIGNED_ACCEPTED_BY_DEFAULT if policy is None else policy.unsigned_accepted
        if policy is None:
            policy = SignaturePolicy(customs_code=customs_code, unsigned_accepted=accepted)
        policy.unsigned_accepted = accepted
        policy.updated_at = utcnow()
        session.add(policy)
        session.flush()
        audit.record_action(
            session,
            actor,
            "signature_policy.changed",
            "enterprise",
            customs_code,
            {"unsignedAccepted": accepted, "before": before},
        )
        session.commit()
    return policy


def sender_signatures(engine: Engine, customs_code: str) -> SenderSignatures:
    with read_session(engine) as session:
        return sender_signatures_in(session, customs_code)


def sender_signatures_in(session: Session, customs_code: str) -> SenderSignatures:
    """What ``app.ceb.signing.verify`` needs to check ``customs_code``'s messages."""
    rows = session.execute(
        select(
            EnterpriseCertificate.id,
            EnterpriseCertificate.fingerprint,
            EnterpriseCertificate.revoked_at,
        ).where(col(EnterpriseCertificate.customs_code) == customs_code)
    ).all()
    return SenderSignatures(
        unsigned_accepted=_unsigned_accepted(session, customs_code),
        certificates=[
            RegisteredCertificate(fingerprint, revoked_at, id)
            for id, fingerprint, revoked_at in rows
        ],
    )


def filed_sender(engine: Engine, customs_code: str, *, signed: bool) -> SenderSignatures | None:
    """What checking a message from ``customs_code`` needs, in one read: None when no
    enterprise is filed so; the certificates only for a ``signed`` message."""
    with read_session(engine) as session:
        found = session.execute(_FILED_SENDER, {"code": customs_code}).first()
        if found is None:
            return None
        unsigned_accepted = UNSIGNED_ACCEPTED_BY_DEFAULT if found[0] is None else bool(found[0])
        if not signed:
            return SenderSignatures(unsigned_accepted, [])
        return sender_signatures_in(session, customs_code)


# The filing and its signature policy in one statement: every CEB message asks.
_FILED_SENDER = (
    select(col(SignaturePolicy.unsigned_accepted))
    .select_from(Enterprise)
    .join(
        SignaturePolicy,
        col(SignaturePolicy.customs_code) == col(Enterprise.customs_code),
        isouter=True,
    )
    .where(col(Enterprise.customs_code) == bindparam("code"))
)
