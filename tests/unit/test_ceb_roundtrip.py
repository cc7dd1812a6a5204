"""JSON → CEB XML → JSON gives back every field the schema has: documents generated from
the schema's own constraints (ceb-import-202205.xsd: lengths, decimals, whole numbers,
optional elements), and declarations of the JSON API with varied values."""

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from app.ceb import xml
from app.ceb.messages import MESSAGE_TYPES, BaseTransfer, build_message, to_message
from app.schemas.declaration import DeclarationSet
from tests.support.ceb import xsd_dir
from tests.support.factories import Declarations

XS = "{http://www.w3.org/2001/XMLSchema}"
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any character XML 1.0 holds (no controls but tab, newline and carriage return, which
# the writer escapes; no surrogates or non-characters).
TEXT = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n\r"
)


@cache
def facets(directory: Path, element: str) -> dict[str, tuple[bool, str, dict[str, Any]]]:
    """Each child of ``element`` in the schema: (required, base type, its facets, and
    its fixed value if it has one: the currency is 142)."""
    tree = etree.parse(str(directory / xml.IMPORT_XSD))
    found = tree.find(f"{XS}element[@name='{element}']")
    children: dict[str, tuple[bool, str, dict[str, Any]]] = {}
    for child in found.find(f"{XS}complexType/{XS}sequence").findall(f"{XS}element"):
        restriction = child.find(f".//{XS}restriction")
        base = child.get("type") or restriction.get("base")
        limits: dict[str, Any] = {
            facet.tag.removeprefix(XS): int(facet.get("value"))
            for facet in (restriction if restriction is not None else [])
        }
        if child.get("fixed") is not None:
            limits["fixed"] = child.get("fixed")
        children[child.get("name")] = (child.get("minOccurs", "1") != "0", base, limits)
    return children


def value(base: str, limits: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "fixed" in limits:
        return st.just(limits["fixed"])
    if base == "xs:int":
        return st.integers(0, 10 ** limits.get("totalDigits", 9) - 1)
    if base == "xs:decimal":
        whole = limits["totalDigits"] - limits["fractionDigits"]
        return st.integers(0, limits["fractionDigits"]).flatmap(
            lambda places: st.decimals(
                min_value=-(10**whole) + 1, max_value=10**whole - 1, places=places
            ).map(lambda d: format(d, "f"))
        )
    low = limits.get("length", max(limits.get("minLength", 1), 1))
    high = limits.get("length", limits.get("maxLength", 40))
    return st.text(TEXT, min_size=low, max_size=min(high, 40))


def document(element: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = {}
    for name, (required, base, limits) in facets(xsd_dir(), element).items():
        strategy = value(base, limits)
        fields[name] = strategy if required else st.none() | strategy
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


@st.composite
def message_documents(draw: st.DrawFn, message_type: str) -> list[dict[str, Any]]:
    kind = MESSAGE_TYPES[message_type]
    documents = []
    for _ in range(draw(st.integers(1, 3))):
        head = draw(document(kind.head))
        if kind.line:
            head["items"] = draw(st.lists(document(kind.line), min_size=1, max_size=3))
        documents.append(head)
    return documents


SENDERS = st.builds(
    BaseTransfer,
    copCode=st.text(TEXT, min_size=1, max_size=18),
    copName=st.text(TEXT, min_size=1, max_size=100),
    dxpMode=st.just("DXP"),
    dxpId=st.text(TEXT, min_size=1, max_size=30),
    note=st.none() | st.text(TEXT, min_size=1, max_size=50),
)
GUIDS = st.text("0123456789ABCDEF-", min_size=36, max_size=36)


@pytest.mark.parametrize("message_type", ["CEB311", "CEB411", "CEB511", "CEB621"])
@EXAMPLES
@given(data=st.data())
def test_every_field_of_the_schema_comes_back(message_type: str, data: st.DataObject) -> None:
    documents = data.draw(message_documents(message_type))
    sender = data.draw(SENDERS)
    guid = data.draw(GUIDS)
    body = build_message(message_type, documents, sender, guid=guid, version="1.0")
    tree = xml.parse(body)
    # Valid as the schema has it (a CEB621 as if signed: it is signed after it is built).
    xml.validate(tree, xsd_dir(), signature_required=False)
    message = to_message(tree)
    assert message.type == message_type
    assert message.guid == guid
    assert message.version == "1.0"
    assert message.baseTransfer == sender
    assert message.documents == documents


def _part(message_type: str, document: dict[str, Any]) -> dict[str, Any]:
    (back,) = to_message(
        xml.read(
            build_message(message_type, [document], BaseTransfer("1105960001", "北京云购")),
            xsd_dir(),
        )
    ).documents
    return back


@EXAMPLES
@given(seed=st.integers(0, 2**32 - 1))
def test_a_declaration_of_the_json_api_comes_back(seed: int) -> None:
    original = DeclarationSet.model_validate(Declarations(seed).valid())
    order = original.order.model_dump(mode="json", exclude_none=True)
    back: dict[str, Any] = {
        "order": _part("CEB311", order),
        "payment": _part("CEB411", original.payment.model_dump(mode="json", exclude_none=True)),
        "logistics": _part("CEB511", original.logistics.model_dump(mode="json", exclude_none=True)),
        "tradeMode": original.tradeMode,
    }
    # The HS code of an order line travels on the CEB621 line, not in CEB311.
    for line, given_line in zip(back["order"]["items"], order["items"], strict=True):
        line["gcode"] = given_line["gcode"]
    again = DeclarationSet.model_validate(back)
    # The window fills a head's guid, appType, appTime and appStatus when they are absent.
    for part in ("order", "payment", "logistics"):
        for name in ("guid", "appType", "appTime", "appStatus"):
            setattr(getattr(again, part), name, getattr(getattr(original, part), name))
    assert again == original
    assert isinstance(again.order.goodsValue, Decimal)


def test_filled_head_fields() -> None:
    declaration = DeclarationSet.model_validate(Declarations(3).valid())
    back = _part("CEB311", declaration.order.model_dump(mode="json", exclude_none=True))
    assert len(back["guid"]) == 36
    assert back["guid"] == back["guid"].upper()
    assert (back["appType"], back["appStatus"], back["orderType"]) == ("1", "2", "I")
    assert len(back["appTime"]) == 14


def test_a_field_the_message_has_no_place_for_is_named() -> None:
    with pytest.raises(ValueError, match="PaymentHead has no field amountPayed"):
        build_message("CEB411", [{"payCode": "1", "amountPayed": "1"}], BaseTransfer("1", "a"))
