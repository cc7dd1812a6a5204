"""What people read in the answers: every problem's `type` is a page the service serves;
`/validate` leaves out what does not apply instead of sending null; a refusal names the
caller's kind of key in plain words, in each language alone; amounts have two decimals;
the agencies give their reasons in English and in Chinese, each in its own member; and no
error names one of the service's own classes."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from app.agencies.client import classify
from app.domain.money import amount_text, yuan
from mock_agencies.documents import read_documents
from mock_agencies.rules import customs, forex, inspection, tax
from tests.support.factories import Declarations
from tests.support.receipts import TAX, receipt, send
from tests.support.service import bearer_of, settle

CJK = re.compile(r"[\u4e00-\u9fff]")
MOCK_AGENCIES = Path(__file__).resolve().parents[2] / "mock_agencies"


def test_a_problem_type_is_a_page_of_the_service_in_both_languages(client: TestClient) -> None:
    problem = client.get("/v1/declarations/01234567-no-such").json()
    assert problem["type"] == "/problems/declaration_not_found"
    page = client.get(problem["type"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "No such declaration" in page.text
    assert "申报单不存在" in page.text
    assert "HTTP 404" in page.text
    # The old spelling with dashes finds the same page.
    assert "申报单不存在" in client.get("/problems/declaration-not-found").text


def test_every_problem_code_has_a_page_listed_in_the_index(client: TestClient) -> None:
    index = client.get("/problems")
    assert index.status_code == 200
    for code in ("declaration_refused", "duplicate_order", "rate_limited", "unauthenticated"):
        assert f'href="/problems/{code}"' in index.text
    # A code set at run time (a certificate's, a signature's) still has a page.
    assert client.get("/problems/certificate_expired").status_code == 200
    refused = client.get("/problems/Not%20a%20code")
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"


def test_validate_leaves_out_the_members_that_do_not_apply(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    body["payment"]["amountPaid"] = "1.00"
    answer = filed_client.post("/v1/declarations/validate", json=body)
    assert answer.status_code == 200
    violations = answer.json()["violations"]
    assert violations
    for violation in violations:
        assert {"code", "pointer", "message", "messageZh"} <= set(violation)
        assert not {"parameter", "line", "element"} & set(violation), violation
    assert "null" not in answer.text


def test_a_refusal_names_the_kind_of_key_in_plain_words(filed_client: TestClient) -> None:
    platform = bearer_of(filed_client, Declarations().valid()["order"]["ebpCode"])
    answer = filed_client.get("/v1/regulator/stats", headers=platform)
    assert answer.status_code == 403
    problem = answer.json()
    assert problem["detail"] == "An enterprise key may not call GET /v1/regulator/stats."
    assert problem["detailZh"] == "企业密钥无权调用该接口。"


def test_amounts_are_shown_with_two_decimals(
    filed_client: TestClient, declarations: Declarations
) -> None:
    accepted = filed_client.post("/v1/declarations", json=declarations.valid()).json()
    settle(filed_client)
    send(
        filed_client,
        "tax",
        receipt(accepted["id"], "tax", "assessed", 2, tax=TAX | {"total": "60.8"}),
    )
    shown = filed_client.get(f"/v1/declarations/{accepted['id']}").json()
    # Kept with five decimals, shown with two.
    assert re.fullmatch(r"\d+\.\d\d", shown["dutiableValue"]), shown["dutiableValue"]
    assert shown["tax"]["total"] == "60.80"
    assert shown["tax"]["customsTax"] == "0.00"
    listed = filed_client.get("/v1/declarations").json()["items"]
    assert listed[0]["dutiableValue"] == shown["dutiableValue"]
    stats = filed_client.get("/v1/regulator/stats").json()
    assert re.fullmatch(r"\d+\.\d\d", stats["declaredValue"]), stats["declaredValue"]


def test_amounts_in_messages_have_two_decimals_and_never_an_exponent() -> None:
    assert yuan(Decimal("339.00000")) == "339.00"
    assert yuan(Decimal("12.345")) == "12.35"  # half up, to the fen
    assert amount_text(Decimal("1.072E+4")) == "10720.00"
    assert amount_text(Decimal("119.7")) == "119.70"
    assert amount_text(Decimal("0.12345")) == "0.12345"  # nothing rounded away


def test_a_line_total_refused_says_the_expected_amount_as_money(
    filed_client: TestClient, declarations: Declarations
) -> None:
    body = declarations.valid()
    body["order"]["items"][0]["qty"] = "40"
    answer = filed_client.post("/v1/declarations/validate", json=body).json()
    [line] = [v for v in answer["violations"] if v["code"] == "line_total_mismatch"]
    expected = line["message"].rsplit("= ", 1)[1]
    assert re.fullmatch(r"\d+\.\d\d", expected), line["message"]


def test_every_agency_reason_has_an_english_and_a_chinese_message_apart() -> None:
    """Each ``Reason(...)`` the simulated agencies write: ``message`` in English only,
    ``messageZh`` in Chinese."""
    calls = 0
    for path in sorted(MOCK_AGENCIES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Reason"):
                continue
            calls += 1
            given = {k.arg: _text(k.value) for k in node.keywords}
            where = f"{path.name}:{node.lineno}"
            assert "messageZh" in given, f"{where}: no messageZh"
            assert not CJK.search(given["message"]), f"{where}: {given['message']!r}"
            assert CJK.search(given["messageZh"]), f"{where}: {given['messageZh']!r}"
    assert calls >= 10


def _text(node: ast.expr) -> str:
    """The literal parts of a string or f-string."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) for part in node.values)
    if isinstance(node, ast.BinOp):  # "…" + "…"
        return _text(node.left) + _text(node.right)
    return ""


def test_the_agencies_decisions_carry_both_messages() -> None:
    beef = Declarations().valid()
    beef["order"]["items"][0]["gcode"] = "0202300090"
    unpaid = Declarations().valid(tax_total=Decimal("0"))
    reasons = [
        *customs.off_the_list(read_documents(beef), customs.load_positive_list()),
        *inspection.decide("D1", read_documents(beef)).reasons,
        *tax.decide(read_documents(unpaid)).reasons,
        *forex.decide(read_documents(unpaid), None).reasons,
        customs.LISTED,
        customs.DETAINED,
    ]
    assert len(reasons) == 6
    for reason in reasons:
        assert reason.messageZh is not None
        assert CJK.search(reason.messageZh), reason
        assert not CJK.search(reason.message), reason
        assert reason.model_dump()["messageZh"] == reason.messageZh


def test_delivery_errors_are_said_in_words_not_class_names() -> None:
    refused = classify(httpx.ConnectError("[Errno 111] Connection refused"))
    assert str(refused) == "could not connect: [Errno 111] Connection refused"
    assert str(classify(httpx.ReadTimeout(""))) == "no answer in time"
    assert "Error" not in str(classify(RuntimeError("boom")))
