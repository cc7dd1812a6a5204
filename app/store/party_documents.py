"""The documents each party posts on its own (三单对碰), waiting for the others of their
order: filed, matched, handed to the intake pipeline once the three are there, settled
with what it decided, and expired when they wait too long.

An order's documents are keyed by its platform and number. A CEB511 waybill names only
the order number: it joins the one platform with documents of that order waiting, or
waits under no platform (``ebp_code`` '') until the order or the payment, which name it,
arrives. Everything about one order number is decided one transaction at a time (on
PostgreSQL an advisory lock on the number; SQLite has one writer)."""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import uuid_utils
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from app.domain.party_documents import (
    KINDS,
    LIVE,
    DocumentKind,
    DocumentStatus,
    kind_zh,
    lacks_hs_codes,
    missing,
)
from app.errors import DocumentConflict, DuplicateOrder, WaybillPlatformAmbiguous
from app.store.db import read_session, write_session
from app.store.models import PartyDocument
from app.store.webhooks import ExpiredDocument, announce_documents_expired

# A waybill whose order has not named its platform yet.
NO_PLATFORM = ""
# How many documents one expiry pass takes on (the next pass takes the rest).
EXPIRY_BATCH = 1000


class Verdict(StrEnum):
    STORED = "stored"  # new, a change, or in place of an expired one
    UNCHANGED = "unchanged"  # the same document sent again: nothing new


@dataclass(frozen=True, slots=True)
class Arrival:
    """A document as its sender posted it."""

    kind: DocumentKind
    # The platform it names (for a waybill, the one its sender says, if any).
    platform: str | None
    order_no: str
    party_code: str  # the enterprise it speaks for
    actor: str  # who posted it
    document: dict[str, Any]  # its fields, as JSON
    fingerprint: str
    app_type: str  # "1" or "2"


@dataclass(frozen=True, slots=True)
class Assembly:
    """The three documents of an order, to be declared under ``declaration_id``."""

    declaration_id: str
    ebp_code: str
    order_no: str
    documents: Mapping[DocumentKind, dict[str, Any]]


@dataclass
class Filed:
    """Where an order stands after a document arrived."""

    verdict: Verdict
    kind: DocumentKind
    ebp_code: str  # NO_PLATFORM: a waybill whose platform is not known yet
    order_no: str
    status: DocumentStatus  # the document's
    expires_at: datetime
    received: list[DocumentKind]
    outcome: dict[str, Any] | None = None
    # The three are there and not declared yet: declare them, then ``settle``.
    assembly: Assembly | None = None

    @property
    def missing(self) -> list[DocumentKind]:
        return missing(self.received)


def file(engine: Engine, arrival: Arrival, now: datetime, window: timedelta) -> Filed:
    """File a document with its order's others (``window``: how long it may wait for
    them). ``DocumentConflict`` when another one of its kind is there and it is not a
    change, ``DuplicateOrder`` when its order is declared already,
    ``WaybillPlatformAmbiguous`` when a waybill could belong to several platforms' orders."""
    with write_session(engine, urgent=True) as session:
        _lock_order_number(session, arrival.order_no)
        ebp_code = _platform(session, arrival)
        group = _group(session, ebp_code, arrival.order_no)
        existing = group.get(arrival.kind)
        verdict = _verdict(existing, arrival, ebp_code)
        if verdict is Verdict.STORED:
            row = _store(session, existing, arrival, ebp_code, now, window)
            group[arrival.kind] = row
            slot = group.get(DocumentKind.WAYBILL)
            if ebp_code != NO_PLATFORM and (slot is None or slot.status == DocumentStatus.EXPIRED):
                claimed = _claim_waybill(session, ebp_code, arrival.order_no, slot, now)
                if claimed is not None:
                    group[DocumentKind.WAYBILL] = claimed
        else:
            assert existing is not None
            row = existing
        live = {kind: r for kind, r in group.items() if r.status != DocumentStatus.EXPIRED}
        assembly = None
        if _ready(live, ebp_code, verdict):
            assembly = Assembly(
                str(uuid_utils.uuid7()),
                ebp_code,
                arrival.order_no,
                {kind: dict(r.document) for kind, r in live.items()},
            )
            for r in live.values():
                r.status = DocumentStatus.ASSEMBLING
                r.declaration_id = assembly.declaration_id
                r.outcome = None
                r.updated_at = now
        session.flush()
        filed = Filed(
            verdict,
            arrival.kind,
            ebp_code,
            arrival.order_no,
            DocumentStatus(row.status),
            row.expires_at,
            [kind for kind in KINDS if kind in live],
            row.outcome,
            assembly,
        )
        session.commit()
    return filed


def settle(
    engine: Engine,
    assembly: Assembly,
    status: DocumentStatus,
    outcome: dict[str, Any],
    now: datetime,
) -> None:
    """Record what became of an assembled order: ``assembled`` (its declaration accepted)
    or ``refused`` (the documents stay, to be corrected)."""
    declaration_id = assembly.declaration_id if status is DocumentStatus.ASSEMBLED else None
    with write_session(engine, urgent=True) as session:
        session.execute(
            update(PartyDocument)
            .where(*_assembling(assembly))
            .values(status=status, outcome=outcome, declaration_id=declaration_id, updated_at=now)
        )
        session.commit()


def release(engine: Engine, assembly: Assembly, now: datetime) -> None:
    """An assembly that could not be decided (the service was overloaded, the database
    went away): its documents wait again, and the next one posted or sent again
    declares them."""
    with write_session(engine, urgent=True) as session:
        session.execute(
            update(PartyDocument)
            .where(*_assembling(assembly))
            .values(status=DocumentStatus.WAITING, declaration_id=None, updated_at=now)
        )
        session.commit()


def order_documents(engine: Engine, ebp_code: str, order_no: str) -> list[PartyDocument]:
    """An order's documents, with the waybills naming its number that wait for their
    platform to be known."""
    with read_session(engine) as session:
        return list(
            session.scalars(
                select(PartyDocument)
                .where(
                    col(PartyDocument.order_no) == order_no,
                    col(PartyDocument.ebp_code).in_((ebp_code, NO_PLATFORM)),
                )
                .order_by(col(PartyDocument.created_at))
            )
        )


def expire_due(engine: Engine, now: datetime) -> list[ExpiredDocument]:
    """Expire the documents still unmatched at their time (waiting, or refused and not
    corrected), and tell their senders (a ``documents.expired`` event each, for the
    endpoints listening); what expired. Run periodically by the worker."""
    with write_session(engine) as session:
        rows = list(
            session.scalars(
                select(PartyDocument)
                .where(
                    col(PartyDocument.status).in_(LIVE),
                    col(PartyDocument.expires_at) <= now,
                )
                .order_by(col(PartyDocument.expires_at))
                .limit(EXPIRY_BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        expired = []
        for row in rows:
            row.status = DocumentStatus.EXPIRED
            row.updated_at = now
            expired.append(
                ExpiredDocument(
                    kind=row.kind,
                    ebp_code=row.ebp_code or None,
                    order_no=row.order_no,
                    party=row.party_code,
                    received_at=row.created_at,
                )
            )
        session.flush()
        announce_documents_expired(session, expired, now)
        session.commit()
    return expired


# -- the steps ------------------------------------------------------------------------------


def _lock_order_number(session: Session, order_no: str) -> None:
    """One transaction at a time per order number (PostgreSQL; SQLite's writer is one)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"party_documents:{order_no}".encode()).digest()
    session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], signed=True))))


def _platform(session: Session, arrival: Arrival) -> str:
    """The platform whose order the document belongs to."""
    if arrival.platform is not None:
        return arrival.platform
    # A waybill: the same waybill sent before is where it was filed.
    rows = list(
        session.scalars(
            select(PartyDocument).where(
                col(PartyDocument.order_no) == arrival.order_no,
                col(PartyDocument.status) != DocumentStatus.EXPIRED,
            )
        )
    )
    for row in rows:
        if row.kind == arrival.kind and row.fingerprint == arrival.fingerprint:
            return row.ebp_code
    waiting = [
        r for r in rows if r.ebp_code != NO_PLATFORM and r.status != DocumentStatus.ASSEMBLED
    ]
    platforms = {r.ebp_code for r in waiting}
    if len(platforms) > 1:
        # Those whose order still waits for a waybill.
        platforms -= {r.ebp_code for r in waiting if r.kind == DocumentKind.WAYBILL}
    if len(platforms) > 1:
        raise WaybillPlatformAmbiguous(
            f"Several platforms ({', '.join(sorted(platforms))}) have documents of an order "
            f"numbered {arrival.order_no!r} waiting; name the platform with ?ebpCode=.",
            f"多个电商平台（{'、'.join(sorted(platforms))}）有订单编号 {arrival.order_no!r} "
            "的单证待对碰，请用 ?ebpCode= 指明电商平台。",
        )
    return platforms.pop() if platforms else NO_PLATFORM


def _group(session: Session, ebp_code: str, order_no: str) -> dict[DocumentKind, PartyDocument]:
    rows = session.scalars(
        select(PartyDocument).where(
            col(PartyDocument.ebp_code) == ebp_code, col(PartyDocument.order_no) == order_no
        )
    )
    return {DocumentKind(r.kind): r for r in rows}


def _verdict(existing: PartyDocument | None, arrival: Arrival, ebp_code: str) -> Verdict:
    if existing is None or existing.status == DocumentStatus.EXPIRED:
        return Verdict.STORED
    if existing.fingerprint == arrival.fingerprint:
        return Verdict.UNCHANGED
    kind, kind_cn = arrival.kind.value, kind_zh(arrival.kind)
    order = f"order {arrival.order_no!r}" + (f" of platform {ebp_code}" if ebp_code else "")
    order_zh = (f"电商平台 {ebp_code} 的" if ebp_code else "") + f"订单 {arrival.order_no!r}"
    if existing.status == DocumentStatus.ASSEMBLED:
        raise DuplicateOrder(
            f"The documents of {order} have been declared; a {kind} cannot change now.",
            f"{order_zh}的单证已申报，{kind_cn}不能再变更。",
        )
    if existing.status == DocumentStatus.ASSEMBLING:
        raise DocumentConflict(
            f"The documents of {order} are being declared right now; send the {kind} again "
            "in a moment.",
            f"{order_zh}的单证正在申报，请稍后重新发送{kind_cn}。",
        )
    if arrival.app_type != "2":
        raise DocumentConflict(
            f"Another {kind} was sent for {order}; send this one with appType 2 to replace it.",
            f"{order_zh}已有另一份{kind_cn}；如需替换，请以 appType 2（变更）发送。",
        )
    return Verdict.STORED


def _store(
    session: Session,
    existing: PartyDocument | None,
    arrival: Arrival,
    ebp_code: str,
    now: datetime,
    window: timedelta,
) -> PartyDocument:
    """The document, new or in place of the one of its kind (expired, or changed)."""
    row = existing or PartyDocument(
        id=str(uuid_utils.uuid7()),
        ebp_code=ebp_code,
        order_no=arrival.order_no,
        kind=arrival.kind.value,
        created_at=now,
        expires_at=now + window,
        sender=arrival.actor,
        party_code=arrival.party_code,
        document=arrival.document,
        fingerprint=arrival.fingerprint,
        app_type=arrival.app_type,
        status=DocumentStatus.WAITING,
    )
    if existing is not None:
        row.created_at = now if existing.status == DocumentStatus.EXPIRED else row.created_at
        row.sender, row.party_code = arrival.actor, arrival.party_code
        row.document, row.fingerprint = arrival.document, arrival.fingerprint
        row.app_type = arrival.app_type
        row.status, row.outcome, row.declaration_id = DocumentStatus.WAITING, None, None
    row.updated_at = now
    row.expires_at = now + window
    session.add(row)
    return row


def _claim_waybill(
    session: Session, ebp_code: str, order_no: str, expired: PartyDocument | None, now: datetime
) -> PartyDocument | None:
    """A waybill naming this order's number that waits for its platform: this order's, if
    it is the only one (in place of the order's ``expired`` one, if any)."""
    waiting = list(
        session.scalars(
            select(PartyDocument).where(
                col(PartyDocument.ebp_code) == NO_PLATFORM,
                col(PartyDocument.order_no) == order_no,
                col(PartyDocument.kind) == DocumentKind.WAYBILL,
                col(PartyDocument.status).in_(LIVE),
            )
        )
    )
    if len(waiting) != 1:
        return None
    (waybill,) = waiting
    if expired is not None:
        session.delete(expired)
        session.flush()
    waybill.ebp_code = ebp_code
    waybill.updated_at = now
    return waybill


def _ready(live: Mapping[DocumentKind, PartyDocument], ebp_code: str, verdict: Verdict) -> bool:
    """Whether to declare the order's documents now: the three are there, and either one
    is new (a refused set corrected, too) or they were left waiting by a declaration that
    did not finish (``release``)."""
    if ebp_code == NO_PLATFORM or len(live) != len(KINDS):
        return False
    statuses = {DocumentStatus(r.status) for r in live.values()}
    if not statuses <= set(LIVE):
        return False
    if lacks_hs_codes(live[DocumentKind.ORDER].document):
        return False  # the inventory brings them
    return verdict is Verdict.STORED or statuses == {DocumentStatus.WAITING}


def _assembling(assembly: Assembly) -> Sequence[Any]:
    return (
        col(PartyDocument.ebp_code) == assembly.ebp_code,
        col(PartyDocument.order_no) == assembly.order_no,
        col(PartyDocument.status) == DocumentStatus.ASSEMBLING,
        col(PartyDocument.declaration_id) == assembly.declaration_id,
    )


def parties(documents: Sequence[PartyDocument]) -> frozenset[str]:
    """The enterprises an order's documents name, and those they speak for: who may see
    where the order stands."""
    named: set[str] = set()
    for row in documents:
        named.add(row.party_code)
        for name in ("ebpCode", "ebcCode", "payCode", "logisticsCode"):
            value = row.document.get(name)
            if isinstance(value, str):
                named.add(value)
    return frozenset(named)
