"""`singlewindow submit FILE` declares a day's orders through the batch endpoint: good
records accepted, bad ones written to FILE.refused.ndjson with their violations, nothing
declared twice when the file is sent again after an interruption. `singlewindow status
ORDER --watch` follows one declaration until its status is final."""

import csv
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from app import submit
from app.agencies.signing import signed_headers
from app.cli import cli
from app.config import get_settings
from app.demo import DEMO_PARTIES, PRODUCTS
from tests.support.factories import Declarations, register_everywhere
from tests.support.receipts import SECRETS, TAX
from tests.support.service import ADMIN, LiveServer, quiet_settings
from tests.support.service import settle as derive


@pytest.fixture
def live_server(sqlite_url: str) -> Iterator[LiveServer]:
    """On SQLite only: what is tested is the command, not the database."""
    with LiveServer(quiet_settings(sqlite_url)) as server:
        yield server


@pytest.fixture
def platform_key(live_server: LiveServer, declarations: Declarations) -> str:
    """The demo parties filed and registered everywhere; the platform's key."""
    keys: dict[str, str] = {}
    for body in declarations.filings():
        answer = httpx.post(f"{live_server.url}/v1/enterprises", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.text
        keys[body["customsCode"]] = answer.json()["apiKey"]["key"]
    register_everywhere(live_server.engine, list(keys))
    return keys[DEMO_PARTIES.platform.customs_code]


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(server: LiveServer, key: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--url", server.url, "--key", key])


def declared(server: LiveServer) -> list[str]:
    answer = httpx.get(f"{server.url}/v1/declarations", params={"limit": 200}, headers=ADMIN)
    return sorted(d["orderNo"] for d in answer.json()["items"])


def write_ndjson(path: Path, lines: list[Any]) -> Path:
    def text(line: Any) -> str:
        return line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)

    path.write_text("".join(f"{text(line)}\n" for line in lines), encoding="utf-8")
    return path


def refused_lines(path: Path) -> list[dict[str, Any]]:
    refused = submit.refused_path(path)
    return [json.loads(line) for line in refused.read_text().splitlines()]


def test_good_records_are_declared_and_refused_ones_written_with_their_violations(
    live_server: LiveServer, platform_key: str, declarations: Declarations, tmp_path: Path
) -> None:
    good = [declarations.valid() for _ in range(3)]
    wrong_paid = declarations.valid()
    wrong_paid["payment"]["amountPaid"] = "1.00"
    file = write_ndjson(tmp_path / "orders.ndjson", [good[0], wrong_paid, "{not json", *good[1:]])

    result = run(live_server, platform_key, "submit", str(file), "--batch-size", "2")

    assert result.exit_code == 1, result.output  # some records were refused
    assert declared(live_server) == sorted(d["order"]["orderNo"] for d in good)
    assert "3 accepted, 0 already declared, 2 refused" in result.stderr
    assert "paid_amount_mismatch" in result.stdout
    assert "unreadable_record" in result.stdout
    refused = refused_lines(file)
    assert [r["line"] for r in refused] == [2, 3]
    assert refused[0]["orderNo"] == wrong_paid["order"]["orderNo"]
    assert refused[0]["declaration"] == wrong_paid
    paid = next(v for v in refused[0]["violations"] if v["code"] == "paid_amount_mismatch")
    # Pointers point into the record, not into the batch it travelled in.
    assert paid["pointer"] == "/payment/amountPaid"
    assert {"message", "messageZh"} <= set(paid)
    assert refused[1]["declaration"] is None
    assert refused[1]["text"] == "{not json"


def test_a_refused_record_fixed_in_the_refused_file_is_sent_again_as_it_is(
    live_server: LiveServer, platform_key: str, declarations: Declarations, tmp_path: Path
) -> None:
    wrong_paid = declarations.valid()
    right = wrong_paid["payment"]["amountPaid"]
    wrong_paid["payment"]["amountPaid"] = "1.00"
    file = write_ndjson(tmp_path / "orders.ndjson", [wrong_paid])
    assert run(live_server, platform_key, "submit", str(file)).exit_code == 1

    refused_file = submit.refused_path(file)
    fixed = refused_lines(file)
    fixed[0]["declaration"]["payment"]["amountPaid"] = right
    write_ndjson(refused_file, fixed)
    again = run(live_server, platform_key, "submit", str(refused_file))

    assert again.exit_code == 0, again.output
    assert declared(live_server) == [wrong_paid["order"]["orderNo"]]
    assert not submit.refused_path(refused_file).exists()


def test_an_interrupted_submission_resumes_without_declaring_anything_twice(
    live_server: LiveServer,
    platform_key: str,
    declarations: Declarations,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    orders = [declarations.valid() for _ in range(5)]
    file = write_ndjson(tmp_path / "orders.ndjson", orders)

    # The connection goes after the second batch.
    send = submit.Submitter.send
    calls: list[int] = []

    def cut_off(self: submit.Submitter, batch: list[submit.Record]) -> list[submit.RecordResult]:
        calls.append(len(batch))
        if len(calls) > 2:
            raise submit.SubmitStopped("the connection was lost")
        return send(self, batch)

    monkeypatch.setattr(submit.Submitter, "send", cut_off)
    first = run(live_server, platform_key, "submit", str(file), "--batch-size", "2")
    monkeypatch.setattr(submit.Submitter, "send", send)
    assert first.exit_code == 1
    assert "run the same command again" in first.stderr
    assert len(declared(live_server)) == 4

    # The same batches again: the service replays its answers to the first two.
    second = run(live_server, platform_key, "submit", str(file), "--batch-size", "2")
    assert second.exit_code == 0, second.output
    assert "1 accepted, 4 already declared, 0 refused" in second.stderr
    # Other batches: each order declared before is a duplicate, reported as declared.
    third = run(live_server, platform_key, "submit", str(file), "--batch-size", "3")
    assert third.exit_code == 0, third.output
    assert "0 accepted, 5 already declared, 0 refused" in third.stderr
    assert declared(live_server) == sorted(o["order"]["orderNo"] for o in orders)


def test_a_batch_refused_whole_is_sent_again_record_by_record(
    live_server: LiveServer, platform_key: str, declarations: Declarations, tmp_path: Path
) -> None:
    good = declarations.valid()
    # An object with more fields than any of the service's refuses the whole batch.
    crowded = declarations.valid()
    crowded["order"] |= {f"x{n}": n for n in range(80)}
    file = write_ndjson(tmp_path / "orders.ndjson", [good, crowded])

    result = run(live_server, platform_key, "submit", str(file))

    assert result.exit_code == 1
    assert declared(live_server) == [good["order"]["orderNo"]]
    [refused] = refused_lines(file)
    assert refused["outcome"] == "invalid_request"
    assert refused["violations"][0]["code"] == "too_many_fields"


def test_a_csv_file_in_the_flat_layout_is_declared(
    live_server: LiveServer, platform_key: str, declarations: Declarations, tmp_path: Path
) -> None:
    orders = [declarations.valid(lines=[(PRODUCTS[1], 2), (PRODUCTS[9], 1)]), declarations.valid()]
    file = tmp_path / "orders.csv"
    with file.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=submit.CSV_COLUMNS)
        writer.writeheader()
        for order in orders:
            writer.writerows(submit.csv_rows(order))

    result = run(live_server, platform_key, "submit", str(file))

    assert result.exit_code == 0, result.output
    assert declared(live_server) == sorted(o["order"]["orderNo"] for o in orders)
    first = httpx.get(
        f"{live_server.url}/v1/declarations",
        params={"orderNo": orders[0]["order"]["orderNo"]},
        headers=ADMIN,
    ).json()["items"][0]
    detail = httpx.get(f"{live_server.url}/v1/declarations/{first['id']}", headers=ADMIN).json()
    assert [i["gcode"] for i in detail["documents"]["order"]["items"]] == [
        PRODUCTS[1].gcode,
        PRODUCTS[9].gcode,
    ]


def test_a_csv_file_with_an_unknown_column_is_refused_before_anything_is_sent(
    live_server: LiveServer, platform_key: str, tmp_path: Path
) -> None:
    file = tmp_path / "orders.csv"
    file.write_text("order.orderNo,order.actualPaid\nA1,10\n")
    result = run(live_server, platform_key, "submit", str(file))
    assert result.exit_code == 2
    assert "order.actualPaid" in result.output
    assert declared(live_server) == []


def post_receipt(server: LiveServer, declaration_id: str, agency: str, status: str) -> None:
    receipt = {
        "declarationId": declaration_id,
        "agency": agency,
        "status": status,
        "sequence": 2,
        "decidedAt": datetime.now(UTC).isoformat(),
    } | ({"tax": TAX} if agency == "tax" else {})
    body = json.dumps({"receipts": [receipt]}).encode()
    answer = httpx.post(
        f"{server.url}/v1/receipts/{agency}",
        content=body,
        headers=signed_headers(SECRETS[agency], body),
    )
    assert answer.is_success, answer.text


def test_status_watch_prints_each_change_and_exits_on_a_final_status(
    live_server: LiveServer, platform_key: str, declarations: Declarations, tmp_path: Path
) -> None:
    order = declarations.valid()
    file = write_ndjson(tmp_path / "orders.ndjson", [order])
    assert run(live_server, platform_key, "submit", str(file)).exit_code == 0
    order_no = order["order"]["orderNo"]
    [listed] = httpx.get(
        f"{live_server.url}/v1/declarations", params={"orderNo": order_no}, headers=ADMIN
    ).json()["items"]
    derive(live_server.engine)

    def clear_it() -> None:
        time.sleep(0.5)  # the watch has started by then
        for agency, final in (
            ("customs", "released"),
            ("inspection", "passed"),
            ("tax", "assessed"),
            ("forex", "recorded"),
        ):
            post_receipt(live_server, listed["id"], agency, final)

    clearing = threading.Thread(target=clear_it)
    clearing.start()
    try:
        started = time.monotonic()
        result = run(live_server, platform_key, "status", order_no, "--watch", "--interval", "0.1")
    finally:
        clearing.join()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    lines = result.stdout.splitlines()
    assert lines[0] == f"declaration {listed['id']}"
    assert "accepted (120)" in lines[1]
    assert "cleared (800)" in lines[-1]

    # Without --watch, by id: the history once.
    once = run(live_server, platform_key, "status", listed["id"])
    assert once.exit_code == 0, once.output
    assert "cleared (800)" in once.stdout.splitlines()[-1]


def test_status_of_an_order_no_one_declared_says_so(
    live_server: LiveServer, platform_key: str
) -> None:
    result = run(live_server, platform_key, "status", "NO-SUCH-ORDER")
    assert result.exit_code == 1
    assert "no declaration with the order number or id 'NO-SUCH-ORDER'" in result.stderr


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The parties the example files name (as in the README's walk-through).
EXAMPLE_PARTIES = [
    ("91110105AGYGLUY3WK", "1105960001", "platform"),
    ("91110101WKKHDRJHTA", "1105960002", "ecommerce"),
    ("91310101QQJE70K23J", "3101960003", "payment"),
    ("91110108T3E0TWMFMN", "1101960004", "logistics"),
]


def test_the_example_files_are_declared_as_examples_submit_md_says(
    live_server: LiveServer, tmp_path: Path
) -> None:
    keys = {}
    for uscc, code, role in EXAMPLE_PARTIES:
        body = {
            "uscc": uscc,
            "customsCode": code,
            "name": f"{role} 有限公司",
            "roles": [role],
            "contactName": "王芳",
            "telephone": "13800138000",
        }
        answer = httpx.post(f"{live_server.url}/v1/enterprises", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.text
        keys[code] = answer.json()["apiKey"]["key"]
    register_everywhere(live_server.engine, list(keys))
    platform = keys["1105960001"]
    for name in ("orders.ndjson", "orders.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())

    day = run(live_server, platform, "submit", str(tmp_path / "orders.ndjson"))
    assert day.exit_code == 1, day.output
    assert "3 accepted, 0 already declared, 1 refused" in day.stderr
    [refused] = refused_lines(tmp_path / "orders.ndjson")
    assert [v["code"] for v in refused["violations"]] == ["paid_amount_mismatch"]

    flat = run(live_server, platform, "submit", str(tmp_path / "orders.csv"))
    assert flat.exit_code == 0, flat.output
    assert "2 accepted, 0 already declared, 0 refused" in flat.stderr
