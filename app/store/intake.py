"""The intake's reads and writes: one read of the facts a group of declarations is
decided on, and one transaction that stores what was decided.

Accepting a declaration writes three rows: the declaration itself (with its
Idempotency-Key, if it came with one), its waybill and the buyer's annual quota, the last
two by conditional upserts, so that concurrent groups can neither reuse a waybill nor
together pass the annual limit. Everything derived from an acceptance (agency rows,
goods lines, events, the audit entry, the outbox messages) is written later, in batches,
by the worker (``app.store.derived``), from the declaration row."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Dialect,
    String,
    bindparam,
    case,
    cast,
    delete,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from app.domain import decision, rules
from app.domain.violations import RuleViolation
from app.schemas.declaration import DeclarationSet
from app.store import audit, bound_rows
from app.store.idempotency import StoredAnswer
from app.store.models import (
    BlockedProduct,
    BuyerQuota,
    Declaration,
    Enterprise,
    IdempotencyRecord,
    Product,
    Refusal,
    RefusalCode,
    Waybill,
)
from app.store.models.types import UTCDateTime

COMPLETED = "completed"


class RaceLost(Exception):
    """Another transaction wrote what this group was about to write: decide it again."""


@dataclass(frozen=True, slots=True)
class NewDeclaration:
    """A ``declarations`` row about to be written. (Plain data: building a table model
    instance costs more than the insert.)"""

    id: str
    ebp_code: str
    ebc_code: str
    pay_code: str
    logistics_code: str
    order_no: str
    logistics_no: str
    buyer_id_number: str
    trade_mode: str
    status: str
    ceb_status: int
    dutiable_value: Decimal
    quota_year: int
    quota_charge: int
    documents: dict[str, Any]
    tax: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    declared_by: str
    idempotency_scope: str | None
    idempotency_key: str | None
    idempotency_fingerprint: str | None
    derived: bool

    def row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Refused:
    documents: DeclarationSet
    violations: Sequence[RuleViolation]
    actor: str


@dataclass(frozen=True, slots=True)
class KeyedAnswer:
    """The answer to store for a keyed declaration that was not accepted."""

    key: decision.KeyUse
    answer: StoredAnswer


@dataclass
class Writes:
    """What one group stores."""

    accepted: list[NewDeclaration]
    refused: list[Refused]
    answers: list[KeyedAnswer]


# -- reading the facts ------------------------------------------------------------------

_TEXT = String()


def _text(value: Any) -> Any:
    return cast(value, _TEXT)


def _kind(name: str) -> Any:
    return literal(name, _TEXT).label("kind")


def _expanding(name: str) -> Any:
    return bindparam(name, expanding=True)


_LIVE, _ENDED = "live", "ended"
# A filing on the credit negative list now (its ``listed_until`` still to come).
_LISTED = "listed"


def _lifetime(within: Any) -> Any:
    """Whether a key is within its lifetime: one that has ended is still read, so that
    the write frees it only when there is one."""
    return _text(case((within, literal(_LIVE, _TEXT)), else_=literal(_ENDED, _TEXT)))


# One statement, one round trip: every fact a group is decided on, as rows of
# (kind, a, b, c, d, e). Pairs are looked up as "first IN (…) AND second IN (…)", which both
# databases answer from the two-column key; the few extra combinations are dropped after.
_FACTS = union_all(
    select(
        _kind("filing"),
        col(Enterprise.customs_code).label("a"),
        _text(col(Enterprise.roles)).label("b"),
        _text(col(Enterprise.status)).label("c"),
        _text(
            case(
                (
                    col(Enterprise.listed_until) > bindparam("now", type_=UTCDateTime),
                    literal(_LISTED, _TEXT),
                ),
                else_=null(),
            )
        ).label("d"),
        _text(null()).label("e"),
    ).where(col(Enterprise.customs_code).in_(_expanding("codes"))),
    select(
        _kind("order"),
        _text(col(Declaration.ebp_code)),
        _text(col(Declaration.order_no)),
        _text(col(Declaration.id)),
        _text(null()),
        _text(null()),
    ).where(
        col(Declaration.ebp_code).in_(_expanding("platforms")),
        col(Declaration.order_no).in_(_expanding("orders")),
    ),
    select(
        _kind("quota"),
        _text(col(BuyerQuota.buyer_id_number)),
        _text(col(BuyerQuota.used)),
        _text(null()),
        _text(null()),
        _text(null()),
    ).where(
        col(BuyerQuota.buyer_id_number).in_(_expanding("buyers")),
        col(BuyerQuota.year) == bindparam("year"),
    ),
    select(
        _kind("waybill"),
        _text(col(Waybill.logistics_code)),
        _text(col(Waybill.logistics_no)),
        _text(null()),
        _text(null()),
        _text(null()),
    ).where(
        col(Waybill.logistics_code).in_(_expanding("companies")),
        col(Waybill.logistics_no).in_(_expanding("numbers")),
        col(Waybill.declared_at) > bindparam("reuse_cutoff", type_=UTCDateTime),
    ),
    select(
        _kind("declared_key"),
        _text(col(Declaration.idempotency_scope)),
        _text(col(Declaration.idempotency_key)),
        _text(col(Declaration.idempotency_fingerprint)),
        _text(col(Declaration.id)),
        _lifetime(col(Declaration.created_at) > bindparam("key_cutoff", type_=UTCDateTime)),
    ).where(
        col(Declaration.idempotency_scope).in_(_expanding("scopes")),
        col(Declaration.idempotency_key).in_(_expanding("keys")),
    ),
    # Goods blocked after an upheld complaint: an e-commerce company's item numbers, and
    # barcodes, keyed by those the lines name.
    select(
        _kind("blocked_item"),
        _text(col(BlockedProduct.ebc_code)),
        _text(col(BlockedProduct.item_no)),
        _text(null()),
        _text(null()),
        _text(null()),
    ).where(
        col(BlockedProduct.ebc_code).in_(_expanding("sellers")),
        col(BlockedProduct.item_no).in_(_expanding("item_nos")),
    ),
    select(
        _kind("blocked_barcode"),
        _text(col(BlockedProduct.barcode)),
        _text(null()),
        _text(null()),
        _text(null()),
        _text(null()),
    ).where(col(BlockedProduct.barcode).in_(_expanding("barcodes"))),
    # Filed products (商品备案) the lines name by the e-commerce company's item number:
    # their HS codes, which the lines must declare.
    select(
        _kind("filed_item"),
        _text(col(Product.ebc_code)),
        _text(col(Product.item_no)),
        _text(col(Product.hs_code)),
        _text(null()),
        _text(null()),
    ).where(
        col(Product.ebc_code).in_(_expanding("sellers")),
        col(Product.item_no).in_(_expanding("item_nos")),
    ),
    select(
        _kind("stored_key"),
        _text(col(IdempotencyRecord.scope)),
        _text(col(IdempotencyRecord.key)),
        _text(col(IdempotencyRecord.fingerprint)),
        _text(col(IdempotencyRecord.state)),
        _lifetime(col(IdempotencyRecord.expires_at) > bindparam("now", type_=UTCDateTime)),
    ).where(
        col(IdempotencyRecord.scope).in_(_expanding("scopes")),
        col(IdempotencyRecord.key).in_(_expanding("keys")),
    ),
)


class Read(NamedTuple):
    facts: decision.Facts
    # Keys of the group whose lifetime ended but are still on record: the write frees them.
    ended_keys: frozenset[tuple[str, str]]


def read_facts(
    connection: Connection,
    candidates: Sequence[decision.Candidate],
    now: datetime,
    key_ttl: timedelta,
) -> Read:
    """The facts the candidates are decided on, in one statement."""
    parsed = [c.documents for c in candidates if c.documents is not None]
    keys = [c.key for c in candidates if c.key is not None]
    order_keys = {(ds.order.ebpCode, ds.order.orderNo) for ds in parsed}
    waybill_keys = {(ds.logistics.logisticsCode, ds.logistics.logisticsNo) for ds in parsed}
    key_pairs = {(k.scope, k.key) for k in keys}
    filings: dict[str, rules.FilingFacts] = {}
    orders: dict[tuple[str, str], str] = {}
    quota: dict[str, int] = {}
    waybills: dict[tuple[str, str], datetime] = {}
    known_keys: dict[tuple[str, str], decision.KeyRecord] = {}
    ended: set[tuple[str, str]] = set()
    lines = [(ds.order.ebcCode, item) for ds in parsed for item in ds.order.items]
    item_keys = {(ebc, item.itemNo) for ebc, item in lines if item.itemNo is not None}
    blocked_items: set[tuple[str, str]] = set()
    blocked_barcodes: set[str] = set()
    filed: dict[tuple[str, str], str] = {}
    rows = connection.execute(
        _FACTS,
        {
            "codes": sorted({c for ds in parsed for c in rules.enterprise_codes(ds).values()}),
            "platforms": sorted({ebp for ebp, _ in order_keys}),
            "orders": sorted({number for _, number in order_keys}),
            "buyers": sorted({ds.order.buyerIdNumber for ds in parsed}),
            "year": rules.china_year(now),
            "companies": sorted({code for code, _ in waybill_keys}),
            "numbers": sorted({number for _, number in waybill_keys}),
            "reuse_cutoff": rules.months_before(now, rules.WAYBILL_REUSE_MONTHS),
            "scopes": sorted({scope for scope, _ in key_pairs}),
            "keys": sorted({key for _, key in key_pairs}),
            "key_cutoff": now - key_ttl,
            "now": now,
            "sellers": sorted({ebc for ebc, _ in item_keys}),
            "item_nos": sorted({item_no for _, item_no in item_keys}),
            "barcodes": sorted({i.barCode for _, i in lines if i.barCode is not None}),
        },
    )
    for kind, a, b, c, d, e in rows:
        if kind == "filing":
            filings[a] = rules.FilingFacts(frozenset(b.split()), c, listed=d == _LISTED)
        elif kind == "blocked_item":
            if (a, b) in item_keys:
                blocked_items.add((a, b))
        elif kind == "blocked_barcode":
            blocked_barcodes.add(a)
        elif kind == "filed_item":
            if (a, b) in item_keys:
                filed[(a, b)] = c
        elif kind == "order" and (a, b) in order_keys:
            orders[(a, b)] = c
        elif kind == "quota":
            quota[a] = int(b)
        elif kind == "waybill" and (a, b) in waybill_keys:
            waybills[(a, b)] = now  # used within the reuse period
        elif (a, b) not in key_pairs:
            continue
        elif e == _ENDED:
            ended.add((a, b))
        elif kind == "declared_key":
            known_keys[(a, b)] = decision.KeyRecord(c, declaration_id=d)
        elif kind == "stored_key":
            known_keys.setdefault((a, b), decision.KeyRecord(c, answered=d == COMPLETED))
    facts = decision.Facts(
        filings,
        orders,
        quota,
        waybills,
        known_keys,
        blocked_items=frozenset(blocked_items),
        blocked_barcodes=frozenset(blocked_barcodes),
        filed_hs_codes=filed,
    )
    return Read(facts, frozenset(ended))


# -- writing what was decided -----------------------------------------------------------

INSERT_DECLARATIONS = bound_rows.insert_into(
    Declaration.__table__,  # type: ignore[attr-defined]
    [f.name for f in fields(NewDeclaration)],
)


def _dialect_statements(build: Any, keys: Sequence[str]) -> dict[str, bound_rows.Prepared]:
    return {
        name: bound_rows.Prepared(build(module.insert), keys)
        for name, module in (("sqlite", sqlite), ("postgresql", postgresql))
    }


_WAYBILL_TABLE = Waybill.__table__  # type: ignore[attr-defined]
_QUOTA_TABLE = BuyerQuota.__table__  # type: ignore[attr-defined]
_KEY_TABLE = IdempotencyRecord.__table__  # type: ignore[attr-defined]


def _claim_waybill(insert: Any) -> Any:
    """Take a waybill number unless a declaration used it within the reuse period."""
    statement = insert(_WAYBILL_TABLE).values(
        logistics_code=bindparam("logistics_code"),
        logistics_no=bindparam("logistics_no"),
        declaration_id=bindparam("declaration_id"),
        declared_at=bindparam("declared_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=["logistics_code", "logistics_no"],
        set_={
            "declaration_id": statement.excluded.declaration_id,
            "declared_at": statement.excluded.declared_at,
        },
        where=_WAYBILL_TABLE.c.declared_at <= bindparam("reuse_cutoff", type_=UTCDateTime),
    )


def _charge_quota(insert: Any) -> Any:
    """Add to a buyer's annual total, if it stays within the limit (the condition is
    checked against the latest committed total)."""
    statement = insert(_QUOTA_TABLE).values(
        buyer_id_number=bindparam("buyer_id_number"),
        year=bindparam("year"),
        used=bindparam("used"),
        updated_at=bindparam("updated_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=["buyer_id_number", "year"],
        set_={
            "used": _QUOTA_TABLE.c.used + statement.excluded.used,
            "updated_at": statement.excluded.updated_at,
        },
        where=_QUOTA_TABLE.c.used + statement.excluded.used <= bindparam("limit"),
    )


def _store_answer(insert: Any) -> Any:
    """Keep a key's answer, taking over a key whose lifetime ended."""
    statement = insert(_KEY_TABLE).values(
        scope=bindparam("scope"),
        key=bindparam("key"),
        fingerprint=bindparam("fingerprint"),
        state=bindparam("state"),
        response_status=bindparam("response_status"),
        response_body=bindparam("response_body"),
        response_headers=bindparam("response_headers"),
        locked_at=bindparam("locked_at"),
        expires_at=bindparam("expires_at"),
        created_at=bindparam("created_at"),
    )
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["scope", "key"],
        set_={
            name: getattr(excluded, name)
            for name in (
                "fingerprint",
                "state",
                "response_status",
                "response_body",
                "response_headers",
                "locked_at",
                "expires_at",
                "created_at",
            )
        },
        where=_KEY_TABLE.c.expires_at <= bindparam("now", type_=UTCDateTime),
    )


_CLAIM_WAYBILLS = _dialect_statements(
    _claim_waybill,
    ("logistics_code", "logistics_no", "declaration_id", "declared_at", "reuse_cutoff"),
)
_CHARGE_QUOTAS = _dialect_statements(
    _charge_quota, ("buyer_id_number", "year", "used", "updated_at", "limit")
)
_STORE_ANSWERS = _dialect_statements(
    _store_answer,
    (
        "scope",
        "key",
        "fingerprint",
        "state",
        "response_status",
        "response_body",
        "response_headers",
        "locked_at",
        "expires_at",
        "created_at",
        "now",
    ),
)
# A key whose lifetime ended is forgotten by the declaration that first carried it, so
# that a new declaration can take it.
_RELEASE_OLD_KEYS = (
    update(Declaration)
    .where(
        col(Declaration.idempotency_scope) == bindparam("scope"),
        col(Declaration.idempotency_key) == bindparam("key"),
        col(Declaration.created_at) <= bindparam("key_cutoff", type_=UTCDateTime),
    )
    .values(idempotency_scope=None, idempotency_key=None, idempotency_fingerprint=None)
)
_FORGET_OLD_ANSWERS = delete(IdempotencyRecord).where(
    col(IdempotencyRecord.scope) == bindparam("scope"),
    col(IdempotencyRecord.key) == bindparam("key"),
    col(IdempotencyRecord.expires_at) <= bindparam("now", type_=UTCDateTime),
)


def bind_declarations(dialect: Dialect, rows: Sequence[NewDeclaration]) -> list[Any]:
    """Declarations bound for the driver (before the transaction, as it may be)."""
    return INSERT_DECLARATIONS.bind(dialect, (d.row() for d in rows))


def write(
    connection: Connection,
    writes: Writes,
    now: datetime,
    key_ttl: timedelta,
    bound: Sequence[Any] | None = None,
    ended_keys: frozenset[tuple[str, str]] | None = None,
) -> list[audit.Entry]:
    """Store a group's decisions; raises ``RaceLost`` when a concurrent transaction took
    a waybill or a buyer's quota first. ``bound``: the accepted rows already bound.
    Returns the audit entries of the refusals, for the caller to append last."""
    dialect = connection.dialect.name
    accepted = writes.accepted
    if accepted:
        keyed = [
            d
            for d in accepted
            if d.idempotency_key is not None
            and (ended_keys is None or (d.idempotency_scope, d.idempotency_key) in ended_keys)
        ]
        if keyed:
            params = [
                {
                    "scope": d.idempotency_scope,
                    "key": d.idempotency_key,
                    "key_cutoff": now - key_ttl,
                    "now": now,
                }
                for d in keyed
            ]
            connection.execute(_RELEASE_OLD_KEYS, params)
            connection.execute(_FORGET_OLD_ANSWERS, params)
        INSERT_DECLARATIONS.execute(
            connection,
            bound if bound is not None else bind_declarations(connection.dialect, accepted),
        )
        cutoff = rules.months_before(now, rules.WAYBILL_REUSE_MONTHS)
        waybills = _CLAIM_WAYBILLS[dialect]
        taken = waybills.execute(
            connection,
            waybills.bind(
                connection.dialect,
                (
                    {
                        "logistics_code": d.logistics_code,
                        "logistics_no": d.logistics_no,
                        "declaration_id": d.id,
                        "declared_at": now,
                        "reuse_cutoff": cutoff,
                    }
                    for d in accepted
                ),
            ),
        )
        if taken != len(accepted):
            raise RaceLost("a waybill was declared by another transaction")
        charges: dict[tuple[str, int], int] = {}
        for d in accepted:
            charges[(d.buyer_id_number, d.quota_year)] = (
                charges.get((d.buyer_id_number, d.quota_year), 0) + d.quota_charge
            )
        quotas = _CHARGE_QUOTAS[dialect]
        limit = decision.to_quota_units(rules.ANNUAL_LIMIT)
        charged = quotas.execute(
            connection,
            quotas.bind(
                connection.dialect,
                (
                    {
                        "buyer_id_number": buyer,
                        "year": year,
                        "used": units,
                        "updated_at": now,
                        "limit": limit,
                    }
                    for (buyer, year), units in sorted(charges.items())
                ),
            ),
        )
        if charged != len(charges):
            raise RaceLost("a buyer's annual quota was charged by another transaction")
    if writes.answers:
        answers = _STORE_ANSWERS[dialect]
        stored = answers.execute(
            connection,
            answers.bind(
                connection.dialect,
                (
                    {
                        "scope": a.key.scope,
                        "key": a.key.key,
                        "fingerprint": a.key.fingerprint,
                        "state": COMPLETED,
                        "response_status": a.answer.status,
                        "response_body": a.answer.body,
                        "response_headers": a.answer.headers,
                        "locked_at": now,
                        "expires_at": now + key_ttl,
                        "created_at": now,
                        "now": now,
                    }
                    for a in writes.answers
                ),
            ),
        )
        if stored != len(writes.answers):
            raise RaceLost("an Idempotency-Key was taken by another transaction")
    return insert_refusals(connection, writes.refused, now)


def prepare(connection: Connection, now: datetime, key_ttl: timedelta) -> None:
    """Compile the intake's statements before the first declaration arrives (a process's
    first groups otherwise held the writer several times longer than the next ones)."""
    read_facts(connection, [], now, key_ttl)
    for prepared in (
        INSERT_DECLARATIONS,
        _CLAIM_WAYBILLS[connection.dialect.name],
        _CHARGE_QUOTAS[connection.dialect.name],
        _STORE_ANSWERS[connection.dialect.name],
    ):
        prepared.bind(connection.dialect, [])
    connection.rollback()


def insert_refusals(
    connection: Connection, refused: Sequence[Refused], now: datetime
) -> list[audit.Entry]:
    """Keep refused declarations and why, for counting and for regulators. Returns their
    audit entries, for the caller to append just before it commits."""
    if not refused:
        return []
    ids = connection.scalars(
        Refusal.__table__.insert().returning(  # type: ignore[attr-defined]
            col(Refusal.id), sort_by_parameter_order=True
        ),
        [
            {
                "ebp_code": r.documents.order.ebpCode,
                "order_no": r.documents.order.orderNo,
                "violations": [
                    {"code": v.code, "pointer": v.pointer, "message": v.message}
                    for v in r.violations
                ],
                "documents": r.documents.model_dump(mode="json", exclude_none=True),
                "created_at": now,
            }
            for r in refused
        ],
    ).all()
    connection.execute(
        RefusalCode.__table__.insert(),  # type: ignore[attr-defined]
        [
            {"refusal_id": refusal_id, "code": code, "created_at": now}
            for refusal_id, r in zip(ids, refused, strict=True)
            for code in sorted({str(v.code) for v in r.violations})
        ],
    )
    return [
        audit.Entry(
            kind="declaration.refused",
            # The refusal's id, not "ebpCode/orderNo": that can run to 79 characters,
            # more than a subject id holds, and the same order may be refused more than
            # once; the order is in the data, for looking it up.
            subject_type="declaration",
            subject_id=f"refusal:{refusal_id}",
            actor=r.actor,
            data={
                "ebpCode": r.documents.order.ebpCode,
                "orderNo": r.documents.order.orderNo,
                "codes": sorted({str(v.code) for v in r.violations}),
            },
            occurred_at=now,
        )
        for refusal_id, r in zip(ids, refused, strict=True)
    ]


def accepted_at(connection: Connection, declaration_id: str) -> datetime:
    """When a declaration was accepted (for replaying its acceptance to a retry)."""
    created: datetime = connection.execute(
        select(col(Declaration.created_at)).where(col(Declaration.id) == declaration_id)
    ).scalar_one()
    return created


def declaration_parties(
    connection: Connection, declaration_ids: Collection[str]
) -> dict[str, frozenset[str]]:
    """The enterprises each declaration names (platform, e-commerce company, payment and
    logistics companies): those a duplicate of it may be told which it is."""
    if not declaration_ids:
        return {}
    rows = connection.execute(
        select(
            col(Declaration.id),
            col(Declaration.ebp_code),
            col(Declaration.ebc_code),
            col(Declaration.pay_code),
            col(Declaration.logistics_code),
        ).where(col(Declaration.id).in_(sorted(declaration_ids)))
    )
    return {row[0]: frozenset(row[1:]) for row in rows}


def stored_answer(connection: Connection, key: decision.KeyUse) -> StoredAnswer:
    """The answer kept for a key."""
    status, body, headers = connection.execute(
        select(
            col(IdempotencyRecord.response_status),
            col(IdempotencyRecord.response_body),
            col(IdempotencyRecord.response_headers),
        ).where(col(IdempotencyRecord.scope) == key.scope, col(IdempotencyRecord.key) == key.key)
    ).one()
    return StoredAnswer(status, body, headers or {})
