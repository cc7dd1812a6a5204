"""Batch intake: up to 100 declarations in one call, each accepted or refused on its own.

The whole batch is decided in one transaction with its facts read in a few round trips,
and the items are judged in order, so that items of one batch see each other (a buyer's
second order counts the first; a waybill is used once). On PostgreSQL the buyers' quota
rows and the waybills concerned are locked first; should another transaction still get
in the way (the same order or a new waybill declared concurrently), the batch is run
again item by item through the single-declaration path, which settles every race."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from app.domain import rules
from app.domain.violations import RuleViolation
from app.errors import DeclarationRefused, DomainError, DuplicateOrder
from app.schemas.declaration import DeclarationSet
from app.services import intake
from app.store import audit, idempotency
from app.store.db import write_session
from app.store.models import BuyerQuota, Declaration, Enterprise, Waybill
from app.store.models.types import utcnow

ACCEPTED = "accepted"
REFUSED = "declaration_refused"
INVALID = "invalid_request"
DUPLICATE = "duplicate_order"
# Not decided again: its Idempotency-Key has an answer to replay, or is refused.
KEYED = "idempotency_key"


@dataclass
class ItemResult:
    outcome: str  # one of ACCEPTED, REFUSED, INVALID, DUPLICATE, KEYED
    declaration: intake.NewDeclaration | None = None
    violations: list[RuleViolation] = field(default_factory=list)
    existing_id: str | None = None
    # KEYED: the key's stored answer, or why the key is refused.
    replay: idempotency.StoredAnswer | None = None
    key_problem: DomainError | None = None
    # A keyed item's answer, as stored with its key in the transaction that decided it.
    answer: idempotency.StoredAnswer | None = None


@dataclass(frozen=True, slots=True)
class Keyed:
    """An item's Idempotency-Key, claimed in the transaction that decides the item and
    completed with its answer (``render``) before that transaction commits: a retry finds
    either nothing or the answer, never a half-done request."""

    claim: idempotency.KeyClaim
    render: Callable[[ItemResult], idempotency.StoredAnswer]


def _key_result(outcome: idempotency.ClaimOutcome) -> ItemResult | None:
    if outcome is None:
        return None
    if isinstance(outcome, DomainError):
        return ItemResult(KEYED, key_problem=outcome)
    return ItemResult(KEYED, replay=outcome)


class _RaceLost(Exception):
    """Another transaction wrote what this batch was about to write."""


BatchItem = DeclarationSet | list[RuleViolation]  # parsed, or its schema violations


def declare_batch(
    engine: Engine,
    items: Sequence[BatchItem],
    *,
    actor: str = "system",
    actors: Sequence[str] | None = None,
    keys: Sequence[Keyed | None] | None = None,
) -> list[ItemResult]:
    """Decide every item; ``actors``, when given, names each item's actor (declarations
    grouped from different callers), otherwise ``actor`` declared them all; ``keys``
    gives items their Idempotency-Keys."""
    if actors is None:
        actors = [actor] * len(items)
    if keys is None:
        keys = [None] * len(items)
    if not len(actors) == len(keys) == len(items):
        raise ValueError("one actor and one key (or None) per item")
    try:
        return _declare_together(engine, items, actors, keys)
    except (_RaceLost, IntegrityError):
        return [
            _declare_alone_keyed(engine, item, by, keyed)
            for item, by, keyed in zip(items, actors, keys, strict=True)
        ]


def _declare_alone_keyed(
    engine: Engine, item: BatchItem, actor: str, keyed: Keyed | None
) -> ItemResult:
    """After a lost race, one item on its own, its key claimed and completed around it."""
    if keyed is None:
        return _declare_alone(engine, item, actor)
    c = keyed.claim
    outcome: idempotency.ClaimOutcome
    try:
        outcome = idempotency.claim(engine, c.scope, c.key, c.fingerprint, c.policy)
    except DomainError as problem:
        outcome = problem
    if (settled := _key_result(outcome)) is not None:
        return settled
    try:
        result = _declare_alone(engine, item, actor)
        result.answer = keyed.render(result)
    except BaseException:
        idempotency.release(engine, c.scope, c.key)
        raise
    idempotency.complete(engine, c.scope, c.key, result.answer)
    return result


def _declare_alone(engine: Engine, item: BatchItem, actor: str) -> ItemResult:
    if not isinstance(item, DeclarationSet):
        return ItemResult(INVALID, violations=item)
    try:
        return ItemResult(ACCEPTED, declaration=intake.declare(engine, item, actor=actor))
    except DuplicateOrder as duplicate:
        existing = str(duplicate.extra.get("location", "")).rsplit("/", 1)[-1]
        return ItemResult(
            DUPLICATE, violations=[intake.duplicate_violation(item)], existing_id=existing or None
        )
    except DeclarationRefused as refused:
        return ItemResult(REFUSED, violations=refused.violations)


@dataclass
class _BatchFacts:
    filings: dict[str, rules.FilingFacts]
    existing: dict[tuple[str, str], str]
    quota_used: dict[tuple[str, int], int]
    waybill_used_at: dict[tuple[str, str], datetime]


def _declare_together(
    engine: Engine,
    items: Sequence[BatchItem],
    actors: Sequence[str],
    keys: Sequence[Keyed | None],
) -> list[ItemResult]:
    now = utcnow()
    year = rules.china_year(now)
    cutoff = rules.months_before(now, rules.WAYBILL_REUSE_MONTHS)
    results: list[ItemResult] = []
    accepted: list[intake.NewDeclaration] = []
    refused: list[tuple[DeclarationSet, Sequence[RuleViolation]]] = []
    refused_by: list[str] = []
    # What depends on an item alone is worked out before the writer's turn: the checks
    # of the documents among themselves, and the rows an acceptance would write.
    prepared: dict[int, tuple[list[RuleViolation], intake.AcceptedRows | None]] = {}
    for index, (item, actor) in enumerate(zip(items, actors, strict=True)):
        if isinstance(item, DeclarationSet):
            found = rules.check_documents(item)
            rows = (
                None
                if found
                else intake.AcceptedRows.of(
                    intake.new_declaration(item, now), actor, now, engine.dialect
                )
            )
            prepared[index] = (found, rows)
    # Most items are accepted: their keys' answers are rendered before the turn too, and
    # rendered again in it only if the item turns out otherwise.
    if_accepted = {
        index: keyed.render(ItemResult(ACCEPTED, declaration=rows.declaration))
        for index, keyed in enumerate(keys)
        if keyed is not None and index in prepared and (rows := prepared[index][1]) is not None
    }
    accepted_rows: list[intake.AcceptedRows] = []
    with write_session(engine, urgent=True) as session:
        settled = _claim_keys(session, keys, now)
        parsed = [
            item
            for index, item in enumerate(items)
            if isinstance(item, DeclarationSet) and index not in settled
        ]
        facts = _read_facts(session, parsed, year)
        used = dict(facts.quota_used)
        orders = dict(facts.existing)
        waybills_taken: set[tuple[str, str]] = set()
        for index, (item, actor) in enumerate(zip(items, actors, strict=True)):
            if index in settled:
                results.append(settled[index])
                continue
            if not isinstance(item, DeclarationSet):
                results.append(ItemResult(INVALID, violations=item))
                continue
            order_key = (item.order.ebpCode, item.order.orderNo)
            if order_key in orders:
                results.append(
                    ItemResult(
                        DUPLICATE,
                        violations=[intake.duplicate_violation(item)],
                        existing_id=orders[order_key],
                    )
                )
                continue
            waybill = (item.logistics.logisticsCode, item.logistics.logisticsNo)
            last_used = facts.waybill_used_at.get(waybill)
            reused = waybill in waybills_taken or (last_used is not None and last_used > cutoff)
            buyer = (item.order.buyerIdNumber, year)
            in_documents, rows = prepared[index]
            found = [
                *in_documents,
                *rules.check_filings(item, facts.filings),
                *rules.check_annual_limit(item, intake.from_quota_units(used.get(buyer, 0))),
                *rules.check_waybill(item, reused),
            ]
            if found:
                refused.append((item, found))
                refused_by.append(actor)
                results.append(ItemResult(REFUSED, violations=found))
                continue
            assert rows is not None  # the documents were in order
            declaration = rows.declaration
            accepted.append(declaration)
            accepted_rows.append(rows)
            orders[order_key] = declaration.id
            waybills_taken.add(waybill)
            used[buyer] = used.get(buyer, 0) + declaration.quota_charge
            results.append(ItemResult(ACCEPTED, declaration=declaration))
        trail = intake.insert_rows(session, accepted_rows)
        _claim_waybills(session, accepted, facts, now)
        _charge_quotas(session, facts.quota_used, used, now)
        trail += intake.insert_refusals(session, refused, now, refused_by)
        _complete_keys(session, keys, results, settled, if_accepted)
        audit.append(session, trail)
        session.commit()
    return results


def _claim_keys(
    session: Session, keys: Sequence[Keyed | None], now: datetime
) -> dict[int, ItemResult]:
    """Claim the items' keys; answers the items not to decide (replays, refused keys)."""
    keyed = [(index, k) for index, k in enumerate(keys) if k is not None]
    if not keyed:
        return {}
    outcomes = idempotency.claim_many(session, [k.claim for _, k in keyed], now)
    settled = {}
    for (index, _), outcome in zip(keyed, outcomes, strict=True):
        if (result := _key_result(outcome)) is not None:
            settled[index] = result
    return settled


def _complete_keys(
    session: Session,
    keys: Sequence[Keyed | None],
    results: Sequence[ItemResult],
    settled: dict[int, ItemResult],
    if_accepted: dict[int, idempotency.StoredAnswer],
) -> None:
    answers = []
    for index, (keyed, result) in enumerate(zip(keys, results, strict=True)):
        if keyed is None or index in settled:
            continue
        if result.outcome == ACCEPTED and index in if_accepted:
            result.answer = if_accepted[index]
        else:
            result.answer = keyed.render(result)
        answers.append((keyed.claim.scope, keyed.claim.key, result.answer))
    idempotency.complete_many(session, answers)


# The look-ups of every group, built once: building a statement costs more than running
# it for a small group (``expanding`` parameters take a list of any length).
_FILINGS = select(Enterprise.customs_code, Enterprise.roles, Enterprise.status).where(
    col(Enterprise.customs_code).in_(bindparam("codes", expanding=True))
)
_QUOTA_ROWS = {
    "sqlite": sqlite.insert(BuyerQuota).on_conflict_do_nothing(),
    "postgresql": postgresql.insert(BuyerQuota).on_conflict_do_nothing(),
}
_QUOTAS = (
    select(BuyerQuota.buyer_id_number, BuyerQuota.used)
    .where(
        col(BuyerQuota.buyer_id_number).in_(bindparam("buyers", expanding=True)),
        col(BuyerQuota.year) == bindparam("year"),
    )
    .order_by(col(BuyerQuota.buyer_id_number))
    .with_for_update()
)
_NEW_WAYBILLS = {
    name: dialect.insert(Waybill).on_conflict_do_nothing().returning(col(Waybill.declaration_id))
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
# Pairs are looked up as "first IN (…) AND second IN (…)", which both databases answer
# from the two-column key (SQLite scans the whole table for "(a, b) IN (VALUES …)"); the
# few extra combinations are dropped after reading.
_WAYBILLS = (
    select(Waybill.logistics_code, Waybill.logistics_no, Waybill.declared_at)
    .where(
        col(Waybill.logistics_code).in_(bindparam("companies", expanding=True)),
        col(Waybill.logistics_no).in_(bindparam("numbers", expanding=True)),
    )
    .with_for_update()
)
_ORDERS = select(Declaration.ebp_code, Declaration.order_no, Declaration.id).where(
    col(Declaration.ebp_code).in_(bindparam("platforms", expanding=True)),
    col(Declaration.order_no).in_(bindparam("orders", expanding=True)),
)


def _read_facts(session: Session, parsed: Sequence[DeclarationSet], year: int) -> _BatchFacts:
    codes = {code for ds in parsed for code in rules.enterprise_codes(ds).values()}
    order_keys = {(ds.order.ebpCode, ds.order.orderNo) for ds in parsed}
    waybill_keys = {(ds.logistics.logisticsCode, ds.logistics.logisticsNo) for ds in parsed}
    buyers = sorted({ds.order.buyerIdNumber for ds in parsed})
    filings: dict[str, rules.FilingFacts] = {}
    existing: dict[tuple[str, str], str] = {}
    quota: dict[tuple[str, int], int] = {}
    waybills: dict[tuple[str, str], datetime] = {}
    if not parsed:
        return _BatchFacts(filings, existing, quota, waybills)
    connection = session.connection()
    for code, roles, status in connection.execute(_FILINGS, {"codes": sorted(codes)}):
        filings[code] = rules.FilingFacts(frozenset(roles.split()), status)
    # Make every buyer's quota row exist, then lock them all (in a fixed order): the
    # totals read below cannot change before this transaction ends.
    now = utcnow()
    connection.execute(
        _QUOTA_ROWS[connection.dialect.name],
        [{"buyer_id_number": b, "year": year, "used": 0, "updated_at": now} for b in buyers],
    )
    for buyer, units in connection.execute(_QUOTAS, {"buyers": buyers, "year": year}):
        quota[(buyer, year)] = units
    for code, number, declared_at in connection.execute(
        _WAYBILLS,
        {
            "companies": sorted({code for code, _ in waybill_keys}),
            "numbers": sorted({number for _, number in waybill_keys}),
        },
    ):
        if (code, number) in waybill_keys:
            waybills[(code, number)] = declared_at
    # Read last, as in single intake: a concurrent declaration of one of these orders
    # that shows above shows here too.
    for ebp, order_no, declaration_id in connection.execute(
        _ORDERS,
        {
            "platforms": sorted({ebp for ebp, _ in order_keys}),
            "orders": sorted({order_no for _, order_no in order_keys}),
        },
    ):
        if (ebp, order_no) in order_keys:
            existing[(ebp, order_no)] = declaration_id
    return _BatchFacts(filings, existing, quota, waybills)


def _claim_waybills(
    session: Session, accepted: Sequence[intake.NewDeclaration], facts: _BatchFacts, now: datetime
) -> None:
    used = facts.waybill_used_at
    reused = [d for d in accepted if (d.logistics_code, d.logistics_no) in used]
    fresh = [d for d in accepted if (d.logistics_code, d.logistics_no) not in used]
    connection = session.connection()
    if reused:  # rows locked above, and older than six months
        connection.execute(
            update(Waybill)
            .where(
                col(Waybill.logistics_code) == bindparam("code"),
                col(Waybill.logistics_no) == bindparam("number"),
            )
            .values(declaration_id=bindparam("declaration"), declared_at=now),
            [
                {"code": d.logistics_code, "number": d.logistics_no, "declaration": d.id}
                for d in reused
            ],
        )
    if fresh:
        written = connection.execute(
            _NEW_WAYBILLS[connection.dialect.name],
            [
                {
                    "logistics_code": d.logistics_code,
                    "logistics_no": d.logistics_no,
                    "declaration_id": d.id,
                    "declared_at": now,
                }
                for d in fresh
            ],
        ).all()
        if len(written) != len(fresh):
            raise _RaceLost("a waybill was declared by another transaction")


def _charge_quotas(
    session: Session,
    before: dict[tuple[str, int], int],
    after: dict[tuple[str, int], int],
    now: datetime,
) -> None:
    changed = [(key, units) for key, units in after.items() if units != before.get(key)]
    if not changed:
        return
    session.connection().execute(
        _CHARGE,
        [
            {"buyer": buyer, "quota_year": year, "units": units, "now": now}
            for (buyer, year), units in changed
        ],
    )


_CHARGE = (
    update(BuyerQuota)
    .where(
        col(BuyerQuota.buyer_id_number) == bindparam("buyer"),
        col(BuyerQuota.year) == bindparam("quota_year"),
    )
    .values(used=bindparam("units"), updated_at=bindparam("now"))
)
