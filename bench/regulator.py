"""Regulators' queries at volume: ``python -m bench.regulator [--declarations N]``.

Seeds N declarations (default 1,000,000) over 30 days into a fresh SQLite file and a fresh
PostgreSQL database (``sw_bench_stats_…``, dropped afterwards), built by the migrations.
Rows go in directly, in chunks (COPY on PostgreSQL, executemany on SQLite), with
realistic shapes: 1–3 goods lines, four agency parts, statuses and final times, refusals
with their rule codes. Then times
``stats.compute`` over the 30 days and over the last day, two filtered
``regulator.list_declarations`` pages and the CSV export: the median of three runs each.
Prints a table and writes ``bench/results/stats.json``."""

import argparse
import json
import math
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import make_url

from app import demo
from app.domain.clearance import CEB_STATUS, Agency, ClearanceStatus
from app.domain.violations import RuleCode
from app.schemas.enterprise import CreditGrade
from app.store import export, regulator, stats
from app.store.db import make_engine, upgrade
from app.store.models import (
    Declaration,
    DeclarationAgency,
    DeclarationLine,
    Enterprise,
    Refusal,
    RefusalCode,
)

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RESULTS = Path(__file__).resolve().parent / "results" / "stats.json"
DAYS = 30
CHUNK = 10_000

DECLARATIONS: Table = Declaration.__table__  # type: ignore[attr-defined]
LINES: Table = DeclarationLine.__table__  # type: ignore[attr-defined]
PARTS: Table = DeclarationAgency.__table__  # type: ignore[attr-defined]
ENTERPRISES: Table = Enterprise.__table__  # type: ignore[attr-defined]
REFUSALS: Table = Refusal.__table__  # type: ignore[attr-defined]
REFUSAL_CODES: Table = RefusalCode.__table__  # type: ignore[attr-defined]

# (HS code, origin country, unit price): the demo's goods and more of the usual ones.
GOODS: tuple[tuple[str, str, Decimal], ...] = (
    *((p.gcode, p.country, p.price) for p in demo.PRODUCTS),
    ("3304100090", "133", Decimal("189.00")),  # lipstick, Korea
    ("3305100090", "116", Decimal("79.00")),  # shampoo, Japan
    ("1901109000", "609", Decimal("238.00")),  # infant formula, New Zealand
    ("0402291000", "601", Decimal("128.00")),  # milk powder, Australia
    ("2106909090", "502", Decimal("199.00")),  # supplements, USA
    ("8471300000", "502", Decimal("3999.00")),  # laptop, USA
    ("8517130000", "142", Decimal("4299.00")),  # phone
    ("9102110000", "331", Decimal("1899.00")),  # watch, Switzerland
    ("4202220000", "305", Decimal("2680.00")),  # handbag, France
    ("6204620000", "307", Decimal("459.00")),  # trousers, Italy
    ("6404199000", "344", Decimal("699.00")),  # trainers, Vietnam
    ("3004909099", "304", Decimal("158.00")),  # medicine, Germany
    ("2204210000", "305", Decimal("268.00")),  # wine, France
    ("0901210000", "307", Decimal("89.00")),  # coffee, Italy
    ("9504501900", "116", Decimal("2199.00")),  # game console, Japan
)
GOODS_WEIGHTS = (12, 8, 9, 6, 4, 3, 3, 2, 4, 7, 9, 6, 5, 5, 4, 1, 1, 1, 1, 3, 2, 2, 2, 2, 1)
# Share of declarations in each status once the agencies have answered.
OUTCOMES: tuple[tuple[ClearanceStatus, float], ...] = (
    (ClearanceStatus.CLEARED, 0.86),
    (ClearanceStatus.REJECTED, 0.04),
    (ClearanceStatus.DETAINED, 0.005),
    (ClearanceStatus.INSPECTION, 0.015),
    (ClearanceStatus.IN_REVIEW, 0.03),
    (ClearanceStatus.ACCEPTED, 0.02),
    (ClearanceStatus.CANCELLED, 0.02),
    (ClearanceStatus.RETURNED, 0.01),
)
PARTS_BY_STATUS: dict[ClearanceStatus, tuple[str, str, str, str]] = {
    # customs, inspection, tax, forex
    ClearanceStatus.CLEARED: ("released", "passed", "assessed", "recorded"),
    ClearanceStatus.CANCELLED: ("released", "passed", "assessed", "recorded"),
    ClearanceStatus.RETURNED: ("released", "passed", "assessed", "recorded"),
    ClearanceStatus.REJECTED: ("rejected", "passed", "assessed", "recorded"),
    ClearanceStatus.DETAINED: ("detained", "passed", "assessed", "recorded"),
    ClearanceStatus.INSPECTION: ("inspection", "acknowledged", "assessed", "recorded"),
    ClearanceStatus.IN_REVIEW: ("acknowledged", "acknowledged", "acknowledged", "recorded"),
    ClearanceStatus.ACCEPTED: ("pending", "pending", "pending", "pending"),
}
FINAL = {ClearanceStatus.CLEARED, ClearanceStatus.REJECTED, ClearanceStatus.DETAINED}
REFUSAL_SHARE = 0.05


class Enterprises:
    """The filed parties, with their roles and credit grades."""

    def __init__(self, rng: random.Random) -> None:
        self.rows: list[dict[str, Any]] = []
        self.by_role: dict[str, list[str]] = {}
        grades = (CreditGrade.ADVANCED, CreditGrade.GENERAL, CreditGrade.DISCREDITED)
        for role, prefix, count in (
            ("platform", "33", 40),
            ("ecommerce", "31", 200),
            ("payment", "11", 12),
            ("logistics", "44", 30),
        ):
            for n in range(count):
                code = f"{prefix}01B{role[0].upper()}{n:04d}"
                self.by_role.setdefault(role, []).append(code)
                self.rows.append(
                    {
                        "customs_code": code,
                        "uscc": demo.make_uscc(rng),
                        "name": f"{role} {n}",
                        "roles": role,
                        "contact_name": "张伟",
                        "telephone": "13800000000",
                        "status": "active",
                        "credit_grade": rng.choices(grades, (15, 80, 5))[0].value,
                        "status_reason": None,
                        "created_at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n),
                        "updated_at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n),
                    }
                )


def seed(engine: Engine, count: int, end: datetime, rng: random.Random) -> dict[str, int]:
    """``count`` declarations created over the 30 days before ``end``, in time order."""
    parties = Enterprises(rng)
    with engine.begin() as connection:
        connection.execute(insert(ENTERPRISES), parties.rows)
    # Platforms and companies differ in size: a few carry most of the trade.
    platforms = parties.by_role["platform"]
    platform_weights = [1 / (n + 1) for n in range(len(platforms))]
    # Serialized once: the rows go in by COPY or plain executemany, as JSON text.
    documents = [
        json.dumps(demo.make_declaration(rng, order_no=f"T{n:06d}", logistics_no=f"TPL{n:09d}"))
        for n in range(20)
    ]
    buyers = [demo.make_resident_id(rng) for _ in range(20_000)]
    codes = list(RuleCode)[:20]
    statuses = [s for s, _ in OUTCOMES]
    status_weights = [w for _, w in OUTCOMES]
    start = end - timedelta(days=DAYS)
    span = (end - start).total_seconds()
    totals = {"declarations": 0, "lines": 0, "agency_parts": 0, "refusals": 0}
    refusal_id = 0
    for first in range(0, count, CHUNK):
        size = min(CHUNK, count - first)
        declarations: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        parts: list[dict[str, Any]] = []
        refusals: list[dict[str, Any]] = []
        refusal_codes: list[dict[str, Any]] = []
        for n in range(first, first + size):
            created = start + timedelta(seconds=span * (n + rng.random()) / count)
            status = rng.choices(statuses, status_weights)[0]
            age = (end - created).total_seconds()
            if age < 3600 and rng.random() < 0.7:  # the last hour is still with the agencies
                status = ClearanceStatus.ACCEPTED
            declaration_id = str(uuid.uuid4())
            value = Decimal(0)
            for gnum in range(1, rng.choices((1, 2, 3), (55, 30, 15))[0] + 1):
                code, country, price = rng.choices(GOODS, GOODS_WEIGHTS)[0]
                total = price * rng.choices((1, 1, 1, 2, 3))[0]
                value += total
                lines.append(
                    {
                        "declaration_id": declaration_id,
                        "gnum": gnum,
                        "hs_code": code,
                        "hs_chapter": code[:2],
                        "country": country,
                        "total_price": total,
                        "created_at": created,
                    }
                )
            finalized = None
            if status in FINAL:
                # Minutes for most, hours or days for some (inspections, the tax agency).
                median = 1200 if status == ClearanceStatus.CLEARED else 300
                seconds = min(rng.lognormvariate(math.log(median), 1.3), age)
                finalized = created + timedelta(seconds=seconds)
            taxed = status not in {ClearanceStatus.ACCEPTED, ClearanceStatus.IN_REVIEW}
            declarations.append(
                {
                    "id": declaration_id,
                    "ebp_code": rng.choices(platforms, platform_weights)[0],
                    "ebc_code": rng.choice(parties.by_role["ecommerce"]),
                    "pay_code": rng.choice(parties.by_role["payment"]),
                    "logistics_code": rng.choice(parties.by_role["logistics"]),
                    "order_no": f"B{n:012d}",
                    "logistics_no": f"SF{n:012d}",
                    "buyer_id_number": rng.choice(buyers),
                    "trade_mode": "9610",
                    "status": status.value,
                    "ceb_status": CEB_STATUS[status],
                    "dutiable_value": value + 10,
                    "quota_year": created.year,
                    "quota_charge": int((value + 10) * 100_000),
                    "documents": rng.choice(documents),
                    "tax": None,
                    "tax_total": (value * Decimal("0.091")).quantize(Decimal("0.01"))
                    if taxed
                    else None,
                    "created_at": created,
                    "updated_at": finalized or created,
                    "finalized_at": finalized,
                }
            )
            for agency, part in zip(Agency, PARTS_BY_STATUS[status], strict=True):
                parts.append(
                    {
                        "declaration_id": declaration_id,
                        "agency": agency.value,
                        "status": part,
                        "sequence": 0 if part == "pending" else 2,
                        "detail": None,
                        "updated_at": finalized or created,
                        "created_at": created,
                    }
                )
            if rng.random() < REFUSAL_SHARE:
                refusal_id += 1
                refusals.append(
                    {
                        "id": refusal_id,
                        "ebp_code": declarations[-1]["ebp_code"],
                        "order_no": f"R{n:012d}",
                        "violations": "[]",
                        "documents": "{}",
                        "created_at": created,
                    }
                )
                for code in rng.sample(codes, rng.choices((1, 2, 3), (70, 25, 5))[0]):
                    refusal_codes.append(
                        {"refusal_id": refusal_id, "code": code.value, "created_at": created}
                    )
        with engine.begin() as connection:
            write(connection, DECLARATIONS, declarations)
            write(connection, LINES, lines)
            write(connection, PARTS, parts)
            write(connection, REFUSALS, refusals)
            write(connection, REFUSAL_CODES, refusal_codes)
        totals["declarations"] += len(declarations)
        totals["lines"] += len(lines)
        totals["agency_parts"] += len(parts)
        totals["refusals"] += len(refusals)
        if (first // CHUNK) % 10 == 9:
            print(f"  {first + size:,} declarations", file=sys.stderr, flush=True)
    return totals


def write(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Bulk rows in the shape the column types store (UTC times, JSON as text), past the
    ORM's per-value processing: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    names = list(rows[0])
    columns = ", ".join(names)
    if connection.dialect.name == "postgresql":
        raw: Any = connection.connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[name] for name in names])
        return
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",
        [tuple(_sqlite_value(row[name]) for name in names) for row in rows],
    )


def _sqlite_value(value: Any) -> Any:
    # As SQLAlchemy stores them on SQLite: naive UTC text, floating-point numerics.
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, Decimal):
        return float(value)
    return value


def analyze(engine: Engine) -> None:
    """Planner statistics, as a database in service has them."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")


def timed(run: Callable[[], object], runs: int) -> dict[str, float]:
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - began)
    return {
        "median_s": round(statistics.median(seconds), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
    }


def measure(engine: Engine, end: datetime, runs: int) -> dict[str, Any]:
    start, last_day = end - timedelta(days=DAYS), end - timedelta(days=1)
    results: dict[str, Any] = {
        "stats_30_days": timed(lambda: stats.compute(engine, start, end), runs),
        "stats_1_day": timed(lambda: stats.compute(engine, last_day, end), runs),
    }
    filtered = regulator.DeclarationFilter(
        status=ClearanceStatus.CLEARED,
        hs_chapter="33",
        ebp_credit_grade=CreditGrade.ADVANCED,
        created_from=start,
        created_to=end,
    )
    results["list_filtered_page"] = timed(
        lambda: regulator.list_declarations(engine, filtered, None, 50), runs
    )
    # A small logistics company (the list is weighted towards none: about 1 in 30).
    party = regulator.DeclarationFilter(party_code="4401BL0029", country="601")
    results["list_party_page"] = timed(
        lambda: regulator.list_declarations(engine, party, None, 50), runs
    )
    exported: list[int] = []

    def export_day() -> None:
        body = export.iter_declarations(engine, last_day, end, "csv")
        exported.append(sum(chunk.count(b"\n") for chunk in body) - 1)

    timing = timed(export_day, runs)
    timing["rows"] = exported[-1]
    timing["rows_per_s"] = round(exported[-1] / timing["median_s"])
    results["export_csv_1_day"] = timing
    return results


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sw_bench_stats_") as directory:
        yield f"sqlite:///{directory}/stats.db"


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    name = f"sw_bench_stats_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_backend(url: str, count: int, runs: int, end: datetime, seed_value: int) -> dict[str, Any]:
    upgrade(url)
    loader = make_engine(url)
    if loader.dialect.name == "sqlite":

        @event.listens_for(loader, "connect")
        def _big_cache(dbapi_connection: Any, _record: Any) -> None:
            # For loading only: the measuring engine below has the service's settings.
            dbapi_connection.execute("PRAGMA cache_size=-1000000")

    try:
        began = time.perf_counter()
        rows = seed(loader, count, end, random.Random(seed_value))
        seeded = time.perf_counter() - began
        analyze(loader)
    finally:
        loader.dispose()
    print(f"  seeded in {seeded:.0f} s; measuring", file=sys.stderr, flush=True)
    engine = make_engine(url)
    try:
        return {"rows": rows, "seed_s": round(seeded, 1), **measure(engine, end, runs)}
    finally:
        engine.dispose()


def print_table(results: dict[str, dict[str, Any]]) -> None:
    names = (
        ("stats_30_days", "stats.compute, 30 days"),
        ("stats_1_day", "stats.compute, 1 day"),
        ("list_filtered_page", "list_declarations, status+chapter+grade"),
        ("list_party_page", "list_declarations, party+country"),
        ("export_csv_1_day", "export CSV, 1 day"),
    )
    backends = list(results)
    print(f"{'median of runs (s)':<42}" + "".join(f"{b:>14}" for b in backends))
    for key, label in names:
        print(f"{label:<42}" + "".join(f"{results[b][key]['median_s']:>14.3f}" for b in backends))
    print(
        f"{'export rows/s':<42}"
        + "".join(f"{results[b]['export_csv_1_day']['rows_per_s']:>14,}" for b in backends)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.regulator", description=__doc__)
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=DEFAULT_SERVER_URL, help="server to use")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    results: dict[str, dict[str, Any]] = {}
    for backend in args.databases.split(","):
        print(f"{backend}: seeding {args.declarations:,} declarations", file=sys.stderr)
        database = sqlite_database() if backend == "sqlite" else postgres_database(args.postgres)
        with database as url:
            results[backend] = run_backend(url, args.declarations, args.runs, end, args.seed)
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "declarations": args.declarations,
        "days": DAYS,
        "runs": args.runs,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
