"""CEB messages: the official samples read and validate, every schema violation is
reported at once with its line and element, records map to the JSON API's documents,
receipts and the CEB900 refusal are well formed, and the samples' real inconsistencies
come out of the service's rules by rule code."""

from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree

from app.ceb import xml
from app.ceb.messages import BaseTransfer, build_message, read_message, to_message
from app.ceb.receipts import REFUSED, Outcome, build_receipt, error_message, return_time
from app.ceb.xml import CebXmlError, XmlProblem
from app.domain import rules
from app.domain.violations import RuleCode, violation
from app.schemas.declaration import DeclarationSet
from tests.support.ceb import sample, xsd_dir

IMPORTS = ["CEB311", "CEB411", "CEB511", "CEB621"]
RECEIPTS = ["CEB312", "CEB412", "CEB512", "CEB622"]
PRE_NO = "B20260101000000001"


@pytest.mark.parametrize(
    "message_type", [*IMPORTS, *RECEIPTS, "CEB623", "CEB624", "CEB625", "CEB626", "CEB711"]
)
def test_every_official_sample_reads_and_validates(message_type: str) -> None:
    tree = xml.read(sample(message_type), xsd_dir())
    assert xml.local_name(tree.getroot()) == f"{message_type}Message"


@pytest.mark.parametrize("message_type", [*IMPORTS, *RECEIPTS])
def test_the_samples_map_record_by_record(message_type: str) -> None:
    message = read_message(sample(message_type), xsd_dir())
    assert message.type == message_type
    assert message.guid == "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"
    assert message.version == "1.0"
    records = etree.fromstring(sample(message_type)).findall("{*}*")
    expected = [r for r in records if etree.QName(r).localname not in ("BaseTransfer",)]
    expected = [r for r in expected if etree.QName(r).namespace == xml.CEB_NS]
    assert len(message.documents) == len(expected)
    assert len(message.lines) == len(message.documents)
    if message_type in IMPORTS:
        assert message.signed
        assert message.baseTransfer is not None
        assert message.baseTransfer.copCode == "1101180326"
    else:
        assert message.baseTransfer is None


def test_an_order_record_is_the_json_api_order() -> None:
    message = read_message(sample("CEB311"), xsd_dir())
    order = message.documents[0]
    assert order["orderNo"] == "order20160321116421002"
    assert order["acturalPaid"] == "19050"
    assert order["items"][1] == {
        "gnum": 2,
        "itemNo": "AF001-002",
        "itemName": "v",
        "gmodel": "33mm",
        "itemDescribe": "v",
        "barCode": "2345123",
        "unit": "007",
        "qty": "200",
        "price": "10",
        "totalPrice": "12000",
        "currency": "142",
        "country": "116",
    }  # its empty <ceb:note></ceb:note> is absent
    assert message.baseTransfer == BaseTransfer(
        "1101180326", "物流企业", "DXP", "EXP2016522002580001", "test"
    )


def test_an_inventory_record_carries_the_declarant_fields() -> None:
    (inventory, *_) = read_message(sample("CEB621"), xsd_dir()).documents
    assert inventory["copNo"] == "NBBH20160308005"
    assert "preNo" not in inventory  # empty in the sample
    assert (inventory["customsCode"], inventory["portCode"]) == ("3700", "3700")
    assert (inventory["agentCode"], inventory["tradeMode"]) == ("1105910159", "9610")
    assert inventory["items"][0]["gcode"] == "8541401000"
    assert inventory["items"][0]["qty1"] == "200"


def test_every_schema_violation_is_reported_with_line_and_element() -> None:
    body = (
        sample("CEB411")
        .replace(b"<ceb:payerIdType>1</ceb:payerIdType>", b"<ceb:payerIdType>11</ceb:payerIdType>")
        .replace(b"<ceb:amountPaid>19050</ceb:amountPaid>", b"<ceb:amountPaid>x</ceb:amountPaid>")
        .replace(b"<ceb:currency>142</ceb:currency>", b"<ceb:currency>502</ceb:currency>", 1)
    )
    with pytest.raises(CebXmlError) as caught:
        read_message(body, xsd_dir())
    problems = caught.value.problems
    assert caught.value.code == xml.SCHEMA_VIOLATION
    # Ten payments, each with a bad ID type and a bad amount; the first also a bad currency.
    by_element = [p.element for p in problems]
    assert by_element.count("payerIdType") == 10
    assert by_element.count("amountPaid") == 10
    assert by_element.count("currency") == 1
    lines = body.decode().splitlines()
    for problem in problems:
        assert problem.line is not None
        assert f"<ceb:{problem.element}>" in lines[problem.line - 1]
        assert problem.messageZh.startswith(f"第 {problem.line} 行")


def test_a_missing_element_names_its_parent() -> None:
    body = sample("CEB511").replace(b"<ceb:logisticsNo>L201603081138007</ceb:logisticsNo>", b"")
    with pytest.raises(CebXmlError) as caught:
        read_message(body, xsd_dir())
    first = caught.value.problems[0]
    assert first.element == "billNo"
    assert "logisticsNo" in first.message


def test_a_message_the_window_does_not_take_is_named() -> None:
    with pytest.raises(CebXmlError) as caught:
        read_message(sample("CEB711"), xsd_dir())
    assert caught.value.code == xml.UNKNOWN_MESSAGE
    assert caught.value.problems[0].element == "CEB711Message"


def test_an_unsigned_inventory_is_not_valid_until_signed() -> None:
    message = read_message(sample("CEB621"), xsd_dir())
    body = build_message("CEB621", message.documents, message.baseTransfer)
    with pytest.raises(CebXmlError, match="Signature"):
        xml.read(body, xsd_dir())
    xml.validate(xml.parse(body), xsd_dir(), signature_required=False)


# -- receipts -------------------------------------------------------------------------


@pytest.mark.parametrize("message_type", IMPORTS)
def test_receipts_answer_each_record_and_validate(message_type: str) -> None:
    message = read_message(sample(message_type), xsd_dir())
    refusal = violation(
        RuleCode.LINE_TOTAL_MISMATCH, "/order/items/1/totalPrice", found=12000, expected=2000
    )
    outcomes = [
        Outcome.accepted(preNo=PRE_NO)
        if index % 2 == 0
        else Outcome.refused(REFUSED[message_type], [refusal], preNo=PRE_NO)
        for index in range(len(message.documents))
    ]
    now = datetime(2026, 1, 1, 4, 5, 6, 789000, tzinfo=UTC)
    body = build_receipt(message, outcomes, now=now)
    receipt = to_message(xml.read(body, xsd_dir()))
    assert receipt.type == {"CEB311": "CEB312", "CEB411": "CEB412", "CEB511": "CEB512"}.get(
        message_type, "CEB622"
    )
    assert len(receipt.documents) == len(message.documents)
    for record, answer in zip(message.documents, receipt.documents, strict=True):
        assert answer["guid"] == record["guid"]
        assert answer["returnTime"] == "20260101120506789"  # China time
        for key in ("orderNo", "payTransactionId", "logisticsNo", "copNo", "ebpCode"):
            if key in answer:
                assert answer[key] == record[key]
    assert receipt.documents[0]["returnStatus"] == "2"
    assert receipt.documents[1]["returnStatus"] == REFUSED[message_type]
    info = receipt.documents[1]["returnInfo"]
    assert info.startswith("line_total_mismatch: 总价 12000 应等于")
    assert "totalPrice 12000 should be qty × price = 2000" in info
    if message_type == "CEB621":
        assert receipt.documents[0]["preNo"] == PRE_NO


def test_a_long_return_info_is_cut_to_the_schema_limit() -> None:
    message = read_message(sample("CEB411"), xsd_dir())
    many = [violation(RuleCode.CURRENCY_NOT_CNY, "/x", found="x" * 60)] * 30
    outcomes = [Outcome.refused("-401001", many)] * len(message.documents)
    receipt = to_message(xml.read(build_receipt(message, outcomes), xsd_dir()))
    assert len(receipt.documents[0]["returnInfo"]) == 1000


def test_an_inventory_receipt_needs_a_pre_no() -> None:
    message = read_message(sample("CEB621"), xsd_dir())
    with pytest.raises(ValueError, match="18-character preNo"):
        build_receipt(message, [Outcome.accepted(preNo="short")] * len(message.documents))


def test_return_time_is_china_time_with_milliseconds() -> None:
    assert return_time(datetime(2025, 12, 31, 16, 0, 0, 5000, tzinfo=UTC)) == "20260101000000005"


def test_the_refusal_message_lists_every_problem() -> None:
    problems = [
        XmlProblem(
            xml.SCHEMA_VIOLATION, "Element 'orderNo': too long", "第 12 行 …", 12, "orderNo"
        ),
        XmlProblem(xml.SCHEMA_VIOLATION, "Element 'qty': not a decimal", "第 40 行 …", 40, "qty"),
        XmlProblem("signature_invalid", "the signature does not match\x00", "签名与报文不符"),
    ]
    root = etree.fromstring(error_message(problems, guid="G" * 36))
    assert root.tag == "CEB900Message"
    assert root.get("guid") == "G" * 36
    errors = root.findall("Error")
    assert [(e.get("code"), e.get("line"), e.get("element")) for e in errors] == [
        (xml.SCHEMA_VIOLATION, "12", "orderNo"),
        (xml.SCHEMA_VIOLATION, "40", "qty"),
        ("signature_invalid", None, None),
    ]
    assert errors[1].findtext("message") == "Element 'qty': not a decimal"
    assert errors[2].findtext("messageZh") == "签名与报文不符"


# -- the samples' real inconsistencies ---------------------------------------------------


def _sample_declarations() -> list[DeclarationSet]:
    """Each sample order with the sample waybill of the same order (the payment sample
    has none of the same order: its first payment stands in), the lines' HS codes taken
    from the sample inventory's lines of the same item."""
    orders = read_message(sample("CEB311"), xsd_dir()).documents
    payments = read_message(sample("CEB411"), xsd_dir()).documents
    waybills = read_message(sample("CEB511"), xsd_dir()).documents
    inventories = read_message(sample("CEB621"), xsd_dir()).documents
    hs_codes = {line["itemNo"]: line["gcode"] for i in inventories for line in i["items"]}
    found = []
    for order in orders:
        for line in order["items"]:
            line["gcode"] = hs_codes[line["itemNo"]]
        payment = next((p for p in payments if p["orderNo"] == order["orderNo"]), payments[0])
        waybill = next(w for w in waybills if w["orderNo"] == order["orderNo"])
        body: dict[str, Any] = {"order": order, "payment": payment, "logistics": waybill}
        found.append(DeclarationSet.model_validate(body))
    return found


def test_the_samples_real_inconsistencies_by_rule_code() -> None:
    for declaration in _sample_declarations():
        violations = rules.check_documents(declaration)
        found = {(v.code, v.pointer) for v in violations}
        # What each sample order breaks, by rule code (shown with pytest -s).
        print(declaration.order.orderNo, sorted({v.code for v in violations}))
        # 200 × 10 ≠ 12000 on the second line.
        assert (RuleCode.LINE_TOTAL_MISMATCH, "/order/items/1/totalPrice") in found
        # 130681136250023332: a bad check digit.
        assert (RuleCode.ID_NUMBER_INVALID, "/order/buyerIdNumber") in found
        # The order's consignee 焦洪宇, the waybill's 李小可.
        assert (RuleCode.CONSIGNEE_MISMATCH, "/logistics/consignee") in found
