"""Regulators' queries: filtered lists, statistics and the export, checked figure by figure
against plain Python over a small known set of declarations."""

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, Table, select, update

from app import demo
from app.agencies.wire import Receipt, ReceiptStatus, TaxAssessment
from app.domain.clearance import Agency, ClearanceStatus
from app.domain.decision import Outcome
from app.errors import DeclarationRefused, InvalidCursor
from app.schemas.declaration import DeclarationSet
from app.schemas.enterprise import CreditGrade, EnterpriseCreate, FilingStatus, Role
from app.store import enterprises, export, regulator, stats
from app.store.db import make_engine
from app.store.models import (
    Declaration,
    DeclarationAgency,
    DeclarationLine,
    Enterprise,
    RefusalCode,
)
from app.store.pagination import encode_cursor
from app.store.receipts import apply_receipts
from tests.support.audit import declare, declare_batch
from tests.support.factories import Declarations, register_everywhere
from tests.support.service import quiet_settings

pytestmark = pytest.mark.postgres

P = demo.PRODUCTS  # cosmetics 33, toothpaste 33, formula 19, fish oil 21, shoes 64, ...
DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
# A second platform with its own filing, of another credit grade.
OTHER = demo.Parties(
    platform=demo.Filing("3301960005", "宁波保税跨境购平台有限公司", ("platform",)),
    ecommerce=demo.DEMO_PARTIES.ecommerce,
    payment=demo.DEMO_PARTIES.payment,
    logistics=demo.Filing("4403960006", "深圳海运国际物流有限公司", ("agent", "logistics")),
)
TAX = TaxAssessment(
    customsTax=Decimal(0),
    valueAddedTax=Decimal("12.34567"),
    consumptionTax=Decimal(0),
    total=Decimal("12.34567"),
)


@dataclass(frozen=True)
class Planned:
    """One declaration of the known set: its parties, goods, outcome and times."""

    parties: demo.Parties
    lines: list[tuple[demo.Product, int]]
    outcome: str  # cleared / rejected / inspection / in_review / accepted
    created: datetime
    seconds_to_final: int = 0


def _plan() -> list[Planned]:
    at = DAY0
    hour = timedelta(hours=1)
    d = demo.DEMO_PARTIES
    return [
        Planned(d, [(P[0], 1)], "cleared", at - timedelta(seconds=1), 5),  # before the range
        Planned(d, [(P[0], 1), (P[2], 2)], "cleared", at, 60),  # exactly at `from`
        Planned(d, [(P[1], 3)], "cleared", at + 2 * hour, 90),
        Planned(OTHER, [(P[4], 1), (P[5], 1)], "cleared", at + 2 * hour, 300),  # same time
        Planned(OTHER, [(P[6], 2)], "rejected", at + 5 * hour, 40),
        Planned(d, [(P[3], 1), (P[8], 4), (P[9], 1)], "cleared", at + timedelta(days=1), 3600),
        Planned(d, [(P[5], 1)], "inspection", at + timedelta(days=1, hours=23, minutes=59)),
        Planned(OTHER, [(P[7], 1)], "cleared", at + timedelta(days=2, hours=3), 7200),
        Planned(d, [(P[2], 1)], "in_review", at + timedelta(days=2, hours=3)),
        Planned(OTHER, [(P[0], 2), (P[1], 1)], "cleared", at + timedelta(days=3), 86_400),
        Planned(d, [(P[9], 2)], "accepted", at + timedelta(days=3, hours=1)),
        Planned(d, [(P[6], 1)], "cleared", at + timedelta(days=4, hours=12), 45),
        Planned(
            OTHER, [(P[3], 1)], "cleared", at + timedelta(days=5) - timedelta(microseconds=1), 1
        ),
        Planned(d, [(P[2], 1)], "cleared", at + timedelta(days=5), 10),  # exactly at `to`
    ]


RANGE = (DAY0, DAY0 + timedelta(days=5))
DECLARATIONS: Table = Declaration.__table__  # type: ignore[attr-defined]
AGENCY_PARTS: Table = DeclarationAgency.__table__  # type: ignore[attr-defined]
LINES: Table = DeclarationLine.__table__  # type: ignore[attr-defined]
REFUSAL_CODES: Table = RefusalCode.__table__  # type: ignore[attr-defined]
ENTERPRISES: Table = Enterprise.__table__  # type: ignore[attr-defined]


@dataclass
class World:
    engine: Engine
    ids: list[str]  # in plan order
    plan: list[Planned]
    buyer_ids: list[str]


def _file(engine: Engine, filings: list[demo.Filing], rng: Any) -> None:
    for filing in filings:
        enterprises.file_enterprise(engine, EnterpriseCreate(**filing.body(rng)))
    register_everywhere(engine, [f.customs_code for f in filings])


def _receipts(declaration_id: str, outcome: str) -> list[Receipt]:
    now = datetime.now(UTC)

    def r(agency: Agency, status: ReceiptStatus, **extra: Any) -> Receipt:
        return Receipt(
            declarationId=declaration_id,
            agency=agency,
            status=status,
            sequence=2,
            decidedAt=now,
            **extra,
        )

    if outcome == "cleared":
        return [
            r(Agency.CUSTOMS, ReceiptStatus.RELEASED),
            r(Agency.INSPECTION, ReceiptStatus.PASSED),
            r(Agency.TAX, ReceiptStatus.ASSESSED, tax=TAX),
            r(Agency.FOREX, ReceiptStatus.RECORDED),
        ]
    if outcome == "rejected":
        return [r(Agency.CUSTOMS, ReceiptStatus.REJECTED), r(Agency.FOREX, ReceiptStatus.RECORDED)]
    if outcome == "inspection":
        return [r(Agency.INSPECTION, ReceiptStatus.INSPECTION)]
    if outcome == "in_review":
        return [r(Agency.TAX, ReceiptStatus.ACKNOWLEDGED)]
    return []


@pytest.fixture
def world(database_url: str, declarations: Declarations) -> Iterator[World]:
    engine = make_engine(quiet_settings(database_url).database_url)
    _file(engine, [*demo.DEMO_PARTIES.filings(), OTHER.platform, OTHER.logistics], declarations.rng)
    with engine.begin() as connection:
        connection.execute(
            update(Enterprise)
            .where(Enterprise.customs_code == OTHER.platform.customs_code)  # type: ignore[arg-type]
            .values(credit_grade=CreditGrade.ADVANCED.value)
        )
    plan = _plan()
    bodies = [declarations.valid(parties=p.parties, lines=p.lines) for p in plan]
    # The first half one by one, the rest as one batch.
    half = len(bodies) // 2
    ids = [declare(engine, b).id for b in bodies[:half]]
    results = declare_batch(engine, [DeclarationSet.model_validate(b) for b in bodies[half:]])
    assert [r.outcome for r in results] == [Outcome.ACCEPTED] * (len(bodies) - half)
    ids += [r.declaration.id for r in results if r.declaration is not None]
    # Three refusals: one breaks two rules, one breaks one of them, one another.
    for change in ("currency+paid", "paid", "currency"):
        body = declarations.valid()
        if "currency" in change:
            body["order"]["currency"] = "502"
        if "paid" in change:
            body["order"]["acturalPaid"] = "1.00"
        with pytest.raises(DeclarationRefused):
            declare(engine, body)
    apply_receipts(
        engine, [r for i, p in zip(ids, plan, strict=True) for r in _receipts(i, p.outcome)]
    )
    _backdate(engine, ids, plan)
    yield World(engine, ids, plan, [b["order"]["buyerIdNumber"] for b in bodies])
    engine.dispose()


def _backdate(engine: Engine, ids: list[str], plan: list[Planned]) -> None:
    """Move the known set to its planned times (intake stamps them with the clock)."""
    d, lines = DECLARATIONS, LINES
    with engine.begin() as connection:
        for declaration_id, p in zip(ids, plan, strict=True):
            final = p.created + timedelta(seconds=p.seconds_to_final)
            connection.execute(
                update(d)
                .where(d.c.id == declaration_id)
                .values(
                    created_at=p.created,
                    finalized_at=final if p.outcome in ("cleared", "rejected") else None,
                )
            )
            for table in (lines, AGENCY_PARTS):
                connection.execute(
                    update(table)
                    .where(table.c.declaration_id == declaration_id)
                    .values(created_at=p.created)
                )
        codes = REFUSAL_CODES
        refusal_ids = sorted(connection.scalars(select(codes.c.refusal_id).distinct()))
        # Two refusals fall in the range (its first and last day), the third at its end.
        moments = (DAY0 + timedelta(hours=1), RANGE[1] - timedelta(hours=1), RANGE[1])
        for refusal_id, moment in zip(refusal_ids, moments, strict=True):
            connection.execute(
                update(codes).where(codes.c.refusal_id == refusal_id).values(created_at=moment)
            )


def _rows(engine: Engine, table: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(table)).all())


def percentile_cont(values: list[float], p: float) -> float:
    ordered = sorted(values)
    position = p * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- statistics --------------------------------------------------------------------------


def test_statistics_match_an_independent_count(world: World) -> None:
    start, end = RANGE
    result = stats.compute(world.engine, start, end)

    decls = [r for r in _rows(world.engine, DECLARATIONS) if start <= r.created_at < end]
    in_range = {r.id for r in decls}
    planned = {i: p for i, p in zip(world.ids, world.plan, strict=True)}
    assert in_range == {i for i, p in planned.items() if start <= p.created < end}
    assert result.declarations == len(decls) == 12

    # By status: what the receipts made of them.
    assert result.by_status == dict(Counter(r.status for r in decls))
    assert result.by_status == {
        "cleared": 8, "rejected": 1, "inspection": 1, "in_review": 1, "accepted": 1
    }  # fmt: skip

    # By UTC day: 23:59 stays on its day; the last microsecond before `to` counts.
    assert [(d.day.isoformat(), d.declarations) for d in result.by_day] == [
        ("2026-03-01", 4), ("2026-03-02", 2), ("2026-03-03", 2), ("2026-03-04", 2),
        ("2026-03-05", 2),
    ]  # fmt: skip
    assert sorted(Counter(r.created_at.date() for r in decls).items()) == [
        (d.day, d.declarations) for d in result.by_day
    ]

    # By agency outcome.
    parts = [r for r in _rows(world.engine, AGENCY_PARTS) if r.declaration_id in in_range]
    expected_agencies: dict[str, dict[str, int]] = {}
    for (agency, status), n in Counter((r.agency, r.status) for r in parts).items():
        expected_agencies.setdefault(agency, {})[status] = n
    assert result.by_agency == expected_agencies
    assert result.by_agency["customs"] == {"released": 8, "rejected": 1, "pending": 3}
    assert result.by_agency["inspection"] == {"passed": 8, "inspection": 1, "pending": 3}

    # Refusals by rule code: the first two refusals lie in the range, the third at `to`.
    codes = _rows(world.engine, REFUSAL_CODES)
    assert result.refusals_by_code == dict(
        Counter(r.code for r in codes if start <= r.created_at < end)
    )
    first, second, third = (
        {r.code for r in codes if r.refusal_id == n} for n in sorted({r.refusal_id for r in codes})
    )
    assert result.refusals_by_code == dict(Counter([*first, *second]))
    assert third - second
    assert all(result.refusals_by_code[c] == 1 for c in third - second)
    assert second
    assert all(result.refusals_by_code[c] == 2 for c in second)

    # Clearance time: the planned seconds of the cleared ones.
    seconds = [
        float(p.seconds_to_final)
        for p in world.plan
        if p.outcome == "cleared" and start <= p.created < end
    ]
    assert sorted(seconds) == [1, 45, 60, 90, 300, 3600, 7200, 86_400]
    times = result.clearance_seconds
    assert times.cleared == 8
    for p, got in ((0.5, times.p50), (0.9, times.p90), (0.99, times.p99)):
        assert got == pytest.approx(percentile_cont(seconds, p), abs=0.002)
    assert times.p50 == pytest.approx(195.0, abs=0.002)  # between 90 and 300

    # Amounts, exact.
    assert result.declared_value == sum((r.dutiable_value for r in decls), Decimal(0))
    assert result.tax_total == TAX.total * 8
    assert isinstance(result.declared_value, Decimal)

    # Top HS chapters and countries, from the lines.
    lines = [r for r in _rows(world.engine, LINES) if r.declaration_id in in_range]
    for attribute, by_lines, by_value in (
        ("hs_chapter", result.top_hs_chapters_by_lines, result.top_hs_chapters_by_value),
        ("country", result.top_countries_by_lines, result.top_countries_by_value),
    ):
        count = Counter(getattr(r, attribute) for r in lines)
        value: dict[str, Decimal] = {}
        for r in lines:
            value[getattr(r, attribute)] = (
                value.get(getattr(r, attribute), Decimal(0)) + r.total_price
            )
        expected = [(k, count[k], value[k]) for k in count]
        expected_lines = sorted(expected, key=lambda e: (-e[1], -e[2], e[0]))[:10]
        expected_value = sorted(expected, key=lambda e: (-e[2], -e[1], e[0]))[:10]
        assert [(t.key, t.lines, t.value) for t in by_lines] == expected_lines
        assert [(t.key, t.lines, t.value) for t in by_value] == expected_value
    assert result.top_hs_chapters_by_lines[0].key == "33"  # cosmetics and toothpaste


def test_statistics_of_one_day_and_of_nothing(world: World) -> None:
    one_day = stats.compute(world.engine, DAY0 + timedelta(days=1), DAY0 + timedelta(days=2))
    assert one_day.declarations == 2
    assert one_day.by_status == {"cleared": 1, "inspection": 1}
    assert one_day.clearance_seconds.p50 == one_day.clearance_seconds.p99 == 3600.0
    # One line each: the value decides.
    assert [c.key for c in one_day.top_hs_chapters_by_lines] == ["85", "21", "61", "34"]

    empty = stats.compute(world.engine, DAY0 - timedelta(days=9), DAY0 - timedelta(days=8))
    assert empty.declarations == 0
    assert empty.by_status == {}
    assert empty.by_day == []
    assert empty.by_agency == {}
    assert empty.clearance_seconds.cleared == 0
    assert empty.clearance_seconds.p50 is None
    assert empty.declared_value == 0
    assert empty.tax_total == 0
    assert empty.top_countries_by_value == []

    dumped = one_day.model_dump(mode="json", by_alias=True)
    assert dumped["byDay"] == [{"day": "2026-03-02", "declarations": 2}]
    assert dumped["clearanceSeconds"]["p90"] == 3600.0
    assert set(dumped) >= {"createdFrom", "declaredValue", "taxTotal", "refusalsByCode"}


# --- lists -------------------------------------------------------------------------------


def _walk(page: Any, limit: int) -> list[Any]:
    """Every row, following the cursors."""
    rows, cursor = page(None, limit)
    seen = list(rows)
    while cursor is not None:
        rows, cursor = page(cursor, limit)
        assert rows
        seen.extend(rows)
    return seen


def _newest_first(rows: list[Any]) -> list[str]:
    return [r.id for r in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (regulator.DeclarationFilter(), lambda r, p, lines: True),
        (
            regulator.DeclarationFilter(status=ClearanceStatus.CLEARED),
            lambda r, p, lines: r.status == "cleared",
        ),
        (
            regulator.DeclarationFilter(party_code=OTHER.platform.customs_code),
            lambda r, p, lines: r.ebp_code == OTHER.platform.customs_code,
        ),
        (
            regulator.DeclarationFilter(party_code="4403960006"),  # OTHER's logistics
            lambda r, p, lines: r.logistics_code == "4403960006",
        ),
        (
            regulator.DeclarationFilter(party_code=demo.DEMO_PARTIES.payment.customs_code),
            lambda r, p, lines: True,  # every declaration names this payment company
        ),
        (
            regulator.DeclarationFilter(hs_chapter="33"),
            lambda r, p, lines: "33" in {line.hs_chapter for line in lines},
        ),
        (
            regulator.DeclarationFilter(country="502"),
            lambda r, p, lines: "502" in {line.country for line in lines},
        ),
        (
            regulator.DeclarationFilter(ebp_credit_grade=CreditGrade.ADVANCED),
            lambda r, p, lines: p.parties is OTHER,
        ),
        (
            regulator.DeclarationFilter(ebp_credit_grade=CreditGrade.DISCREDITED),
            lambda r, p, lines: False,
        ),
        (
            regulator.DeclarationFilter(created_from=RANGE[0], created_to=RANGE[1]),
            lambda r, p, lines: RANGE[0] <= r.created_at < RANGE[1],
        ),
        (
            regulator.DeclarationFilter(
                status=ClearanceStatus.CLEARED,
                hs_chapter="33",
                ebp_credit_grade=CreditGrade.GENERAL,
                created_from=RANGE[0],
            ),
            lambda r, p, lines: (
                r.status == "cleared"
                and "33" in {line.hs_chapter for line in lines}
                and p.parties is demo.DEMO_PARTIES
                and r.created_at >= RANGE[0]
            ),
        ),
    ],
)
def test_declarations_filtered_and_paged(
    world: World, where: regulator.DeclarationFilter, expected: Any
) -> None:
    planned = dict(zip(world.ids, world.plan, strict=True))
    all_lines = _rows(world.engine, LINES)
    rows = _rows(world.engine, DECLARATIONS)
    wanted = [
        r
        for r in rows
        if expected(r, planned[r.id], [line for line in all_lines if line.declaration_id == r.id])
    ]
    for limit in (1, 3, 100):
        found = _walk(
            lambda cursor, n: regulator.list_declarations(world.engine, where, cursor, n), limit
        )
        assert [r.id for r in found] == _newest_first(wanted)


def test_declaration_filters_narrow_for_real(world: World) -> None:
    def count(**where: Any) -> int:
        rows, _ = regulator.list_declarations(
            world.engine, regulator.DeclarationFilter(**where), None, 100
        )
        return len(rows)

    assert count() == 14
    assert count(status=ClearanceStatus.CLEARED) == 10
    assert count(party_code=OTHER.platform.customs_code.lower()) == 5
    assert count(hs_chapter="33") == 4
    assert count(country="502") == 3  # hair dryers twice, one handbag
    assert count(ebp_credit_grade=CreditGrade.ADVANCED) == 5
    assert count(created_from=RANGE[0], created_to=RANGE[1]) == 12


def test_a_foreign_cursor_is_refused(world: World) -> None:
    with pytest.raises(InvalidCursor):
        regulator.list_declarations(world.engine, regulator.DeclarationFilter(), "bm90IG91cnM", 5)
    forged = encode_cursor("not a time", "x")
    with pytest.raises(InvalidCursor):
        regulator.list_declarations(world.engine, regulator.DeclarationFilter(), forged, 5)


def test_enterprises_filtered_and_paged(world: World) -> None:
    table = ENTERPRISES
    # File times: two on one day (a tie), the rest later; one filing suspended.
    with world.engine.begin() as connection:
        codes = sorted(connection.scalars(select(table.c.customs_code)))
        for n, code in enumerate(codes):
            moment = DAY0 + timedelta(days=max(n - 1, 0))
            connection.execute(
                update(table).where(table.c.customs_code == code).values(created_at=moment)
            )
        connection.execute(
            update(table)
            .where(table.c.customs_code == demo.DEMO_PARTIES.ecommerce.customs_code)
            .values(status=FilingStatus.SUSPENDED.value)
        )
    rows = _rows(world.engine, table)
    assert len(rows) == 6
    cases: list[tuple[regulator.EnterpriseFilter, Any]] = [
        (regulator.EnterpriseFilter(), lambda r: True),
        (regulator.EnterpriseFilter(role=Role.LOGISTICS), lambda r: "logistics" in r.roles.split()),
        (regulator.EnterpriseFilter(role=Role.AGENT), lambda r: r.customs_code == "4403960006"),
        (regulator.EnterpriseFilter(status=FilingStatus.ACTIVE), lambda r: r.status == "active"),
        (
            regulator.EnterpriseFilter(status=FilingStatus.SUSPENDED),
            lambda r: r.customs_code == demo.DEMO_PARTIES.ecommerce.customs_code,
        ),
        (
            regulator.EnterpriseFilter(credit_grade=CreditGrade.ADVANCED),
            lambda r: r.customs_code == OTHER.platform.customs_code,
        ),
        (
            regulator.EnterpriseFilter(created_from=DAY0, created_to=DAY0 + timedelta(days=2)),
            lambda r: r.created_at < DAY0 + timedelta(days=2),
        ),
        (
            regulator.EnterpriseFilter(role=Role.PLATFORM, created_from=DAY0 + timedelta(days=1)),
            lambda r: "platform" in r.roles.split() and r.created_at >= DAY0 + timedelta(days=1),
        ),
    ]
    sizes = []
    for where, expected in cases:
        wanted = [r for r in rows if expected(r)]
        sizes.append(len(wanted))
        for limit in (1, 2, 10):
            found = _walk(
                lambda cursor, n, where=where: regulator.list_enterprises(
                    world.engine, where, cursor, n
                ),
                limit,
            )
            assert [r.customs_code for r in found] == [
                r.customs_code
                for r in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
                if expected(r)
            ]
    assert sizes == [6, 2, 1, 5, 1, 1, 3, 1]


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_export_csv_has_every_declaration_in_range_oldest_first(world: World, chunk: int) -> None:
    start, end = RANGE
    body = b"".join(export.iter_declarations(world.engine, start, end, "csv", chunk=chunk))
    parsed = list(csv.DictReader(io.StringIO(body.decode())))
    rows = sorted(
        (r for r in _rows(world.engine, DECLARATIONS) if start <= r.created_at < end),
        key=lambda r: (r.created_at, r.id),
    )
    assert len(parsed) == len(rows) == 12
    assert list(parsed[0]) == list(export.FIELDS)
    assert [p["id"] for p in parsed] == [r.id for r in rows]
    for p, r in zip(parsed, rows, strict=True):
        assert datetime.fromisoformat(p["createdAt"]) == r.created_at
        assert p["status"] == r.status
        assert int(p["cebStatus"]) == r.ceb_status
        assert (p["ebpCode"], p["payCode"], p["orderNo"]) == (r.ebp_code, r.pay_code, r.order_no)
        assert p["logisticsNo"] == r.logistics_no
        assert Decimal(p["dutiableValue"]) == r.dutiable_value
        assert (Decimal(p["taxTotal"]) if p["taxTotal"] else None) == r.tax_total
        assert (datetime.fromisoformat(p["finalizedAt"]) if p["finalizedAt"] else None) == (
            r.finalized_at
        )
    assert not any(buyer.encode() in body for buyer in world.buyer_ids)


def test_export_ndjson_is_one_object_a_line(world: World) -> None:
    start, end = RANGE
    chunks = list(export.iter_declarations(world.engine, start, end, "ndjson", chunk=5))
    assert len(chunks) == 3  # 5 + 5 + 2
    objects = [json.loads(line) for line in b"".join(chunks).decode().splitlines()]
    assert len(objects) == 12
    assert [tuple(o) for o in objects] == [export.FIELDS] * 12
    times = [datetime.fromisoformat(o["createdAt"]) for o in objects]
    assert times == sorted(times)
    assert times[0] == start
    assert times[-1] < end
    cleared = [o for o in objects if o["status"] == "cleared"]
    assert all(o["taxTotal"] == "12.34567" and o["finalizedAt"] for o in cleared)
    assert all(o["taxTotal"] is None for o in objects if o["status"] == "accepted")
    assert isinstance(objects[0]["cebStatus"], int)

    assert list(export.iter_declarations(world.engine, end, end, "ndjson")) == []
    assert list(export.iter_declarations(world.engine, end, end, "csv")) == [
        (",".join(export.FIELDS) + "\r\n").encode()
    ]
