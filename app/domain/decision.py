"""Deciding declarations: given the documents and what the stored state says about them,
which are accepted, which refused and why. Pure: no I/O; the store reads the facts and
writes what is decided.

Items of one group (a batch, or single declarations that arrived together) are decided
in order and see each other: a buyer's second order counts the first, a waybill is used
once, an order or an Idempotency-Key named twice is taken by the first."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from app.domain import rules, trust
from app.domain.violations import RuleCode, RuleViolation, violation
from app.schemas.declaration import DeclarationSet

# Quota amounts are kept as integers of 1/100000 CNY (CEB amounts have 5 decimals).
QUOTA_SCALE = 100_000


def to_quota_units(amount: Decimal) -> int:
    return int(amount * QUOTA_SCALE)


def from_quota_units(units: int) -> Decimal:
    return Decimal(units) / QUOTA_SCALE


class Outcome(StrEnum):
    """What became of one declaration handed in. The values are the batch answer's
    ``outcome`` (and, but for ``accepted``, a problem's ``code``)."""

    ACCEPTED = "accepted"
    REFUSED = "declaration_refused"
    INVALID = "invalid_request"
    DUPLICATE = "duplicate_order"
    NOT_A_PARTY = "not_a_party"
    # Not decided again: its Idempotency-Key has an answer to replay, or is refused.
    KEYED = "idempotency_key"


class KeyVerdict(StrEnum):
    """Why a keyed declaration is not decided again."""

    REPLAY = "replay"  # the key's first answer is replayed
    REUSED = "reused"  # the key was used for another request
    IN_FLIGHT = "in_flight"  # the key is still being used by another request


@dataclass(frozen=True, slots=True)
class KeyUse:
    """An Idempotency-Key as a declaration carries it."""

    scope: str
    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What the store knows of a key still within its lifetime: the request it was first
    used for, and either the declaration it accepted or the answer stored for it (none:
    another request holds it)."""

    fingerprint: str
    declaration_id: str | None = None
    answered: bool = False


@dataclass(frozen=True, slots=True)
class Facts:
    """What the stored state says about a group of declarations."""

    filings: Mapping[str, rules.FilingFacts]
    orders: Mapping[tuple[str, str], str]  # (ebpCode, orderNo) → declaration id
    quota_used: Mapping[str, int]  # buyer → units charged this year
    waybills_used: Mapping[tuple[str, str], datetime]  # (code, number) → last declared
    keys: Mapping[tuple[str, str], KeyRecord] = field(default_factory=dict)
    # Goods blocked after an upheld complaint that the group's lines name: (ebcCode,
    # itemNo) pairs, and barcodes.
    blocked_items: frozenset[tuple[str, str]] = frozenset()
    blocked_barcodes: frozenset[str] = frozenset()
    # The HS codes of the filed products the group's lines name: (ebcCode, itemNo) → code.
    filed_hs_codes: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One declaration handed in: its documents (or why they could not be read), the
    checks of the documents among themselves, and its Idempotency-Key."""

    documents: DeclarationSet | None
    found: Sequence[RuleViolation]  # schema violations, or the documents' own findings
    key: KeyUse | None = None
    id: str = ""  # the id it is stored under if accepted
    # Without documents: what it is (the schema refused it, or its caller may not post it).
    unread: Outcome = Outcome.INVALID

    @classmethod
    def of(cls, documents: DeclarationSet, id: str, key: KeyUse | None = None) -> "Candidate":
        return cls(documents, rules.check_documents(documents), key, id)

    @classmethod
    def unreadable(
        cls,
        found: Sequence[RuleViolation],
        key: KeyUse | None = None,
        outcome: Outcome | None = None,
    ) -> "Candidate":
        return cls(None, found, key, unread=outcome or Outcome.INVALID)


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    violations: Sequence[RuleViolation] = ()
    # DUPLICATE: the declaration that has the order; KEYED + REPLAY: the one the key
    # accepted (none: the key's stored answer is replayed).
    existing_id: str | None = None
    key_verdict: KeyVerdict | None = None
    # ACCEPTED: what it charges to the buyer's annual quota.
    quota_year: int = 0
    quota_charge: int = 0


def quota_charge(ds: DeclarationSet) -> int:
    """What accepting a declaration charges to its buyer's annual quota, in quota units."""
    return to_quota_units(rules.dutiable_value(ds))


def decide(candidates: Sequence[Candidate], facts: Facts, now: datetime) -> list[Decision]:
    """Decide each candidate in order, the earlier ones of the group counting."""
    year = rules.china_year(now)
    cutoff = rules.months_before(now, rules.WAYBILL_REUSE_MONTHS)
    orders = dict(facts.orders)
    used = dict(facts.quota_used)
    waybills_taken: set[tuple[str, str]] = set()
    keys_taken: set[tuple[str, str]] = set()
    decisions: list[Decision] = []
    for candidate in candidates:
        key = candidate.key
        if key is not None:
            verdict = _key_verdict(key, facts.keys, keys_taken)
            if verdict is not None:
                decisions.append(verdict)
                continue
            keys_taken.add((key.scope, key.key))
        ds = candidate.documents
        if ds is None:
            decisions.append(Decision(candidate.unread, candidate.found))
            continue
        order_key = (ds.order.ebpCode, ds.order.orderNo)
        if (existing := orders.get(order_key)) is not None:
            decisions.append(
                Decision(Outcome.DUPLICATE, [duplicate_violation(ds)], existing_id=existing)
            )
            continue
        waybill = (ds.logistics.logisticsCode, ds.logistics.logisticsNo)
        last_used = facts.waybills_used.get(waybill)
        reused = waybill in waybills_taken or (last_used is not None and last_used > cutoff)
        buyer = ds.order.buyerIdNumber
        found = [
            *candidate.found,
            *rules.check_filings(ds, facts.filings),
            *trust.blocked_lines(ds, facts.blocked_items, facts.blocked_barcodes),
            *rules.check_filed_products(ds, facts.filed_hs_codes),
            *rules.check_annual_limit(ds, from_quota_units(used.get(buyer, 0))),
            *rules.check_waybill(ds, reused),
        ]
        if found:
            decisions.append(Decision(Outcome.REFUSED, found))
            continue
        charge = quota_charge(ds)
        orders[order_key] = candidate.id  # a later item of the group is its duplicate
        waybills_taken.add(waybill)
        used[buyer] = used.get(buyer, 0) + charge
        decisions.append(Decision(Outcome.ACCEPTED, quota_year=year, quota_charge=charge))
    return decisions


def _key_verdict(
    key: KeyUse,
    known: Mapping[tuple[str, str], KeyRecord],
    taken: set[tuple[str, str]],
) -> Decision | None:
    """A decision for a key already used (None: the declaration is decided)."""
    if (key.scope, key.key) in taken:
        return Decision(Outcome.KEYED, key_verdict=KeyVerdict.IN_FLIGHT)
    record = known.get((key.scope, key.key))
    if record is None:
        return None
    if record.fingerprint != key.fingerprint:
        return Decision(Outcome.KEYED, key_verdict=KeyVerdict.REUSED)
    if record.declaration_id is None and not record.answered:
        return Decision(Outcome.KEYED, key_verdict=KeyVerdict.IN_FLIGHT)
    return Decision(Outcome.KEYED, key_verdict=KeyVerdict.REPLAY, existing_id=record.declaration_id)


def duplicate_violation(ds: DeclarationSet) -> RuleViolation:
    return violation(
        RuleCode.DUPLICATE_ORDER,
        "/order/orderNo",
        found=ds.order.orderNo,
        platform=ds.order.ebpCode,
    )


def not_a_party(own: str | None, ds: DeclarationSet) -> RuleViolation | None:
    """An enterprise (``own``, its customs code; None for regulators and admins) posts
    declarations only as the platform or e-commerce company."""
    if own is None or own in (ds.order.ebpCode, ds.order.ebcCode):
        return None
    return violation(
        RuleCode.NOT_A_PARTY,
        "/order/ebpCode",
        caller=own,
        found=ds.order.ebpCode,
        ecommerce=ds.order.ebcCode,
    )
