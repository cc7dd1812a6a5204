"""Reliability, end to end: the four agencies and the single window run as real processes
over real HTTP (PostgreSQL where it says so), and things go wrong on purpose.

- an agency down for 30 s, then back: every declaration clears, none twice at the agency;
- the API and dispatcher workers killed with SIGKILL mid-load: every declaration accepted
  (the database says which) reaches a final status, one record each at every agency;
- duplicate and reversed callbacks end in the same state as clean ones;
- a poison message becomes a dead letter, visible and re-drivable from the CLI;
- callbacks lost for good: the reconciler still applies the agency's decisions."""

import itertools
import json
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text, update
from sqlmodel import col, select

from app import demo
from app.agencies.signing import signed_headers
from app.agencies.wire import MAX_BATCH, AgencyName
from app.domain.clearance import AGENCY_RANK, AgencyStatus
from app.store.models import Declaration
from tests.support.factories import Declarations
from tests.support.reliability import (
    COSMETICS,
    FINAL_STATUSES,
    FROZEN_PORK,
    HOST,
    SHOES,
    T_SHIRT,
    Load,
    Processes,
    SingleWindow,
    agency_parts,
    agency_stats,
    copy_sqlite,
    declaration_statuses,
    describe,
    expected_status,
    free_ports,
    outbox_counts,
    outbox_rows,
    read_sqlite,
    sqlite_path,
)
from tests.support.service import settle

Body = dict[str, Any]
CUSTOMS = AgencyName.CUSTOMS
# Each agency's decision on plain goods (customs' depends on its risk sampling).
PLAIN = {"inspection": "passed", "tax": "assessed", "forex": "recorded"}
# The declaration's status only moves forward, in this order.
DECLARATION_RANK = {
    "accepted": 0,
    "in_review": 1,
    "inspection": 2,
    "cleared": 3,
    "rejected": 4,
    "detained": 5,
}
BASKETS: list[list[tuple[demo.Product, int]]] = [
    [(SHOES, 1)],
    [(T_SHIRT, 2)],
    [(SHOES, 1), (T_SHIRT, 1)],
]


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Every process a test starts, stopped at its end whatever happened."""
    registry = Processes(tmp_path / "logs")
    try:
        yield registry
    finally:
        registry.stop_all()


def plain_bodies(count: int, seed: int) -> list[Body]:
    """Valid declarations of shoes and T-shirts, each for another buyer."""
    declarations = Declarations(seed)
    return [declarations.valid(lines=BASKETS[n % len(BASKETS)]) for n in range(count)]


def read_declaration(client: httpx.Client, declaration_id: str) -> Body:
    answer = client.get(f"/v1/declarations/{declaration_id}")
    assert answer.status_code == 200, answer.text
    body: Body = answer.json()
    return body


def outcome(detail: Body) -> Body:
    """What the single window decided about a declaration, without the times."""
    return {
        "status": detail["status"],
        "cebStatus": detail["cebStatus"],
        "tax": detail["tax"],
        "agencies": {
            part["agency"]: (
                part["status"],
                [reason["code"] for reason in (part["detail"] or {}).get("reasons", [])],
            )
            for part in detail["agencies"]
        },
    }


def outcomes(sw: SingleWindow, ids: Sequence[str]) -> dict[str, Body]:
    with sw.client() as client:
        return {i: outcome(read_declaration(client, i)) for i in ids}


def events(client: httpx.Client, declaration_id: str) -> list[Body]:
    answer = client.get(f"/v1/declarations/{declaration_id}/events", params={"limit": 200})
    assert answer.status_code == 200, answer.text
    assert answer.json()["nextCursor"] is None
    items: list[Body] = answer.json()["items"]
    return items


def history_problems(declaration_id: str, history: Sequence[Body]) -> list[str]:
    """Whatever in a status history moved backwards or was applied twice."""
    problems = []
    statuses = [event["status"] for event in history]
    ranks = [DECLARATION_RANK[status] for status in statuses]
    if ranks != sorted(ranks):
        problems.append(f"{declaration_id}: the status went backwards: {statuses}")
    by_agency: dict[str, list[str]] = {}
    for event in history:
        if event["agency"] is not None:
            # The note starts "<agency>: <the agency's status>".
            applied = event["note"].split(" — ", 1)[0].split(": ", 1)[1]
            by_agency.setdefault(event["agency"], []).append(applied)
    for agency, applied in by_agency.items():
        agency_ranks = [AGENCY_RANK[AgencyStatus(status)] for status in applied]
        if any(later <= earlier for earlier, later in itertools.pairwise(agency_ranks)):
            problems.append(f"{declaration_id}: {agency} receipts applied out of rank: {applied}")
    return problems


def assert_cleared_as_expected(sw: SingleWindow, ids: Sequence[str]) -> None:
    """Every plain declaration, read over HTTP: cleared, or detained when customs' sample
    says so; each agency's part holds that agency's decision."""
    wrong = []
    with sw.client() as client:
        for declaration_id in ids:
            detail = read_declaration(client, declaration_id)
            parts = {part["agency"]: part["status"] for part in detail["agencies"]}
            expected = expected_status(declaration_id)
            customs = "detained" if expected == "detained" else "released"
            if (detail["status"], parts) != (expected, PLAIN | {"customs": customs}):
                wrong.append(declaration_id)
    assert not wrong, f"not cleared as expected:\n{describe(sw.engine, wrong)}"


def assert_one_record_each(sw: SingleWindow, count: int) -> dict[AgencyName, dict[str, int]]:
    stats = {agency: agency_stats(sw.agency_url(agency)) for agency in AgencyName}
    assert {a: s["declarations"] for a, s in stats.items()} == dict.fromkeys(AgencyName, count)
    return stats


def all_delivered(sw: SingleWindow) -> dict[str, int]:
    counts = outbox_counts(sw.engine)
    assert set(counts) == {"delivered"}, f"outbox: {counts}\n" + "\n".join(
        str(tuple(m)) for m in outbox_rows(sw.engine, "status <> 'delivered'")
    )
    return counts


def wait_callbacks_sent(sw: SingleWindow, timeout: float = 20) -> None:
    sw.wait_for(
        lambda: all(
            agency_stats(sw.agency_url(agency))["receiptsPending"] == 0 for agency in AgencyName
        ),
        timeout,
        "every agency's callbacks delivered",
    )


# --- (a) an agency down for 30 s ------------------------------------------------------------

DOWNTIME_SECONDS = 30.0


@pytest.mark.postgres
def test_an_agency_down_for_30_s_then_back_clears_everything_once(
    postgres_url: str, processes: Processes, tmp_path: Path
) -> None:
    sw = SingleWindow(processes, "a", postgres_url, tmp_path)
    try:
        sw.start_agencies()
        sw.start_api()
        sw.file_parties()
        bodies = plain_bodies(50, seed=101)

        ids = sw.post(bodies[:10])
        # Customs goes away for real (SIGKILL: whatever it was doing is cut short),
        # possibly with some of the first declarations still in flight to it.
        sw.agencies[CUSTOMS].kill()
        down_since = time.monotonic()
        for body in bodies[10:]:
            ids += sw.post([body])
            time.sleep(0.4)
        assert len(ids) == 50

        # Meanwhile the other agencies decide, customs is retried, nothing is dead.
        def decided_without_customs() -> bool:
            # Every one of them, derived already (agency rows) and decided.
            parts = agency_parts(sw.engine)
            return all(
                parts.get(i, {}).get("tax") == "assessed"
                and parts.get(i, {}).get("customs") == "pending"
                for i in ids[10:]
            )

        sw.wait_for(
            decided_without_customs,
            15,
            "decided by the agencies that are up while customs is down",
        )
        statuses = declaration_statuses(sw.engine)
        assert not [i for i in ids[10:] if statuses[i] in FINAL_STATUSES]
        customs_attempts = max(
            m.attempts for m in outbox_rows(sw.engine, "destination = 'customs'")
        )
        assert customs_attempts > 1
        assert "dead" not in outbox_counts(sw.engine)

        time.sleep(max(0.0, DOWNTIME_SECONDS - (time.monotonic() - down_since)))
        back = time.monotonic()
        sw.agencies[CUSTOMS].start()  # the same port, the same data
        done = sw.wait_all_final(ids, timeout=45)
        print(f"\n(a) customs down {back - down_since:.1f} s; all final {done - back:.1f} s later")

        with sw.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM declarations")) == 50
            most = connection.scalar(
                text("SELECT max(attempts) FROM outbox_messages WHERE destination = 'customs'")
            )
        assert most is not None
        assert most > 1, "customs was never retried"
        assert_cleared_as_expected(sw, ids)
        stats = assert_one_record_each(sw, 50)
        print(f"(a) customs messages tried up to {most} times; agencies: {stats}")
        all_delivered(sw)
        wait_callbacks_sent(sw)
    finally:
        sw.dispose()


# --- (b) the API and workers killed mid-load ------------------------------------------------

LOAD_SIZE = 300


@pytest.mark.postgres
def test_the_api_and_workers_killed_mid_load_lose_and_duplicate_nothing(
    postgres_url: str, processes: Processes, tmp_path: Path
) -> None:
    sw = SingleWindow(processes, "b", postgres_url, tmp_path)
    try:
        sw.start_agencies()
        api = sw.start_api(dispatcher=False)
        workers = [sw.start_worker() for _ in range(3)]
        sw.file_parties()
        bodies = plain_bodies(LOAD_SIZE, seed=202)

        def accepted() -> int:
            with sw.engine.connect() as connection:
                return int(connection.scalar(text("SELECT count(*) FROM declarations")) or 0)

        load = Load(sw.url, bodies, threads=8)
        started = time.monotonic()
        load.start()
        sw.wait_for(lambda: accepted() >= LOAD_SIZE // 3, 60, "a third of the load accepted")
        # SIGKILL the API and two of the three workers at once, mid-load, mid-send.
        for child in (api, workers[0], workers[1]):
            child.kill()
        killed_at = accepted()
        time.sleep(0.5)
        for child in (api, workers[0], workers[1]):
            child.start()
        sw.wait_for(lambda: accepted() >= 2 * LOAD_SIZE // 3, 60, "two thirds accepted")
        workers[2].kill()  # and the last original worker, later
        time.sleep(0.3)
        workers[2].start()
        load.join(timeout=90)
        posted = time.monotonic()

        # The database is the truth of what was accepted.
        ids = list(declaration_statuses(sw.engine))
        done = sw.wait_all_final(ids, timeout=90)
        elapsed = done - started
        print(
            f"\n(b) {len(ids)} accepted (API killed at {killed_at}); client saw "
            f"{dict(sorted(load.outcomes.items()))}; posting took {posted - started:.1f} s, "
            f"all final after {elapsed:.1f} s ({done - posted:.1f} s after the last post): "
            f"{len(ids) / elapsed:.1f} declarations/s end to end"
        )
        # Requests cut off by the kill failed; their retries were taken (202), or found
        # the first attempt had been (409). Nothing else.
        expected_answers = {"first 202", "first failed", "retry 202", "retry 409"}
        assert set(load.outcomes) <= expected_answers, (load.outcomes, load.errors[:5])
        with sw.engine.connect() as connection:
            orders = [
                row.order_no
                for row in connection.execute(text("SELECT order_no FROM declarations"))
            ]
        assert len(orders) == len(set(orders))
        # Every order was answered 202 or 409 in the end, so every one is in: once.
        assert sorted(orders) == sorted(b["order"]["orderNo"] for b in bodies)

        assert_cleared_as_expected(sw, ids)
        stats = assert_one_record_each(sw, len(ids))
        print(f"(b) agencies: {stats}")
        all_delivered(sw)
        wait_callbacks_sent(sw)
    finally:
        sw.dispose()


# --- (c) duplicate and reversed callbacks ---------------------------------------------------


def mixed_bodies(seed: int) -> list[Body]:
    """Plain goods, goods quarantine inspects, an under-declared tax, prohibited meat."""
    declarations = Declarations(seed)
    bodies = [declarations.valid(lines=BASKETS[n % len(BASKETS)]) for n in range(20)]
    bodies += [declarations.valid(lines=[(COSMETICS, 1)]) for _ in range(8)]
    bodies += [declarations.valid(lines=[(SHOES, 1)], tax_total=Decimal(0)) for _ in range(4)]
    bodies += [declarations.valid(lines=[(FROZEN_PORK, 2)]) for _ in range(4)]
    return bodies


def send_receipts_backwards_twice(sw: SingleWindow, stores: Path) -> list[Body]:
    """Send every receipt in the agencies' stores to ``sw`` as the agencies would, signed,
    but newest first (one batch per agency and sequence number) and each batch twice;
    answer what the single window said to each."""
    answers = []
    with sw.client() as client:
        for agency in AgencyName:
            rows = read_sqlite(
                stores / f"{agency}.db",
                "SELECT sequence, body FROM receipts ORDER BY sequence DESC, declaration_id",
            )
            for sequence in sorted({row[0] for row in rows}, reverse=True):
                bodies = [row[1] for row in rows if row[0] == sequence]
                for start in range(0, len(bodies), MAX_BATCH):
                    batch = bodies[start : start + MAX_BATCH]
                    payload = ('{"receipts":[' + ",".join(batch) + "]}").encode()
                    for _ in range(2):
                        answer = client.post(
                            f"/v1/receipts/{agency}",
                            content=payload,
                            headers=signed_headers(f"dev-{agency}-secret", payload),
                        )
                        assert answer.status_code == 200, answer.text
                        answers.append({"sent": len(batch)} | answer.json())
    return answers


def histories(sw: SingleWindow, ids: Sequence[str]) -> dict[str, list[Body]]:
    with sw.client() as client:
        return {i: events(client, i) for i in ids}


def test_duplicate_and_reversed_callbacks_end_as_clean_ones_do(
    sqlite_url: str, processes: Processes, tmp_path: Path
) -> None:
    # Small batches to the agencies, so that their decisions come at different moments.
    quick = {"SW_DISPATCH_BATCH_SIZE": "3"}
    clean = SingleWindow(processes, "clean", sqlite_url, tmp_path / "clean", settings=quick)
    copies = {
        name: SingleWindow(
            processes, name, f"sqlite:///{tmp_path / name / 'sw.db'}", tmp_path / name, quick
        )
        for name in ("faulty", "replayed")
    }
    faulty, replayed = copies["faulty"], copies["replayed"]
    try:
        clean.start_agencies()
        clean.start_api(dispatcher=False)
        filer = clean.start_worker()
        clean.file_parties()
        filer.stop()
        ids = clean.post(mixed_bodies(seed=303))
        # No worker runs: do its first step here, so that the declarations wait in the
        # outbox (and nowhere else) when the database is copied.
        assert settle(clean.engine) == len(ids)
        assert outbox_counts(clean.engine)["pending"] == 4 * len(ids)

        # Copies of this moment: the same declarations (ids included) waiting in the
        # outbox, the same filings at the agencies. The clean single window goes on with
        # clean agencies; "faulty" with agencies that send every callback twice and hold
        # back each declaration's intermediate receipts until after its final one;
        # "replayed" gets no agencies: the test hands it the clean agencies' receipts,
        # newest first and twice each.
        for sw in copies.values():
            copy_sqlite(sqlite_path(sqlite_url), sqlite_path(sw.database_url))
        for agency in AgencyName:
            copy_sqlite(
                clean.agency_data_dir / f"{agency}.db", faulty.agency_data_dir / f"{agency}.db"
            )
        faulty.start_agencies(
            env={
                "AGENCY_DUPLICATE_CALLBACKS": "1",
                "AGENCY_OUT_OF_ORDER_CALLBACKS": "true",
                # The held-back receipts are due 1 ms after the final one: with the usual
                # 50 ms tick they nearly always go in one batch with it (which the single
                # window applies in sequence order). A 1 ms tick where inspections happen
                # sends the final one alone, first, now and then.
                "AGENCY_CUSTOMS_SENDER_TICK_MS": "1",
                "AGENCY_INSPECTION_SENDER_TICK_MS": "1",
            }
        )
        for agency in AgencyName:
            faults = httpx.get(f"{faulty.agency_url(agency)}/admin/faults").json()
            assert (faults["duplicateCallbacks"], faults["outOfOrderCallbacks"]) == (1, True)
        faulty.start_api()
        clean.start_worker()
        replayed.start_api(dispatcher=False)

        clean.wait_all_final(ids, timeout=45)
        faulty.wait_all_final(ids, timeout=45)
        # The held-back and repeated receipts come after the final status: wait for them.
        wait_callbacks_sent(clean)
        wait_callbacks_sent(faulty)

        expected = outcomes(clean, ids)
        statuses = [expected[i]["status"] for i in ids]
        assert statuses[:28] == [expected_status(i) for i in ids[:28]]
        assert set(statuses[28:]) <= {"rejected", "detained"}
        assert "rejected" in statuses[28:]
        got = outcomes(faulty, ids)
        differ = {i: (expected[i], got[i]) for i in ids if expected[i] != got[i]}
        assert not differ, f"the faulty agencies changed the outcome: {differ}"

        answers = send_receipts_backwards_twice(replayed, clean.agency_data_dir)
        assert sum(a["applied"] for a in answers) == sum(
            len(parts) for parts in agency_parts(clean.engine).values()
        ), "one receipt applied per agency and declaration, the rest ignored"
        assert not [a for a in answers if a["unknown"]]
        replayed_outcomes = outcomes(replayed, ids)
        differ = {
            i: (expected[i], replayed_outcomes[i])
            for i in ids
            if expected[i] != replayed_outcomes[i]
        }
        assert not differ, f"receipts newest first changed the outcome: {differ}"

        problems: list[str] = []
        stories = {sw.name: histories(sw, ids) for sw in (clean, faulty, replayed)}
        for story in stories.values():
            for i, history in story.items():
                problems += history_problems(i, history)
        assert not problems, "\n".join(problems)
        skipped = sum(len(stories["clean"][i]) - len(stories["faulty"][i]) for i in ids)
        receipt_posts = {
            sw.name: sw.api.log_text().count("POST /v1/receipts/")
            for sw in (clean, faulty)
            if sw.api is not None
        }
        print(
            f"\n(c) receipt posts {receipt_posts}; intermediate receipts the faulty run got "
            f"after the final one (so did not record): {skipped}"
        )

        # Late duplicates: every receipt once more, after the end, changes nothing.
        answers = send_receipts_backwards_twice(faulty, faulty.agency_data_dir)
        assert sum(a["applied"] for a in answers) == 0, answers
        assert sum(a["ignored"] for a in answers) == sum(a["sent"] for a in answers) > 0
        assert outcomes(faulty, ids) == got
        assert histories(faulty, ids) == stories["faulty"]
    finally:
        for sw in (clean, *copies.values()):
            sw.dispose()


# --- (d) a poison message -------------------------------------------------------------------


def dead_letter_rows(listing: str) -> list[list[str]]:
    """The rows of the dead-letter table `singlewindow outbox list` prints."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in listing.splitlines()
        if line.count("│") >= 6
    ]


@pytest.mark.postgres
def test_a_poison_message_is_dead_lettered_shown_and_redriven(
    database_url: str, processes: Processes, tmp_path: Path
) -> None:
    sw = SingleWindow(processes, "d", database_url, tmp_path)
    try:
        sw.start_agencies()
        sw.start_api(dispatcher=False)
        filer = sw.start_worker()
        sw.file_parties()
        filer.stop()
        poison_body, healthy_body = plain_bodies(2, seed=404)
        poison, healthy = sw.post([poison_body, healthy_body])

        # Stored documents no agency can read (an HS code of two digits); the healthy
        # declaration travels in the same batches.
        with sw.engine.begin() as connection:
            documents = connection.execute(
                select(col(Declaration.documents)).where(col(Declaration.id) == poison)
            ).scalar_one()
            broken = json.loads(json.dumps(documents))
            broken["order"]["items"][0]["gcode"] = "64"
            connection.execute(
                update(Declaration).where(col(Declaration.id) == poison).values(documents=broken)
            )
        sw.start_worker()
        sw.wait_all_final([healthy], timeout=30)
        sw.wait_for(
            lambda: len(outbox_rows(sw.engine, "status = 'dead'")) == 4, 30, "4 dead letters"
        )
        dead = outbox_rows(sw.engine, "status = 'dead'")
        assert {(m.destination, m.subject_id) for m in dead} == {
            (agency.value, poison) for agency in AgencyName
        }
        for message in dead:
            assert f"refused by {message.destination}" in message.last_error
            assert "gcode" in message.last_error
        assert declaration_statuses(sw.engine)[poison] == "accepted"
        assert set(agency_parts(sw.engine)[poison].values()) == {"pending"}
        assert_one_record_each(sw, 1)  # the healthy one only

        listing = sw.cli("outbox", "list")
        assert "dead 4" in listing, listing
        rows = {row[0]: row for row in dead_letter_rows(listing)}
        for message in dead:
            row = rows.get(str(message.id))
            assert row is not None, f"dead letter {message.id} not listed:\n{listing}"
            assert row[1:4] == [message.destination, "declaration.submit", poison], listing
            assert row[5].startswith(f"refused by {message.destination}"), listing

        # Mend the cause, then re-drive: one by id, the rest with --all.
        with sw.engine.begin() as connection:
            connection.execute(
                update(Declaration).where(col(Declaration.id) == poison).values(documents=documents)
            )
        customs_letter = next(m.id for m in dead if m.destination == CUSTOMS)
        assert "1 message(s) queued again" in sw.cli("outbox", "redrive", str(customs_letter))
        assert "3 message(s) queued again" in sw.cli("outbox", "redrive", "--all")

        sw.wait_all_final([poison], timeout=30)
        assert_cleared_as_expected(sw, [poison, healthy])
        assert_one_record_each(sw, 2)
        all_delivered(sw)
        assert "dead letters (0)" in sw.cli("outbox", "list")
    finally:
        sw.dispose()


# --- (e) callbacks lost for good: the reconciler --------------------------------------------


def test_decisions_whose_callbacks_are_lost_arrive_by_reconciliation(
    sqlite_url: str, processes: Processes, tmp_path: Path
) -> None:
    sw = SingleWindow(
        processes,
        "e",
        sqlite_url,
        tmp_path,
        settings={"SW_RECONCILE_AFTER_SECONDS": "1", "SW_RECONCILE_EVERY_SECONDS": "0.5"},
    )
    try:
        # The tax agency calls back where nothing listens: its receipts never arrive.
        nowhere = f"http://{HOST}:{free_ports(1)[0]}"
        sw.start_agencies(callback_base_urls={AgencyName.TAX: nowhere})
        sw.start_api()
        sw.file_parties()
        ids = sw.post(plain_bodies(10, seed=505))
        sw.wait_all_final(ids, timeout=30)

        assert_cleared_as_expected(sw, ids)
        with sw.client() as client:
            for declaration_id in ids:
                detail = read_declaration(client, declaration_id)
                assert detail["tax"] is not None
                notes = [e["note"] for e in events(client, declaration_id)]
                assert "tax: assessed" in notes
        # None of the tax agency's callbacks got through: its decisions came by polling.
        assert agency_stats(sw.agency_url(AgencyName.TAX))["receiptsPending"] == 2 * len(ids)
        assert "reconciled" in (sw.api.log_text() if sw.api else "")
        all_delivered(sw)
    finally:
        sw.dispose()
